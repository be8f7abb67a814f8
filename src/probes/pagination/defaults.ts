import { idOf, operationPath } from "../../engine/shared-data.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { dataOf, echoOf } from "../support/paging.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "pagination.defaults",
  family: "pagination",
  step: 2,
  title: "Lists apply the default offset and limit",
  description:
    "Requests the first page of each list without offset and limit and compares it with an explicit request for the spec's defaults (offset 0, limit 100), whose values Pagination must echo: a partner must not need the parameters to page correctly.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const p = ctx.contract.profile.pagination;
    const defaults = `${p.offsetParam}=${p.defaultOffset}&${p.limitParam}=${p.defaultLimit}`;
    const rule = {
      ref: "reach:reference-data#pagination-parameters",
      text: `offset and limit are optional: without them a list answers as with ${p.offsetParam}=${p.defaultOffset} and ${p.limitParam}=${p.defaultLimit}.`,
    };
    const all: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.map(async (op): Promise<Finding[]> => {
          const send = (query?: Record<string, number>) =>
            ctx.http.send({ method: "GET", path: operationPath(op, company), query, operation: { method: op.method, path: op.path }, cache: true });
          const [bare, explicit] = await Promise.all([send(), send({ [p.offsetParam]: p.defaultOffset, [p.limitParam]: p.defaultLimit })]);
          const checked = checkDataResponse(ctx, this.id, op, bare, { company, allow204: true });
          if (!checked.ok) return checked.findings.filter((f) => f.severity === "fail");
          // The request with the defaults written out is this check's own (the walks use other
          // limits): a failure of it is reported here, or nobody would.
          const checkedExplicit = checkDataResponse(ctx, this.id, op, explicit, { company, allow204: true });
          if (!checkedExplicit.ok) return checkedExplicit.findings.filter((f) => f.severity === "fail");
          const a = dataOf(ctx, bare);
          const b = dataOf(ctx, explicit);
          if (!a || !b) return []; // a 204: no page to compare
          const ida = a.map((r) => idOf(r, op.profile.idField));
          const idb = b.map((r) => idOf(r, op.profile.idField));
          const pagOf = (ex: typeof bare) => JSON.stringify((ex.response!.json as Record<string, unknown>)[p.paginationField] ?? null);
          const sameIds = ida.length === idb.length && ida.every((id, i) => id === idb[i]);
          if (sameIds && pagOf(bare) === pagOf(explicit)) {
            // Both answer alike; the echo must still name the defaults the partner applied.
            const { echoedOffset, echoedLimit } = echoOf(ctx, bare.response!.json);
            const wrong: string[] = [];
            if (echoedOffset !== undefined && echoedOffset !== p.defaultOffset) wrong.push(`${p.offsetParam} ${echoedOffset}`);
            if (echoedLimit !== undefined && echoedLimit !== p.defaultLimit) wrong.push(`${p.limitParam} ${echoedLimit}`);
            if (wrong.length === 0) return [];
            return [
              makeFinding(ctx, {
                code: `${this.id}/echo`,
                severity: "fail",
                message: `The ${op.profile.name} list of ${company} without paging parameters reports ${wrong.join(" and ")} in ${p.paginationField} (${ida.length} records on the page); the spec's defaults are ${p.offsetParam} ${p.defaultOffset} and ${p.limitParam} ${p.defaultLimit}.`,
                rule: {
                  ref: rule.ref,
                  text: `${rule.text} The response echoes the offset and limit applied in ${p.paginationField}.${p.offsetParam} and ${p.paginationField}.${p.limitParam}.`,
                },
                fix: `Apply ${p.offsetParam} ${p.defaultOffset} and ${p.limitParam} ${p.defaultLimit} when they are absent, and echo them in ${p.paginationField}.`,
                operation: op,
                company,
                exchange: bare,
                pointer: `/${p.paginationField}/${echoedOffset !== undefined && echoedOffset !== p.defaultOffset ? p.offsetParam : p.limitParam}`,
                evidence: { expected: `${p.offsetParam} = ${p.defaultOffset}, ${p.limitParam} = ${p.defaultLimit}`, actual: wrong.join(", ") },
              }),
            ];
          }
          return [
            makeFinding(ctx, {
              code: `${this.id}/differs`,
              severity: "fail",
              message: sameIds
                ? `The ${op.profile.name} list of ${company} without paging parameters reports ${p.paginationField} ${pagOf(bare)}, but ${pagOf(explicit)} with ${defaults}.`
                : `The ${op.profile.name} list of ${company} without paging parameters returns ${ida.length} records${ida.length > 0 ? ` starting with ${ida[0]}` : ""}; with ${defaults} it returns ${idb.length}${idb.length > 0 ? ` starting with ${idb[0]}` : ""}.`,
              rule,
              fix: `Default ${p.offsetParam} to ${p.defaultOffset} and ${p.limitParam} to ${p.defaultLimit} when they are absent.`,
              operation: op,
              company,
              exchange: bare,
              pointer: sameIds ? `/${p.paginationField}` : `/${p.dataField}`,
              evidence: {
                expected: `as with ${defaults}: ${idb.length} records, ${p.paginationField} ${pagOf(explicit)}`,
                actual: `${ida.length} records, ${p.paginationField} ${pagOf(bare)}`,
              },
            }),
          ];
        }),
      ),
    );
    const findings = all.flat();
    return { findings, summary: findings.length === 0 ? `${ops.length * ctx.companies.length} lists answer the same without paging parameters as with ${defaults}.` : undefined };
  },
};
