import type { Probe } from "../types.js";
import { atPointer, makeFinding } from "../support/findings.js";
import { checkDataResponse } from "../support/response.js";

export const probe: Probe = {
  id: "schema.user-info",
  family: "schema",
  step: 2,
  title: "User info and company list match the spec",
  description:
    "Validates the user-info response, where Reach learns which companies a token can read, and checks that it lists at least one company.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    const ex = await ctx.data.userInfo();
    if (!op || !ex) return { findings: [], skip: "The spec has no user-info operation." };
    const checked = checkDataResponse(ctx, this.id, op, ex);
    const findings = [...checked.findings];
    const pointer = op.profile.companiesPointer;
    if (checked.ok && pointer) {
      const list = atPointer(ex.response!.json, pointer);
      if (Array.isArray(list) && list.length === 0) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/no-companies`,
            severity: "fail",
            message: `${op.method} ${op.path} lists no company for this token, so Reach has nothing to sync.`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "Each customer's token gives access to that customer's company data.",
            },
            fix: "Grant the token access to the customer's companies and list them in the response.",
            operation: op,
            pointer,
            exchange: ex,
          }),
        );
      }
    }
    const count = (() => {
      const list = pointer && checked.ok ? atPointer(ex.response!.json, pointer) : undefined;
      return Array.isArray(list) ? list.length : undefined;
    })();
    return { findings, summary: findings.length === 0 ? `Valid; lists ${count ?? "?"} compan${count === 1 ? "y" : "ies"}.` : undefined };
  },
};
