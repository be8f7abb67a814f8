/**
 * Double-entry ledger of one company and one scenario (actuals or a budget), for both accounting
 * bases. Every journal entry balances in integer cents, so every statement derived from the
 * postings balances to the cent whatever filter is applied: each entry carries at most one class
 * and one department, and a filter keeps or drops whole entries.
 *
 * Postings are not stored: the generator is replayed into running totals, once per filter (and
 * memoised), so memory is a few arrays of accounts x months whatever the number of entries.
 */
import type { AccountRole, AccountType, CompanyTemplate } from "./catalog.js";
import { createRng, jitter } from "./random.js";
import { calendarMonthOf, fiscalYearStart } from "./periods.js";

export type Basis = "CASH" | "ACCRUAL";
export const BASES: readonly Basis[] = ["ACCRUAL", "CASH"];

export interface LedgerAccount {
  type: AccountType;
  role: AccountRole;
}

/** What the generator needs to know about a company, with segments already resolved to indexes. */
export interface LedgerModel {
  template: CompanyTemplate;
  /** In list (id) order; postings refer to accounts by index into this array. */
  accounts: readonly LedgerAccount[];
  /** Index of each account template code in `accounts`. */
  accountIndex: ReadonlyMap<string, number>;
  /** Class indexes with their share of activity (empty when the company does not use classes). */
  classWeights: readonly { index: number; weight: number }[];
  /** Index of each class template key in the class list (for accounts with their own class split). */
  classIndex: ReadonlyMap<string, number>;
  departmentIndex: ReadonlyMap<string, number>;
}

export interface Scenario {
  seed: string;
  scale: number;
  growth: number;
}

export interface LedgerWindow {
  /** Month number (see periods.ts) of ledger month 0. */
  firstMonth: number;
  /** Months in the window. */
  months: number;
  /** Months that carry postings, from month 0 (fewer than `months` only for the stale-data defect). */
  activeMonths: number;
}

export interface SegmentFilter {
  classIndex?: number;
  departmentIndex?: number;
}

/**
 * Receives the journal entries of one replay and keeps, per basis, the debit-positive cents of the
 * entries that pass the filter, per account and ledger month (`[account * months + month]`).
 */
class Totals {
  readonly cents: Float64Array;

  constructor(
    accounts: number,
    private readonly months: number,
    private readonly activeMonths: number,
    private readonly filter: SegmentFilter,
  ) {
    this.cents = new Float64Array(accounts * months);
  }

  private keeps(month: number, klass: number, department: number): boolean {
    if (month >= this.activeMonths) return false; // dated after the books close
    if (this.filter.classIndex !== undefined && klass !== this.filter.classIndex) return false;
    return this.filter.departmentIndex === undefined || department === this.filter.departmentIndex;
  }

  /** Post one journal entry of any number of lines. */
  post(month: number, klass: number, department: number, lines: [number, number][]): void {
    let sum = 0;
    for (const [, cents] of lines) {
      if (!Number.isSafeInteger(cents)) throw new Error("ledger posting is not a whole number of cents");
      sum += cents;
    }
    if (sum !== 0) throw new Error("unbalanced journal entry");
    if (!this.keeps(month, klass, department)) return;
    for (const [account, cents] of lines) this.cents[account * this.months + month] += cents;
  }

  /** Post a two-line entry: `debit` up and `credit` down by `cents` (the common case, allocation-free). */
  move(month: number, klass: number, department: number, debit: number, credit: number, cents: number): void {
    if (!Number.isSafeInteger(cents)) throw new Error("ledger posting is not a whole number of cents");
    if (!this.keeps(month, klass, department)) return;
    this.cents[debit * this.months + month] += cents;
    this.cents[credit * this.months + month] -= cents;
  }
}

const PROFIT_AND_LOSS_TYPES: ReadonlySet<AccountType> = new Set([
  "REVENUE",
  "COST_OF_SALES",
  "EXPENSE",
  "OTHER_INCOME",
  "OTHER_EXPENSE",
]);
const BALANCE_SHEET_TYPES: ReadonlySet<AccountType> = new Set(["ASSET", "LIABILITY", "EQUITY"]);
const CREDIT_NORMAL: ReadonlySet<AccountType> = new Set(["LIABILITY", "EQUITY", "REVENUE", "OTHER_INCOME"]);

