/**
 * Non-financial answers that differ from the reference partner's but are legal: the metric checks
 * must stay silent on them. Each wrap changes one thing and the test proves it did.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply, ServerRequest } from "../../../src/http/server.js";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

const CHECKS = ["accuracy.metric-values", "accuracy.metric-filters"];

function isValuesQuery(req: ServerRequest): boolean {
  return req.method === "POST" && req.url.pathname.endsWith("/non-financial");
}

function bodyOf(req: ServerRequest): Record<string, unknown> {
  return JSON.parse(req.body.toString("utf8")) as Record<string, unknown>;
}

/** The reference partner's answer to the same query without `field`. */
async function without(req: ServerRequest, next: () => Promise<ServerReply>, field: string): Promise<ServerReply> {
  const original = req.body;
  const { [field]: _dropped, ...rest } = bodyOf(req);
  req.body = Buffer.from(JSON.stringify(rest));
  try {
    return await next();
  } finally {
    req.body = original;
  }
}

type Row = { NonFinancialId: string; Period: string; Value: number };
const rowsOf = (r: ServerReply): Row[] => (JSON.parse(String(r.body)) as { Data: Row[] }).Data;
const withRows = (r: ServerReply, rows: Row[]): ServerReply => {
  const { "content-length": _len, ...headers } = r.headers ?? {};
  return { ...r, headers, body: JSON.stringify({ Data: rows }) };
};

async function quiet(wrap: Wrap): Promise<void> {
  const report = await checkReference({ only: CHECKS, wrap });
  for (const id of CHECKS) {
    const r = resultOf(report, id);
    expect(r.findings, id).toEqual([]);
    expect(r.status, id).toBe("pass");
  }
}

describe("legal non-financial answers raise nothing", () => {
  it("one class holds every value (the unfiltered values for that class alone)", async () => {
    let touched = 0;
    await quiet(async (req, next) => {
      if (!isValuesQuery(req) || bodyOf(req).ClassId !== "cls-apparel") return next();
      touched++;
      return without(req, next, "ClassId");
    });
    expect(touched).toBeGreaterThan(0);
  });

  it("budgets equal to actuals in every month but the latest", async () => {
    let touched = 0;
    await quiet(async (req, next) => {
      if (!isValuesQuery(req) || typeof bodyOf(req).BudgetId !== "string") return next();
      const budget = await next();
      if (budget.status !== 200) return budget;
      const actuals = rowsOf(await without(req, next, "BudgetId"));
      const rows = rowsOf(budget);
      const latest = rows.reduce((m, r) => (r.Period > m ? r.Period : m), "");
      const actual = new Map(actuals.map((r) => [`${r.NonFinancialId}|${r.Period}`, r.Value]));
      touched++;
      return withRows(
        budget,
        rows.map((r) => (r.Period === latest ? r : { ...r, Value: actual.get(`${r.NonFinancialId}|${r.Period}`) ?? r.Value })),
      );
    });
    expect(touched).toBeGreaterThan(0);
  });

  it("unknown BudgetId and ClassId answered 404", async () => {
    let refused = 0;
    await quiet(async (req, next) => {
      const reply = await next();
      if (!isValuesQuery(req)) return reply;
      if (reply.status === 400) {
        refused++;
        return { ...reply, status: 404 };
      }
      return reply;
    });
    expect(refused).toBeGreaterThanOrEqual(4);
  });

  it("rows sorted by month, then metric", async () => {
    let touched = 0;
    await quiet(async (req, next) => {
      const reply = await next();
      if (!isValuesQuery(req) || reply.status !== 200) return reply;
      touched++;
      const rows = rowsOf(reply).sort((a, b) => (a.Period !== b.Period ? (a.Period < b.Period ? -1 : 1) : a.NonFinancialId < b.NonFinancialId ? -1 : 1));
      return withRows(reply, rows);
    });
    expect(touched).toBeGreaterThan(0);
  });
});

describe("what the metric findings say", () => {
  it("an unknown BudgetId or ClassId answered 200 with no values warns (Reach cannot tell a wrong id from no data)", async () => {
    const report = await checkReference({
      only: ["accuracy.metric-filters"],
      wrap: async (req, next) => {
        if (!isValuesQuery(req)) return next();
        const b = bodyOf(req);
        const unknown = [b.BudgetId, b.ClassId].some((v) => typeof v === "string" && v.startsWith("reach-check-unknown"));
        return unknown ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ Data: [] }) } : next();
      },
    });
    const r = resultOf(report, "accuracy.metric-filters");
    expect(r.status).toBe("warn");
    expect([...new Set(r.findings.map((f) => f.code))]).toEqual(["accuracy.metric-filters/unknown-empty"]);
    expect(r.findings).toHaveLength(4); // two companies × BudgetId and ClassId
    for (const f of r.findings) expect(f.curl).toMatch(/^curl .*reach-check-unknown-(budget|class)/);
  });

  it("a row of an unknown metric is pointed at, with the row as evidence and the rule quoted", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"], defects: ["metric-unknown-id"] }), "accuracy.metric-values");
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.message).toContain("nfm-unknown");
      expect(f.pointer).toMatch(/^\/Data\/\d+\/NonFinancialId$/);
      expect(f.evidence?.bodyExcerpt).toContain("nfm-unknown");
      expect(f.operation).toEqual({ method: "POST", path: "/companies/{CompanyId}/non-financial" });
      expect(f.rule.text).toContain("non-financial metrics");
      expect(f.curl).toContain("$REACH_ACCESS_TOKEN");
    }
  });
});
