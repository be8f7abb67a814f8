/**
 * Shared shape of the statement freshness checks: for each company, take the statement of the
 * shared sync pass (24 months, read once for the accuracy checks too) and ask whether the data
 * reaches a period.
 */
import type { Finding } from "../../report/types.js";
import { monthNumber, periodShift } from "../../util/dates.js";
import type { Operation, ProbeContext, ProbeOutput } from "../types.js";
import { makeFinding } from "./findings.js";
import { latestPeriod, type Row } from "./rows.js";
import { sharedSync } from "./sync-data.js";
import { NO_COMPANY } from "./skips.js";

export const FRESHNESS_RULE = {
  ref: "reach:faq#current-period",
  text: "Required data is populated and reflects the current period before integration starts (the bundled spec's model: P&L has activity in the current or previous month, balance sheet and metrics reach the previous month).",
};

export interface StatementFreshness {
  checkId: string;
  statement: "profit-and-loss" | "balance-sheet";
  /** How many months back the latest period with data may be: 1 = previous month. */
  maxLagMonths: number;
  /**
   * The month `maxLagMonths` back must itself have rows (the balance sheet's rule: rows exist for
   * the previous month), not merely some month at or after it.
   */
  thatMonth?: boolean;
  /** What counts as data in a row. */
  hasData: (r: Row) => boolean;
  /**
   * From this day of the run's month on, data that ends with the previous month is noted (info):
   * within the rule, and also what a partner serving figures a month behind looks like.
   */
  quietFromDay?: number;
  describe: string;
  /** Judge the statement in every accounting basis the sync reads, not the accrual one only. */
  everyBasis?: boolean;
}

