/**
 * The reference partner's companies, written out as templates: chart of accounts with hierarchy,
 * segments, budgets and metrics. The ledger generator turns these into postings; nothing here is
 * random. The large size preset synthesises its template instead (large.ts).
 */

export type AccountType =
  | "ASSET"
  | "LIABILITY"
  | "EQUITY"
  | "REVENUE"
  | "COST_OF_SALES"
  | "EXPENSE"
  | "OTHER_INCOME"
  | "OTHER_EXPENSE";

/**
 * How the generator posts to an account. Balance-sheet roles name the accounts that the P&L
 * roles settle against; `none` accounts only carry what the opening entry gives them (or nothing).
 */
export type AccountRole =
  | "none"
  | "cash"
  | "receivable"
  | "inventory"
  | "prepaid"
  | "fixed-asset"
  | "accumulated-depreciation"
  | "payable"
  | "payroll-liability"
  | "loan"
  | "capital"
  | "distributions"
  | "retained-earnings"
  | "current-year-earnings"
  | "revenue"
  | "contra-revenue"
  | "cost-of-sales"
  | "expense"
  | "payroll"
  | "payroll-tax"
  | "depreciation"
  | "other-income"
  | "other-expense";

export interface AccountTemplate {
  /** Four-digit code: the id is `acc-<code>`, the AccountNumber is the code unless `unnumbered`. */
  code: string;
  name: string;
  type: AccountType;
  parent?: string;
  inactive?: boolean;
  unnumbered?: boolean;
  role?: AccountRole;
  /** P&L roles: typical monthly amount in the company currency. */
  monthly?: number;
  /** P&L roles: department keys and weights (weights sum to 1). */
  departments?: [string, number][];
  /** P&L roles: class keys and weights (sum 1) for this account; default: the company's class weights. */
  classes?: [string, number][];
  /** Opening balance (debit-positive for assets, credit-positive otherwise). */
  opening?: number;
}

export interface SegmentTemplate {
  key: string;
  name: string;
  parent?: string;
  inactive?: boolean;
  /** Share of activity tagged with this class (0 for headers and inactive classes). */
  weight?: number;
}

export interface BudgetTemplate {
  key: string;
  name: string;
  /** Multiplies the actuals' typical amounts. */
  scale: number;
  /** Monthly growth rate of the scenario. */
  growth: number;
}

export interface MetricTemplate {
  key: string;
  name: string;
  unit: string;
  base: number;
  growth: number;
  /** Decimal places of the values (0: counts). */
  decimals: number;
  /** A ratio (kept, not split, under a class filter) rather than a count or total. */
  rate?: boolean;
}

export interface CompanyTemplate {
  id: string;
  name: string;
  currency: string;
  fiscalMonthEnd: number;
  seed: string;
  /** Monthly growth of the actuals. */
  growth: number;
  /** Amplitude of the yearly seasonal swing, and the calendar month of its peak. */
  seasonality: number;
  peakMonth: number;
  classes: SegmentTemplate[];
  departments: SegmentTemplate[];
  budgets: BudgetTemplate[];
  metrics: MetricTemplate[];
  accounts: AccountTemplate[];
  /** Untagged monthly balance-sheet activity. */
  loanRepayment: number;
  quarterlyDistribution: number;
  /** Fixed-asset purchase made every six months. */
  capitalSpend: number;
  /**
   * Each account draws its amounts from its own seeded stream (large preset), so filtered figures
   * can be computed from the accounts that carry the class or department alone.
   */
  streamPerAccount?: boolean;
}

