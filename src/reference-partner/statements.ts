/**
 * Financial statements and non-financial metric values. Rows come straight from the ledger: one
 * row per account of the statement's types and per calendar month of the range, Amount being the
 * account's own figure signed by its normal balance; months outside the ledger are 0.
 */
import type { ServerReply, ServerRequest } from "../http/server.js";
import type { PartnerContext } from "./context.js";
import { classId, metricId, type CompanyData } from "./data.js";
import { isBalanceSheet, isProfitAndLoss, normalSign, type Basis, type SegmentFilter } from "./ledger.js";
import { badRequest, parseDateRange, type MonthRange } from "./params.js";
import { calendarMonthOf, daysInMonth, periodLabel, yearOf } from "./periods.js";
import type { ReachError } from "./responses.js";

export type StatementName = "profit-and-loss" | "balance-sheet" | "cash-flow";
export const STATEMENT_NAMES: readonly StatementName[] = ["profit-and-loss", "balance-sheet", "cash-flow"];

interface Row {
  AccountId: string;
  Period: string;
  Amount: number;
}

interface Filters {
  budget?: string;
  classIndex?: number;
  classKey?: string;
  departmentIndex?: number;
}

/**
 * Resolves BudgetId, ClassId and DepartmentId against the company's lists. An unknown value is a
 * 400 (this partner's choice between the 400 and 404 that the spec model allows).
 */
function resolveFilters(
  ctx: PartnerContext,
  company: CompanyData,
  dropUnknown: boolean,
  raw: { BudgetId?: unknown; ClassId?: unknown; DepartmentId?: unknown },
  errors: ReachError[],
): Filters {
  const out: Filters = {};
  // defect: unknown-filter-ignored (unknown values are dropped instead of refused)
  const ignoreUnknown = dropUnknown || ctx.defects.has("unknown-filter-ignored");
  const check = (name: string, value: unknown, ids: string[]): number | undefined => {
    if (value === undefined) return undefined;
    const index = typeof value === "string" ? ids.indexOf(value) : -1;
    if (index < 0 && !ignoreUnknown) {
      errors.push(badRequest(`${name} does not name a ${name.replace(/Id$/, "").toLowerCase()} of this company.`));
    }
    return index < 0 ? undefined : index;
  };
  const b = check("BudgetId", raw.BudgetId, company.budgets.map((x) => x.BudgetId));
  if (b !== undefined) out.budget = company.budgets[b].BudgetId;
  out.classIndex = check("ClassId", raw.ClassId, company.classes.map((x) => x.ClassId));
  if (out.classIndex !== undefined) out.classKey = company.template.classes.find((c) => classId(c.key) === company.classes[out.classIndex!].ClassId)!.key;
  if ("DepartmentId" in raw) out.departmentIndex = check("DepartmentId", raw.DepartmentId, company.departments.map((x) => x.DepartmentId));
  return out;
}

function queryValue(q: URLSearchParams, name: string): string | undefined {
  return q.has(name) ? (q.get(name) ?? "") : undefined;
}

function period(ctx: PartnerContext, monthNo: number): string {
  // defect: wrong-period-format
  if (ctx.defects.has("wrong-period-format")) return `${yearOf(monthNo)}-${calendarMonthOf(monthNo)}`;
  return periodLabel(monthNo);
}

