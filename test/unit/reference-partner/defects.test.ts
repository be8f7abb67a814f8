import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { listDefects, startPartner } from "../../../src/reference-partner/index.js";
import { AF, cents, isReachEnvelope, NW, open, statementPath, type Client } from "./helpers.js";

/**
 * One row per defect switch: `check(c, on)` asserts the behaviour with the switch on, and the
 * conformant behaviour with it off, so every row proves the switch changes what it names.
 */
type Check = (c: Client, on: boolean) => Promise<void>;

const PL = statementPath(NW, "profit-and-loss", { StartDate: "2025-01-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" });
const BS = statementPath(NW, "balance-sheet", { StartDate: "2025-01-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" });

async function chart(c: Client, query = "limit=1000"): Promise<any[]> {
  return (await c.get(`/companies/${NW}/chart-of-accounts?${query}`)).json.Data;
}

async function ids(c: Client, limit: number): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; offset < 61; offset += limit) out.push(...(await chart(c, `offset=${offset}&limit=${limit}`)).map((a) => a.AccountId));
  return out;
}

const NF = `/companies/${NW}/non-financial`;

/** Rows of a non-financial values query for NW's metrics over 2025-01..2025-03 (plus `extra` body fields). */
async function metricRows(c: Client, ids: string[], extra: Record<string, string> = {}): Promise<{ NonFinancialId: string; Period: string; Value: number }[]> {
  const res = await c.post(NF, JSON.stringify({ NonFinancialIds: ids, StartDate: "2025-01-01", EndDate: "2025-03-31", ...extra }));
  expect(res.status).toBe(200);
  return res.json.Data;
}
const METRICS = ["nfm-active-customers", "nfm-headcount", "nfm-orders-shipped", "nfm-sales-per-sq-ft"];

/** Sends n-1 data requests, returns the nth. */
async function nth(c: Client, n: number) {
  for (let i = 1; i < n; i++) await c.get(`/companies/${NW}`);
  return c.get(`/companies/${NW}`);
}

function imbalance(data: any[], period: string, typeOf: Map<string, string>): number {
  let diff = 0;
  for (const r of data.filter((x) => x.Period === period)) diff += (typeOf.get(r.AccountId) === "ASSET" ? 1 : -1) * cents(r.Amount);
  return diff;
}

function refreshFields(c: Client): Record<string, string> {
  return { grant_type: "refresh_token", refresh_token: c.partner.refreshToken, client_id: c.partner.clientId, client_secret: c.partner.clientSecret };
}

