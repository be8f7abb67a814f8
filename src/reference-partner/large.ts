/**
 * The large size preset: one synthesised company the size of a big multi-entity customer (20,000
 * accounts in a four-level hierarchy, 200 classes, 40 departments), for performance work. Each
 * profit-and-loss account carries one or two sampled classes and departments rather than every
 * combination, and draws its amounts from its own stream, so the ledger stays cheap to replay.
 * Everything comes from a fixed seed: the template is the same on every run.
 */
import type { AccountRole, AccountTemplate, AccountType, CompanyTemplate, SegmentTemplate } from "./catalog.js";
import { createRng } from "./random.js";

/** Accounts per type: 20,000 in all. */
const COUNTS: readonly [AccountType, number][] = [
  ["ASSET", 3200],
  ["LIABILITY", 1800],
  ["EQUITY", 40],
  ["REVENUE", 3000],
  ["COST_OF_SALES", 2500],
  ["EXPENSE", 9000],
  ["OTHER_INCOME", 230],
  ["OTHER_EXPENSE", 230],
];

const TYPE_PREFIX: Record<AccountType, string> = {
  ASSET: "1",
  LIABILITY: "2",
  EQUITY: "3",
  REVENUE: "4",
  COST_OF_SALES: "5",
  EXPENSE: "6",
  OTHER_INCOME: "7",
  OTHER_EXPENSE: "8",
};

const TYPE_TITLE: Record<AccountType, string> = {
  ASSET: "Assets",
  LIABILITY: "Liabilities",
  EQUITY: "Equity",
  REVENUE: "Revenue",
  COST_OF_SALES: "Cost of Sales",
  EXPENSE: "Operating Expenses",
  OTHER_INCOME: "Other Income",
  OTHER_EXPENSE: "Other Expenses",
};

/** The balance-sheet accounts the generator settles against: the first leaves of their type. */
const BALANCE_ROLES: Partial<Record<AccountType, { role: AccountRole; name: string; opening?: number }[]>> = {
  ASSET: [
    { role: "cash", name: "Operating Cash Pool", opening: 9_000_000 },
    { role: "receivable", name: "Trade Receivables Control" },
    { role: "inventory", name: "Inventory Control", opening: 14_000_000 },
    { role: "prepaid", name: "Prepaid Expenses", opening: 600_000 },
    { role: "fixed-asset", name: "Property, Plant & Equipment", opening: 22_000_000 },
    { role: "accumulated-depreciation", name: "Accumulated Depreciation", opening: -6_500_000 },
  ],
  LIABILITY: [
    { role: "payable", name: "Trade Payables Control" },
    { role: "payroll-liability", name: "Accrued Payroll" },
    { role: "loan", name: "Term Loan Facility", opening: 12_000_000 },
  ],
  EQUITY: [
    { role: "capital", name: "Common Stock", opening: 5_000_000 },
    { role: "distributions", name: "Dividends Declared" },
    { role: "retained-earnings", name: "Retained Earnings" },
    { role: "current-year-earnings", name: "Current Year Earnings" },
  ],
};

const REGIONS = ["Northeast", "Southeast", "Midwest", "Southwest", "Mountain", "Pacific", "Canada", "Mexico", "UK", "Ireland",
  "Nordics", "Benelux", "DACH", "France", "Iberia", "Italy", "Australia", "New Zealand", "Japan", "Singapore"];
