import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";

export const probe: Probe = {
  id: "auth.token-accepted",
  family: "auth",
  step: 3,
  title: "The access token is accepted",
  description:
    "Calls the user-info operation with the access token from the environment, as Reach does when a customer connects. A refused token means Reach cannot sync anything.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    if (!op) return { findings: [], skip: "The spec has no user-info operation." };
    const ex = await ctx.data.userInfo();
    if (!ex) return { findings: [], skip: "The spec has no user-info operation." };
    if (ex.error) {
      return { findings: [], skip: `user-info got no answer (${ex.error.message}); see schema.user-info.` };
    }
    const status = ex.response!.status;
    if (status === 401 || status === 403) {
      return {
        findings: [
          makeFinding(ctx, {
            code: `${this.id}/rejected`,
            severity: "fail",
            message: `The access token was refused by ${op.method} ${op.path} with ${status}.`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "Reach authenticates every request with the customer's OAuth 2.0 access token as `Authorization: Bearer <token>`.",
            },
            fix: "Check that the token in the environment variable is current and was issued by this deployment (see `reach-check login`), and that the API accepts the Bearer scheme.",
            operation: op,
            exchange: ex,
          }),
        ],
      };
    }
    return { findings: [], summary: `${op.method} ${op.path} accepted the token (${status}).` };
  },
};
