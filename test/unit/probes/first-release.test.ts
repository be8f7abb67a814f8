/**
 * Table-driven per-check tests: each check passes on the clean reference partner (valid) and names
 * the finding it expects for each defect switch (invalid).
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf } from "../../helpers/harness.js";

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
    expect(r.findings.every((f) => f.code === "reliability.latency/slow" && /p95 \d+ ms/.test(f.message))).toBe(true);
  });
});
