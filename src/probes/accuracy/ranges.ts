import { periodTotals } from "../../engine/shared-data.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { money, sameTotal } from "../support/accuracy.js";
import { makeFinding, rowCapNote } from "../support/findings.js";
import { foldFindings } from "../support/fold.js";
import { coverageRanges } from "../support/ranges.js";
import { sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { lastDayOfMonth, liveMonths, monthNumber, monthNumberOfDate, periodOf, periodOfMonth } from "../../util/dates.js";

/**
 * A month's figures do not depend on the date range they were asked with: the rows of a month that
 * lies wholly inside a range (for a balance sheet: whose month end lies inside it) add up to the
 * same total as that month's rows in the 24-month answer of the same statement and basis. A range
 * that loses its last day's postings (EndDate taken as exclusive), its first day (StartDate taken
 * as exclusive), or answers nothing for a month-end balance shows here. Judged on the ranges
 * schema.statement-filters asks for (12 months, a single month-end day, a year boundary), from what
 * was folded as they arrived: no request of its own. The current month is left out, since a live
 * ledger may gain postings between two requests.
 */

const RULE = {
  ref: "spec-model:statement-rows",
  text: "Statement rows: one row per account and calendar month in [StartDate, EndDate], both dates included; a month's movement (profit and loss, cash flow) or month-end balance (balance sheet) is the same whichever range it is asked with.",
};


export const probe: Probe = {
  id: "accuracy.ranges",
  family: "accuracy",
  step: 4,
  title: "A month's figures are the same whatever range is asked",
  description:
    "Compares each statement asked for 12 months, a single month-end day and across a year boundary (no filter) with the 24-month answer of the same statement and basis: every month wholly inside the range (for a balance sheet, every month whose end lies in it) must total the same, with rows where the 24-month answer has them. The current month is left out (a live ledger moves between two requests).",
  after: ["reachability.connection", "schema.statement-filters"],
  // Statements cut by a row limit explain a difference here: accuracy.row-grid's verdict is read.
  orderAfter: ["accuracy.row-grid"],
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const ranges = coverageRanges(ctx.now);
    const labelOf = new Map(ranges.map((r) => [`${r.start} ${r.end}`, r.label]));
    const grids = ctx.data.otherStatementGrids().filter((g) => labelOf.has(`${g.query.start} ${g.query.end}`) && !g.query.budgetId && !g.query.classId && !g.query.departmentId);
    if (grids.length === 0) return { findings: [], skip: "No statement was read with another date range (see schema.statement-filters)." };
    const pass = await sharedSync(ctx);
    // Months that may still be open for postings where the partner is (the run's month, and the
    // neighbouring one for a partner up to 12 h behind or 14 h ahead): a live ledger moves between
    // two requests.
    const open = new Set([...liveMonths(ctx.now)].map((p) => monthNumber(p)));
    let findings: Finding[] = [];
    let compared = 0;
    for (const g of grids) {
      const c = pass.companies.find((x) => x.company === g.company);
      const whole = c ? unsplit(c).find((s) => s.op.key === g.op.key && s.query.basis === g.query.basis) : undefined;
      const table = whole?.fold.table;
      if (!whole || !table) continue;
      const wholeTotals = periodTotals(table);
      const first = monthNumberOfDate(g.query.start);
      const last = monthNumberOfDate(g.query.end);
      const syncFirst = monthNumberOfDate(whole.query.start);
      const syncLast = monthNumberOfDate(whole.query.end);
      if (first === undefined || last === undefined || syncFirst === undefined || syncLast === undefined) continue;
      const balance = g.op.profile.periodKind === "balance";
      const differing: { period: string; sum: number; rows: number; expected: number; expectedRows: number }[] = [];
      let judged = 0;
      for (let n = first; n <= last; n++) {
        if (open.has(n) || n < syncFirst || n > syncLast) continue;
        // Wholly inside: a movement needs the whole month; a balance only its last day.
        const inside = lastDayOfMonth(n) <= g.query.end && (balance || `${periodOfMonth(n)}-01` >= g.query.start);
        if (!inside) continue;
        const period = periodOfMonth(n);
        // A month the 24-month answer has no row for is judged too: figures for it in the other
        // answer mean the long range lost them (a range cut short), not books that begin later.
        const expected = wholeTotals.get(period) ?? { sum: 0, rows: 0, unreadable: 0 };
        const got = g.periods.get(period) ?? { sum: 0, rows: 0, unreadable: 0 };
        if (expected.rows === 0 && sameTotal(got.sum, 0)) continue;
        // A row whose Amount is not a number has no total to compare (schema.statements names it).
        if (expected.unreadable > 0 || got.unreadable > 0) continue;
        judged++;
        if (!sameTotal(got.sum, expected.sum)) differing.push({ period, sum: got.sum, rows: got.rows, expected: expected.sum, expectedRows: expected.rows });
      }
      compared += judged;
      if (differing.length === 0) continue;
      const label = labelOf.get(`${g.query.start} ${g.query.end}`)!;
      const d = differing[0];
      const more = differing.length > 1 ? ` (and ${differing.length - 1} more of the ${judged} months compared)` : "";
      // The 24-month answer with rows in one month only, its last: the range summed into one row per account.
      const wholeMonths = new Set<string>();
      for (let i = 0; i < table.length; i++) {
        const p = table.period(i);
        if (p !== undefined) wholeMonths.add(p);
      }
      const summed = wholeMonths.size === 1 && wholeMonths.has(periodOfMonth(syncLast)) && syncLast - syncFirst >= 2;
      const cause =
        d.expectedRows === 0 && summed
          ? ` The 24-month answer has rows for ${periodOfMonth(syncLast)} only, its last month: it looks summed over the whole range into one row per account, where one row per account and month belongs.`
          : d.expectedRows === 0
          ? ` The 24-month answer has no row for ${d.period} at all, while this shorter range has figures for it: the long range lost months (a range cut short, or months left out of long answers).`
          : d.rows === 0
          ? " It has no row for that month at all."
          : g.query.end === lastDayOfMonth(monthNumber(d.period)!)
            ? " The range ends on that month's last day: postings of the last day (EndDate) may be left out."
            : "";
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/${d.expectedRows === 0 ? "missing-in-sync" : d.rows === 0 ? "month-missing" : "differs"}`,
          severity: "fail",
          message: `The ${g.op.profile.name} of ${g.company} (${g.query.basis}) asked for ${label} (${g.query.start} to ${g.query.end}) totals ${money(d.sum)} over ${d.rows} row${d.rows === 1 ? "" : "s"} for ${d.period}${more}, but ${money(d.expected)} over ${d.expectedRows} rows in the 24-month answer (${whole.query.start} to ${whole.query.end}).${cause}${rowCapNote(ctx, g.company)}`,
          rule: RULE,
          fix: `${d.expectedRows === 0 && summed ? "Return one row per account and calendar month of the range (each month's movement, or month-end balance), not one total per account. " : d.expectedRows === 0 ? "Answer every month of a long range as the shorter ranges answer it: the spec sets no maximum range, and Reach's sync asks for 24 months at once. " : ""}Include both StartDate and EndDate, and compute each month's movement (and month-end balance) from the same postings whatever range is asked: select postings with date >= StartDate and date <= EndDate, taking dates in the company's calendar (not shifted by a time zone). If the same request gives other figures each time it is sent, the month itself changed between the two reads: a closed month must not change (reliability.stability compares two reads).`,
          operation: g.op,
          company: g.company,
          exchange: g.exchange,
          evidence: { expected: `${d.period}: ${money(d.expected)} (${d.expectedRows} rows, as in the 24-month answer)`, actual: `${money(d.sum)} (${d.rows} rows)` },
        }),
      );
    }
    // One finding per statement and company, counting the other ranges and bases alike.
    findings = foldFindings(findings, "range answer");
    if (compared === 0) return { findings, skip: "No month of another range could be set beside the 24-month answer (see schema.statement-filters and schema.statements)." };
    return { findings, summary: findings.length === 0 ? `${compared} months of ${grids.length} statements asked with other ranges total the same as in the 24-month answers.` : undefined };
  },
};