export function statementOperation(ctx: PartnerContext, req: ServerRequest, company: CompanyData, name: StatementName): ServerReply {
  const q = req.url.searchParams;
  const d = ctx.defects;
  const errors: ReachError[] = [];
  let start = queryValue(q, "StartDate");
  let end = queryValue(q, "EndDate");
  // defect: default-required-parameters (a missing date means the twelve months up to the clock's month)
  if (d.has("default-required-parameters")) {
    const last = ctx.dataset.window.firstMonth + ctx.dataset.window.months - 1;
    start ??= `${periodLabel(last - 11)}-01`;
    end ??= `${periodLabel(last)}-${String(daysInMonth(yearOf(last), calendarMonthOf(last))).padStart(2, "0")}`;
  }
  // defect: accept-impossible-day
  const range = parseDateRange(start, end, d.has("accept-impossible-day"));
  let months: MonthRange | undefined;
  if ("errors" in range) {
    // defect: accept-bad-dates (a malformed date gets an empty 200 instead of a 400)
    if (range.malformed && d.has("accept-bad-dates")) return ctx.respond.json(200, { Data: [] }, { data: true });
    errors.push(...range.errors);
  } else {
    months = range;
  }
  let basis = q.get("AccountingBasis");
  // defect: default-required-parameters (a missing basis means accrual)
  if (basis === null && d.has("default-required-parameters")) basis = "ACCRUAL";
  if (basis === null || basis === "") errors.push(badRequest("AccountingBasis is required."));
  else if (basis !== "CASH" && basis !== "ACCRUAL") errors.push(badRequest("AccountingBasis must be CASH or ACCRUAL."));
  const filters = resolveFilters(
    ctx,
    company,
    // defect: statement-filter-ignored (the balance sheet and cash flow drop unknown filter ids)
    name !== "profit-and-loss" && d.has("statement-filter-ignored"),
    { BudgetId: queryValue(q, "BudgetId"), ClassId: queryValue(q, "ClassId"), DepartmentId: queryValue(q, "DepartmentId") },
    errors,
  );
  if (errors.length > 0 || !months) return ctx.respond.error(400, errors);

  const ledger = ctx.dataset.ledger(company, filters.budget);
  const segment: SegmentFilter = { classIndex: filters.classIndex, departmentIndex: filters.departmentIndex };
  // defect: ignore-class-filter
  if (name === "profit-and-loss" && d.has("ignore-class-filter")) segment.classIndex = undefined;
  // defect: segments-ignored-off-pl
  if (name !== "profit-and-loss" && d.has("segments-ignored-off-pl")) segment.classIndex = segment.departmentIndex = undefined;
  const b = basis as Basis;
  // defect: cash-flow-balances (the cash flow sends month-end balances instead of the month's movement)
  const flowAsBalances = name === "cash-flow" && d.has("cash-flow-balances");
  const figures =
    name === "profit-and-loss" ? ledger.movements(b, segment) : name === "balance-sheet" || flowAsBalances ? ledger.balances(b, segment) : ledger.cashFlow(b, segment);
  const onStatement = name === "profit-and-loss" ? isProfitAndLoss : isBalanceSheet;
  const { firstMonth, months: n, activeMonths } = ledger.window;
  // defect: changing-data (every call scales amounts by a different factor, so balances still hold)
  const bump = d.has("changing-data") ? (ctx.counters.changes++ % 50) + 1 : 0;
  const amountOf = (a: number, monthNo: number): number => {
    const m = monthNo - firstMonth;
    if (m < 0 || m >= activeMonths) return 0;
    const cents = figures[a * n + m] * normalSign(company.model.accounts[a].type);
    // Whole-number products first, one division last: amounts stay exact to four decimals.
    return bump === 0 ? cents / 100 : (cents * (100 + bump)) / 10000;
  };

  // defect: rows-outside-range (the requested range is replaced by the ledger's whole window)
  if (d.has("rows-outside-range")) months = { first: firstMonth, last: firstMonth + n - 1 };
  let rows: Row[] = [];
  company.accounts.forEach((account, a) => {
    if (!onStatement(account.AccountType)) return;
    for (let monthNo = months!.first; monthNo <= months!.last; monthNo++) {
      rows.push({ AccountId: account.AccountId, Period: period(ctx, monthNo), Amount: amountOf(a, monthNo) });
    }
  });

  if (name === "balance-sheet") {
    // defect: unbalanced-balance-sheet (the cash account is off in the latest two ledger months)
    if (d.has("unbalanced-balance-sheet")) {
      const cash = company.accounts[company.model.accounts.findIndex((x) => x.role === "cash")].AccountId;
      const late = new Set([period(ctx, firstMonth + activeMonths - 1), period(ctx, firstMonth + activeMonths - 2)]);
      for (const row of rows) if (row.AccountId === cash && late.has(row.Period)) row.Amount = Math.round(row.Amount * 100 + 123456) / 100;
    }
    // defect: income-on-balance-sheet (rows of the first revenue account are appended)
    if (d.has("income-on-balance-sheet")) {
      const a = company.model.accounts.findIndex((x) => x.role === "revenue");
      const mv = ledger.movements(b, segment);
      for (let monthNo = months.first; monthNo <= months.last; monthNo++) {
        const m = monthNo - firstMonth;
        const amount = m >= 0 && m < activeMonths ? -mv[a * n + m] / 100 : 0;
        rows.push({ AccountId: company.accounts[a].AccountId, Period: period(ctx, monthNo), Amount: amount });
      }
    }
  }
  // defect: class-split-remainder (a class-filtered profit and loss counts some revenue twice)
  if (name === "profit-and-loss" && d.has("class-split-remainder") && filters.classIndex !== undefined) {
    const revenue = company.accounts[company.model.accounts.findIndex((x) => x.role === "revenue")].AccountId;
    // The last closed month: the month in progress may move between two requests and is not judged.
    const closed = period(ctx, firstMonth + activeMonths - 2);
    for (const row of rows) if (row.AccountId === revenue && row.Period === closed) row.Amount = Math.round(row.Amount * 100 + 10000) / 100;
  }
  // defect: unknown-account-row
  if (name === "profit-and-loss" && d.has("unknown-account-row")) {
    for (let monthNo = months.first; monthNo <= months.last; monthNo++) {
      rows.push({ AccountId: "acc-9999", Period: period(ctx, monthNo), Amount: 412.5 });
    }
  }
  // defect: expenses-negative (costs printed as negative numbers, the way a report shows them)
  if (name === "profit-and-loss" && d.has("expenses-negative")) {
    const costs = new Set(company.accounts.filter((x) => ["EXPENSE", "COST_OF_SALES", "OTHER_EXPENSE"].includes(x.AccountType)).map((x) => x.AccountId));
    for (const row of rows) if (costs.has(row.AccountId) && row.Amount !== 0) row.Amount = -row.Amount;
  }
  // defect: balance-sheet-negated (every balance flipped: it still balances)
  if (name === "balance-sheet" && d.has("balance-sheet-negated")) for (const row of rows) if (row.Amount !== 0) row.Amount = -row.Amount;
  const lastMonth = firstMonth + n - 1;
  // defect: duplicate-rows (1.00 of the first row is split off into a second row of the same account and month)
  if (name === "profit-and-loss" && d.has("duplicate-rows") && rows.length > 0) {
    const first = rows[0];
    first.Amount = Math.round(first.Amount * 100 - 100) / 100;
    rows.splice(1, 0, { AccountId: first.AccountId, Period: first.Period, Amount: 1 });
  }
  // defect: missing-month (no row at all for one month of the range)
  if (name === "profit-and-loss" && d.has("missing-month")) {
    const gap = period(ctx, lastMonth - 3);
    rows = rows.filter((r) => r.Period !== gap);
  }
  // defect: balance-sheet-gap (the month before the clock's month is left out)
  if (name === "balance-sheet" && d.has("balance-sheet-gap")) {
    const gap = period(ctx, lastMonth - 1);
    rows = rows.filter((r) => r.Period !== gap);
  }
  const reply = ctx.respond.json(200, { Data: rows }, { data: true });
  // defect: slow-operation
  if (name === "profit-and-loss" && d.has("slow-operation")) reply.delayMs = 2500;
  return reply;
}

