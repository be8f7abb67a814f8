import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { baseRequest, firstCompany, parameterSchema, queryParameter, withQuery } from "../support/inputs.js";
import { BAD_INPUT_RULE, judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { makeFinding } from "../support/findings.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "inputs.accounting-basis",
  family: "inputs",
  step: 2,
  title: "An unknown accounting basis is refused",
  description:
    "Asks each statement for an AccountingBasis outside the spec's enum: the answer must be 400 in the error envelope, not figures in some default basis that Reach would file as cash or accrual.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const name = ctx.contract.profile.parameters.accountingBasis;
    const company = firstCompany(ctx);
    if (!company) return { findings: [], skip: NO_COMPANY };
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "statement" && queryParameter(o, name));
    if (ops.length === 0) return { findings: [], skip: `No statement takes ${name}.` };
    let sent = 0;
    let bad = "";
    let lowered: string | undefined;
    const all: Finding[][] = await Promise.all(
      ops.map(async (op) => {
        const schema = parameterSchema(ctx, op, name);
        const known = Array.isArray(schema?.enum) ? schema.enum.map(String) : ctx.contract.profile.parameters.accountingBases;
        let value = "NOT_A_BASIS";
        while (known.includes(value)) value += "_X";
        bad = value;
        const req = await baseRequest(ctx, op, company);
        if (!req) return [];
        sent++;
        const ex = await sendBad(ctx, op, withQuery(req, { [name]: value }));
        const found = judgeRejection(ctx, this.id, {
          op,
          company,
          what: `with ${name}=${value}`,
          exchange: ex,
          accept: refusalStatuses(op),
          expected: `400 Bad Request when ${name} is not one of ${known.join(", ")}`,
        });
        // A known basis in lower case: refusing it (400) or reading it as the basis (200) are both
        // fine; a server error is not (a bad input is refused, never a 5xx).
        const lower = known.map((k) => k.toLowerCase()).find((k) => !known.includes(k));
        if (lower !== undefined) {
          lowered = lower;
          const again = await sendBad(ctx, op, withQuery(req, { [name]: lower }));
          const status = again.response?.status;
          if (status !== undefined && status >= 500) {
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/server-error`,
                severity: "fail",
                message: `${op.method} ${op.path} answered ${status} to ${name}=${lower} (a basis of the spec in lower case): a value outside the enum is refused with 400, or read as the basis it names, never a server error.`,
                rule: BAD_INPUT_RULE,
                fix: `Validate ${name} before using it: answer 400 in the error envelope for any value other than ${known.join(", ")} (or compare without regard to case), instead of failing.`,
                operation: op,
                company,
                exchange: again,
                evidence: { expected: "400, or 200 with that basis's figures", actual: String(status) },
              }),
            );
          }
        }
        return found;
      }),
    );
    if (sent === 0) return { findings: [], skip: "No valid statement request could be built to spoil." };
    const findings = foldFindings(all.flat(), "request");
    return {
      findings,
      summary: findings.length === 0 ? `${sent} statements refuse ${name}=${bad} with the error envelope${lowered !== undefined ? `, and answer ${name}=${lowered} without a server error` : ""}.` : undefined,
    };
  },
};
