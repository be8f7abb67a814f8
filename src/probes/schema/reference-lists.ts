import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding, PAGE_CAP, RULES } from "../support/findings.js";
import { foldFindings } from "../support/fold.js";
import { checkDataResponse } from "../support/response.js";
import { emptyNameFinding } from "../support/empty-names.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.reference-lists",
  family: "schema",
  step: 2,
  title: "Reference lists match the spec on every page",
  description:
    "Walks every page of every list (chart of accounts, budgets, classes, departments, non-financial metrics) for each company and validates each page: status, JSON content type, the Data/Pagination envelope and every record.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    let pages = 0;
    let records = 0;
    const perWalk: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.map(async (op) => {
          const walk = await ctx.data.listAll(op, company);
          pages += walk.pages.length;
          records += walk.records.length;
          const found: Finding[] = [];
          for (const ex of walk.pages) {
            found.push(...checkDataResponse(ctx, this.id, op, ex, { company, allow204: true }).findings);
          }
          const empty = emptyNameFinding(ctx, this.id, op, walk.pages, company);
          if (empty) found.push(empty);
          if (walk.bound) {
            const { read, total, pageSize } = walk.bound;
            const enough = Math.ceil(total / Math.max(1, pageSize)) + 1;
            const asked = ctx.data.pageLimits().pageSize;
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/${PAGE_CAP}`,
                severity: "fail",
                message:
                  `reach-check read only ${read} of the ${total} records of the ${op.profile.name} list of ${company}: its pages hold about ${pageSize} records and ` +
                  `the run reads at most ${walk.pages.length} pages of a list (--max-pages). The list is longer than this run reads; the checks that need it whole were not run for ${company}.`,
                rule: RULES.pageCap,
                fix:
                  `Run again with --max-pages ${enough} or more. ` +
                  (pageSize < asked
                    ? `The partner may also answer more records per page: its pages hold about ${pageSize} where the \`limit\` asked was ${asked}.`
                    : `A larger --page-size (now ${asked}, at most ${ctx.contract.profile.pagination.maxLimit}) needs fewer pages.`),
                operation: op,
                company,
                exchange: walk.pages[walk.pages.length - 1],
                evidence: { expected: `the whole list read within --max-pages ${walk.pages.length}`, actual: `${read} of ${total} records in ${walk.pages.length} pages` },
              }),
            );
          } else if (!walk.complete && walk.stoppedBecause?.startsWith("stopped after")) {
            const last = walk.pages[walk.pages.length - 1];
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/endless`,
                severity: "fail",
                message: `The ${op.profile.name} list of ${company} did not end: ${walk.stoppedBecause}.`,
                rule: {
                  ref: "spec-model:list-envelope",
                  text: "Offset paging reaches the end of a list: a page shorter than the limit, or offset + records reaching Pagination.total.",
                },
                fix: "Return fewer records than `limit` on the last page and a Pagination.total equal to the number of records.",
                operation: op,
                company,
                exchange: last,
              }),
            );
          }
          return foldFindings(found, "page");
        }),
      ),
    );
    const findings = perWalk.flat();
    return {
      findings,
      summary: findings.length === 0 ? `${ops.length} lists × ${ctx.companies.length} companies: ${pages} pages, ${records} records, all valid.` : `${pages} pages, ${records} records read.`,
    };
  },
};
