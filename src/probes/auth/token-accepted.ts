import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { frontServerAnswer } from "../support/front-server.js";

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
      // RFC 6750 section 3.1: a request that carried a token it refuses gets error="invalid_token";
      // a challenge without an error code is the answer to a request with no token at all, so the
      // Authorization header most likely never reached the API (a proxy or gateway dropped it).
      const challenge = ex.response!.headers["www-authenticate"];
      const noTokenSeen = status === 401 && challenge !== undefined && /^\s*bearer\b/i.test(challenge) && !/\berror\s*=/i.test(challenge);
      const hint = noTokenSeen
        ? ` Its challenge (${challenge.length > 120 ? `${challenge.slice(0, 119)}…` : challenge}) carries no error code, which RFC 6750 gives to a request without a token: the Authorization header may not have reached the API.`
        : "";
      return {
        findings: [
          makeFinding(ctx, {
            code: `${this.id}/rejected`,
            severity: "fail",
            message: `The access token was refused by ${op.method} ${op.path} with ${status}.${hint}`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "Reach authenticates every request with the customer's OAuth 2.0 access token as `Authorization: Bearer <token>`.",
            },
            fix: noTokenSeen
              ? "Check that every server in front of the API passes the Authorization header on (a proxy, load balancer or gateway may drop it; Apache needs CGIPassAuth or a rewrite), then that the token is current and issued by this deployment (see `reach-check login`)."
              : "Check that the token in the environment variable is current and was issued by this deployment (see `reach-check login`), and that the API accepts the Bearer scheme.",
            operation: op,
            exchange: ex,
          }),
        ],
      };
    }
    if (status < 200 || status >= 300) {
      // Neither accepted nor refused: a 431 for a header too large, a 5xx, a redirect. Only a 2xx
      // says the token works; schema.user-info judges the answer itself.
      const front = frontServerAnswer(ex);
      return {
        findings: [
          makeFinding(ctx, {
            code: `${this.id}/not-accepted`,
            severity: "fail",
            message: `${op.method} ${op.path} answered ${status} to the access token: not a refusal, but not an answer to it either, so the token could not be shown to work.${front?.detail ?? ""}`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "Reach authenticates every request with the customer's OAuth 2.0 access token as `Authorization: Bearer <token>`.",
            },
            fix: front?.fix ?? "Answer user-info with 200 for a valid token (see schema.user-info for what the answer should hold).",
            operation: op,
            exchange: ex,
          }),
        ],
      };
    }
    return { findings: [], summary: `${op.method} ${op.path} accepted the token (${status}).` };
  },
};
