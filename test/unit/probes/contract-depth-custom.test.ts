/**
 * Contract-depth checks against partners no defect switch describes: the reference partner behind
 * a wrapper that changes one thing (a structure that changes between calls, a list whose small
 * pages never end).
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import type { Report } from "../../../src/report/types.js";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

function checkWrapped(only: string[], wrap: Wrap): Promise<Report> {
  return checkReference({ only, wrap });
}

function editJson(reply: ServerReply, edit: (body: Record<string, unknown>) => void): ServerReply {
  const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
  edit(body);
  return { ...reply, body: JSON.stringify(body) };
}

describe("schema.structure-stable", () => {
  it("fails when a field appears only on every other call", async () => {
    let calls = 0;
    const report = await checkWrapped(["schema.structure-stable"], async (req, next) => {
      const reply = await next();
      if (!/^\/companies\/[^/]+$/.test(req.url.pathname) || reply.status !== 200) return reply;
      return ++calls % 2 === 0 ? editJson(reply, (b) => (b.Region = "North America")) : reply;
    });
    const r = resultOf(report, "schema.structure-stable");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["schema.structure-stable/changed"]);
    expect(r.findings[0].message).toContain("Region");
    expect(r.findings[0].operation?.path).toBe("/companies/{CompanyId}");
  });

  it("fails when a field changes type, but not when a nullable field turns null", async () => {
    let calls = 0;
    const report = await checkWrapped(["schema.structure-stable"], async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/chart-of-accounts") || reply.status !== 200) return reply;
      const n = ++calls;
      return editJson(reply, (b) => {
        const rows = b.Data as Record<string, unknown>[];
        if (n % 2 === 0 && rows.length > 0) {
          rows[0].AccountNumber = null; // nullable: a value change
          rows[0].IsActive = "yes"; // boolean to string: a structure change
        }
      });
    });
    const r = resultOf(report, "schema.structure-stable");
    expect(codes(r)).toEqual(["schema.structure-stable/changed"]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].pointer ?? r.findings[0].evidence?.expected).toContain("IsActive");
    expect(r.findings[0].message).not.toContain("AccountNumber");
  });
});

describe("pagination.walk", () => {
  it("reports a list whose small pages never end, within a bounded number of requests", async () => {
    const report = await checkWrapped(["pagination.walk"], async (req, next) => {
      if (!req.url.pathname.endsWith("/budgets")) return next();
      const limit = Number(req.url.searchParams.get("limit") ?? 100);
      const offset = Number(req.url.searchParams.get("offset") ?? 0);
      // 30 budgets in one short page for a big limit; with a small limit, always a full page of new ones.
      const count = limit >= 30 ? 30 : limit;
      const data = Array.from({ length: count }, (_, i) => ({ BudgetId: `bud-${String(offset + i).padStart(4, "0")}`, Name: `Budget ${offset + i}` }));
      const total = limit >= 30 ? 30 : offset + 2 * limit;
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ Data: data, Pagination: { offset, limit, total } }) };
    });
    const r = resultOf(report, "pagination.walk");
    expect(r.status).toBe("fail");
    expect(codes(r)).toContain("pagination.walk/endless");
    const endless = r.findings.find((f) => f.code === "pagination.walk/endless")!;
    expect(endless.message).toMatch(/\(limit 10\) did not end: 5 pages of 10 brought 50 records, more than the list holds \(the walk with limit 1000 found 30\)/);
    // 2 companies x (1 full page + at most 5 small pages) for budgets, plus the other lists' walks
    expect(r.requests).toBeLessThan(60);
  });
});

describe("a JSON body with a byte order mark", () => {
  it("warns with byte-order-mark on the operation (RFC 8259 section 8.1), and only there", async () => {
    const report = await checkWrapped(["schema.company-info"], async (req, next) => {
      const reply = await next();
      if (!/^\/companies\/[^/]+$/.test(req.url.pathname) || reply.status !== 200) return reply;
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(String(reply.body))]);
      const headers = { ...(reply.headers ?? {}) };
      delete headers["content-length"];
      return { ...reply, headers, body };
    });
    const r = resultOf(report, "schema.company-info");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["schema.company-info/byte-order-mark"]);
  });
});