const northwind: CompanyTemplate = {
  id: "northwind-outfitters",
  name: "Northwind Outfitters, Inc.",
  currency: "USD",
  fiscalMonthEnd: 12,
  seed: "northwind-outfitters/v1",
  growth: 0.008,
  seasonality: 0.18,
  peakMonth: 11,
  classes: [
    { key: "apparel", name: "Apparel", weight: 0.4 },
    { key: "footwear", name: "Footwear", weight: 0.25 },
    { key: "gear", name: "Gear", weight: 0 },
    { key: "gear-camping", name: "Camping", parent: "gear", weight: 0.2 },
    { key: "gear-climbing", name: "Climbing", parent: "gear", weight: 0.15 },
    { key: "outlet", name: "Outlet Clearance", inactive: true, weight: 0 },
  ],
  departments: [
    { key: "admin", name: "Administration" },
    { key: "ecommerce", name: "E-commerce" },
    { key: "fulfillment", name: "Warehouse & Fulfillment" },
    { key: "marketing", name: "Marketing" },
    { key: "retail", name: "Retail Stores" },
    { key: "retail-flagship", name: "Flagship Store", parent: "retail" },
    { key: "wholesale", name: "Wholesale", inactive: true },
  ],
  budgets: [
    { key: "operating", name: "Operating Budget", scale: 1.06, growth: 0.01 },
    { key: "conservative", name: "Conservative Forecast", scale: 0.94, growth: 0.004 },
    { key: "stretch", name: "Stretch Plan", scale: 1.15, growth: 0.014 },
  ],
  metrics: [
    { key: "active-customers", name: "Active Customers", unit: "customers", base: 12500, growth: 0.012, decimals: 0 },
    { key: "headcount", name: "Headcount", unit: "people", base: 84, growth: 0.004, decimals: 0 },
    { key: "orders-shipped", name: "Orders Shipped", unit: "orders", base: 9800, growth: 0.01, decimals: 0 },
    { key: "sales-per-sq-ft", name: "Sales per Square Foot", unit: "USD", base: 41.5, growth: 0.006, decimals: 2, rate: true },
  ],
  accounts: [
    { code: "1000", name: "Current Assets", type: "ASSET" },
    { code: "1010", name: "Operating Checking", type: "ASSET", parent: "1000", role: "cash", opening: 250000 },
    { code: "1020", name: "Payroll Checking", type: "ASSET", parent: "1000", opening: 40000 },
    { code: "1030", name: "Petty Cash", type: "ASSET", parent: "1000", unnumbered: true, inactive: true },
    { code: "1100", name: "Accounts Receivable", type: "ASSET", parent: "1000", role: "receivable" },
    { code: "1200", name: "Merchandise Inventory", type: "ASSET", parent: "1000", role: "inventory", opening: 420000 },
    { code: "1300", name: "Prepaid Expenses", type: "ASSET", parent: "1000", role: "prepaid", opening: 24000 },
    { code: "1500", name: "Fixed Assets", type: "ASSET" },
    { code: "1510", name: "Store Fixtures & Equipment", type: "ASSET", parent: "1500", role: "fixed-asset", opening: 260000 },
    { code: "1520", name: "Delivery Vehicles", type: "ASSET", parent: "1500", opening: 85000 },
    { code: "1530", name: "Computer Equipment", type: "ASSET", parent: "1500", opening: 35000 },
    { code: "1590", name: "Accumulated Depreciation", type: "ASSET", parent: "1500", role: "accumulated-depreciation", opening: -95000 },
    { code: "1700", name: "Security Deposits", type: "ASSET", opening: 36000 },
    { code: "2000", name: "Current Liabilities", type: "LIABILITY" },
    { code: "2010", name: "Accounts Payable", type: "LIABILITY", parent: "2000", role: "payable" },
    { code: "2050", name: "Corporate Credit Card", type: "LIABILITY", parent: "2000", opening: 8500 },
    { code: "2100", name: "Accrued Payroll Liabilities", type: "LIABILITY", parent: "2000", role: "payroll-liability" },
    { code: "2200", name: "Sales Tax Payable", type: "LIABILITY", parent: "2000", opening: 12400 },
    { code: "2300", name: "Gift Card Liability", type: "LIABILITY", parent: "2000", unnumbered: true, opening: 6100 },
    { code: "2500", name: "Long-Term Liabilities", type: "LIABILITY" },
    { code: "2510", name: "Equipment Loan", type: "LIABILITY", parent: "2500", role: "loan", opening: 300000 },
    { code: "2520", name: "SBA Loan", type: "LIABILITY", parent: "2500", inactive: true },
    { code: "3000", name: "Equity", type: "EQUITY" },
    { code: "3010", name: "Common Stock", type: "EQUITY", parent: "3000", role: "capital", opening: 100000 },
    { code: "3020", name: "Additional Paid-In Capital", type: "EQUITY", parent: "3000", opening: 250000 },
    { code: "3100", name: "Owner Distributions", type: "EQUITY", parent: "3000", role: "distributions" },
    { code: "3800", name: "Retained Earnings", type: "EQUITY", parent: "3000", role: "retained-earnings" },
    { code: "3900", name: "Current Year Earnings", type: "EQUITY", parent: "3000", role: "current-year-earnings" },
    { code: "4000", name: "Sales", type: "REVENUE" },
    { code: "4010", name: "Retail Sales", type: "REVENUE", parent: "4000", role: "revenue", monthly: 180000, departments: [["retail", 0.7], ["retail-flagship", 0.3]] },
    { code: "4020", name: "Online Sales", type: "REVENUE", parent: "4000", role: "revenue", monthly: 95000, departments: [["ecommerce", 1]] },
    { code: "4030", name: "Wholesale Sales", type: "REVENUE", parent: "4000", role: "revenue", monthly: 60000, departments: [["fulfillment", 1]] },
    { code: "4090", name: "Sales Returns & Allowances", type: "REVENUE", parent: "4000", role: "contra-revenue", monthly: 6000, departments: [["retail", 0.5], ["ecommerce", 0.5]] },
    { code: "4100", name: "Shipping Income", type: "REVENUE", role: "revenue", monthly: 4000, departments: [["ecommerce", 1]] },
    { code: "5000", name: "Cost of Goods Sold", type: "COST_OF_SALES" },
    { code: "5010", name: "Product Cost", type: "COST_OF_SALES", parent: "5000", role: "cost-of-sales", monthly: 150000, departments: [["fulfillment", 1]] },
    { code: "5020", name: "Freight In", type: "COST_OF_SALES", parent: "5000", role: "cost-of-sales", monthly: 9000, departments: [["fulfillment", 1]] },
    { code: "5030", name: "Inventory Shrinkage", type: "COST_OF_SALES", parent: "5000", role: "cost-of-sales", monthly: 2000, departments: [["retail", 1]] },
    { code: "6000", name: "Operating Expenses", type: "EXPENSE" },
    { code: "6010", name: "Salaries & Wages", type: "EXPENSE", parent: "6000", role: "payroll", monthly: 62000, departments: [["retail", 0.35], ["fulfillment", 0.2], ["ecommerce", 0.15], ["marketing", 0.1], ["admin", 0.2]] },
    { code: "6020", name: "Payroll Taxes", type: "EXPENSE", parent: "6000", role: "payroll-tax", monthly: 5200, departments: [["admin", 1]] },
    { code: "6030", name: "Employee Benefits", type: "EXPENSE", parent: "6000", role: "expense", monthly: 7400, departments: [["admin", 1]] },
    { code: "6100", name: "Occupancy", type: "EXPENSE", parent: "6000" },
    { code: "6110", name: "Rent", type: "EXPENSE", parent: "6100", role: "expense", monthly: 18000, departments: [["retail", 0.6], ["fulfillment", 0.4]] },
    { code: "6120", name: "Utilities", type: "EXPENSE", parent: "6100", role: "expense", monthly: 3200, departments: [["retail", 0.5], ["fulfillment", 0.5]] },
    { code: "6200", name: "Advertising & Marketing", type: "EXPENSE", parent: "6000", role: "expense", monthly: 14000, departments: [["marketing", 1]] },
    { code: "6210", name: "Merchant Processing Fees", type: "EXPENSE", parent: "6000", role: "expense", monthly: 6800, departments: [["ecommerce", 0.6], ["retail", 0.4]] },
    { code: "6300", name: "Software Subscriptions", type: "EXPENSE", parent: "6000", role: "expense", monthly: 2900, departments: [["admin", 1]] },
    { code: "6310", name: "Office Supplies", type: "EXPENSE", parent: "6000", role: "expense", monthly: 900, departments: [["admin", 1]] },
    { code: "6400", name: "Insurance", type: "EXPENSE", parent: "6000", role: "expense", monthly: 2400, departments: [["admin", 1]] },
    { code: "6500", name: "Professional Fees", type: "EXPENSE", parent: "6000", role: "expense", monthly: 3500, departments: [["admin", 1]] },
    { code: "6600", name: "Travel", type: "EXPENSE", parent: "6000", unnumbered: true, role: "expense", monthly: 1200, departments: [["marketing", 0.5], ["admin", 0.5]] },
    { code: "6700", name: "Depreciation Expense", type: "EXPENSE", parent: "6000", role: "depreciation", monthly: 4100, departments: [["admin", 1]] },
    { code: "6800", name: "Repairs & Maintenance", type: "EXPENSE", parent: "6000", role: "expense", monthly: 1500, departments: [["retail", 1]] },
    { code: "6900", name: "Miscellaneous Expense", type: "EXPENSE", parent: "6000", inactive: true },
    { code: "7000", name: "Other Income", type: "OTHER_INCOME" },
    { code: "7010", name: "Interest Income", type: "OTHER_INCOME", parent: "7000", role: "other-income", monthly: 350, departments: [["admin", 1]] },
    { code: "7020", name: "Gain on Sale of Assets", type: "OTHER_INCOME", parent: "7000", unnumbered: true, inactive: true },
    { code: "8000", name: "Other Expenses", type: "OTHER_EXPENSE" },
    { code: "8010", name: "Interest Expense", type: "OTHER_EXPENSE", parent: "8000", role: "other-expense", monthly: 1900, departments: [["admin", 1]] },
    { code: "8020", name: "Income Tax Expense", type: "OTHER_EXPENSE", parent: "8000", role: "expense", monthly: 8000, departments: [["admin", 1]] },
  ],
  loanRepayment: 5000,
  quarterlyDistribution: 30000,
  capitalSpend: 18000,
};

