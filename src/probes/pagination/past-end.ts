import { idOf, operationPath } from "../../engine/shared-data.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { agreedTotal, dataOf, pagesOfListAll, PAGING_RULE } from "../support/paging.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "pagination.past-end",
  family: "pagination",
  step: 2,
  title: "An offset past the end of a list is an empty page",
  description:
    "Asks each list for the page just past its last record: the answer is 200 with an empty Data array, not an error, so a sync that pages one step too far does not fail.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const p = ctx.contract.profile.pagination;
    const { pageSize } = ctx.data.pageLimits();
    let asked = 0;
    const all: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.map(async (op): Promise<Finding[]> => {
          const walk = await ctx.data.listAll(op, company);
          if (!walk.complete) return []; // the end is unknown; pagination.walk reports why
          // The walk ends at a page shorter than the limit; when Pagination.total says the list is
          // longer, records may lie between the two (pagination.walk reports that): step past both.
          const total = agreedTotal(pagesOfListAll(ctx, walk, pageSize).pages);
          const offset = Math.max(walk.records.length, total ?? 0, 1);
          const known = total !== undefined && total !== walk.records.length ? `a full walk found ${walk.records.length}, ${p.paginationField}.${p.totalField} says ${total}` : `a full walk found ${walk.records.length}`;
          asked++;
          const ex = await ctx.http.send({
            method: "GET",
            path: operationPath(op, company),
            query: { [p.offsetParam]: offset, [p.limitParam]: pageSize },
            operation: { method: op.method, path: op.path },
            cache: true,
          });
          const checked = checkDataResponse(ctx, this.id, op, ex, { company, allow204: true });
          const found = checked.findings.map((f) =>
            f.code === `${this.id}/status`
              ? {
                  ...f,
                  message: `${op.method} ${op.path} answered ${ex.response?.status} for offset ${offset}, just past the last record of the ${op.profile.name} list of ${company} (${known}); expected 200 with an empty ${p.dataField} array.`,
                  rule: PAGING_RULE,
                  fix: `Answer an offset at or past the end with 200, an empty ${p.dataField} array and the usual ${p.paginationField}.`,
                }
              : f,
          );
          const data = dataOf(ctx, ex);
          if (data && data.length > 0) {
            // The list's first records again: the offset is not applied at all.
            const first = walk.records.slice(0, data.length).map((r) => idOf(r, op.profile.idField));
            let fromStart = op.profile.idField !== undefined && first.length === data.length && data.every((r, i) => idOf(r, op.profile.idField) === first[i]);
            // A list that fits in one page: its first records are also its last page. One request at
            // the last record tells an ignored offset from a last page repeated past the end.
            let lastPageAgain = false;
            if (fromStart && data.length === walk.records.length && walk.records.length >= 2) {
              const probe = await ctx.http.send({
                method: "GET",
                path: operationPath(op, company),
                query: { [p.offsetParam]: walk.records.length - 1, [p.limitParam]: pageSize },
                operation: { method: op.method, path: op.path },
                cache: true,
              });
              const tail = dataOf(ctx, probe);
              if (tail && tail.length === 1 && idOf(tail[0], op.profile.idField) === idOf(walk.records[walk.records.length - 1], op.profile.idField)) {
                fromStart = false;
                lastPageAgain = true;
              }
            }
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/not-empty`,
                severity: "fail",
                message: `The ${op.profile.name} list of ${company} returns ${data.length} records at offset ${offset}, past its last record (${known}).${
                  fromStart
                    ? ` They are the list's first ${data.length} records, in order: the offset is ignored.`
                    : lastPageAgain
                      ? ` They are the list's last page again, while offset ${walk.records.length - 1} gives the last record alone: the offset works inside the list, and a page past the end falls back to the last one.`
                      : ""
                }`,
                rule: PAGING_RULE,
                fix: fromStart
                  ? `Apply \`${p.offsetParam}\`: skip that many records before the page (pagination.walk shows the same records on every page).`
                  : lastPageAgain
                    ? `Answer an offset at or past the end with an empty ${p.dataField} array, not the last page: a client pages until it gets an empty or short page.`
                    : `Apply \`${p.offsetParam}\` to the same records ${p.paginationField}.${p.totalField} counts, so that past the end the page is empty (an offset counted before a filter that then drops records, such as inactive ones, lands inside the list).`,
                operation: op,
                company,
                exchange: ex,
                pointer: `/${p.dataField}/0`,
                evidence: { expected: `${p.dataField}: []`, actual: `${data.length} records` },
              }),
            );
          }
          return found;
        }),
      ),
    );
    const findings = all.flat();
    if (asked === 0) return { findings, skip: "No list could be walked to its end, so there is no end to step past (see pagination.walk)." };
    return { findings, summary: findings.length === 0 ? `${asked} lists answer an empty page past their end.` : undefined };
  },
};
