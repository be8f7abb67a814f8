import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AF, cents, NOW, NW, open, statementPath, type Client } from "./helpers.js";

let c: Client;
const types = new Map<string, Map<string, string>>();
beforeAll(async () => {
  c = await open();
  for (const company of [NW, AF]) {
    const chart = (await c.get(`/companies/${company}/chart-of-accounts?limit=1000`)).json.Data as any[];
    types.set(company, new Map(chart.map((a) => [a.AccountId, a.AccountType])));
  }
});
afterAll(() => c.close());

const WINDOW = { StartDate: "2023-07-01", EndDate: "2025-06-30" }; // the 24 months up to NOW

interface Row {
  AccountId: string;
  Period: string;
  Amount: number;
}

async function rows(company: string, statement: string, params: Record<string, string>): Promise<Row[]> {
  const res = await c.get(statementPath(company, statement, params));
  expect(res.status, JSON.stringify(params)).toBe(200);
  return res.json.Data;
}

/** Per period: [assets, liabilities + equity] in cents. */
function sides(company: string, data: Row[]): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const r of data) {
    const t = types.get(company)!.get(r.AccountId);
    const v = out.get(r.Period) ?? [0, 0];
    if (t === "ASSET") v[0] += cents(r.Amount);
    else if (t === "LIABILITY" || t === "EQUITY") v[1] += cents(r.Amount);
    else throw new Error(`${r.AccountId} (${t}) on a balance-sheet statement`);
    out.set(r.Period, v);
  }
  return out;
}

/** Net income per period in cents (credit-positive types add, debit-positive subtract). */
function netIncome(company: string, data: Row[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of data) {
    const t = types.get(company)!.get(r.AccountId)!;
    const sign = t === "REVENUE" || t === "OTHER_INCOME" ? 1 : -1;
    out.set(r.Period, (out.get(r.Period) ?? 0) + sign * cents(r.Amount));
  }
  return out;
}

function byKey(data: Row[]): Map<string, number> {
  return new Map(data.map((r) => [`${r.AccountId}|${r.Period}`, cents(r.Amount)]));
}

const BASES = ["ACCRUAL", "CASH"];

describe("balance sheets balance to the cent", () => {
  const scenarios: [string, string, Record<string, string>][] = [];
  for (const basis of BASES) {
    scenarios.push([NW, basis, {}], [AF, basis, {}]);
    for (const k of ["cls-apparel", "cls-footwear", "cls-gear", "cls-gear-camping", "cls-gear-climbing", "cls-outlet"]) scenarios.push([NW, basis, { ClassId: k }]);
    for (const d of ["dept-retail", "dept-admin", "dept-ecommerce"]) scenarios.push([NW, basis, { DepartmentId: d }]);
    for (const d of ["dept-advisory", "dept-central", "dept-delivery"]) scenarios.push([AF, basis, { DepartmentId: d }]);
    for (const b of ["bud-operating", "bud-conservative", "bud-stretch"]) scenarios.push([NW, basis, { BudgetId: b }]);
    scenarios.push([AF, basis, { BudgetId: "bud-fy-plan" }]);
    scenarios.push([NW, basis, { BudgetId: "bud-operating", ClassId: "cls-apparel" }]);
  }
  it.each(scenarios)("%s %s %j", async (company, basis, filter) => {
    const data = await rows(company, "balance-sheet", { ...WINDOW, AccountingBasis: basis, ...filter });
    const s = sides(company, data);
    expect(s.size).toBe(24);
    for (const [period, [assets, claims]] of s) expect(assets, `${period}`).toBe(claims);
    if (!filter.ClassId && !filter.DepartmentId) {
      // Unfiltered sheets carry real money.
      expect([...s.values()].every(([assets]) => assets > 0)).toBe(true);
    }
  });
});

