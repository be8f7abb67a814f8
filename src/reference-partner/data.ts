/**
 * The reference partner's data set: company records, reference lists, ledgers and metric values,
 * built lazily per company (and per budget) and cached, so that a larger preset only pays for what
 * a run asks for. Everything is a function of the templates, the seed strings and the clock.
 */
import { COMPANY_TEMPLATES, type AccountType, type CompanyTemplate, type MetricTemplate } from "./catalog.js";
import { largeTemplates } from "./large.js";
import { Ledger, type LedgerAccount, type LedgerModel, type LedgerWindow } from "./ledger.js";
import { calendarMonthOf, monthOfDate } from "./periods.js";
import { createRng, jitter } from "./random.js";

export interface CompanyInfo {
  CompanyId: string;
  CompanyName: string;
  FiscalMonthEnd: number;
  Currency: string;
}
export interface AccountRecord {
  AccountId: string;
  AccountNumber: string | null;
  Name: string;
  AccountType: AccountType;
  ParentAccountId: string | null;
  IsActive: boolean;
}
export interface BudgetRecord {
  BudgetId: string;
  Name: string;
}
export interface ClassRecord {
  ClassId: string;
  Name: string;
  ParentClassId: string | null;
  IsActive: boolean;
}
export interface DepartmentRecord {
  DepartmentId: string;
  Name: string;
  ParentDepartmentId: string | null;
  IsActive: boolean;
}
export interface MetricRecord {
  NonFinancialId: string;
  Name: string;
  Unit: string;
}

export interface CompanyData {
  info: CompanyInfo;
  accounts: AccountRecord[];
  budgets: BudgetRecord[];
  classes: ClassRecord[];
  departments: DepartmentRecord[];
  metrics: MetricRecord[];
  model: LedgerModel;
  template: CompanyTemplate;
}

/** `small`: the two hand-written companies, 24 months; `large`: one synthesised company of 20,000 accounts, 36 months. */
export type DataSize = "small" | "large";
export const DATA_SIZES: readonly DataSize[] = ["small", "large"];

export interface DatasetOptions {
  now: Date;
  /** Default `small`. */
  size?: DataSize;
  /** Months of history up to and including the clock's month (default 24 for small, 36 for large). */
  months?: number;
  /** Months at the end of the window with no postings and no metric values (the stale-data defect). */
  staleMonths?: number;
}

const byId = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export const accountId = (code: string) => `acc-${code}`;
export const classId = (key: string) => `cls-${key}`;
export const departmentId = (key: string) => `dept-${key}`;
export const budgetId = (key: string) => `bud-${key}`;
export const metricId = (key: string) => `nfm-${key}`;

function buildCompany(t: CompanyTemplate): CompanyData {
  const accounts: AccountRecord[] = t.accounts
    .map((a) => ({
      AccountId: accountId(a.code),
      AccountNumber: a.unnumbered ? null : a.code,
      Name: a.name,
      AccountType: a.type,
      ParentAccountId: a.parent ? accountId(a.parent) : null,
      IsActive: !a.inactive,
    }))
    .sort(byId((a) => a.AccountId));
  const classes: ClassRecord[] = t.classes
    .map((c) => ({ ClassId: classId(c.key), Name: c.name, ParentClassId: c.parent ? classId(c.parent) : null, IsActive: !c.inactive }))
    .sort(byId((c) => c.ClassId));
  const departments: DepartmentRecord[] = t.departments
    .map((d) => ({
      DepartmentId: departmentId(d.key),
      Name: d.name,
      ParentDepartmentId: d.parent ? departmentId(d.parent) : null,
      IsActive: !d.inactive,
    }))
    .sort(byId((d) => d.DepartmentId));
  const budgets = t.budgets.map((b) => ({ BudgetId: budgetId(b.key), Name: b.name })).sort(byId((b) => b.BudgetId));
  const metrics = t.metrics
    .map((m) => ({ NonFinancialId: metricId(m.key), Name: m.name, Unit: m.unit }))
    .sort(byId((m) => m.NonFinancialId));

  // Lookups by map, not by search: the large preset has 20,000 accounts.
  const positionOf = <T>(records: T[], id: (r: T) => string) => new Map(records.map((r, i) => [id(r), i]));
  const accountAt = positionOf(accounts, (r) => r.AccountId);
  const classAt = positionOf(classes, (r) => r.ClassId);
  const departmentAt = positionOf(departments, (r) => r.DepartmentId);
  const accountIndex = new Map(t.accounts.map((a) => [a.code, accountAt.get(accountId(a.code))!]));
  const ledgerAccounts = new Array<LedgerAccount>(accounts.length);
  for (const a of t.accounts) ledgerAccounts[accountIndex.get(a.code)!] = { type: a.type, role: a.role ?? "none" };
  const model: LedgerModel = {
    template: t,
    accounts: ledgerAccounts,
    accountIndex,
    classWeights: t.classes.filter((c) => (c.weight ?? 0) > 0).map((c) => ({ index: classAt.get(classId(c.key))!, weight: c.weight! })),
    classIndex: new Map(t.classes.map((c) => [c.key, classAt.get(classId(c.key))!])),
    departmentIndex: new Map(t.departments.map((d) => [d.key, departmentAt.get(departmentId(d.key))!])),
  };
  return {
    info: { CompanyId: t.id, CompanyName: t.name, FiscalMonthEnd: t.fiscalMonthEnd, Currency: t.currency },
    accounts,
    budgets,
    classes,
    departments,
    metrics,
    model,
    template: t,
  };
}

