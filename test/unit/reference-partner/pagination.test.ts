import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AF, NW, open, type Client } from "./helpers.js";

let c: Client;
beforeAll(async () => {
  c = await open();
});
afterAll(() => c.close());

const LISTS: [string, string, string][] = [
  [NW, "chart-of-accounts", "AccountId"],
  [AF, "chart-of-accounts", "AccountId"],
  [NW, "budgets", "BudgetId"],
  [NW, "classes", "ClassId"],
  [NW, "departments", "DepartmentId"],
  [AF, "departments", "DepartmentId"],
  [NW, "non-financial-metrics", "NonFinancialId"],
  [AF, "non-financial-metrics", "NonFinancialId"],
];

async function allIds(company: string, list: string, idField: string, limit: number): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  for (let offset = 0; ; offset += limit) {
    const res = await c.get(`/companies/${company}/${list}?offset=${offset}&limit=${limit}`);
    expect(res.status).toBe(200);
    expect(res.json.Pagination).toEqual({ offset, limit, total: expect.any(Number) });
    totals.push(res.json.Pagination.total);
    expect(res.json.Data.length).toBeLessThanOrEqual(limit);
    ids.push(...res.json.Data.map((r: any) => r[idField]));
    if (res.json.Data.length < limit) break;
  }
  return { ids, totals };
}

describe("list pagination", () => {
  it.each(LISTS)("%s %s: two page sizes give the same id sequence, sorted and unique", async (company, list, idField) => {
    const small = await allIds(company, list, idField, 2);
    const large = await allIds(company, list, idField, 7);
    expect(small.ids).toEqual(large.ids);
    expect([...small.ids].sort()).toEqual(small.ids);
    expect(new Set(small.ids).size).toBe(small.ids.length);
    for (const total of [...small.totals, ...large.totals]) expect(total).toBe(small.ids.length);
  });

  it("defaults to offset 0 and limit 100", async () => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts`);
    expect(res.json.Pagination).toEqual({ offset: 0, limit: 100, total: res.json.Data.length });
  });

  it("an offset past the end is 200 with Data: []", async () => {
    const res = await c.get(`/companies/${NW}/budgets?offset=500`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ Data: [], Pagination: { offset: 500, limit: 100, total: 3 } });
  });

  it("a company without classes has an empty class list", async () => {
    const res = await c.get(`/companies/${AF}/classes`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ Data: [], Pagination: { offset: 0, limit: 100, total: 0 } });
  });

  it("limit 1 and 1000 are accepted", async () => {
    expect((await c.get(`/companies/${NW}/chart-of-accounts?limit=1`)).json.Data.length).toBe(1);
    expect((await c.get(`/companies/${NW}/chart-of-accounts?limit=1000`)).status).toBe(200);
  });
});

describe("reference data content", () => {
  it("charts have 40-70 accounts, a real hierarchy, every type, and the two earnings accounts", async () => {
    for (const company of [NW, AF]) {
      const accounts = (await c.get(`/companies/${company}/chart-of-accounts?limit=1000`)).json.Data as any[];
      expect(accounts.length).toBeGreaterThanOrEqual(40);
      expect(accounts.length).toBeLessThanOrEqual(70);
      const ids = new Set(accounts.map((a) => a.AccountId));
      for (const a of accounts) {
        expect(Object.keys(a).sort()).toEqual(["AccountId", "AccountNumber", "AccountType", "IsActive", "Name", "ParentAccountId"]);
        if (a.ParentAccountId !== null) expect(ids.has(a.ParentAccountId)).toBe(true);
      }
      // No cycles: walking up from any account ends at a root.
      const parent = new Map(accounts.map((a) => [a.AccountId, a.ParentAccountId]));
      for (const a of accounts) {
        let at = a.AccountId;
        for (let steps = 0; at !== null; steps++) {
          expect(steps).toBeLessThan(accounts.length);
          at = parent.get(at);
        }
      }
      expect(new Set(accounts.map((a) => a.AccountType))).toEqual(
        new Set(["ASSET", "LIABILITY", "EQUITY", "REVENUE", "COST_OF_SALES", "EXPENSE", "OTHER_INCOME", "OTHER_EXPENSE"]),
      );
      expect(accounts.some((a) => a.AccountNumber === null)).toBe(true);
      expect(accounts.some((a) => a.IsActive === false)).toBe(true);
      expect(accounts.some((a) => a.ParentAccountId === null)).toBe(true);
      expect(accounts.filter((a) => a.AccountType === "EQUITY").map((a) => a.Name)).toEqual(
        expect.arrayContaining(["Retained Earnings", "Current Year Earnings"]),
      );
    }
  });

  it("company info follows the model", async () => {
    expect((await c.get(`/companies/${NW}`)).json).toEqual({ CompanyId: NW, CompanyName: "Northwind Outfitters, Inc.", FiscalMonthEnd: 12, Currency: "USD" });
    expect((await c.get(`/companies/${AF}`)).json).toEqual({ CompanyId: AF, CompanyName: "Alder & Finch Consulting Ltd", FiscalMonthEnd: 3, Currency: "GBP" });
  });

  it("segments, budgets and metric definitions have the modeled fields", async () => {
    const classes = (await c.get(`/companies/${NW}/classes`)).json.Data;
    expect(classes.length).toBeGreaterThan(2);
    for (const k of classes) expect(Object.keys(k).sort()).toEqual(["ClassId", "IsActive", "Name", "ParentClassId"]);
    const departments = (await c.get(`/companies/${AF}/departments`)).json.Data;
    for (const d of departments) expect(Object.keys(d).sort()).toEqual(["DepartmentId", "IsActive", "Name", "ParentDepartmentId"]);
    const budgets = (await c.get(`/companies/${NW}/budgets`)).json.Data;
    expect(budgets.length).toBe(3);
    for (const b of budgets) expect(Object.keys(b).sort()).toEqual(["BudgetId", "Name"]);
    expect((await c.get(`/companies/${AF}/budgets`)).json.Data.length).toBe(1);
    const metrics = (await c.get(`/companies/${NW}/non-financial-metrics`)).json.Data;
    expect(metrics.map((m: any) => m.Name)).toEqual(expect.arrayContaining(["Headcount", "Active Customers"]));
    for (const m of metrics) expect(Object.keys(m).sort()).toEqual(["Name", "NonFinancialId", "Unit"]);
  });
});
