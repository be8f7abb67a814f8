import type { JsonSchema } from "../../spec/types.js";
import type { Probe } from "../types.js";
import { baseRequest, firstCompany, integerBounds, parameterSchema, withQuery } from "../support/inputs.js";
import { foldRejections, judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { NO_COMPANY } from "../support/skips.js";

/** Values no reading of which is a number. */
const NOT_A_NUMBER = { limit: "abc", offset: "xyz" };

/** Whether the spec types a parameter as a number (integer or number, 3.0 or 3.1 style). */
function isNumeric(schema: JsonSchema | undefined): boolean {
  const t = schema?.type;
  const types = Array.isArray(t) ? t : [t];
  return types.includes("integer") || types.includes("number");
}

export const probe: Probe = {
  id: "inputs.paging",
  family: "inputs",
  step: 2,
  title: "Out-of-range or non-numeric offset and limit are refused",
  description:
    "Asks each list for a limit one below and one above the spec's range (0 and 1001), for offset -1, and for a limit and an offset that are not numbers (abc, xyz): each must be refused with 400 in the error envelope rather than silently clamped or replaced by the default, which would page Reach's sync differently from what it asked.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const p = ctx.contract.profile.pagination;
    const company = firstCompany(ctx);
    if (!company) return { findings: [], skip: NO_COMPANY };
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    const values = new Set<string>();
    let sent = 0;
    const all = await Promise.all(
      ops.map(async (op) => {
        const req = await baseRequest(ctx, op, company);
        if (!req) return [];
        const limitSchema = parameterSchema(ctx, op, p.limitParam);
        const offsetSchema = parameterSchema(ctx, op, p.offsetParam);
        const limit = integerBounds(limitSchema, { min: p.minLimit, max: p.maxLimit });
        const offset = integerBounds(offsetSchema, { min: 0 });
        const bad: Record<string, string | number>[] = [];
        if (limit.min !== undefined) bad.push({ [p.limitParam]: limit.min - 1 });
        if (limit.max !== undefined) bad.push({ [p.limitParam]: limit.max + 1 });
        if (offset.min !== undefined) bad.push({ [p.offsetParam]: offset.min - 1 });
        // Not a number at all: an integer parameter cannot take it, and a default in its place
        // would page Reach's sync in a way it never asked for.
        if (isNumeric(limitSchema)) bad.push({ [p.limitParam]: NOT_A_NUMBER.limit });
        if (isNumeric(offsetSchema)) bad.push({ [p.offsetParam]: NOT_A_NUMBER.offset });
        const found = await Promise.all(
          bad.map(async (q) => {
            const what = Object.entries(q)
              .map(([k, v]) => `${k}=${v}`)
              .join("&");
            values.add(what);
            sent++;
            const ex = await sendBad(ctx, op, withQuery(req, q));
            const findings = judgeRejection(ctx, this.id, {
              op,
              company,
              what: `with ${what}`,
              exchange: ex,
              accept: refusalStatuses(op),
              expected: `400 Bad Request when ${p.limitParam} is not a whole number in ${limit.min ?? "?"}..${limit.max ?? "?"} or ${p.offsetParam} is not a whole number of at least ${offset.min ?? 0}`,
            });
            return { what: `with ${what}`, findings };
          }),
        );
        return found;
      }),
    );
    if (sent === 0) return { findings: [], skip: "No list request could be built to spoil." };
    const findings = foldRejections(all.flat());
    return { findings, summary: findings.length === 0 ? `${ops.length} lists refuse ${[...values].join(", ")} with the error envelope.` : undefined };
  },
};