export class Dataset {
  readonly window: LedgerWindow;
  private readonly templates: readonly CompanyTemplate[];
  private readonly companyCache = new Map<string, CompanyData>();
  private readonly ledgerCache = new Map<string, Ledger>();

  constructor(options: DatasetOptions) {
    const size = options.size ?? "small";
    this.templates = size === "large" ? largeTemplates() : COMPANY_TEMPLATES;
    const months = options.months ?? (size === "large" ? 36 : 24);
    const stale = options.staleMonths ?? 0;
    this.window = {
      firstMonth: monthOfDate(options.now) - (months - 1),
      months,
      activeMonths: Math.max(0, months - stale),
    };
  }

  companies(): { id: string; name: string }[] {
    return this.templates.map((t) => ({ id: t.id, name: t.name }));
  }

  company(id: string): CompanyData | undefined {
    const cached = this.companyCache.get(id);
    if (cached) return cached;
    const template = this.templates.find((t) => t.id === id);
    if (!template) return undefined;
    const built = buildCompany(template);
    this.companyCache.set(id, built);
    return built;
  }

  /** The actuals ledger, or a budget's scenario ledger when `budget` is a BudgetId of the company. */
  ledger(company: CompanyData, budget?: string): Ledger {
    const key = `${company.info.CompanyId}|${budget ?? ""}`;
    let ledger = this.ledgerCache.get(key);
    if (!ledger) {
      const b = budget ? company.template.budgets.find((x) => budgetId(x.key) === budget) : undefined;
      if (budget && !b) throw new Error(`unknown budget ${budget}`);
      const scenario = b
        ? { seed: `budget:${b.key}`, scale: b.scale, growth: b.growth }
        : { seed: "actuals", scale: 1, growth: company.template.growth };
      ledger = new Ledger(company.model, this.window, scenario);
      this.ledgerCache.set(key, ledger);
    }
    return ledger;
  }

  /**
   * One metric's value for ledger month `m` (undefined outside the active months). Budgets use
   * their own scale and seed; a class filter takes the class's share of counts and a class-specific
   * variation of rates.
   */
  metricValue(company: CompanyData, metric: MetricTemplate, m: number, budget?: string, classKey?: string): number | undefined {
    if (m < 0 || m >= this.window.activeMonths) return undefined;
    const t = company.template;
    const b = budget ? t.budgets.find((x) => budgetId(x.key) === budget) : undefined;
    const rng = createRng(`${t.seed}|metric|${metric.key}|${budget ?? "actuals"}|${classKey ?? ""}|${m}`);
    const monthNo = this.window.firstMonth + m;
    const season = 1 + (t.seasonality / 2) * Math.cos((2 * Math.PI * (calendarMonthOf(monthNo) - t.peakMonth)) / 12);
    let value = metric.base * (b?.scale ?? 1) * Math.pow(1 + metric.growth, m) * jitter(rng, 0.03);
    if (metric.unit !== "people") value *= season;
    if (classKey !== undefined) {
      const cls = t.classes.find((c) => c.key === classKey);
      const share = cls?.weight ?? 0;
      value = metric.rate ? value * jitter(rng, 0.05) : value * share;
    }
    const f = Math.pow(10, metric.decimals);
    return Math.round(value * f) / f;
  }
}
