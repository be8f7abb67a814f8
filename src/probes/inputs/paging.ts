import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { baseRequest, firstCompany, integerBounds, parameterSchema, withQuery } from "../support/inputs.js";
import { judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "inputs.paging",
  family: "inputs",
  step: 2,
  title: "Out-of-range offset and limit are refused",
  description:
    "Asks each list for a limit one below and one above the spec's range (0 and 1001) and for offset -1: each must be refused with 400 in the error envelope rather than silently clamped, which would page Reach's sync differently from what it asked.",
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
    const all: Finding[][] = await Promise.all(
      ops.map(async (op) => {
        const req = await baseRequest(ctx, op, company);
        if (!req) return [];
        const limit = integerBounds(parameterSchema(ctx, op, p.limitParam), { min: p.minLimit, max: p.maxLimit });
        const offset = integerBounds(parameterSchema(ctx, op, p.offsetParam), { min: 0 });
        const bad: Record<string, number>[] = [];
        if (limit.min !== undefined) bad.push({ [p.limitParam]: limit.min - 1 });
        if (limit.max !== undefined) bad.push({ [p.limitParam]: limit.max + 1 });
        if (offset.min !== undefined) bad.push({ [p.offsetParam]: offset.min - 1 });
        const found = await Promise.all(
          bad.map(async (q) => {
            const what = Object.entries(q)
              .map(([k, v]) => `${k}=${v}`)
              .join("&");
            values.add(what);
            sent++;
            const ex = await sendBad(ctx, op, withQuery(req, q));
            return judgeRejection(ctx, this.id, {
              op,
              company,
              what: `with ${what}`,
              exchange: ex,
              accept: refusalStatuses(op),
              expected: `400 Bad Request when ${p.limitParam} is outside ${limit.min ?? "?"}..${limit.max ?? "?"} or ${p.offsetParam} is below ${offset.min ?? 0}`,
            });
          }),
        );
        return found.flat();
      }),
    );
    if (sent === 0) return { findings: [], skip: "No list request could be built to spoil." };
    const findings = foldFindings(all.flat(), "request");
    return { findings, summary: findings.length === 0 ? `${ops.length} lists refuse ${[...values].join(", ")} with the error envelope.` : undefined };
  },
};