export function metricValuesOperation(ctx: PartnerContext, req: ServerRequest, company: CompanyData): ServerReply {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString("utf8"));
  } catch {
    return ctx.respond.error(400, badRequest("The request body must be a JSON object."));
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return ctx.respond.error(400, badRequest("The request body must be a JSON object."));
  }
  const input = body as Record<string, unknown>;
  const errors: ReachError[] = [];
  const ids = input.NonFinancialIds;
  let wanted: string[] = [];
  if (ids === undefined) errors.push(badRequest("NonFinancialIds is required."));
  else if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) errors.push(badRequest("NonFinancialIds must be an array of strings."));
  else {
    wanted = [...new Set(ids as string[])];
    const known = new Set(company.metrics.map((m) => m.NonFinancialId));
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length > 0) errors.push(badRequest(`Unknown NonFinancialIds: ${unknown.join(", ")}.`));
  }
  // defect: accept-impossible-day
  const range = parseDateRange(input.StartDate, input.EndDate, ctx.defects.has("accept-impossible-day"));
  if ("errors" in range) {
    // defect: accept-bad-dates
    if (range.malformed && ctx.defects.has("accept-bad-dates") && errors.length === 0) return ctx.respond.json(200, { Data: [] }, { data: true });
    errors.push(...range.errors);
  }
  // The metrics body has no DepartmentId (observed), so only budget and class filter here.
  const filters = resolveFilters(ctx, company, false, { BudgetId: input.BudgetId, ClassId: input.ClassId }, errors);
  if (errors.length > 0 || "errors" in range) return ctx.respond.error(400, errors);

  const d = ctx.defects;
  // defect: metric-class-ignored
  if (d.has("metric-class-ignored")) filters.classKey = undefined;
  // defect: metric-budget-ignored
  if (d.has("metric-budget-ignored")) filters.budget = undefined;
  // defect: metric-ids-ignored
  if (d.has("metric-ids-ignored")) wanted = company.metrics.map((m) => m.NonFinancialId);
  const first = ctx.dataset.window.firstMonth;
  const data: { NonFinancialId: string; Period: string; Value: number }[] = [];
  for (const id of wanted) {
    const metric = company.template.metrics.find((m) => metricId(m.key) === id)!;
    // defect: metric-extra-months (the month before the range comes first)
    const from = d.has("metric-extra-months") ? range.first - 1 : range.first;
    for (let monthNo = from; monthNo <= range.last; monthNo++) {
      const value = ctx.dataset.metricValue(company, metric, monthNo - first, filters.budget, filters.classKey);
      if (value !== undefined) data.push({ NonFinancialId: id, Period: periodLabel(monthNo), Value: value });
    }
  }
  // defect: metric-duplicate-row
  if (d.has("metric-duplicate-row") && data.length > 0) data.push({ ...data[0] });
  // defect: metric-unknown-id
  if (d.has("metric-unknown-id") && data.length > 0) data.push({ NonFinancialId: "nfm-unknown", Period: data[0].Period, Value: 5 });
  return ctx.respond.json(200, { Data: data }, { data: true });
}
