/**
 * Double-entry ledger of one company and one scenario (actuals or a budget), for both accounting
 * bases. Every journal entry balances in integer cents, so every statement derived from the
 * postings balances to the cent whatever filter is applied: each entry carries at most one class
 * and one department, and a filter keeps or drops whole entries.
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

/** Postings stored column-wise: cheap to scan, and ready for much larger presets. */
class Journal {
  readonly month: number[] = [];
  readonly account: number[] = [];
  readonly klass: number[] = [];
  readonly department: number[] = [];
  /** Debit-positive cents. */
  readonly cents: number[] = [];
  entries = 0;

  constructor(private readonly activeMonths: number) {}

  /** Post one journal entry; entries dated after the active months are not on the books. */
  post(month: number, klass: number, department: number, lines: [number, number][]): void {
    if (month >= this.activeMonths) return;
    let sum = 0;
    for (const [, cents] of lines) {
      if (!Number.isSafeInteger(cents)) throw new Error("ledger posting is not a whole number of cents");
      sum += cents;
    }
    if (sum !== 0) throw new Error("unbalanced journal entry");
    for (const [account, cents] of lines) {
      if (cents === 0) continue;
      this.month.push(month);
      this.account.push(account);
      this.klass.push(klass);
      this.department.push(department);
      this.cents.push(cents);
    }
    this.entries++;
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

export class Ledger {
  private readonly journals: Record<Basis, Journal>;
  private readonly cache = new Map<string, Float64Array>();

  constructor(
    private readonly model: LedgerModel,
    readonly window: LedgerWindow,
    scenario: Scenario,
  ) {
    this.journals = { ACCRUAL: new Journal(window.activeMonths), CASH: new Journal(window.activeMonths) };
    generate(model, window, scenario, this.journals);
  }

  entryCount(basis: Basis): number {
    return this.journals[basis].entries;
  }

  /** Debit-positive cents per account and ledger month (`[account * months + month]`). */
  movements(basis: Basis, filter: SegmentFilter = {}): Float64Array {
    return this.memo(`mv|${basis}|${filter.classIndex ?? ""}|${filter.departmentIndex ?? ""}`, () => {
      const n = this.window.months;
      const out = new Float64Array(this.model.accounts.length * n);
      const j = this.journals[basis];
      for (let i = 0; i < j.cents.length; i++) {
        if (filter.classIndex !== undefined && j.klass[i] !== filter.classIndex) continue;
        if (filter.departmentIndex !== undefined && j.department[i] !== filter.departmentIndex) continue;
        out[j.account[i] * n + j.month[i]] += j.cents[i];
      }
      return out;
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
    let hit = this.cache.get(key);
    if (!hit) {
      // Bounded: segment filters are few for the small preset; drop the oldest beyond that.
      if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value as string);
      hit = make();
      this.cache.set(key, hit);
    }
    return hit;
  }
}

/** Index of the first account with a role, or a fallback role's account. */
function roleAccount(model: LedgerModel, role: AccountRole, fallback?: AccountRole): number {
  const found = model.accounts.findIndex((a) => a.role === role);
  if (found >= 0) return found;
  if (fallback) return roleAccount(model, fallback);
  throw new Error(`company ${model.template.id} has no ${role} account`);
}

function generate(model: LedgerModel, window: LedgerWindow, scenario: Scenario, j: Record<Basis, Journal>): void {
  const t = model.template;
  const rng = createRng(`${t.seed}|${scenario.seed}`);
  const cash = roleAccount(model, "cash");
  const receivable = roleAccount(model, "receivable");
  const payable = roleAccount(model, "payable");
  const payrollLiability = roleAccount(model, "payroll-liability", "payable");
  const accumulated = roleAccount(model, "accumulated-depreciation");
  const hasInventory = model.accounts.some((a) => a.role === "inventory");
  const inventory = hasInventory ? roleAccount(model, "inventory") : -1;
  const both = (month: number, klass: number, dept: number, lines: [number, number][]) => {
    j.ACCRUAL.post(month, klass, dept, lines);
    j.CASH.post(month, klass, dept, lines);
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
  both(0, -1, -1, opening);

  const segments = model.classWeights.length > 0 ? model.classWeights : [{ index: -1, weight: 1 }];
  for (let m = 0; m < window.months; m++) {
    const monthNo = window.firstMonth + m;
    const season = 1 + t.seasonality * Math.cos((2 * Math.PI * (calendarMonthOf(monthNo) - t.peakMonth)) / 12);
    const trend = scenario.scale * Math.pow(1 + scenario.growth, m);
    for (const acc of t.accounts) {
      if (!acc.monthly || !acc.role || !acc.departments) continue;
      const a = model.accountIndex.get(acc.code)!;
      for (const seg of segments) {
        for (const [deptKey, deptWeight] of acc.departments) {
          const dept = model.departmentIndex.get(deptKey)!;
          const x = toCents(acc.monthly * trend * season * seg.weight * deptWeight * jitter(rng, 0.06));
          // Part of each month's invoices settles in the month, the rest the month after.
          const early = Math.round(x * (0.55 + 0.25 * rng()));
          const settlements: [number, number][] = [
            [m, early],
            [m + 1, x - early],
          ];
          const k = seg.index;
          switch (acc.role) {
            case "revenue":
              j.ACCRUAL.post(m, k, dept, [[receivable, x], [a, -x]]);
              for (const [when, y] of settlements) {
                j.ACCRUAL.post(when, k, dept, [[cash, y], [receivable, -y]]);
                j.CASH.post(when, k, dept, [[cash, y], [a, -y]]);
              }
              break;
            case "contra-revenue":
              j.ACCRUAL.post(m, k, dept, [[a, x], [receivable, -x]]);
              for (const [when, y] of settlements) {
                j.ACCRUAL.post(when, k, dept, [[receivable, y], [cash, -y]]);
                j.CASH.post(when, k, dept, [[a, y], [cash, -y]]);
              }
              break;
            case "cost-of-sales":
              if (hasInventory) {
                // Goods leave inventory and are replenished on credit, so stock stays level.
                j.ACCRUAL.post(m, k, dept, [[a, x], [inventory, -x]]);
                j.ACCRUAL.post(m, k, dept, [[inventory, x], [payable, -x]]);
              } else {
                j.ACCRUAL.post(m, k, dept, [[a, x], [payable, -x]]);
              }
              for (const [when, y] of settlements) {
                j.ACCRUAL.post(when, k, dept, [[payable, y], [cash, -y]]);
                j.CASH.post(when, k, dept, [[a, y], [cash, -y]]);
              }
              break;
            case "expense":
              j.ACCRUAL.post(m, k, dept, [[a, x], [payable, -x]]);
              for (const [when, y] of settlements) {
                j.ACCRUAL.post(when, k, dept, [[payable, y], [cash, -y]]);
                j.CASH.post(when, k, dept, [[a, y], [cash, -y]]);
              }
              break;
            case "payroll":
            case "other-expense":
              both(m, k, dept, [[a, x], [cash, -x]]);
              break;
            case "payroll-tax":
              j.ACCRUAL.post(m, k, dept, [[a, x], [payrollLiability, -x]]);
              j.ACCRUAL.post(m + 1, k, dept, [[payrollLiability, x], [cash, -x]]);
              j.CASH.post(m + 1, k, dept, [[a, x], [cash, -x]]);
              break;
            case "depreciation":
              both(m, k, dept, [[a, x], [accumulated, -x]]);
              break;
            case "other-income":
              both(m, k, dept, [[cash, x], [a, -x]]);
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
      both(m, -1, -1, [[roleAccount(model, "loan"), repay], [cash, -repay]]);
    }
    if (calendarMonthOf(monthNo) % 3 === 0) {
      const paid = toCents(t.quarterlyDistribution * scenario.scale);
      both(m, -1, -1, [[roleAccount(model, "distributions"), paid], [cash, -paid]]);
    }
    if (m % 6 === 3) {
      const spend = toCents(t.capitalSpend * scenario.scale * jitter(rng, 0.2));
      both(m, -1, -1, [[roleAccount(model, "fixed-asset"), spend], [cash, -spend]]);
    }
  }
}