describe("statement rows", () => {
  it("one row per account of the statement's types and per month; other types absent", async () => {
    for (const company of [NW, AF]) {
      const t = types.get(company)!;
      const plAccounts = [...t].filter(([, ty]) => ["REVENUE", "COST_OF_SALES", "EXPENSE", "OTHER_INCOME", "OTHER_EXPENSE"].includes(ty)).map(([id]) => id);
      const bsAccounts = [...t].filter(([, ty]) => ["ASSET", "LIABILITY", "EQUITY"].includes(ty)).map(([id]) => id);
      const params = { StartDate: "2025-01-15", EndDate: "2025-03-02", AccountingBasis: "ACCRUAL" };
      const pl = await rows(company, "profit-and-loss", params);
      expect(pl.length).toBe(plAccounts.length * 3);
      expect(new Set(pl.map((r) => r.AccountId))).toEqual(new Set(plAccounts));
      expect(new Set(pl.map((r) => r.Period))).toEqual(new Set(["2025-01", "2025-02", "2025-03"]));
      for (const r of pl) expect(Object.keys(r).sort()).toEqual(["AccountId", "Amount", "Period"]);
      for (const statement of ["balance-sheet", "cash-flow"]) {
        const bs = await rows(company, statement, params);
        expect(bs.length).toBe(bsAccounts.length * 3);
        expect(new Set(bs.map((r) => r.AccountId))).toEqual(new Set(bsAccounts));
      }
    }
  });

  it("covers 24 months up to the clock's month; months outside the ledger are 0", async () => {
    for (const company of [NW, AF]) {
      const pl = await rows(company, "profit-and-loss", { StartDate: "2022-01-01", EndDate: "2026-12-31", AccountingBasis: "ACCRUAL" });
      const active = new Set(pl.filter((r) => r.Amount !== 0).map((r) => r.Period));
      const expected: string[] = [];
      for (let i = 0; i < 24; i++) {
        const d = new Date(Date.UTC(2023, 6 + i, 1));
        expected.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
      }
      expect([...active].sort()).toEqual(expected);
      expect(expected[23]).toBe(NOW.toISOString().slice(0, 7));
      const bs = await rows(company, "balance-sheet", { StartDate: "2023-06-01", EndDate: "2025-07-31", AccountingBasis: "ACCRUAL" });
      expect(bs.filter((r) => r.Period === "2023-06" || r.Period === "2025-07").every((r) => r.Amount === 0)).toBe(true);
      expect(bs.filter((r) => r.Period === "2025-05").some((r) => r.Amount !== 0)).toBe(true);
    }
  });

  it("profit and loss has non-zero amounts in the current month", async () => {
    const pl = await rows(NW, "profit-and-loss", { StartDate: "2025-06-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" });
    expect(pl.filter((r) => r.Amount !== 0).length).toBeGreaterThan(10);
  });

  it("amounts have at most two decimals", async () => {
    const pl = await rows(AF, "profit-and-loss", { ...WINDOW, AccountingBasis: "CASH" });
    for (const r of pl) expect(Math.abs(r.Amount * 100 - Math.round(r.Amount * 100))).toBeLessThan(1e-6);
  });
});

