import type { Operation, Probe } from "../types.js";
import { baseRequest, firstCompany, withQuery } from "../support/inputs.js";
import { foldRejections, judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { companyOperations } from "../support/requests.js";
import { NO_COMPANY } from "../support/skips.js";

/** The query parameters an operation's spec marks `required: true`. */
function requiredQuery(op: Operation): string[] {
  return op.parameters.filter((p) => p.in === "query" && p.required).map((p) => p.name);
}

export const probe: Probe = {
  id: "inputs.required-parameters",
  family: "inputs",
  step: 2,
  title: "A request missing a required query parameter is refused",
  description:
    "Sends each company operation whose spec marks query parameters as required (the statements: StartDate, EndDate, AccountingBasis) once without each of them: each must be refused with 400 in the error envelope, not answered with figures for a default range or basis that Reach would file as what it asked for.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const company = firstCompany(ctx);
    if (!company) return { findings: [], skip: NO_COMPANY };
    // Every operation, not one: statements are often served by separate handlers, each with its own
    // parsing, and leaving out a parameter costs one small request that a conformant partner refuses
    // before reading any data (3 statements x 3 parameters in the bundled spec).
    const ops = companyOperations(ctx).filter((o) => requiredQuery(o).length > 0);
    if (ops.length === 0) return { findings: [], skip: "No company operation has a required query parameter in the spec." };
    const cases: { op: Operation; name: string; req: Parameters<typeof sendBad>[2] }[] = [];
    for (const op of ops) {
      const req = await baseRequest(ctx, op, company);
      if (!req) continue;
      // Only a parameter the valid request carries can be left out of it.
      for (const name of requiredQuery(op)) if (req.query?.[name] !== undefined) cases.push({ op, name, req: withQuery(req, { [name]: undefined }) });
    }
    if (cases.length === 0) return { findings: [], skip: "No valid request with its required query parameters could be built to spoil." };
    const all = await Promise.all(
      cases.map(async (c) => {
        const ex = await sendBad(ctx, c.op, c.req);
        const findings = judgeRejection(ctx, this.id, {
          op: c.op,
          company,
          what: `without the required query parameter ${c.name}`,
          exchange: ex,
          accept: refusalStatuses(c.op),
          expected: `400 Bad Request naming the missing parameter (the spec marks ${c.name} as required, so there is no default to fall back on)`,
        });
        return { what: `without ${c.name}`, findings };
      }),
    );
    const findings = foldRejections(all);
    const names = [...new Set(cases.map((c) => c.name))];
    return {
      findings,
      summary: findings.length === 0 ? `${cases.length} requests to ${ops.length} operations, each without one of ${names.join(", ")}, all refused with the error envelope.` : undefined,
    };
  },
};