const alderFinch: CompanyTemplate = {
  id: "alder-finch",
  name: "Alder & Finch Consulting Ltd",
  currency: "GBP",
  fiscalMonthEnd: 3,
  seed: "alder-finch/v1",
  growth: 0.006,
  seasonality: 0.08,
  peakMonth: 10,
  classes: [],
  departments: [
    { key: "advisory", name: "Advisory" },
    { key: "advisory-bd", name: "Business Development", parent: "advisory" },
    { key: "central", name: "Central Services" },
    { key: "delivery", name: "Delivery" },
  ],
  budgets: [{ key: "fy-plan", name: "Annual Plan", scale: 1.04, growth: 0.008 }],
  metrics: [
    { key: "billable-hours", name: "Billable Hours", unit: "hours", base: 4900, growth: 0.006, decimals: 0 },
    { key: "headcount", name: "Headcount", unit: "people", base: 38, growth: 0.003, decimals: 0 },
    { key: "utilisation", name: "Utilisation", unit: "percent", base: 74.5, growth: 0.0005, decimals: 1, rate: true },
  ],
  accounts: [
    { code: "1000", name: "Current Assets", type: "ASSET" },
    { code: "1010", name: "Bank - Current Account", type: "ASSET", parent: "1000", role: "cash", opening: 120000 },
    { code: "1020", name: "Bank - Deposit Account", type: "ASSET", parent: "1000", opening: 150000 },
    { code: "1100", name: "Trade Debtors", type: "ASSET", parent: "1000", role: "receivable" },
    { code: "1150", name: "Work in Progress", type: "ASSET", parent: "1000", inactive: true },
    { code: "1200", name: "Prepayments", type: "ASSET", parent: "1000", role: "prepaid", opening: 14000 },
    { code: "1500", name: "Fixed Assets", type: "ASSET" },
    { code: "1510", name: "Office Equipment", type: "ASSET", parent: "1500", role: "fixed-asset", opening: 28000 },
    { code: "1520", name: "Computer Equipment", type: "ASSET", parent: "1500", opening: 46000 },
    { code: "1590", name: "Accumulated Depreciation", type: "ASSET", parent: "1500", role: "accumulated-depreciation", opening: -21000 },
    { code: "2000", name: "Current Liabilities", type: "LIABILITY" },
    { code: "2100", name: "Trade Creditors", type: "LIABILITY", parent: "2000", role: "payable" },
    { code: "2200", name: "VAT Control", type: "LIABILITY", parent: "2000", opening: 23500 },
    { code: "2210", name: "PAYE & NI", type: "LIABILITY", parent: "2000", role: "payroll-liability" },
    { code: "2300", name: "Accruals", type: "LIABILITY", parent: "2000", unnumbered: true, opening: 7200 },
    { code: "2500", name: "Long-Term Liabilities", type: "LIABILITY" },
    { code: "2510", name: "Bank Loan", type: "LIABILITY", parent: "2500", role: "loan", opening: 60000 },
    { code: "2520", name: "Director's Loan Account", type: "LIABILITY", parent: "2500", inactive: true },
    { code: "3000", name: "Capital & Reserves", type: "EQUITY" },
    { code: "3010", name: "Share Capital", type: "EQUITY", parent: "3000", role: "capital", opening: 1000 },
    { code: "3100", name: "Dividends Paid", type: "EQUITY", parent: "3000", role: "distributions" },
    { code: "3800", name: "Retained Earnings", type: "EQUITY", parent: "3000", role: "retained-earnings" },
    { code: "3900", name: "Current Year Earnings", type: "EQUITY", parent: "3000", role: "current-year-earnings" },
    { code: "4000", name: "Turnover", type: "REVENUE" },
    { code: "4010", name: "Consulting Fees", type: "REVENUE", parent: "4000", role: "revenue", monthly: 145000, departments: [["advisory", 0.45], ["delivery", 0.55]] },
    { code: "4020", name: "Retainer Income", type: "REVENUE", parent: "4000", role: "revenue", monthly: 38000, departments: [["advisory", 1]] },
    { code: "4030", name: "Training Income", type: "REVENUE", parent: "4000", role: "revenue", monthly: 12000, departments: [["delivery", 1]] },
    { code: "4040", name: "Recharged Expenses", type: "REVENUE", parent: "4000", unnumbered: true, role: "revenue", monthly: 4000, departments: [["delivery", 1]] },
    { code: "4090", name: "Credit Notes Issued", type: "REVENUE", parent: "4000", role: "contra-revenue", monthly: 2500, departments: [["advisory", 1]] },
    { code: "5000", name: "Cost of Sales", type: "COST_OF_SALES" },
    { code: "5010", name: "Subcontractor Costs", type: "COST_OF_SALES", parent: "5000", role: "cost-of-sales", monthly: 41000, departments: [["delivery", 1]] },
    { code: "5020", name: "Project Expenses", type: "COST_OF_SALES", parent: "5000", role: "cost-of-sales", monthly: 6000, departments: [["delivery", 1]] },
    { code: "6000", name: "Overheads", type: "EXPENSE" },
    { code: "6010", name: "Staff Salaries", type: "EXPENSE", parent: "6000", role: "payroll", monthly: 62000, departments: [["advisory", 0.35], ["delivery", 0.4], ["central", 0.2], ["advisory-bd", 0.05]] },
    { code: "6020", name: "Employer's NI", type: "EXPENSE", parent: "6000", role: "payroll-tax", monthly: 7900, departments: [["central", 1]] },
    { code: "6030", name: "Pension Contributions", type: "EXPENSE", parent: "6000", role: "payroll-tax", monthly: 3100, departments: [["central", 1]] },
    { code: "6100", name: "Premises", type: "EXPENSE", parent: "6000" },
    { code: "6110", name: "Office Rent", type: "EXPENSE", parent: "6100", role: "expense", monthly: 9500, departments: [["central", 1]] },
    { code: "6120", name: "Business Rates", type: "EXPENSE", parent: "6100", role: "expense", monthly: 2100, departments: [["central", 1]] },
    { code: "6130", name: "Light & Heat", type: "EXPENSE", parent: "6100", role: "expense", monthly: 900, departments: [["central", 1]] },
    { code: "6200", name: "Professional Indemnity Insurance", type: "EXPENSE", parent: "6000", role: "expense", monthly: 1400, departments: [["central", 1]] },
    { code: "6300", name: "IT & Software", type: "EXPENSE", parent: "6000", role: "expense", monthly: 3300, departments: [["central", 1]] },
    { code: "6400", name: "Travel & Subsistence", type: "EXPENSE", parent: "6000", role: "expense", monthly: 4200, departments: [["delivery", 0.7], ["advisory-bd", 0.3]] },
    { code: "6500", name: "Marketing", type: "EXPENSE", parent: "6000", role: "expense", monthly: 2600, departments: [["advisory-bd", 1]] },
    { code: "6600", name: "Accountancy & Legal", type: "EXPENSE", parent: "6000", role: "expense", monthly: 1800, departments: [["central", 1]] },
    { code: "6700", name: "Recruitment", type: "EXPENSE", parent: "6000", role: "expense", monthly: 2200, departments: [["central", 1]] },
    { code: "6710", name: "Training & CPD", type: "EXPENSE", parent: "6000", unnumbered: true, role: "expense", monthly: 1100, departments: [["advisory", 0.5], ["delivery", 0.5]] },
    { code: "6800", name: "Depreciation", type: "EXPENSE", parent: "6000", role: "depreciation", monthly: 1300, departments: [["central", 1]] },
    { code: "6900", name: "Bank Charges", type: "EXPENSE", parent: "6000", role: "expense", monthly: 150, departments: [["central", 1]] },
    { code: "6950", name: "Entertainment", type: "EXPENSE", parent: "6000", inactive: true },
    { code: "7000", name: "Other Income", type: "OTHER_INCOME" },
    { code: "7010", name: "Bank Interest Received", type: "OTHER_INCOME", parent: "7000", role: "other-income", monthly: 220, departments: [["central", 1]] },
    { code: "7020", name: "R&D Tax Credit", type: "OTHER_INCOME", parent: "7000", unnumbered: true, inactive: true },
    { code: "8000", name: "Other Charges", type: "OTHER_EXPENSE" },
    { code: "8010", name: "Loan Interest", type: "OTHER_EXPENSE", parent: "8000", role: "other-expense", monthly: 600, departments: [["central", 1]] },
    { code: "8020", name: "Corporation Tax", type: "OTHER_EXPENSE", parent: "8000", role: "expense", monthly: 9000, departments: [["central", 1]] },
  ],
  loanRepayment: 1500,
  quarterlyDistribution: 45000,
  capitalSpend: 6000,
};

/** In id order: the order of user-info's Companies. */
export const COMPANY_TEMPLATES: readonly CompanyTemplate[] = [alderFinch, northwind];