describe("segments and bases", () => {
  it.each(BASES)("class split sums to the unfiltered profit and loss (%s)", async (basis) => {
    const params = { ...WINDOW, AccountingBasis: basis };
    const total = byKey(await rows(NW, "profit-and-loss", params));
    const sum = new Map<string, number>();
    const classes = (await c.get(`/companies/${NW}/classes`)).json.Data as any[];
    for (const k of classes) {
      for (const r of await rows(NW, "profit-and-loss", { ...params, ClassId: k.ClassId })) {
        const key = `${r.AccountId}|${r.Period}`;
        sum.set(key, (sum.get(key) ?? 0) + cents(r.Amount));
      }
    }
    expect(sum).toEqual(total);
    // And the filter really filters.
    const apparel = byKey(await rows(NW, "profit-and-loss", { ...params, ClassId: "cls-apparel" }));
    expect(apparel).not.toEqual(total);
  });

  it("department split sums to the unfiltered profit and loss", async () => {
    const params = { ...WINDOW, AccountingBasis: "ACCRUAL" };
    const total = byKey(await rows(AF, "profit-and-loss", params));
    const sum = new Map<string, number>();
    for (const d of (await c.get(`/companies/${AF}/departments`)).json.Data as any[]) {
      for (const r of await rows(AF, "profit-and-loss", { ...params, DepartmentId: d.DepartmentId })) {
        const key = `${r.AccountId}|${r.Period}`;
        sum.set(key, (sum.get(key) ?? 0) + cents(r.Amount));
      }
    }
    expect(sum).toEqual(total);
  });

  it("cash and accrual differ, budgets differ from actuals", async () => {
    const accrual = byKey(await rows(NW, "profit-and-loss", { ...WINDOW, AccountingBasis: "ACCRUAL" }));
    const cash = byKey(await rows(NW, "profit-and-loss", { ...WINDOW, AccountingBasis: "CASH" }));
    const budget = byKey(await rows(NW, "profit-and-loss", { ...WINDOW, AccountingBasis: "ACCRUAL", BudgetId: "bud-operating" }));
    const stretch = byKey(await rows(NW, "profit-and-loss", { ...WINDOW, AccountingBasis: "ACCRUAL", BudgetId: "bud-stretch" }));
    expect(cash).not.toEqual(accrual);
    expect(budget).not.toEqual(accrual);
    expect(stretch).not.toEqual(budget);
    // Accrual books receivables; cash does not.
    const bsAccrual = await rows(NW, "balance-sheet", { StartDate: "2025-06-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" });
    const bsCash = await rows(NW, "balance-sheet", { StartDate: "2025-06-01", EndDate: "2025-06-30", AccountingBasis: "CASH" });
    expect(bsAccrual.find((r) => r.AccountId === "acc-1100")!.Amount).toBeGreaterThan(0);
    expect(bsCash.find((r) => r.AccountId === "acc-1100")!.Amount).toBe(0);
  });
});

