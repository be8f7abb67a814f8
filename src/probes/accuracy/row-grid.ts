import type { StatementQuery } from "../../engine/shared-data.js";
import type { GridFacts, GridRow } from "../../engine/row-grid.js";
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { excerpt, makeFinding } from "../support/findings.js";
import { rowPointer, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { byCodeUnits } from "../../util/compare.js";
import { monthNumberOfDate, periodOfMonth } from "../../util/dates.js";

const RULE = {
  ref: "spec-model:statement-rows",
  text: "Statement rows are {Data: [{AccountId, Period: \"YYYY-MM\", Amount}]}, not paginated, one row per account and calendar month in [StartDate, EndDate].",
};

/** One statement response and its grid facts, from the sync or from another check's request. */
interface Judged {
  op: Operation;
  company: string;
  query: StatementQuery;
  exchange: Exchange;
  grid: GridFacts;
}

/** `2024-03-01 to 2026-02-20, ACCRUAL, ClassId=cls-1` */
function describe(ctx: ProbeContext, s: Judged): string {
  const n = ctx.contract.profile.parameters;
  const filters = [
    s.query.budgetId !== undefined ? `${n.budgetId}=${s.query.budgetId}` : "",
    s.query.classId !== undefined ? `${n.classId}=${s.query.classId}` : "",
    s.query.departmentId !== undefined ? `${n.departmentId}=${s.query.departmentId}` : "",
  ].filter((x) => x !== "");
  return [`${s.query.start} to ${s.query.end}`, s.query.basis, ...filters].join(", ");
}

const queryKey = (q: StatementQuery): string => [q.start, q.end, q.basis, q.budgetId ?? "", q.classId ?? "", q.departmentId ?? ""].join("|");

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export const probe: Probe = {
  id: "accuracy.row-grid",
  family: "accuracy",
  step: 4,
  title: "Statements have one row per account and month of the range",
  description:
    "Checks every statement response the run reads (the sync's 24 months in each basis and every split, and the other date ranges the schema checks ask for) for rows whose Period lies outside [StartDate, EndDate], rows repeating an account and month, and months missing for an account that has rows (a warning: Reach reads a missing row as 0). No request of its own.",
  after: ["reachability.connection"],
  // The other date ranges are judged when the schema checks that ask for them run first.
  orderAfter: ["schema.statements", "schema.statement-filters"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const others = ctx.data.otherStatementGrids();
    const findings: Finding[] = [];
    let responses = 0;
    let rows = 0;
    for (const c of pass.companies) {
      const judged: Judged[] = [];
      for (const s of c.statements) {
        if (s.fold.grid) judged.push({ op: s.op, company: c.company, query: s.query, exchange: s.exchange, grid: s.fold.grid });
      }
      const more = others
        .filter((g) => g.company === c.company)
        .map((g) => ({ op: g.op, company: g.company, query: g.query, exchange: g.exchange, grid: g.grid }))
        .sort((a, b) => byCodeUnits(a.op.key, b.op.key) || byCodeUnits(queryKey(a.query), queryKey(b.query)));
      judged.push(...more);
      const ops = [...new Set(judged.map((j) => j.op))].sort((a, b) => byCodeUnits(a.key, b.key));
      for (const op of ops) {
        const mine = judged.filter((j) => j.op === op && j.grid.judged > 0);
        responses += mine.length;
        for (const j of mine) rows += j.grid.judged;
        findings.push(...judge(ctx, this.id, op, c.company, mine));
      }
    }
    if (responses === 0) return { findings: [], skip: "No statement response with rows could be read (see schema.statements)." };
    return {
      findings,
      summary: findings.every((f) => f.severity === "info") ? `${responses} statement responses (${rows} rows): one row per account and month, none outside the range asked for.` : undefined,
    };
  },
};

/** The findings of one statement operation of one company: each problem once, from its first response. */
function judge(ctx: ProbeContext, checkId: string, op: Operation, company: string, list: Judged[]): Finding[] {
  const out: Finding[] = [];
  const idField = op.profile.rowIdField ?? "AccountId";
  const periodField = op.profile.periodField ?? "Period";
  const name = op.profile.name;
  const where = (n: number) => (n > 1 ? ` The same in ${n - 1} more of the ${list.length} ${name} responses read.` : "");
  const rowEvidence = (r: GridRow) => ({ bodyExcerpt: excerpt(r.record) });

  const outside = list.filter((j) => j.grid.outside > 0);
  if (outside.length > 0) {
    const s = outside[0];
    const r = s.grid.firstOutside!;
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/outside-range`,
        severity: "fail",
        message: `The ${name} of ${company}, asked for ${describe(ctx, s)}, answered ${plural(s.grid.outside, "row")} whose ${periodField} lies outside that range (of ${s.grid.judged}); the first is ${periodField} ${r.period} at ${rowPointer(ctx, r.index, periodField)}.${where(outside.length)}`,
        rule: RULE,
        fix: `Apply StartDate and EndDate: return rows only for the calendar months from the month of StartDate to the month of EndDate (Reach adds up what it gets, so rows of other months are counted in the wrong place).`,
        operation: op,
        company,
        pointer: rowPointer(ctx, r.index, periodField),
        exchange: s.exchange,
        evidence: { expected: `${periodField} from ${s.query.start.slice(0, 7)} to ${s.query.end.slice(0, 7)}`, actual: `${s.grid.outside} rows outside, first ${r.period}`, ...rowEvidence(r) },
      }),
    );
  }

  const dups = list.filter((j) => j.grid.duplicates > 0);
  if (dups.length > 0) {
    const s = dups[0];
    const r = s.grid.firstDuplicate!;
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/duplicate-row`,
        severity: "fail",
        message: `The ${name} of ${company} (${describe(ctx, s)}) gives (${idField} ${r.id}, ${periodField} ${r.period}) twice: ${rowPointer(ctx, r.index, undefined)} repeats ${rowPointer(ctx, r.earlier, undefined)}; ${s.grid.duplicates === 1 ? "it is the only row" : `${s.grid.duplicates} rows`} of the response repeating an account and month already given.${where(dups.length)}`,
        rule: RULE,
        fix: "Return one row per account and month holding the account's whole amount for that month: group the postings by account and period before answering (a join or a union that repeats rows is the usual cause).",
        operation: op,
        company,
        pointer: rowPointer(ctx, r.index, undefined),
        exchange: s.exchange,
        evidence: { expected: `one row per (${idField}, ${periodField})`, actual: `${s.grid.duplicates} repeated rows, first ${r.id} ${r.period} at index ${r.index} (first given at ${r.earlier})`, ...rowEvidence(r) },
      }),
    );
  }

  // Answers that stop at the same round number of rows while rows are missing from them: a row
  // limit (a query's LIMIT or TOP, a page size, a serializer's cap) cuts long statements.
  const cap = rowCap(list);
  if (cap) {
    const s = cap.capped[0];
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/row-cap`,
        severity: "fail",
        message: `${cap.capped.length} of the ${list.length} ${name} responses of ${company} hold exactly ${cap.rows} rows each and lack rows the statement owes (${
          s.grid.accounts < cap.accounts ? `rows for only ${s.grid.accounts} of the ${cap.accounts} accounts other responses have` : `${plural(s.grid.missing, "account-month")} missing`
        }, e.g. ${describe(ctx, s)}): the answer stops at ${cap.rows} rows, and Reach reads everything after as 0. Statements are not paginated, so a row limit in the query behind them, or in the serializer, cuts long ranges.`,
        rule: RULE,
        fix: `Return every row of a statement in one answer: remove the ${cap.rows}-row limit (LIMIT/TOP, a default page size, a response cap) from the query and the serializer behind it; Reach's sync asks for 24 months of every account at once.`,
        operation: op,
        company,
        pointer: `/${ctx.contract.profile.pagination.dataField}`,
        exchange: s.exchange,
        evidence: { expected: `one row per account and month (${s.grid.months} months)`, actual: `${cap.rows} rows in each of ${cap.capped.length} responses` },
      }),
    );
  }

  const gaps = list.filter((j) => j.grid.missing > 0);
  if (gaps.length > 0) {
    const s = gaps[0];
    const m = s.grid.firstMissing!;
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/missing-rows`,
        severity: "warn",
        message: `The ${name} of ${company} (${describe(ctx, s)}) has no row for ${plural(s.grid.missing, "account-month")} of accounts that do have rows: ${s.grid.accountsWithGaps} of ${plural(s.grid.accounts, "account")} lack some of the ${s.grid.months} months; the first is ${idField} ${m.id} in ${m.period}. Without the row, a month with nothing posted cannot be told from a month the answer left out (for a balance sheet, a missing month-end balance is not a zero one).${where(gaps.length)}`,
        rule: RULE,
        fix: "Return a row for every month of the range for each account on the statement, with Amount 0 where nothing was posted, so that a missing month cannot be mistaken for an incomplete answer.",
        operation: op,
        company,
        exchange: s.exchange,
        evidence: { expected: `${s.grid.months} rows per account`, actual: `${s.grid.missing} missing over ${s.grid.accountsWithGaps} accounts, first ${m.id} ${m.period}` },
      }),
    );
  }
  // Months at the start of the range without a row for any account, and no other gap: books that
  // begin inside the range (a young company, or one moved from another system). Said, not judged.
  const late = list.filter((j) => j.grid.leading > 0 && j.grid.missing === 0 && j.grid.accounts > 0);
  if (late.length > 0) {
    const s = late[0];
    const from = s.query.start.slice(0, 7);
    const begins = periodOfMonth(monthNumberOfDate(s.query.start)! + s.grid.leading);
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/starts-late`,
        severity: "info",
        message: `The ${name} of ${company} (${describe(ctx, s)}) has no row for any account before ${begins} (${plural(s.grid.leading, "month")} of the range), and one for every month from then on: ${s.query.budgetId !== undefined ? "the budget seems to begin" : "the books seem to begin"} in ${begins}.${where(late.length)}`,
        rule: RULE,
        fix:
          s.query.budgetId !== undefined
            ? `Nothing to do if this budget covers months from ${begins} only. If it holds earlier months, return them.`
            : `Nothing to do if ${company}'s books begin in ${begins}. If they hold earlier months, return them (one row per account and month, Amount 0 where nothing was posted).`,
        operation: s.op,
        company,
        exchange: s.exchange,
        evidence: { expected: `rows from ${from}`, actual: `rows from ${begins}` },
      }),
    );
  }
  // A budget's months at the end of the range without a row for any account, and no other gap: a
  // budget that ends inside the range (last year's, say). Said, not judged: a budget has no figure
  // for months it does not cover, and a 0 there would read as a zero budget.
  const early = list.filter((j) => j.query.budgetId !== undefined && j.grid.trailing > 0 && j.grid.missing === 0 && j.grid.accounts > 0);
  if (early.length > 0) {
    const s = early[0];
    const to = s.query.end.slice(0, 7);
    const ends = periodOfMonth(monthNumberOfDate(s.query.end)! - s.grid.trailing);
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/ends-early`,
        severity: "info",
        message: `The ${name} of ${company} (${describe(ctx, s)}) has no row for any account after ${ends} (${plural(s.grid.trailing, "month")} of the range), and one for every month up to it: the budget seems to end in ${ends}.${where(early.length)}`,
        rule: RULE,
        fix: `Nothing to do if this budget covers months up to ${ends} only. If it holds later months, return them.`,
        operation: s.op,
        company,
        exchange: s.exchange,
        evidence: { expected: `rows up to ${to}`, actual: `rows up to ${ends}` },
      }),
    );
  }
  return out;
}

/** Whether a row count looks like a limit someone set: a multiple of 100, or a power of two from 128. */
function roundCount(n: number): boolean {
  return n >= 100 && (n % 100 === 0 || (n >= 128 && (n & (n - 1)) === 0));
}

/**
 * Two or more responses of one operation with the same round number of rows, each missing rows
 * (months of accounts it has, or accounts another response of the operation has): the count where
 * the answers stop. Undefined when nothing looks cut.
 */
function rowCap(list: readonly Judged[]): { rows: number; capped: Judged[]; accounts: number } | undefined {
  const accounts = Math.max(0, ...list.map((j) => j.grid.accounts));
  const byRows = new Map<number, Judged[]>();
  for (const j of list) {
    if (!roundCount(j.grid.judged) || (j.grid.missing === 0 && j.grid.accounts >= accounts)) continue;
    const same = byRows.get(j.grid.judged);
    if (same) same.push(j);
    else byRows.set(j.grid.judged, [j]);
  }
  let best: { rows: number; capped: Judged[]; accounts: number } | undefined;
  for (const [rows, capped] of byRows) {
    if (capped.length >= 2 && (!best || capped.length > best.capped.length)) best = { rows, capped, accounts };
  }
  return best;
}
