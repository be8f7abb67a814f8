/**
 * Table-driven per-check tests: each check passes on the clean reference partner (valid) and names
 * the finding it expects for each defect switch (invalid).
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";
import { typicalMs } from "../../../src/probes/reliability/latency.js";

interface Table {
  id: string;
  invalid: { defects: string[]; status: "fail" | "warn"; codes: string[]; strict?: boolean }[];
}

const TABLES: Table[] = [
  { id: "reachability.connection", invalid: [{ defects: ["refuse-connections"], status: "fail", codes: ["reachability.connection/http"] }] },
  {
    id: "auth.discovery",
    invalid: [{ defects: ["text-content-type"], status: "fail", codes: ["auth.discovery/content-type"] }],
  },
  {
    id: "auth.no-token",
    invalid: [
      { defects: ["auth-not-enforced"], status: "fail", codes: ["auth.no-token/not-enforced"] },
      { defects: ["html-401"], status: "fail", codes: ["auth.no-token/html"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["auth.no-token/error-envelope"] },
    ],
  },
  {
    id: "auth.invalid-token",
    invalid: [
      { defects: ["ok-on-error"], status: "fail", codes: ["auth.invalid-token/not-enforced"] },
      { defects: ["auth-not-enforced"], status: "fail", codes: ["auth.invalid-token/not-enforced"] },
    ],
  },
  { id: "auth.token-accepted", invalid: [] },
  {
    id: "schema.company-info",
    invalid: [
      { defects: ["wrong-type"], status: "fail", codes: ["schema.company-info/type"] },
      { defects: ["unknown-field"], status: "warn", codes: ["schema.company-info/unknown-field"] },
      { defects: ["unknown-field"], status: "fail", codes: ["schema.company-info/unknown-field"], strict: true },
      { defects: ["company-mixup"], status: "fail", codes: ["schema.company-info/other-company"] },
    ],
  },
  {
    id: "schema.reference-lists",
    invalid: [
      { defects: ["missing-field"], status: "fail", codes: ["schema.reference-lists/required"] },
      { defects: ["data-null"], status: "fail", codes: ["schema.reference-lists/null"] },
    ],
  },
  { id: "schema.statements", invalid: [{ defects: ["wrong-period-format"], status: "fail", codes: ["schema.statements/pattern"] }] },
  { id: "schema.non-financial", invalid: [{ defects: ["text-content-type"], status: "fail", codes: ["schema.non-financial/content-type"] }] },
  { id: "schema.user-info", invalid: [{ defects: ["text-content-type"], status: "fail", codes: ["schema.user-info/content-type"] }] },
  { id: "freshness.profit-and-loss", invalid: [{ defects: ["stale-data"], status: "fail", codes: ["freshness.profit-and-loss/stale"] }] },
  {
    id: "freshness.balance-sheet",
    invalid: [
      { defects: ["stale-data"], status: "fail", codes: ["freshness.balance-sheet/stale"] },
      { defects: ["balance-sheet-gap"], status: "fail", codes: ["freshness.balance-sheet/missing-month"] },
    ],
  },
  {
    id: "accuracy.row-grid",
    invalid: [
      { defects: ["duplicate-rows"], status: "fail", codes: ["accuracy.row-grid/duplicate-row"] },
      { defects: ["missing-month"], status: "warn", codes: ["accuracy.row-grid/missing-rows"] },
    ],
  },
  { id: "freshness.non-financial", invalid: [{ defects: ["stale-data"], status: "fail", codes: ["freshness.non-financial/stale"] }] },
  {
    id: "freshness.cache-headers",
    invalid: [
      { defects: ["stale-cache"], status: "warn", codes: ["freshness.cache-headers/stale-cache"] },
      { defects: ["expires-header"], status: "warn", codes: ["freshness.cache-headers/stale-cache"] },
    ],
  },
  { id: "reliability.latency", invalid: [] },
];

describe.each(TABLES)("$id", (t) => {
  it("passes on the clean reference partner", async () => {
    const report = await checkReference({ only: [t.id] });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });
  it.each(t.invalid)("$defects -> $status $codes", async (c) => {
    const report = await checkReference({ only: [t.id], defects: c.defects, strict: c.strict });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe(c.status);
    expect(codes(r)).toEqual(c.codes);
  });
});

describe("reliability.latency", () => {
  it("warns with the operation's figures when p95 is above --slow-ms", async () => {
    const report = await checkReference({ only: ["reliability.latency", "schema.statements"], settings: { slowMs: 1 } });
    const r = resultOf(report, "reliability.latency");
    expect(r.status).toBe("warn");
    expect(r.findings.every((f) => f.code === "reliability.latency/slow" && /p95 \d+ ms|requests took \d+ ms or more|its one request took \d+ ms/.test(f.message))).toBe(true);
  });

  it("lets one slow answer pass for an operation asked fewer than 20 times, but not two", async () => {
    /** Delays the first `n` answers of the company record by 2.2 s. */
    const slowInfo = (n: number): Wrap => {
      let left = n;
      return async (req, next) => {
        const reply = await next();
        if (req.method === "GET" && /^\/companies\/[^/]+$/.test(req.url.pathname) && left > 0) {
          left--;
          await new Promise((r) => setTimeout(r, 2200));
        }
        return reply;
      };
    };
    const one = await checkReference({ only: ["schema.company-info", "reliability.latency"], wrap: slowInfo(1) });
    const asked = one.stats.requests;
    expect(asked).toBeLessThan(20);
    expect(resultOf(one, "reliability.latency").status).toBe("pass");
    const two = resultOf(await checkReference({ only: ["schema.company-info", "reliability.latency"], wrap: slowInfo(2) }), "reliability.latency");
    expect(two.status).toBe("warn");
    expect(codes(two)).toEqual(["reliability.latency/slow"]);
    expect(two.findings[0].message).toMatch(/^GET \/companies\/\{CompanyId\} is slow: (both|\d+ of its \d+) requests took 2\d{3} ms or more \(p50 \d+ ms, max \d+ ms; with fewer than 20 requests the second slowest is judged/);
    expect(two.findings[0].fix).toMatch(/up to 4 requests in flight: .* --concurrency 1 shows each request's own time\.$/);
  }, 30_000);

  it("typicalMs: p95 from 20 requests, the second slowest below, the one request alone", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => (i === 19 ? 5000 : 100 + i));
    expect(typicalMs(twenty)).toEqual({ ms: 118, basis: "p95" });
    expect(typicalMs([100, 120, 5000])).toEqual({ ms: 120, basis: "second slowest" });
    expect(typicalMs([3000])).toEqual({ ms: 3000, basis: "only request" });
  });
});
