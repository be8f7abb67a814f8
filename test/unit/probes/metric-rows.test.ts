/**
 * The non-financial values rules on small hand-made answers: each case names what must be found,
 * and the legal answers next to them must find nothing.
 */
import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";
import { metricCells, metricRowIssues, monthOf, sameMetricValues, type MetricRowRules } from "../../../src/probes/support/metric-rows.js";

const row = (NonFinancialId: string, Period: string, Value: number) => ({ NonFinancialId, Period, Value });
const RULES: MetricRowRules = {
  idField: "NonFinancialId",
  periodField: "Period",
  asked: new Set(["hc", "orders"]),
  listed: new Set(["hc", "orders", "rate"]),
  first: "2025-11",
  last: "2026-01",
};
const CLEAN = [row("hc", "2025-11", 10), row("hc", "2025-12", 11), row("hc", "2026-01", 12), row("orders", "2025-12", 400)];

describe("metricRowIssues", () => {
  it("finds nothing in a legal answer (rows in any order, months missing, no rows at all)", () => {
    const none = { unknown: [], notRequested: [], duplicates: [], outside: [], gaps: [] };
    expect(metricRowIssues(CLEAN, RULES)).toEqual(none);
    expect(metricRowIssues([...CLEAN].reverse(), RULES)).toEqual(none);
    expect(metricRowIssues([], RULES)).toEqual(none);
  });
  it("a metric the company does not list is unknown; a listed one not asked for is not requested", () => {
    const out = metricRowIssues([...CLEAN, row("ghost", "2025-12", 1), row("rate", "2025-12", 0.4)], RULES);
    expect(out.unknown).toEqual([{ index: 4, id: "ghost", period: "2025-12" }]);
    expect(out.notRequested).toEqual([{ index: 5, id: "rate", period: "2025-12" }]);
  });
  it("without the whole list, any id not asked for is not requested", () => {
    const out = metricRowIssues([...CLEAN, row("ghost", "2025-12", 1)], { ...RULES, listed: undefined });
    expect(out.unknown).toEqual([]);
    expect(out.notRequested.map((r) => r.id)).toEqual(["ghost"]);
  });
  it("the same metric and month twice is a duplicate, even with another value", () => {
    const out = metricRowIssues([...CLEAN, row("hc", "2025-12", 99)], RULES);
    expect(out.duplicates).toEqual([{ id: "hc", period: "2025-12", indexes: [1, 4] }]);
  });
  it("months before StartDate's or after EndDate's month are outside the range", () => {
    const out = metricRowIssues([row("hc", "2025-10", 9), ...CLEAN, row("hc", "2026-02", 13)], RULES);
    expect(out.outside.map((r) => [r.index, r.period])).toEqual([
      [0, "2025-10"],
      [5, "2026-02"],
    ]);
  });
  it("a month missing between two months with values is a gap; missing at either end, or kept quarterly, is not", () => {
    const wide = { ...RULES, first: "2025-01", last: "2025-12" };
    const monthly = (id: string, months: number[]) => months.map((m) => row(id, `2025-${String(m).padStart(2, "0")}`, m));
    // hc loses September (and orders too): a whole month dropped.
    const out = metricRowIssues([...monthly("hc", [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]), ...monthly("orders", [7, 8, 10])], wide);
    expect(out.gaps).toEqual([
      { id: "hc", period: "2025-09" },
      { id: "orders", period: "2025-09" },
    ]);
    // A metric that starts late, stops early, or is kept each quarter has no gap.
    expect(metricRowIssues([...monthly("hc", [5, 6, 7]), ...monthly("orders", [3, 6, 9, 12])], wide).gaps).toEqual([]);
    // Two months missing in a row are not told apart from a quarterly metric: not judged.
    expect(metricRowIssues(monthly("hc", [1, 2, 5, 6]), wide).gaps).toEqual([]);
    // Rows of metrics not asked for, or outside the range, do not make gaps.
    expect(metricRowIssues([...monthly("rate", [1, 3]), row("hc", "2024-12", 1), row("hc", "2025-02", 1)], wide).gaps).toEqual([]);
  });
  it("leaves malformed rows to the schema check", () => {
    const out = metricRowIssues([null, { Period: "2025-12" }, row("hc", "2025-13", 1), row("hc", "12/2025", 1)], RULES);
    expect(out).toEqual({ unknown: [], notRequested: [], duplicates: [], outside: [], gaps: [] });
  });
});

describe("monthOf", () => {
  it("takes the month of a date", () => {
    expect(monthOf("2026-02-20")).toBe("2026-02");
    expect(monthOf("2026-13-01")).toBeUndefined();
    expect(monthOf("20260220")).toBeUndefined();
  });
});