export function isProfitAndLoss(type: AccountType): boolean {
  return PROFIT_AND_LOSS_TYPES.has(type);
}
export function isBalanceSheet(type: AccountType): boolean {
  return BALANCE_SHEET_TYPES.has(type);
}
/** +1 when a debit shows as a positive Amount, -1 when a credit does. */
export function normalSign(type: AccountType): 1 | -1 {
  return CREDIT_NORMAL.has(type) ? -1 : 1;
}

/** Float64 elements the memo of one ledger may hold (64 MiB): a few filters of a large preset. */
const MEMO_BUDGET = 8 * 1024 * 1024;

export class Ledger {
  private readonly cache = new Map<string, Float64Array>();
  private cached = 0;

  constructor(
    private readonly model: LedgerModel,
    readonly window: LedgerWindow,
    private readonly scenario: Scenario,
  ) {}

  /** Debit-positive cents per account and ledger month (`[account * months + month]`). */
  movements(basis: Basis, filter: SegmentFilter = {}): Float64Array {
    const key = (b: Basis) => `mv|${b}|${filter.classIndex ?? ""}|${filter.departmentIndex ?? ""}`;
    return this.memo(key(basis), () => {
      // One replay yields both bases; keep the other one for the next request.
      const totals = replay(this.model, this.window, this.scenario, filter);
      const other: Basis = basis === "CASH" ? "ACCRUAL" : "CASH";
      if (!this.cache.has(key(other))) this.remember(key(other), totals[other]);
      return totals[basis];
    });
  }

  /**
   * Debit-positive month-end balances of balance-sheet accounts, with income closed into equity:
   * Current Year Earnings holds the fiscal year to date, Retained Earnings every earlier year.
   */
  balances(basis: Basis, filter: SegmentFilter = {}): Float64Array {
    return this.memo(`bal|${basis}|${filter.classIndex ?? ""}|${filter.departmentIndex ?? ""}`, () => {
      const n = this.window.months;
      const accounts = this.model.accounts;
      const mv = this.movements(basis, filter);
      const out = new Float64Array(accounts.length * n);
      const incomeDebit = new Float64Array(n);
      accounts.forEach((account, a) => {
        if (isProfitAndLoss(account.type)) {
          for (let m = 0; m < n; m++) incomeDebit[m] += mv[a * n + m];
          return;
        }
        let running = 0;
        for (let m = 0; m < n; m++) {
          running += mv[a * n + m];
          out[a * n + m] = running;
        }
      });
      const fme = this.model.template.fiscalMonthEnd;
      const retained = accounts.findIndex((a) => a.role === "retained-earnings");
      const current = accounts.findIndex((a) => a.role === "current-year-earnings");
      let priorYears = 0;
      let yearToDate = 0;
      for (let m = 0; m < n; m++) {
        const fyStart = fiscalYearStart(this.window.firstMonth + m, fme) - this.window.firstMonth;
        if (fyStart === m && m > 0) {
          priorYears += yearToDate;
          yearToDate = 0;
        }
        yearToDate += incomeDebit[m];
        out[retained * n + m] += priorYears;
        out[current * n + m] += yearToDate;
      }
      return out;
    });
  }

  /** Debit-positive month movement of every balance-sheet account (closing entries included). */
  cashFlow(basis: Basis, filter: SegmentFilter = {}): Float64Array {
    return this.memo(`cf|${basis}|${filter.classIndex ?? ""}|${filter.departmentIndex ?? ""}`, () => {
      const n = this.window.months;
      const bal = this.balances(basis, filter);
      const out = new Float64Array(bal.length);
      this.model.accounts.forEach((account, a) => {
        if (!isBalanceSheet(account.type)) return;
        for (let m = 0; m < n; m++) out[a * n + m] = bal[a * n + m] - (m > 0 ? bal[a * n + m - 1] : 0);
      });
      return out;
    });
  }