const CASES: Record<string, Check> = {
  "refuse-connections": async (c, on) => {
    if (on) await expect(c.get(`/companies/${NW}`)).rejects.toThrow();
    else expect((await c.get(`/companies/${NW}`)).status).toBe(200);
  },
  "auth-not-enforced": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets`, null);
    expect(res.status).toBe(on ? 200 : 401);
    if (on) expect(res.json.Data.length).toBe(3);
    expect((await c.get(`/companies/${NW}/classes`, null)).status).toBe(401);
  },
  "html-401": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, null);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe(on ? "text/html; charset=utf-8" : "application/json; charset=utf-8");
    expect((await c.get("/companies/nope")).headers.get("content-type")).toContain("application/json");
  },
  "ok-on-error": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, null);
    expect(res.status).toBe(on ? 200 : 401);
    expect(isReachEnvelope(res.json)).toBe(true);
  },
  "no-www-authenticate": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, null);
    expect(res.status).toBe(401);
    expect(res.headers.has("www-authenticate")).toBe(!on);
  },
  "token-in-query": async (c, on) => {
    const res = await c.get(`/companies/${NW}?access_token=${c.partner.accessToken}`, null);
    expect(res.status).toBe(on ? 200 : 401);
  },
  "tokens-not-scoped": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, c.partner.issueToken([AF]));
    expect(res.status).toBe(on ? 200 : 403);
  },
  "basic-auth-bypass": async (c, on) => {
    const basic = { authorization: "Basic Zm9vOmJhcg==" };
    const res = await c.get(`/companies/${NW}/budgets`, null, basic);
    expect(res.status).toBe(on ? 200 : 401);
    if (on) expect(res.json.Data.length).toBe(3);
    // Another company too: the bypass reads every company. user-info and wrong bearer tokens are still refused.
    expect((await c.get(`/companies/${AF}`, null, basic)).status).toBe(on ? 200 : 401);
    expect((await c.get("/oauth2/user-info", null, basic)).status).toBe(401);
    expect((await c.get(`/companies/${NW}`, "not-a-token")).status).toBe(401);
  },
  "invalid-token-403": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, "not-a-token");
    expect(res.status).toBe(on ? 403 : 401);
    expect(res.headers.has("www-authenticate")).toBe(!on);
    expect(isReachEnvelope(res.json)).toBe(true);
    expect((await c.get(`/companies/${NW}`, null)).status).toBe(401);
  },
  "data-401-no-challenge": async (c, on) => {
    expect((await c.get(`/companies/${NW}`, null)).headers.has("www-authenticate")).toBe(!on);
    expect((await c.get(`/companies/${NW}/budgets`, "not-a-token")).headers.has("www-authenticate")).toBe(!on);
    expect((await c.get("/oauth2/user-info", null)).headers.get("www-authenticate")).toBe('Bearer realm="reach"');
  },
  "data-401-basic-challenge": async (c, on) => {
    expect((await c.get(`/companies/${NW}`, null)).headers.get("www-authenticate")).toBe(on ? 'Basic realm="reach"' : 'Bearer realm="reach"');
    expect((await c.get("/oauth2/user-info", "not-a-token")).headers.get("www-authenticate")).toBe('Bearer realm="reach", error="invalid_token"');
  },
  "error-code-without-token": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, null);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(on ? 'Bearer realm="reach", error="invalid_token"' : 'Bearer realm="reach"');
  },
  "html-403-scope": async (c, on) => {
    const res = await c.get(`/companies/${NW}`, c.partner.issueToken([AF]));
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe(on ? "text/html; charset=utf-8" : "application/json; charset=utf-8");
    expect((await c.get(`/companies/${NW}`, null)).headers.get("content-type")).toContain("application/json");
  },
  "user-info-all-companies": async (c, on) => {
    const scoped = c.partner.issueToken([AF]);
    const ids = (await c.get("/oauth2/user-info", scoped)).json.Companies.map((x: { CompanyId: string }) => x.CompanyId).sort();
    expect(ids).toEqual(on ? [AF, NW].sort() : [AF]);
    // What the token reads is unchanged.
    expect((await c.get(`/companies/${NW}`, scoped)).status).toBe(403);
  },
  "authorize-missing": async (c, on) => {
    const q = new URLSearchParams({ response_type: "code", client_id: c.partner.clientId, redirect_uri: "https://app.example/cb", state: "s" });
    const res = await c.get(`/oauth2/authorize?${q}`, null);
    expect(res.status).toBe(on ? 404 : 302);
  },
  "authorize-open-redirect": async (c, on) => {
    const unknown = new URLSearchParams({ response_type: "code", client_id: "someone-else", redirect_uri: "https://elsewhere.example/cb", state: "s" });
    const res = await c.get(`/oauth2/authorize?${unknown}`, null);
    expect(res.status).toBe(on ? 302 : 400);
    if (on) expect(res.headers.get("location")).toMatch(/^https:\/\/elsewhere\.example\/cb\?error=unauthorized_client&state=s$/);
    // The registered client is served as before.
    const known = new URLSearchParams({ response_type: "code", client_id: c.partner.clientId, redirect_uri: "https://app.example/cb", state: "s" });
    expect((await c.get(`/oauth2/authorize?${known}`, null)).headers.get("location")).toMatch(/^https:\/\/app\.example\/cb\?code=/);
  },
  "refresh-broken": async (c, on) => {
    const res = await c.form("/oauth2/token", {
      grant_type: "refresh_token",
      refresh_token: c.partner.refreshToken,
      client_id: c.partner.clientId,
      client_secret: c.partner.clientSecret,
    });
    expect(res.status).toBe(on ? 500 : 200);
  },
  "refresh-fewer-companies": async (c, on) => {
    const res = await c.form("/oauth2/token", refreshFields(c));
    expect(res.status).toBe(200);
    const info = await c.get("/oauth2/user-info", res.json.access_token);
    expect(info.json.Companies.map((x: { CompanyId: string }) => x.CompanyId)).toEqual(on ? [c.partner.companies[0]!.id] : c.partner.companies.map((x) => x.id));
    // The first sign-in's token still reads every company.
    expect((await c.get("/oauth2/user-info")).json.Companies).toHaveLength(c.partner.companies.length);
  },
  "client-secret-optional": async (c, on) => {
    const { client_secret: _secret, ...noSecret } = refreshFields(c);
    expect((await c.form("/oauth2/token", { ...noSecret, client_secret: "" })).status).toBe(on ? 200 : 401);
    expect((await c.form("/oauth2/token", noSecret)).status).toBe(on ? 200 : 401);
    expect((await c.form("/oauth2/token", { ...noSecret, client_secret: "wrong" })).status).toBe(401);
  },
  "any-client-id": async (c, on) => {
    expect((await c.form("/oauth2/token", { ...refreshFields(c), client_id: "someone-else" })).status).toBe(on ? 200 : 401);
    expect((await c.form("/oauth2/token", { ...refreshFields(c), client_id: "someone-else", client_secret: "wrong" })).status).toBe(401);
  },
  "token-cacheable": async (c, on) => {
    const res = await c.form("/oauth2/token", refreshFields(c));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe(on ? null : "no-store");
    expect(res.headers.get("pragma")).toBe(on ? null : "no-cache");
  },
  "unknown-grant-500": async (c, on) => {
    const res = await c.form("/oauth2/token", { grant_type: "client_credentials", client_id: c.partner.clientId, client_secret: c.partner.clientSecret });
    expect(res.status).toBe(on ? 500 : 400);
    if (!on) expect(res.json.error).toBe("unsupported_grant_type");
    expect((await c.form("/oauth2/token", refreshFields(c))).status).toBe(200);
  },
  "discovery-wrong-token-endpoint": async (c, on) => {
    const doc = (await c.get("/auth/oauth-discovery", null)).json;
    expect(doc.token_endpoint).toBe(`${c.partner.baseUrl}${on ? "/oauth/token" : "/oauth2/token"}`);
    expect(doc.authorization_endpoint).toBe(`${c.partner.baseUrl}/oauth2/authorize`);
    expect((await c.form("/oauth/token", refreshFields(c))).status).toBe(404);
  },
  "redirect-other-host": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets?limit=2`);
    expect(res.status).toBe(on ? 307 : 200);
    if (on) expect(res.headers.get("location")).toBe(`http://localhost:${new URL(c.partner.baseUrl).port}/companies/${NW}/budgets?limit=2`);
    expect((await c.get("/auth/oauth-discovery", null)).status).toBe(200);
  },
  "wrong-type": async (c, on) => {
    expect((await c.get(`/companies/${NW}`)).json.FiscalMonthEnd).toBe(on ? "12" : 12);
  },
  "missing-field": async (c, on) => {
    const accounts = await chart(c);
    expect(accounts.length).toBe(61);
    expect(accounts.every((a) => "Name" in a)).toBe(!on);
    expect(accounts.every((a) => "AccountId" in a)).toBe(true);
  },
  "data-null": async (c, on) => {
    const res = await c.get(`/companies/${NW}/departments`);
    expect(res.json.Data === null).toBe(on);
    expect(Array.isArray((await c.get(`/companies/${NW}/classes`)).json.Data)).toBe(true);
  },
  "unknown-field": async (c, on) => {
    expect("Region" in (await c.get(`/companies/${NW}`)).json).toBe(on);
  },
  "html-errors": async (c, on) => {
    const type = on ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
    expect((await c.get("/companies/nope")).headers.get("content-type")).toBe(type);
    const bad = await c.get(`/companies/${NW}/budgets?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe(type);
    expect((await c.get(`/companies/${NW}`, null)).headers.get("content-type")).toContain("application/json");
  },
  "text-content-type": async (c, on) => {
    const type = on ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    const res = await c.get(`/companies/${NW}`);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.json.CompanyId).toBe(NW);
  },
  "bad-error-envelope": async (c, on) => {
    const res = await c.get("/companies/nope");
    expect(res.status).toBe(404);
    expect(isReachEnvelope(res.json)).toBe(!on);
    if (on) expect(Object.keys(res.json)).toEqual(["message"]);
  },
  "wrong-period-format": async (c, on) => {
    const periods = new Set(((await c.get(PL)).json.Data as any[]).map((r) => r.Period));
    expect(periods.has(on ? "2025-1" : "2025-01")).toBe(true);
    expect(periods.has(on ? "2025-01" : "2025-1")).toBe(false);
  },
  "lying-total": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets`);
    expect(res.json.Data.length).toBe(3);
    if (on) expect(res.json.Pagination.total).toBeGreaterThan(3);
    else expect(res.json.Pagination.total).toBe(3);
  },
  "page-total": async (c, on) => {
    const page = await c.get(`/companies/${NW}/chart-of-accounts?offset=0&limit=7`);
    expect(page.json.Data.length).toBe(7);
    expect(page.json.Pagination.total).toBe(on ? 7 : 61);
    expect((await c.get(`/companies/${NW}/chart-of-accounts?limit=1000`)).json.Pagination.total).toBe(61);
  },
  "repeated-page": async (c, on) => {
    const first = await chart(c, "offset=0&limit=5");
    const second = await chart(c, "offset=5&limit=5");
    if (on) expect(second).toEqual(first);
    else expect(second[0].AccountId > first[4].AccountId).toBe(true);
  },
  "page-skip": async (c, on) => {
    const all = (await chart(c)).map((a) => a.AccountId);
    const page = await c.get(`/companies/${NW}/chart-of-accounts?offset=5&limit=5`);
    expect(page.json.Data.map((a: any) => a.AccountId)).toEqual(on ? all.slice(6, 11) : all.slice(5, 10));
    expect(page.json.Pagination).toEqual({ offset: 5, limit: 5, total: 61 });
    // the first page is untouched
    expect((await chart(c, "offset=0&limit=5")).map((a) => a.AccountId)).toEqual(all.slice(0, 5));
  },
  "unstable-order": async (c, on) => {
    const a = await ids(c, 2);
    const b = await ids(c, 7);
    if (on) expect(a).not.toEqual(b);
    else expect(a).toEqual(b);
    expect(new Set(a).size).toBe(61);
  },
  "ignore-limit": async (c, on) => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts?limit=2`);
    expect(res.json.Data.length).toBe(on ? 61 : 2);
  },
  "past-end-error": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets?offset=3`);
    expect(res.status).toBe(on ? 404 : 200);
    expect((await c.get(`/companies/${AF}/classes`)).status).toBe(200);
  },
  "echo-offset-zero": async (c, on) => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts?offset=10&limit=5`);
    expect(res.json.Data.map((a: any) => a.AccountId)).toEqual((await ids(c, 5)).slice(10, 15));
    expect(res.json.Pagination).toEqual({ offset: on ? 0 : 10, limit: 5, total: 61 });
  },
  "echo-limit-default": async (c, on) => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts?offset=10&limit=5`);
    expect(res.json.Data.length).toBe(5);
    expect(res.json.Pagination).toEqual({ offset: 10, limit: on ? 100 : 5, total: 61 });
  },
  "cap-limit": async (c, on) => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts?limit=1000`);
    expect(res.json.Data.length).toBe(on ? 20 : 61);
    expect(res.json.Pagination).toEqual({ offset: 0, limit: on ? 20 : 1000, total: 61 });
    expect((await c.get(`/companies/${NW}/chart-of-accounts?offset=20&limit=20`)).json.Data.length).toBe(20);
  },
  "short-pages": async (c, on) => {
    const res = await c.get(`/companies/${NW}/chart-of-accounts?limit=1000`);
    expect(res.json.Data.length).toBe(on ? 20 : 61);
    expect(res.json.Pagination).toEqual({ offset: 0, limit: 1000, total: 61 });
    // Read on by the total, the pages hold the whole list once.
    const rest = (await c.get(`/companies/${NW}/chart-of-accounts?offset=20&limit=1000`)).json.Data;
    expect(rest.length).toBe(on ? 20 : 41);
  },
  "accept-bad-dates": async (c, on) => {
    const res = await c.get(statementPath(NW, "profit-and-loss", { StartDate: "2025-02-30", EndDate: "2025-03-31", AccountingBasis: "CASH" }));
    expect(res.status).toBe(on ? 200 : 400);
    const reversed = await c.get(statementPath(NW, "profit-and-loss", { StartDate: "2025-04-01", EndDate: "2025-03-31", AccountingBasis: "CASH" }));
    expect(reversed.status).toBe(400);
  },
  "unknown-company-500": async (c, on) => {
    expect((await c.get("/companies/nope/budgets")).status).toBe(on ? 500 : 404);
  },
  "accept-bad-limit": async (c, on) => {
    for (const limit of ["0", "1001"]) expect((await c.get(`/companies/${NW}/budgets?limit=${limit}`)).status).toBe(on ? 200 : 400);
    expect((await c.get(`/companies/${NW}/budgets?offset=-1`)).status).toBe(400);
  },
  "accept-impossible-day": async (c, on) => {
    const feb30 = await c.get(statementPath(NW, "profit-and-loss", { StartDate: "2025-02-01", EndDate: "2025-02-30", AccountingBasis: "CASH" }));
    expect(feb30.status).toBe(on ? 200 : 400);
    // rolled into March: the rows reach 2025-03
    if (on) expect((feb30.json.Data as any[]).some((r) => r.Period === "2025-03")).toBe(true);
    const apr31 = await c.post(`/companies/${NW}/non-financial`, JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-04-31", EndDate: "2025-06-30" }));
    expect(apr31.status).toBe(on ? 200 : 400);
    // month 13 and day 32 stay refused
    for (const bad of ["2025-13-01", "2025-01-32"]) {
      expect((await c.get(statementPath(NW, "profit-and-loss", { StartDate: "2025-01-01", EndDate: bad, AccountingBasis: "CASH" }))).status).toBe(400);
    }
  },
  "non-numeric-paging-default": async (c, on) => {
    for (const q of ["limit=abc", "offset=xyz"]) {
      const res = await c.get(`/companies/${NW}/budgets?${q}`);
      expect(res.status).toBe(on ? 200 : 400);
      if (on) expect(res.json.Pagination).toMatchObject({ offset: 0, limit: 100 });
    }
    for (const q of ["limit=0", "offset=-1"]) expect((await c.get(`/companies/${NW}/budgets?${q}`)).status).toBe(400);
  },
  "default-required-parameters": async (c, on) => {
    const noDates = await c.get(statementPath(NW, "profit-and-loss", { AccountingBasis: "CASH" }));
    expect(noDates.status).toBe(on ? 200 : 400);
    if (on) expect(new Set((noDates.json.Data as any[]).map((r) => r.Period)).size).toBe(12);
    const noBasis = await c.get(statementPath(NW, "balance-sheet", { StartDate: "2025-01-01", EndDate: "2025-06-30" }));
    expect(noBasis.status).toBe(on ? 200 : 400);
    if (on) expect(noBasis.text).toBe((await c.get(BS)).text);
  },
  "lookalike-company-500": async (c, on) => {
    expect((await c.get(`/companies/${NW.slice(0, -1)}x/budgets`)).status).toBe(on ? 500 : 404);
    expect((await c.get("/companies/nope/budgets")).status).toBe(404);
  },
  "stale-data": async (c, on) => {
    const data = (await c.get(PL)).json.Data as any[];
    const live = (period: string) => data.some((r) => r.Period === period && r.Amount !== 0);
    expect(live("2025-03")).toBe(true);
    for (const p of ["2025-04", "2025-05", "2025-06"]) expect(live(p)).toBe(!on);
    const values = await c.post(`/companies/${NW}/non-financial`, JSON.stringify({ NonFinancialIds: ["nfm-headcount"], StartDate: "2025-01-01", EndDate: "2025-06-30" }));
    expect(values.json.Data.length).toBe(on ? 3 : 6);
  },
  "stale-cache": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets`);
    expect(res.headers.get("cache-control")).toBe(on ? "max-age=604800" : "no-store");
    expect(res.headers.get("age")).toBe(on ? "172800" : null);
  },
  "expires-header": async (c, on) => {
    const res = await c.get(`/companies/${NW}/budgets`);
    expect(res.headers.get("cache-control")).toBe(on ? null : "no-store");
    if (on) expect(Date.parse(res.headers.get("expires")!) - Date.parse(res.headers.get("date")!)).toBe(3 * 24 * 60 * 60 * 1000);
    else expect(res.headers.get("expires")).toBe(null);
    // only data answers: the token endpoint and errors keep their headers
    expect((await c.get("/companies/nope/budgets")).headers.get("expires")).toBe(null);
  },
  "clock-skew": async (c, on) => {
    const res = await c.get(`/companies/${NW}`);
    const behind = (Date.now() - Date.parse(res.headers.get("date")!)) / 1000;
    if (on) expect(Math.abs(behind - 600)).toBeLessThan(5);
    else expect(Math.abs(behind)).toBeLessThan(5);
  },
  "unbalanced-balance-sheet": async (c, on) => {
    const typeOf = new Map((await chart(c)).map((a) => [a.AccountId, a.AccountType]));
    const data = (await c.get(BS)).json.Data as any[];
    expect(imbalance(data, "2025-04", typeOf)).toBe(0);
    for (const p of ["2025-05", "2025-06"]) expect(imbalance(data, p, typeOf)).toBe(on ? 123456 : 0);
  },
  "company-mixup": async (c, on) => {
    // The first company (user-info's order) answers for itself either way; the other answers its record.
    expect((await c.get(`/companies/${AF}`)).json.CompanyId).toBe(AF);
    expect((await c.get(`/companies/${NW}`)).json.CompanyId).toBe(on ? AF : NW);
  },
  "balance-sheet-gap": async (c, on) => {
    // NOW is 2025-06-15: 2025-05 goes, 2025-06 stays; the profit and loss keeps both.
    const periods = new Set(((await c.get(BS)).json.Data as any[]).map((r) => r.Period));
    expect(periods.has("2025-05")).toBe(!on);
    expect(periods.has("2025-06")).toBe(true);
    expect(((await c.get(PL)).json.Data as any[]).some((r) => r.Period === "2025-05")).toBe(true);
  },
  "rows-outside-range": async (c, on) => {
    const periods = new Set(((await c.get(PL)).json.Data as any[]).map((r) => r.Period));
    expect(periods.size).toBe(on ? 24 : 6);
    expect(periods.has("2023-07")).toBe(on);
  },
  "duplicate-rows": async (c, on) => {
    const rows = (await c.get(PL)).json.Data as any[];
    const keys = rows.map((r) => `${r.AccountId}|${r.Period}`);
    expect(new Set(keys).size).toBe(on ? keys.length - 1 : keys.length);
    if (on) expect(keys[1]).toBe(keys[0]);
  },
  "missing-month": async (c, on) => {
    const periods = new Set(((await c.get(PL)).json.Data as any[]).map((r) => r.Period));
    expect(periods.has("2025-03")).toBe(!on);
    expect(periods.size).toBe(on ? 5 : 6);
  },
  "unknown-account-row": async (c, on) => {
    const known = new Set((await chart(c)).map((a) => a.AccountId));
    const rows = (await c.get(PL)).json.Data as any[];
    expect(rows.every((r) => known.has(r.AccountId))).toBe(!on);
  },
  "cash-flow-balances": async (c, on) => {
    const q = { StartDate: "2025-01-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" };
    const key = (r: { AccountId: string; Period: string }) => `${r.AccountId}|${r.Period}`;
    const balances = new Map(((await c.get(BS)).json.Data as any[]).map((r) => [key(r), r.Amount]));
    const flow = (await c.get(statementPath(NW, "cash-flow", q))).json.Data as any[];
    const same = flow.filter((r) => r.Amount !== 0 && balances.get(key(r)) === r.Amount).length;
    if (on) expect(same).toBe(flow.filter((r) => r.Amount !== 0).length);
    else expect(same).toBeLessThan(flow.length / 2);
  },
  "expenses-negative": async (c, on) => {
    const typeOf = new Map((await chart(c)).map((a) => [a.AccountId, a.AccountType]));
    const rows = (await c.get(PL)).json.Data as { AccountId: string; Amount: number }[];
    const sum = (types: string[]) => rows.filter((r) => types.includes(typeOf.get(r.AccountId)!)).reduce((t, r) => t + r.Amount, 0);
    expect(sum(["EXPENSE", "COST_OF_SALES"]) < 0).toBe(on);
    expect(sum(["REVENUE"])).toBeGreaterThan(0);
  },
  "balance-sheet-negated": async (c, on) => {
    const typeOf = new Map((await chart(c)).map((a) => [a.AccountId, a.AccountType]));
    const rows = (await c.get(BS)).json.Data as { AccountId: string; Amount: number }[];
    const assets = rows.filter((r) => typeOf.get(r.AccountId) === "ASSET").reduce((t, r) => t + r.Amount, 0);
    expect(assets < 0).toBe(on);
  },
  "income-on-balance-sheet": async (c, on) => {
    const typeOf = new Map((await chart(c)).map((a) => [a.AccountId, a.AccountType]));
    const rows = (await c.get(BS)).json.Data as any[];
    expect(rows.some((r) => typeOf.get(r.AccountId) === "REVENUE")).toBe(on);
  },
  "duplicate-account": async (c, on) => {
    const list = (await chart(c)).map((a) => a.AccountId);
    expect(new Set(list).size).toBe(61);
    expect(list.length).toBe(on ? 62 : 61);
  },
  "duplicate-class-id": async (c, on) => {
    const classes = (await c.get(`/companies/${NW}/classes`)).json.Data as { ClassId: string; Name: string }[];
    const ids = classes.map((x) => x.ClassId);
    expect(new Set(ids).size).toBe(on ? ids.length - 1 : ids.length);
    expect(new Set(classes.map((x) => x.Name)).size).toBe(classes.length);
  },
  "cyclic-hierarchy": async (c, on) => {
    const parent = new Map((await chart(c)).map((a) => [a.AccountId, a.ParentAccountId]));
    const cyclic = [...parent.keys()].some((id) => {
      const seen = new Set<string>();
      for (let at: string | null = id; at !== null; at = parent.get(at) ?? null) {
        if (seen.has(at)) return true;
        seen.add(at);
      }
      return false;
    });
    expect(cyclic).toBe(on);
  },
  "ignore-class-filter": async (c, on) => {
    const all = (await c.get(PL)).text;
    const apparel = (await c.get(`${PL}&ClassId=cls-apparel`)).text;
    expect(apparel === all).toBe(on);
  },
  "segments-ignored-off-pl": async (c, on) => {
    for (const statement of [BS, statementPath(NW, "cash-flow", { StartDate: "2025-01-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" })]) {
      const all = (await c.get(statement)).text;
      expect((await c.get(`${statement}&ClassId=cls-apparel`)).text === all).toBe(on);
    }
    // The profit and loss still applies the class.
    expect((await c.get(`${PL}&ClassId=cls-apparel`)).text === (await c.get(PL)).text).toBe(false);
  },
  "class-split-remainder": async (c, on) => {
    // Over the whole history, the class splits add up to the unsplit profit and loss unless the switch is on.
    const window = { StartDate: "2020-01-01", EndDate: "2030-12-31", AccountingBasis: "ACCRUAL" };
    const total = async (extra: string) => {
      const data = (await c.get(`${statementPath(NW, "profit-and-loss", window)}${extra}`)).json.Data as { Amount: number }[];
      return data.reduce((sum, r) => sum + Math.round(r.Amount * 100), 0);
    };
    const classes = (await c.get(`/companies/${NW}/classes?limit=1000`)).json.Data as { ClassId: string; ParentClassId: string | null }[];
    let split = 0;
    for (const k of classes) split += await total(`&ClassId=${k.ClassId}`);
    const whole = await total("");
    if (on) expect(split - whole).toBe(classes.length * 10000);
    else expect(split).toBe(whole);
  },
  "statement-filter-ignored": async (c, on) => {
    for (const extra of ["&BudgetId=bud-nope", "&ClassId=cls-nope", "&DepartmentId=dept-nope"]) {
      const res = await c.get(`${BS}${extra}`);
      expect(res.status).toBe(on ? 200 : 400);
      if (on) expect(res.text).toBe((await c.get(BS)).text);
      const cf = statementPath(NW, "cash-flow", { StartDate: "2025-01-01", EndDate: "2025-06-30", AccountingBasis: "ACCRUAL" });
      expect((await c.get(`${cf}${extra}`)).status).toBe(on ? 200 : 400);
      expect((await c.get(`${PL}${extra}`)).status).toBe(400);
    }
  },
  "unknown-filter-ignored": async (c, on) => {
    for (const extra of ["&BudgetId=bud-nope", "&ClassId=cls-nope", "&DepartmentId=dept-nope"]) {
      const res = await c.get(`${PL}${extra}`);
      expect(res.status).toBe(on ? 200 : 400);
      if (on) expect(res.text).toBe((await c.get(PL)).text);
    }
  },
  "metric-unknown-id": async (c, on) => {
    const rows = await metricRows(c, METRICS);
    expect(rows.some((r) => r.NonFinancialId === "nfm-unknown")).toBe(on);
    expect(rows.filter((r) => r.NonFinancialId !== "nfm-unknown")).toHaveLength(12);
  },
  "metric-ids-ignored": async (c, on) => {
    const ids = new Set((await metricRows(c, ["nfm-headcount"])).map((r) => r.NonFinancialId));
    expect([...ids].sort()).toEqual(on ? METRICS : ["nfm-headcount"]);
  },
  "metric-duplicate-row": async (c, on) => {
    const rows = await metricRows(c, METRICS);
    expect(new Set(rows.map((r) => `${r.NonFinancialId}|${r.Period}`)).size).toBe(12);
    expect(rows).toHaveLength(on ? 13 : 12);
  },
  "metric-extra-months": async (c, on) => {
    const periods = new Set((await metricRows(c, METRICS)).map((r) => r.Period));
    expect([...periods].sort()).toEqual(on ? ["2024-12", "2025-01", "2025-02", "2025-03"] : ["2025-01", "2025-02", "2025-03"]);
  },
  "metric-class-ignored": async (c, on) => {
    const all = JSON.stringify(await metricRows(c, METRICS));
    expect(JSON.stringify(await metricRows(c, METRICS, { ClassId: "cls-apparel" })) === all).toBe(on);
    // An unknown class is still refused.
    expect((await c.post(NF, JSON.stringify({ NonFinancialIds: METRICS, StartDate: "2025-01-01", EndDate: "2025-03-31", ClassId: "cls-nope" }))).status).toBe(400);
  },
  "metric-budget-ignored": async (c, on) => {
    const all = JSON.stringify(await metricRows(c, METRICS));
    expect(JSON.stringify(await metricRows(c, METRICS, { BudgetId: "bud-operating" })) === all).toBe(on);
    expect((await c.post(NF, JSON.stringify({ NonFinancialIds: METRICS, StartDate: "2025-01-01", EndDate: "2025-03-31", BudgetId: "bud-nope" }))).status).toBe(400);
  },
  "slow-operation": async (c, on) => {
    const started = Date.now();
    expect((await c.get(PL)).status).toBe(200);
    const ms = Date.now() - started;
    if (on) expect(ms).toBeGreaterThanOrEqual(2400);
    else expect(ms).toBeLessThan(1000);
    const quick = Date.now();
    await c.get(BS);
    expect(Date.now() - quick).toBeLessThan(1000);
  },
  "rate-limit": async (c, on) => {
    expect((await nth(c, 25)).status).toBe(200);
    const res = await c.get(`/companies/${NW}`);
    expect(res.status).toBe(on ? 429 : 200);
    if (!on) return;
    expect(res.headers.get("retry-after")).toBe("1");
    // Asking again before the second is over is refused too; after it, the next requests pass.
    expect((await c.get(`/companies/${NW}`)).status).toBe(429);
    await sleep(1_050);
    for (let i = 0; i < 25; i++) expect((await c.get(`/companies/${NW}`)).status).toBe(200);
    expect((await c.get(`/companies/${NW}`)).status).toBe(429);
  },
  "rate-limit-no-retry-after": async (c, on) => {
    const res = await nth(c, 5);
    expect(res.status).toBe(on ? 429 : 200);
    expect(res.headers.has("retry-after")).toBe(false);
  },
  "intermittent-500": async (c, on) => {
    const res = await nth(c, 7);
    expect(res.status).toBe(on ? 500 : 200);
    if (on) expect(isReachEnvelope(res.json)).toBe(true);
  },
  "maintenance-503": async (c, on) => {
    expect((await nth(c, 30)).status).toBe(200);
    const res = await c.get(`/companies/${NW}`);
    expect(res.status).toBe(on ? 503 : 200);
    if (!on) return;
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await c.get(`/companies/${NW}`)).status).toBe(503);
    await sleep(1_050);
    expect((await c.get(`/companies/${NW}`)).status).toBe(200);
  },
  "changing-data": async (c, on) => {
    const a = await c.get(PL);
    const b = await c.get(PL);
    expect(a.text === b.text).toBe(!on);
    const t1 = (await c.get(`/companies/${NW}/budgets`)).json.Pagination.total;
    const t2 = (await c.get(`/companies/${NW}/budgets`)).json.Pagination.total;
    expect(t1 === t2).toBe(!on);
    // Scaled, not scrambled: each statement still balances.
    const typeOf = new Map((await chart(c)).map((x) => [x.AccountId, x.AccountType]));
    const bs = (await c.get(BS)).json.Data as any[];
    let diff = 0;
    for (const r of bs.filter((x) => x.Period === "2025-06")) diff += (typeOf.get(r.AccountId) === "ASSET" ? 1 : -1) * r.Amount;
    expect(Math.abs(diff)).toBeLessThan(0.005);
  },
};

describe("defect registry", () => {
  it("is sorted by family then id, and every switch has a row in this table", () => {
    const list = listDefects();
    const keys = list.map((d) => `${d.family}/${d.id}`);
    expect([...keys].sort()).toEqual(keys);
    expect(list.map((d) => d.id).sort()).toEqual(Object.keys(CASES).sort());
    for (const d of list) expect(d.description.length).toBeGreaterThan(10);
  });

  it("an unknown id throws and names the valid ones", async () => {
    await expect(startPartner({ defects: ["rate-limit", "no-such-switch"] })).rejects.toThrow(/no-such-switch.*Valid ids:.*rate-limit/);
  });
});

describe.each(Object.keys(CASES))("defect %s", (id) => {
  it.concurrent("changes the behaviour it names", async () => {
    for (const on of [true, false]) {
      const c = await open({ defects: on ? [id] : [] });
      try {
        await CASES[id](c, on);
      } finally {
        await c.close();
      }
    }
  });
});