describe("sameMetricValues", () => {
  const whole = metricCells(CLEAN, "NonFinancialId", "Period", "Value");
  it("is true only for the very same cells and values", () => {
    expect(sameMetricValues(whole, metricCells([...CLEAN].reverse(), "NonFinancialId", "Period", "Value"))).toBe(true);
    expect(sameMetricValues(whole, whole.slice(1))).toBe(false);
    expect(sameMetricValues(whole, whole.map((c, i) => (i === 0 ? { ...c, value: c.value + 1 } : c)))).toBe(false);
  });
  it("a budget equal to actuals in some months is not the same", () => {
    expect(sameMetricValues(whole, whole.map((c) => (c.period === "2026-01" ? { ...c, value: 15 } : c)))).toBe(false);
  });
  it("says nothing about empty answers or answers of zeros only", () => {
    expect(sameMetricValues([], [])).toBe(false);
    const zeros = whole.map((c) => ({ ...c, value: 0 }));
    expect(sameMetricValues(zeros, zeros)).toBe(false);
  });
  it("a repeated cell does not stand in for a missing one", () => {
    expect(sameMetricValues(whole, [...whole.slice(0, 3), whole[0]])).toBe(false);
  });
});

describe("accuracy.metric-values over a range that ended months ago", () => {
  it("fails a partner that ignores EndDate (values up to today), which ranges ending this month hide", async () => {
    let past = 0;
    const wrap: Wrap = async (req, next) => {
      if (req.method !== "POST" || !req.url.pathname.endsWith("/non-financial")) return next();
      const body = JSON.parse(req.body.toString("utf8")) as Record<string, unknown>;
      if (typeof body.EndDate === "string" && body.EndDate < "2026-06-01") past++;
      req.body = Buffer.from(JSON.stringify({ ...body, EndDate: "2026-11-15" }));
      return next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"], wrap }), "accuracy.metric-values");
    expect(past).toBeGreaterThan(0);
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "accuracy.metric-values/outside-range")!;
    expect(f).toBeDefined();
    expect(f.message).toMatch(/over an earlier range, 2026-03-01\.\.2026-05-31/);
  });
});

describe("accuracy.metric-values: a metric asked alone against the same metric among all", () => {
  type Values = { Data: { NonFinancialId: string; Period: string; Value: number }[] };
  const rewriteAsked = (edit: (ids: string[]) => string[]): Wrap => async (req, next) => {
    if (!req.url.pathname.endsWith("/non-financial") || req.method !== "POST") return next();
    const body = JSON.parse(req.body.toString("utf8")) as { NonFinancialIds: string[] };
    req.body = Buffer.from(JSON.stringify({ ...body, NonFinancialIds: edit(body.NonFinancialIds) }));
    delete req.headers["content-length"];
    return next();
  };

  it("fails a partner that answers only the first id of a request", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"], wrap: rewriteAsked((ids) => ids.slice(0, 1)) }), "accuracy.metric-values");
    const f = r.findings.find((x) => x.code === "accuracy.metric-values/metric-missing");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/answered the sync's request for \d+ metrics \(.+\) without any value for \S+, while a request for \S+ alone over .+ has values for \d+ months? .*: only some of the requested metrics are answered\./);
  });

  it("fails a partner that labels each value with the next metric's id when several are asked", async () => {
    const rotated: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/non-financial") || req.method !== "POST" || reply.status !== 200) return reply;
      const asked = (JSON.parse(req.body.toString("utf8")) as { NonFinancialIds: string[] }).NonFinancialIds;
      if (asked.length < 2) return reply;
      return editJson<Values>(reply, (body) => {
        for (const row of body.Data) row.NonFinancialId = asked[(asked.indexOf(row.NonFinancialId) + 1) % asked.length];
      });
    };
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"], wrap: rotated }), "accuracy.metric-values");
    const f = r.findings.find((x) => x.code === "accuracy.metric-values/values-differ");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/gives \S+ other values in the sync's request for \d+ metrics .* than in a request for \S+ (alone|over an earlier range)/);
  });

  it("passes the reference partner", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"] }), "accuracy.metric-values");
    expect(r.status, JSON.stringify(r.findings.map((x) => x.message))).toBe("pass");
  });
});

describe("accuracy.metric-values: a month lost at the end of a range", () => {
  it("fails values that leave out EndDate's month (EndDate taken as exclusive)", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/non-financial") || req.method !== "POST" || reply.status !== 200) return reply;
      const end = (JSON.parse(req.body.toString("utf8")) as { EndDate: string }).EndDate.slice(0, 7);
      return editJson<{ Data: { Period: string }[] }>(reply, (body) => (body.Data = body.Data.filter((r) => r.Period !== end)));
    };
    const r = resultOf(await checkReference({ only: ["accuracy.metric-values"], wrap }), "accuracy.metric-values");
    const f = r.findings.find((x) => x.code === "accuracy.metric-values/values-missing");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/without a value for 1 month of that range that the sync's request for all metrics has for \S+: \d{4}-\d\d\. EndDate's month is among them: EndDate may be taken as exclusive\./);
  });
});