  private memo(key: string, make: () => Float64Array): Float64Array {
    const hit = this.cache.get(key);
    if (hit) {
      // Least recently used goes first: refresh this one's place.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const made = make();
    this.remember(key, made);
    return made;
  }

  /** Bounded by entries (64) and by size, so a large preset's many filters cannot pile up. */
  private remember(key: string, value: Float64Array): void {
    while (this.cache.size > 0 && (this.cache.size >= 64 || this.cached + value.length > MEMO_BUDGET)) {
      const oldest = this.cache.keys().next().value as string;
      this.cached -= this.cache.get(oldest)!.length;
      this.cache.delete(oldest);
    }
    this.cache.set(key, value);
    this.cached += value.length;
  }
}

/** Index of the first account with a role, or a fallback role's account. */
function roleAccount(model: LedgerModel, role: AccountRole, fallback?: AccountRole): number {
  const found = model.accounts.findIndex((a) => a.role === role);
  if (found >= 0) return found;
  if (fallback) return roleAccount(model, fallback);
  throw new Error(`company ${model.template.id} has no ${role} account`);
}

/** Replays the company's journal for a scenario into per-basis totals of the entries a filter keeps. */
function replay(model: LedgerModel, window: LedgerWindow, scenario: Scenario, filter: SegmentFilter): Record<Basis, Float64Array> {
  const totals = (): Totals => new Totals(model.accounts.length, window.months, window.activeMonths, filter);
  const j = { ACCRUAL: totals(), CASH: totals() };
  generate(model, window, scenario, j, filter);
  return { ACCRUAL: j.ACCRUAL.cents, CASH: j.CASH.cents };
}

/**
 * Writes the journal entries. With `streamPerAccount` each account draws from its own seeded
 * stream, so a replay for one class or department can skip the accounts that never carry it
 * without changing anyone else's figures; otherwise one stream runs through everything (the small
 * preset's data depends on that order, and the Totals drop what a filter does not keep).
 */
function generate(model: LedgerModel, window: LedgerWindow, scenario: Scenario, j: Record<Basis, Totals>, filter: SegmentFilter): void {
  const t = model.template;
  const rng = createRng(`${t.seed}|${scenario.seed}`);
  const perAccount = t.streamPerAccount === true;
  const cash = roleAccount(model, "cash");
  const receivable = roleAccount(model, "receivable");
  const payable = roleAccount(model, "payable");
  const payrollLiability = roleAccount(model, "payroll-liability", "payable");
  const accumulated = roleAccount(model, "accumulated-depreciation");
  const hasInventory = model.accounts.some((a) => a.role === "inventory");
  const inventory = hasInventory ? roleAccount(model, "inventory") : -1;
  const both = (month: number, klass: number, dept: number, debit: number, credit: number, cents: number) => {
    j.ACCRUAL.move(month, klass, dept, debit, credit, cents);
    j.CASH.move(month, klass, dept, debit, credit, cents);
  };
  const toCents = (amount: number) => Math.round(amount * 100);

  // Opening balances, untagged: Retained Earnings takes the difference so the entry balances.
  const opening: [number, number][] = [];
  for (const acc of t.accounts) {
    if (acc.opening === undefined) continue;
    const index = model.accountIndex.get(acc.code)!;
    opening.push([index, toCents(acc.opening) * normalSign(acc.type)]);
  }
  const plug = opening.reduce((s, [, c]) => s + c, 0);
  opening.push([roleAccount(model, "retained-earnings"), -plug]);
  j.ACCRUAL.post(0, -1, -1, opening);
  j.CASH.post(0, -1, -1, opening);

  // The accounts with monthly activity, resolved once: index, class split, departments, stream.
  const companySegments = model.classWeights.length > 0 ? model.classWeights : [{ index: -1, weight: 1 }];
  const active = [];
  for (const acc of t.accounts) {
    if (!acc.monthly || !acc.role || !acc.departments) continue;
    const segments = acc.classes ? acc.classes.map(([key, weight]) => ({ index: model.classIndex.get(key)!, weight })) : companySegments;
    const departments = acc.departments.map(([key, weight]) => [model.departmentIndex.get(key)!, weight] as const);
    if (perAccount) {
      if (filter.classIndex !== undefined && !segments.some((s) => s.index === filter.classIndex)) continue;
      if (filter.departmentIndex !== undefined && !departments.some(([d]) => d === filter.departmentIndex)) continue;
    }
    const draw = perAccount ? createRng(`${t.seed}|${scenario.seed}|${acc.code}`) : rng;
    active.push({ acc, a: model.accountIndex.get(acc.code)!, segments, departments, draw });
  }

  for (let m = 0; m < window.months; m++) {
    const monthNo = window.firstMonth + m;
    const season = 1 + t.seasonality * Math.cos((2 * Math.PI * (calendarMonthOf(monthNo) - t.peakMonth)) / 12);
    const trend = scenario.scale * Math.pow(1 + scenario.growth, m);
    for (const { acc, a, segments, departments, draw } of active) {
      for (const seg of segments) {
        for (const [dept, deptWeight] of departments) {
          const x = toCents(acc.monthly! * trend * season * seg.weight * deptWeight * jitter(draw, 0.06));
          // Part of each month's invoices settles in the month, the rest the month after.
          const early = Math.round(x * (0.55 + 0.25 * draw()));
          const late = x - early;
          const k = seg.index;
          switch (acc.role) {
            case "revenue":
              j.ACCRUAL.move(m, k, dept, receivable, a, x);
              j.ACCRUAL.move(m, k, dept, cash, receivable, early);
              j.CASH.move(m, k, dept, cash, a, early);
              j.ACCRUAL.move(m + 1, k, dept, cash, receivable, late);
              j.CASH.move(m + 1, k, dept, cash, a, late);
              break;
            case "contra-revenue":
              j.ACCRUAL.move(m, k, dept, a, receivable, x);
              j.ACCRUAL.move(m, k, dept, receivable, cash, early);
              j.CASH.move(m, k, dept, a, cash, early);
              j.ACCRUAL.move(m + 1, k, dept, receivable, cash, late);
              j.CASH.move(m + 1, k, dept, a, cash, late);
              break;
            case "cost-of-sales":
              if (hasInventory) {
                // Goods leave inventory and are replenished on credit, so stock stays level.
                j.ACCRUAL.move(m, k, dept, a, inventory, x);
                j.ACCRUAL.move(m, k, dept, inventory, payable, x);
              } else {
                j.ACCRUAL.move(m, k, dept, a, payable, x);
              }
              j.ACCRUAL.move(m, k, dept, payable, cash, early);
              j.CASH.move(m, k, dept, a, cash, early);
              j.ACCRUAL.move(m + 1, k, dept, payable, cash, late);
              j.CASH.move(m + 1, k, dept, a, cash, late);
              break;
            case "expense":
              j.ACCRUAL.move(m, k, dept, a, payable, x);
              j.ACCRUAL.move(m, k, dept, payable, cash, early);
              j.CASH.move(m, k, dept, a, cash, early);
              j.ACCRUAL.move(m + 1, k, dept, payable, cash, late);
              j.CASH.move(m + 1, k, dept, a, cash, late);
              break;
            case "payroll":
            case "other-expense":
              both(m, k, dept, a, cash, x);
              break;
            case "payroll-tax":
              j.ACCRUAL.move(m, k, dept, a, payrollLiability, x);
              j.ACCRUAL.move(m + 1, k, dept, payrollLiability, cash, x);
              j.CASH.move(m + 1, k, dept, a, cash, x);
              break;
            case "depreciation":
              both(m, k, dept, a, accumulated, x);
              break;
            case "other-income":
              both(m, k, dept, cash, a, x);
              break;
            default:
              throw new Error(`account ${acc.code} has role ${acc.role}, which carries no monthly activity`);
          }
        }
      }
    }
    // Untagged financing and investing activity.
    if (m > 0) {
      const repay = toCents(t.loanRepayment);
      both(m, -1, -1, roleAccount(model, "loan"), cash, repay);
    }
    if (calendarMonthOf(monthNo) % 3 === 0) {
      const paid = toCents(t.quarterlyDistribution * scenario.scale);
      both(m, -1, -1, roleAccount(model, "distributions"), cash, paid);
    }
    if (m % 6 === 3) {
      const spend = toCents(t.capitalSpend * scenario.scale * jitter(rng, 0.2));
      both(m, -1, -1, roleAccount(model, "fixed-asset"), cash, spend);
    }
  }
}