export async function statementFreshness(ctx: ProbeContext, spec: StatementFreshness): Promise<ProbeOutput> {
  const op: Operation | undefined = ctx.contract.operations.find((o) => o.profile.role === "statement" && o.profile.statement === spec.statement);
  if (!op) return { findings: [], skip: `The spec has no ${spec.statement} operation.` };
  if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
  const p = ctx.contract.profile;
  const first = p.parameters.accountingBases.includes("ACCRUAL") ? "ACCRUAL" : p.parameters.accountingBases[0];
  const bases = spec.everyBasis ? [first, ...p.parameters.accountingBases.filter((b) => b !== first)] : [first];
  // The sync's 24-month statement (what the accuracy checks read), so the latest period with data is
  // named even when it is long before the current month.
  const w = ctx.data.syncWindow();
  const oldest = periodShift(ctx.now, -spec.maxLagMonths);
  const findings: Finding[] = [];
  const latest: string[] = [];
  let judged = 0;
  const unjudged: string[] = [];
  /** Companies whose rows carry no YYYY-MM Period at all. */
  const malformed: string[] = [];
  /** Companies whose rows carry no Amount that is a number. */
  const noAmounts: string[] = [];
  // Only rows whose Period is a YYYY-MM month tell how far the data reaches; another form
  // ("2026-11-30") is schema.statements' finding, and judging it here would blame the data.
  const month = (r: Row) => r.period !== undefined && monthNumber(r.period) !== undefined;
  const pass = await sharedSync(ctx);
  for (const company of ctx.companies) for (const basis of bases) {
    const fetch = pass.companies.find((c) => c.company === company)?.statements.find((s) => !s.split && s.op === op && s.query.basis === basis);
    const rows = fetch?.fold.table;
    const label = bases.length > 1 ? `${company} (${basis})` : company;
    // A basis the sync did not read (a spec without it, say) is no statement to judge.
    if (!fetch && basis !== first) continue;
    if (!fetch || !rows) {
      unjudged.push(label); // unusable response: schema.statements or reliability.rehearsal reports it
      continue;
    }
    const ex = fetch.exchange;
    // The latest month with any row at all: rows that reach the month asked for, all 0 after an
    // earlier month with data, are a company without recent activity or figures that stopped.
    const lastRow = latestPeriod(rows, month);
    if (rows.length > 0 && lastRow === undefined) {
      malformed.push(label);
      continue;
    }
    // Amounts that are not numbers (strings, say) read as no amount: "no data" would blame the data.
    if (rows.length > 0 && latestPeriod(rows, (r) => month(r) && r.amount !== undefined && !Number.isNaN(r.amount)) === undefined) {
      noAmounts.push(label);
      continue;
    }
    judged++;
    const last = latestPeriod(rows, (r) => month(r) && spec.hasData(r));
    latest.push(`${label}: ${last ?? "none"}`);
    // A later month with data does not make up for rows missing in that month itself.
    const gap = spec.thatMonth === true && last !== undefined && last > oldest && lastRow !== undefined && latestPeriod(rows, (r) => r.period === oldest) === undefined;
    if (gap) {
      findings.push(
        makeFinding(ctx, {
          code: `${spec.checkId}/missing-month`,
          severity: "fail",
          message: `The ${op.profile.name} of ${company} (${basis}) has ${spec.describe} up to ${last} but no row at all for ${oldest}, the previous month, whose month-end position Reach reads from it.`,
          rule: FRESHNESS_RULE,
          fix: `Return the month-end balances of every closed month, ${oldest} included, not only the current month's running balance.`,
          operation: op,
          company,
          exchange: fetch.exchange,
          evidence: { expected: `rows for ${oldest}`, actual: `no row for ${oldest}; ${spec.describe} up to ${last}` },
        }),
      );
    } else if (spec.thatMonth === true && last === undefined && latestPeriod(rows, (r) => r.period === oldest) !== undefined) {
      // Rows up to the month asked for, every one of them 0 (a company with no balances at all, or
      // a single account): the rows are there, and no amount tells current data from old.
      findings.push(
        makeFinding(ctx, {
          code: `${spec.checkId}/all-zero`,
          severity: "info",
          message: `The ${op.profile.name} of ${company} (${basis}, ${w.start} to ${w.end}) has rows for ${oldest}, but every amount in it is 0: the rows are current, and no balance shows whether the figures are.`,
          rule: FRESHNESS_RULE,
          fix: `Nothing to do if ${company} has no balances at all; otherwise, check that the endpoint reads the company's current ledger.`,
          operation: op,
          company,
          exchange: ex,
          evidence: { expected: `${spec.describe} in ${oldest} or later`, actual: `rows for ${oldest}, all 0` },
        }),
      );
    } else if (last === undefined || last < oldest) {
      const rowsReach = lastRow !== undefined && lastRow >= oldest;
      findings.push(
        makeFinding(ctx, {
          code: `${spec.checkId}/stale`,
          severity: "fail",
          message:
            last === undefined
              ? `The ${op.profile.name} of ${company} (${basis}, ${w.start} to ${w.end}) has no ${spec.describe} at all; the latest must be ${oldest} or later.`
              : `The ${op.profile.name} of ${company} (${basis}) has ${spec.describe} up to ${last} only; it must reach ${oldest} or later.`,
          rule: FRESHNESS_RULE,
          // Activity can pause (balances do not drop to 0): for the P&L, say so before blaming the sync.
          fix: rowsReach && spec.statement === "profit-and-loss"
            ? `The rows reach ${lastRow}, with every amount 0 ${last === undefined ? "throughout" : `after ${last}`}: if ${company} really had no income or expense posted in ${oldest} or later (a quiet or seasonal month, a new or unused company), Reach's integration testing still needs current figures: test with a company that has them (--company) or post its activity; otherwise check that the endpoint reads the current ledger, not a snapshot.`
            : "Make sure the data is synced from the accounting system up to the current period, and that the endpoint reads current data rather than a snapshot.",
          operation: op,
          company,
          exchange: ex,
          evidence: { expected: `${spec.describe} in ${oldest} or later`, actual: last ? `latest: ${last}` : "none in the window" },
        }),
      );
    } else if (spec.quietFromDay !== undefined && last === oldest && ctx.now.getUTCDate() >= spec.quietFromDay) {
      const current = periodShift(ctx.now, 0);
      findings.push(
        makeFinding(ctx, {
          code: `${spec.checkId}/current-month-quiet`,
          severity: "info",
          message: `The ${op.profile.name} of ${company} (${basis}) has ${spec.describe} up to ${oldest}, the previous month, and none in ${current}, the run's month, on its day ${ctx.now.getUTCDate()}. That meets the rule (the current or the previous month), and is also what figures served a month behind look like.`,
          rule: FRESHNESS_RULE,
          fix: `Nothing to do if nothing has been posted for ${company} in ${current} yet; otherwise check that the endpoint reads the current ledger, not a copy made at the last month end.`,
          operation: op,
          company,
          exchange: ex,
          evidence: { expected: `${spec.describe} in ${oldest} or later`, actual: `latest: ${last}` },
        }),
      );
    }
  }
  const some = (ids: string[]) => `${ids.slice(0, 6).join(", ")}${ids.length > 6 ? ` and ${ids.length - 6} more` : ""}`;
  const badPeriods =
    (malformed.length > 0 ? ` Not judged (no ${spec.statement} row has a YYYY-MM Period, see schema.statements): ${some(malformed)}.` : "") +
    (noAmounts.length > 0 ? ` Not judged (no ${spec.statement} row has an Amount that is a number, see schema.statements): ${some(noAmounts)}.` : "");
  if (judged === 0) {
    if (malformed.length > 0 || noAmounts.length > 0) {
      const why = malformed.length > 0 ? "a YYYY-MM Period" : "an Amount that is a number";
      return {
        findings: [],
        skip: `No ${spec.statement} row has ${why}, so how far the data reaches cannot be read.${badPeriods}`,
        blockedBy: malformed.length > 0 ? "schema.statements found Period values that are not YYYY-MM months" : "schema.statements found Amount values that are not numbers",
      };
    }
    return { findings: [], skip: `No usable ${spec.statement} response to judge (see schema.statements and reliability.rehearsal).` };
  }
  const notJudged = (unjudged.length > 0 ? ` Not judged (no usable ${spec.statement} answer, see schema.statements and reliability.rehearsal): ${some(unjudged)}.` : "") + badPeriods;
  return { findings, summary: `Latest period with ${spec.describe}: ${latest.join("; ")}.${notJudged}` };
}
