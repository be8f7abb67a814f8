import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { checkDataResponse } from "../support/response.js";
import { foldFindings } from "../support/fold.js";
import { judgeLostRecords, judgeTwoWalks, judgeWalk, twoWalks, type PagedWalk } from "../support/paging.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "pagination.walk",
  family: "pagination",
  step: 2,
  title: "Lists page correctly from the first record to the last",
  description:
    "Walks every page of every list with the run's page size and again with a small page size: Pagination.total is the same on every page and equals the records returned, Pagination.offset and Pagination.limit echo what each page asked for, both walks read the same number of records (a record one walk holds and the other's pages never returned is named), no id appears twice, no page holds more than limit, and the pages end. A page shorter than limit before the end is a warning (the walks read on by Pagination.total).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    let pages = 0;
    const notes: string[] = [];
    const all: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.map(async (op) => {
          const w = await twoWalks(ctx, op, company);
          pages += w.full.pages.length + (w.small?.pages.length ?? 0);
          if (w.note && w.note !== "the list is empty") notes.push(`${op.profile.name} of ${company}: ${w.note}`);
          // Records one walk's pages never returned, with the total right: its total-mismatch
          // would blame the total, so the lost records are said instead.
          const lost = w.small ? judgeLostRecords(ctx, this.id, w.full, w.small) : undefined;
          const judged = (walk: PagedWalk) => {
            const own = judgeWalk(ctx, this.id, walk);
            return lost?.short === walk ? own.filter((f) => f.code !== `${this.id}/total-mismatch`) : own;
          };
          const found = judged(w.full);
          if (w.small) found.push(...judged(w.small));
          if (lost) found.push(lost.finding);
          // A page of the second walk that got no list back (a 5xx, a gateway timeout, a transport
          // error): the walk's own request failed, and the comparison of the two walks with it. (The
          // first walk's pages are the shared ones schema.reference-lists judges.)
          const p = ctx.contract.profile.pagination;
          const broken = w.small && !w.small.complete && !w.small.capped ? w.small.pages[w.small.pages.length - 1] : undefined;
          if (broken && broken.data === undefined) {
            const checked = checkDataResponse(ctx, this.id, op, broken.exchange, { company });
            found.push(
              ...checked.findings.map((f) => ({
                ...f,
                message: `The second walk of the ${op.profile.name} list of ${company} (${p.limitParam} ${broken.limit}) stopped at ${p.offsetParam} ${broken.offset}, so the two walks could not be compared: ${f.message}`,
              })),
            );
          }
          // Two walks that each look right can still disagree on how long the list is.
          if (w.small && found.length === 0) found.push(...judgeTwoWalks(ctx, this.id, w.full, w.small));
          // A partner that puts more than limit records on a page ignores limit; its echo of some
          // other limit is the same fault with the same fix, so over-limit alone says it.
          const ignoresLimit = found.some((f) => f.code === `${this.id}/over-limit`);
          // The same fault seen with both page sizes is one finding.
          return foldFindings(ignoresLimit ? found.filter((f) => f.code !== `${this.id}/limit-echo`) : found, "walk");
        }),
      ),
    );
    const findings = all.flat();
    const walks = ops.length * ctx.companies.length;
    const tail = notes.length > 0 ? ` Not fully compared: ${notes.sort().join("; ")}.` : "";
    return {
      findings,
      summary: findings.length === 0 ? `${walks} lists walked with two page sizes (${pages} pages): totals, ids and page sizes consistent.${tail}` : undefined,
    };
  },
};