const FUNCTIONS = ["Sales", "Operations", "Logistics", "Manufacturing", "Marketing", "Finance", "Technology", "People"];
const LEAF_WORDS = ["Services", "Products", "Licences", "Freight", "Supplies", "Contractors", "Maintenance", "Travel", "Software",
  "Utilities", "Rent", "Commissions", "Fees", "Insurance", "Training", "Equipment", "Consulting", "Subscriptions", "Parts", "Packaging"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function segments(): { classes: SegmentTemplate[]; departments: SegmentTemplate[] } {
  const classes: SegmentTemplate[] = [];
  // 20 regions, each a header with 9 locations: 200 classes. A few locations are closed.
  for (const [r, region] of REGIONS.entries()) {
    const key = `r${pad(r + 1, 2)}`;
    classes.push({ key, name: `Region ${region}`, weight: 0 });
    for (let s = 1; s <= 9; s++) {
      const closed = (r * 9 + s) % 37 === 0;
      classes.push({ key: `${key}-l${s}`, name: `${region} Location ${s}`, parent: key, inactive: closed || undefined, weight: 0 });
    }
  }
  const open = classes.filter((c) => c.parent && !c.inactive);
  for (const c of open) c.weight = 1 / open.length;
  const departments: SegmentTemplate[] = [];
  // 8 functions with 4 teams each, plus 8 group-level departments: 40.
  for (const [f, fn] of FUNCTIONS.entries()) {
    const key = `f${pad(f + 1, 2)}`;
    departments.push({ key, name: fn });
    for (let t = 1; t <= 4; t++) departments.push({ key: `${key}-t${t}`, name: `${fn} Team ${t}`, parent: key, inactive: (f + t) % 13 === 0 || undefined });
  }
  return { classes, departments };
}

function pnlRole(type: AccountType, u: number): AccountRole {
  switch (type) {
    case "REVENUE":
      return u < 0.03 ? "contra-revenue" : "revenue";
    case "COST_OF_SALES":
      return "cost-of-sales";
    case "EXPENSE":
      return u < 0.1 ? "payroll" : u < 0.13 ? "payroll-tax" : u < 0.14 ? "depreciation" : "expense";
    case "OTHER_INCOME":
      return "other-income";
    default:
      return "other-expense";
  }
}

/** Typical monthly amount by type: revenue exceeds costs, so the company earns money. */
const MONTHLY: Partial<Record<AccountType, number>> = {
  REVENUE: 24_000,
  COST_OF_SALES: 11_000,
  EXPENSE: 3_800,
  OTHER_INCOME: 900,
  OTHER_EXPENSE: 1_100,
};

function buildLarge(): CompanyTemplate {
  const rng = createRng("large-catalog/v1");
  const { classes, departments } = segments();
  const openClasses = classes.filter((c) => c.parent && !c.inactive).map((c) => c.key);
  const openDepartments = departments.filter((d) => !d.inactive).map((d) => d.key);
  const pick = (keys: string[]) => keys[Math.floor(rng() * keys.length)];
  /** One key, or two with a random split. */
  const split = (keys: string[], twoShare: number): [string, number][] => {
    const first = pick(keys);
    if (rng() >= twoShare) return [[first, 1]];
    let second = pick(keys);
    if (second === first) second = keys[(keys.indexOf(first) + 1) % keys.length];
    const w = Math.round((0.5 + 0.4 * rng()) * 100) / 100;
    return [[first, w], [second, Math.round((1 - w) * 100) / 100]];
  };

  const accounts: AccountTemplate[] = [];
  for (const [type, count] of COUNTS) {
    const prefix = TYPE_PREFIX[type];
    const top = `${prefix}00000`;
    accounts.push({ code: top, name: TYPE_TITLE[type], type });
    const roles = BALANCE_ROLES[type] ?? [];
    const isPnl = MONTHLY[type] !== undefined;
    // Type header, then groups of 50 (a header, sub-groups of 10 under it, leaves under those).
    let made = 1;
    let group = 0;
    let leaf = 0;
    let parentGroup = top;
    let parentSub = top;
    for (let n = 1; made < count; n++) {
      const code = `${prefix}${pad(n, 5)}`;
      if ((n - 1) % 50 === 0) {
        group++;
        parentGroup = code;
        accounts.push({ code, name: `${TYPE_TITLE[type]} Group ${group}`, type, parent: top });
      } else if ((n - 1) % 10 === 1) {
        parentSub = code;
        accounts.push({ code, name: `${TYPE_TITLE[type]} ${group}.${Math.ceil((n - 1) % 50 / 10)}`, type, parent: parentGroup });
      } else {
        const u = rng();
        const base: AccountTemplate = {
          code,
          name: `${LEAF_WORDS[leaf % LEAF_WORDS.length]} ${TYPE_TITLE[type]} ${pad(leaf + 1, 5)}`,
          type,
          parent: parentSub,
          unnumbered: u < 0.02 || undefined,
        };
        const role = roles[leaf];
        if (role) {
          Object.assign(base, { name: role.name, role: role.role, opening: role.opening, unnumbered: undefined });
        } else if (isPnl) {
          if (u > 0.97) base.inactive = true;
          else
            Object.assign(base, {
              role: pnlRole(type, rng()),
              monthly: Math.round(MONTHLY[type]! * (0.2 + 1.6 * rng()) * 100) / 100,
              classes: split(openClasses, 0.3),
              departments: split(openDepartments, 0.2),
            });
        } else if (u > 0.96) {
          base.inactive = true;
        } else if (u < 0.7) {
          // Other balance-sheet accounts carry an opening balance only.
          base.opening = Math.round(5_000 + 200_000 * rng());
        }
        accounts.push(base);
        leaf++;
      }
      made++;
    }
  }

  return {
    id: "meridian-group",
    name: "Meridian Group Holdings, Inc.",
    currency: "USD",
    fiscalMonthEnd: 6,
    seed: "meridian-group/v1",
    growth: 0.005,
    seasonality: 0.12,
    peakMonth: 12,
    classes,
    departments,
    budgets: [
      { key: "fy-budget", name: "FY Budget", scale: 1.05, growth: 0.006 },
      { key: "reforecast", name: "Q2 Reforecast", scale: 0.98, growth: 0.004 },
      { key: "board-plan", name: "Board Plan", scale: 1.12, growth: 0.009 },
    ],
    metrics: [
      { key: "active-customers", name: "Active Customers", unit: "customers", base: 410_000, growth: 0.01, decimals: 0 },
      { key: "headcount", name: "Headcount", unit: "people", base: 5400, growth: 0.003, decimals: 0 },
      { key: "orders", name: "Orders", unit: "orders", base: 320_000, growth: 0.008, decimals: 0 },
      { key: "gross-margin", name: "Gross Margin", unit: "percent", base: 41.5, growth: 0.0004, decimals: 1, rate: true },
    ],
    accounts,
    loanRepayment: 150_000,
    quarterlyDistribution: 1_200_000,
    capitalSpend: 400_000,
    streamPerAccount: true,
  };
}

let large: readonly CompanyTemplate[] | undefined;

/** The large preset's companies (built once, on first use). */
export function largeTemplates(): readonly CompanyTemplate[] {
  large ??= [buildLarge()];
  return large;
}