describe("income closes into equity by fiscal year", () => {
  async function equity(company: string, account: string, basis = "ACCRUAL"): Promise<Map<string, number>> {
    const bs = await rows(company, "balance-sheet", { ...WINDOW, AccountingBasis: basis });
    return new Map(bs.filter((r) => r.AccountId === account).map((r) => [r.Period, cents(r.Amount)]));
  }

  it.each([
    [NW, "2024-01", "2023-12", "2025-01"],
    [AF, "2024-04", "2024-03", "2025-04"],
  ])("%s: Current Year Earnings restarts at %s; Retained Earnings takes the year before", async (company, fyStart, fyEnd, nextFyStart) => {
    const ni = netIncome(company, await rows(company, "profit-and-loss", { ...WINDOW, AccountingBasis: "ACCRUAL" }));
    const cye = await equity(company, "acc-3900");
    const re = await equity(company, "acc-3800");
    expect(cye.get(fyStart)).toBe(ni.get(fyStart));
    expect(cye.get(nextFyStart)).toBe(ni.get(nextFyStart));
    expect(re.get(fyStart)! - re.get(fyEnd)!).toBe(cye.get(fyEnd));
    // Inside a fiscal year the earnings accumulate month by month.
    const next = new Date(`${fyStart}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const second = next.toISOString().slice(0, 7);
    expect(cye.get(second)).toBe(ni.get(fyStart)! + ni.get(second)!);
    expect(re.get(second)).toBe(re.get(fyStart));
  });

  it("cash flow rows are the month movement of the balance sheet and balance", async () => {
    for (const basis of BASES) {
      const bs = byKey(await rows(NW, "balance-sheet", { StartDate: "2024-12-01", EndDate: "2025-02-28", AccountingBasis: basis }));
      const cf = await rows(NW, "cash-flow", { StartDate: "2025-01-01", EndDate: "2025-02-28", AccountingBasis: basis });
      for (const r of cf) {
        const [y, m] = r.Period.split("-").map(Number);
        const prev = `${m === 1 ? y - 1 : y}-${String(m === 1 ? 12 : m - 1).padStart(2, "0")}`;
        expect(cents(r.Amount)).toBe(bs.get(`${r.AccountId}|${r.Period}`)! - bs.get(`${r.AccountId}|${prev}`)!);
      }
      for (const [, [a, le]] of sides(NW, cf)) expect(a).toBe(le);
    }
  });
});

describe("non-financial values", () => {
  const path = `/companies/${NW}/non-financial`;
  it("answers each id and month in range, in request order, only inside the ledger", async () => {
    const res = await c.post(
      path,
      JSON.stringify({ NonFinancialIds: ["nfm-headcount", "nfm-active-customers"], StartDate: "2025-04-10", EndDate: "2025-08-01" }),
    );
    expect(res.status).toBe(200);
    expect(res.json.Data.map((v: any) => `${v.NonFinancialId} ${v.Period}`)).toEqual([
      "nfm-headcount 2025-04",
      "nfm-headcount 2025-05",
      "nfm-headcount 2025-06",
      "nfm-active-customers 2025-04",
      "nfm-active-customers 2025-05",
      "nfm-active-customers 2025-06",
    ]);
    for (const v of res.json.Data) {
      expect(Object.keys(v).sort()).toEqual(["NonFinancialId", "Period", "Value"]);
      expect(v.Value).toBeGreaterThan(0);
    }
  });

  it("budget and class filters change the values; an empty id list is an empty answer", async () => {
    const body = { NonFinancialIds: ["nfm-active-customers"], StartDate: "2025-01-01", EndDate: "2025-06-30" };
    const actual = (await c.post(path, JSON.stringify(body))).json.Data;
    const budget = (await c.post(path, JSON.stringify({ ...body, BudgetId: "bud-stretch" }))).json.Data;
    const klass = (await c.post(path, JSON.stringify({ ...body, ClassId: "cls-apparel" }))).json.Data;
    expect(budget).toHaveLength(6);
    expect(budget).not.toEqual(actual);
    expect(klass[0].Value).toBeLessThan(actual[0].Value);
    const empty = await c.post(path, JSON.stringify({ ...body, NonFinancialIds: [] }));
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ Data: [] });
  });
});

describe("determinism", () => {
  it("two partners with the same clock give identical bodies", async () => {
    const other = await open();
    try {
      const paths = [
        `/companies/${NW}`,
        `/companies/${NW}/chart-of-accounts?limit=1000`,
        `/companies/${AF}/departments`,
        statementPath(NW, "profit-and-loss", { ...WINDOW, AccountingBasis: "CASH", ClassId: "cls-footwear" }),
        statementPath(AF, "balance-sheet", { ...WINDOW, AccountingBasis: "ACCRUAL", BudgetId: "bud-fy-plan" }),
        statementPath(NW, "cash-flow", { ...WINDOW, AccountingBasis: "ACCRUAL" }),
      ];
      for (const p of paths) expect((await other.get(p)).text).toBe((await c.get(p)).text);
      const body = JSON.stringify({ NonFinancialIds: ["nfm-utilisation", "nfm-billable-hours"], StartDate: "2024-01-01", EndDate: "2025-06-30" });
      expect((await other.post(`/companies/${AF}/non-financial`, body)).text).toBe((await c.post(`/companies/${AF}/non-financial`, body)).text);
    } finally {
      await other.close();
    }
  });

  it("another clock moves the window", async () => {
    const later = await open({ now: new Date("2026-02-03T00:00:00Z") });
    try {
      const pl = (await later.get(statementPath(NW, "profit-and-loss", { StartDate: "2026-02-01", EndDate: "2026-03-31", AccountingBasis: "ACCRUAL" }))).json.Data as Row[];
      expect(pl.some((r) => r.Period === "2026-02" && r.Amount !== 0)).toBe(true);
      expect(pl.filter((r) => r.Period === "2026-03").every((r) => r.Amount === 0)).toBe(true);
    } finally {
      await later.close();
    }
  });
});
