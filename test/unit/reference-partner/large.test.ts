import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "../../../src/reference-partner/data.js";
import { isProfitAndLoss } from "../../../src/reference-partner/ledger.js";
import { cents, open, statementPath, type Client } from "./helpers.js";

const LARGE = "meridian-group";
let c: Client;
let chart: any[];

async function walk(list: string): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await c.get(`/companies/${LARGE}/${list}?offset=${offset}&limit=1000`);
    expect(page.status).toBe(200);
    out.push(...page.json.Data);
    if (page.json.Data.length < 1000) return out;
  }
}

beforeAll(async () => {
  c = await open({ size: "large" });
  chart = await walk("chart-of-accounts");
});
afterAll(() => c.close());

describe("the large size preset", () => {
  it("has one company with at least 20,000 accounts, 200 classes and 36 months", async () => {
    const info = await c.get("/oauth2/user-info");
    expect(info.json.Companies.map((x: any) => x.CompanyId)).toEqual([LARGE]);
    expect(chart.length).toBeGreaterThanOrEqual(20_000);
    expect((await walk("classes")).length).toBe(200);
    // 36 months up to the clock's month (2025-06): 2022-07 is the first month with data.
    const pl = await c.get(statementPath(LARGE, "profit-and-loss", { StartDate: "2022-06-01", EndDate: "2022-07-31", AccountingBasis: "ACCRUAL" }));
    const byPeriod = new Map<string, number>();
    for (const r of pl.json.Data) byPeriod.set(r.Period, (byPeriod.get(r.Period) ?? 0) + Math.abs(r.Amount));
    expect(byPeriod.get("2022-06")).toBe(0);
    expect(byPeriod.get("2022-07")).toBeGreaterThan(0);
  });

  it("lists each account once, in id order, with a hierarchy of existing parents and no cycles", () => {
    const ids = chart.map((a) => a.AccountId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const parent = new Map(chart.map((a) => [a.AccountId, a.ParentAccountId as string | null]));
    let deepest = 0;
    for (const id of ids) {
      let depth = 0;
      for (let at = parent.get(id); at !== null && at !== undefined; at = parent.get(at)) {
        expect(parent.has(at)).toBe(true);
        depth++;
        expect(depth).toBeLessThan(10);
      }
      deepest = Math.max(deepest, depth);
    }
    expect(deepest).toBeGreaterThanOrEqual(3);
  });

  it("balances every balance sheet of the 36 months, in both bases and under a class filter", async () => {
    const types = new Map(chart.map((a) => [a.AccountId, a.AccountType as string]));
    const cases: Record<string, string>[] = [{ AccountingBasis: "ACCRUAL" }, { AccountingBasis: "CASH" }, { AccountingBasis: "ACCRUAL", ClassId: "cls-r03-l4" }];
    for (const params of cases) {
      const res = await c.get(statementPath(LARGE, "balance-sheet", { StartDate: "2022-07-01", EndDate: "2025-06-30", ...params }));
      expect(res.status).toBe(200);
      const sides = new Map<string, [number, number]>();
      for (const r of res.json.Data) {
        const s = sides.get(r.Period) ?? [0, 0];
        s[types.get(r.AccountId) === "ASSET" ? 0 : 1] += cents(r.Amount);
        sides.set(r.Period, s);
      }
      expect(sides.size).toBe(36);
      for (const [period, [assets, rest]] of sides) expect(assets, `${period} ${JSON.stringify(params)}`).toBe(rest);
    }
  });
});

describe("filtered figures of the large preset", () => {
  // Straight from the data set: 200 class replays over HTTP would move hundreds of megabytes.
  const dataset = new Dataset({ now: new Date("2025-06-15T12:00:00Z"), size: "large" });
  const company = dataset.company(LARGE)!;
  const ledger = dataset.ledger(company);
  const pnl = company.model.accounts.map((a, i) => (isProfitAndLoss(a.type) ? i : -1)).filter((i) => i >= 0);
  const months = ledger.window.months;

  it("adds up over all classes, and over all departments, to the unfiltered profit and loss", () => {
    for (const [count, key] of [
      [company.classes.length, "classIndex"],
      [company.departments.length, "departmentIndex"],
    ] as const) {
      const sum = new Float64Array(company.accounts.length * months);
      for (let i = 0; i < count; i++) {
        const part = ledger.movements("ACCRUAL", { [key]: i });
        for (const a of pnl) for (let m = 0; m < months; m++) sum[a * months + m] += part[a * months + m];
      }
      const all = ledger.movements("ACCRUAL");
      const differ = pnl.filter((a) => sum.subarray(a * months, (a + 1) * months).some((v, m) => v !== all[a * months + m]));
      expect(differ, key).toEqual([]);
    }
  });

  it("gives the same figures on a second data set (deterministic, whatever was computed before)", () => {
    const again = new Dataset({ now: new Date("2025-06-15T12:00:00Z"), size: "large" });
    const other = again.ledger(again.company(LARGE)!);
    const same = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => v === y[i]);
    expect(same(other.balances("CASH", { classIndex: 7 }), ledger.balances("CASH", { classIndex: 7 }))).toBe(true);
    expect(same(other.movements("ACCRUAL"), ledger.movements("ACCRUAL"))).toBe(true);
    expect(ledger.movements("ACCRUAL").some((v) => v !== 0)).toBe(true);
  });
});
