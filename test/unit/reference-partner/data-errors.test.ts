import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AF, isReachEnvelope, NW, open, statementPath, type Client } from "./helpers.js";

let c: Client;
beforeAll(async () => {
  c = await open({ accessToken: "demo-token-7c1f0e" });
});
afterAll(() => c.close());

const DATA_PATHS = [
  `/companies/${NW}`,
  `/companies/${NW}/chart-of-accounts`,
  `/companies/${NW}/budgets`,
  `/companies/${NW}/classes`,
  `/companies/${NW}/departments`,
  `/companies/${NW}/non-financial-metrics`,
  statementPath(NW, "profit-and-loss", { StartDate: "2025-01-01", EndDate: "2025-01-31", AccountingBasis: "ACCRUAL" }),
  statementPath(NW, "balance-sheet", { StartDate: "2025-01-01", EndDate: "2025-01-31", AccountingBasis: "ACCRUAL" }),
  statementPath(NW, "cash-flow", { StartDate: "2025-01-01", EndDate: "2025-01-31", AccountingBasis: "CASH" }),
];

function expectError(res: { status: number; headers: Headers; json: any }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(isReachEnvelope(res.json)).toBe(true);
}

describe("every data operation", () => {
  it.each(DATA_PATHS)("%s: 200 JSON with no-store for the demo token", async (path) => {
    const res = await c.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("date")).toBeTruthy();
  });

  it.each(DATA_PATHS)("%s: 401 without a token, with a challenge without error attribute", async (path) => {
    const res = await c.get(path, null);
    expectError(res, 401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="reach"');
  });

  it.each(DATA_PATHS)("%s: 401 invalid_token for a wrong token", async (path) => {
    const res = await c.get(path, "wrong-token");
    expectError(res, 401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="reach", error="invalid_token"');
  });

  it("the metric values POST behaves the same", async () => {
    const body = JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-01-01", EndDate: "2025-03-31" });
    expect((await c.post(`/companies/${NW}/non-financial`, body)).status).toBe(200);
    expectError(await c.post(`/companies/${NW}/non-financial`, body, null), 401);
    expectError(await c.post(`/companies/${NW}/non-financial`, body, c.partner.issueToken([AF])), 403);
  });
});

describe("authentication details", () => {
  it("a non-Bearer Authorization header is an invalid token", async () => {
    const res = await c.get(`/companies/${NW}`, null, { authorization: "Basic dXNlcjpwYXNz" });
    expectError(res, 401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses the token in the query string", async () => {
    const res = await c.get(`/companies/${NW}?access_token=demo-token-7c1f0e`, null);
    expectError(res, 401);
    expect(res.text).not.toContain("demo-token-7c1f0e");
  });

  it("never echoes the token in an error", async () => {
    const res = await c.get(`/companies/${NW}`, "wrong-token-with-a-distinctive-value");
    expect(res.text).not.toContain("wrong-token-with-a-distinctive-value");
  });
});

describe("company access", () => {
  it("403 for a valid token without access to the company", async () => {
    const token = c.partner.issueToken([AF]);
    expect((await c.get(`/companies/${AF}`, token)).status).toBe(200);
    const res = await c.get(`/companies/${NW}/chart-of-accounts`, token);
    expectError(res, 403);
  });

  it("404 for an unknown company", async () => {
    expectError(await c.get("/companies/no-such-company"), 404);
    expectError(await c.get("/companies/no-such-company/chart-of-accounts"), 404);
  });
});

describe("routing", () => {
  it("unknown paths are 404 envelopes, never HTML", async () => {
    for (const path of ["/", "/nope", "/companies", `/companies/${NW}/ledger`, `/companies/${NW}/chart-of-accounts/x`, "/.well-known/openid-configuration"]) {
      const res = await c.get(path);
      expectError(res, 404);
    }
  });

  it("a wrong method is a 405 envelope with Allow", async () => {
    const res = await c.post(`/companies/${NW}/budgets`, "{}");
    expectError(res, 405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    const get = await c.get(`/companies/${NW}/non-financial`);
    expectError(get, 405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("malformed input is 400", () => {
  const base = { StartDate: "2025-01-01", EndDate: "2025-03-31", AccountingBasis: "ACCRUAL" };
  const cases: [string, string][] = [
    ["negative offset", `/companies/${NW}/chart-of-accounts?offset=-1`],
    ["fractional offset", `/companies/${NW}/chart-of-accounts?offset=1.5`],
    ["text offset", `/companies/${NW}/budgets?offset=abc`],
    ["limit 0", `/companies/${NW}/chart-of-accounts?limit=0`],
    ["limit 1001", `/companies/${NW}/chart-of-accounts?limit=1001`],
    ["empty limit", `/companies/${NW}/classes?limit=`],
    ["missing StartDate", statementPath(NW, "profit-and-loss", { EndDate: base.EndDate, AccountingBasis: "ACCRUAL" })],
    ["missing EndDate", statementPath(NW, "balance-sheet", { StartDate: base.StartDate, AccountingBasis: "ACCRUAL" })],
    ["missing AccountingBasis", statementPath(NW, "cash-flow", { StartDate: base.StartDate, EndDate: base.EndDate })],
    ["lower-case basis", statementPath(NW, "profit-and-loss", { ...base, AccountingBasis: "accrual" })],
    ["unknown basis", statementPath(NW, "profit-and-loss", { ...base, AccountingBasis: "MODIFIED" })],
    ["February 30th", statementPath(NW, "profit-and-loss", { ...base, EndDate: "2025-02-30" })],
    ["month 13", statementPath(NW, "profit-and-loss", { ...base, StartDate: "2025-13-01" })],
    ["US date", statementPath(NW, "profit-and-loss", { ...base, StartDate: "01/01/2025" })],
    ["date-time", statementPath(NW, "profit-and-loss", { ...base, StartDate: "2025-01-01T00:00:00Z" })],
    ["EndDate before StartDate", statementPath(NW, "profit-and-loss", { ...base, StartDate: "2025-03-01", EndDate: "2025-02-28" })],
    ["unknown BudgetId", statementPath(NW, "profit-and-loss", { ...base, BudgetId: "bud-nope" })],
    ["unknown ClassId", statementPath(NW, "profit-and-loss", { ...base, ClassId: "cls-nope" })],
    ["unknown DepartmentId", statementPath(NW, "balance-sheet", { ...base, DepartmentId: "dept-nope" })],
    ["ClassId for a company without classes", statementPath(AF, "profit-and-loss", { ...base, ClassId: "cls-apparel" })],
    ["a budget of another company", statementPath(AF, "profit-and-loss", { ...base, BudgetId: "bud-operating" })],
  ];
  it.each(cases)("%s", async (_name, path) => {
    expectError(await c.get(path), 400);
  });

  it("collects every problem in one envelope", async () => {
    const res = await c.get(statementPath(NW, "profit-and-loss", { StartDate: "2025-1-1", AccountingBasis: "X" }));
    expectError(res, 400);
    expect(res.json.errors.length).toBe(3);
  });

  const metricCases: [string, string, string?][] = [
    ["body not JSON", "{not json"],
    ["body an array", "[]"],
    ["missing NonFinancialIds", JSON.stringify({ StartDate: "2025-01-01", EndDate: "2025-01-31" })],
    ["NonFinancialIds not an array", JSON.stringify({ NonFinancialIds: "nfm-headcount", StartDate: "2025-01-01", EndDate: "2025-01-31" })],
    ["unknown NonFinancialId", JSON.stringify({ NonFinancialIds: ["nfm-headcount", "nfm-nope"], StartDate: "2025-01-01", EndDate: "2025-01-31" })],
    ["missing StartDate", JSON.stringify({ NonFinancialIds: ["nfm-headcount"], EndDate: "2025-01-31" })],
    ["malformed EndDate", JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-01-01", EndDate: "2025-01-32" })],
    ["reversed range", JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-02-01", EndDate: "2025-01-31" })],
    ["unknown BudgetId", JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-01-01", EndDate: "2025-01-31", BudgetId: "bud-x" })],
    ["unknown ClassId", JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-01-01", EndDate: "2025-01-31", ClassId: "cls-x" })],
  ];
  it.each(metricCases)("metric values: %s", async (_name, body) => {
    expectError(await c.post(`/companies/${NW}/non-financial`, body), 400);
  });
});
