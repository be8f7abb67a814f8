/**
 * Each defect switch of the reference partner is caught by the check of its family, end to end
 * through the built CLI.
 */
import { describe, expect, it } from "vitest";
import { NOW, check, parseReport, runCli } from "../helpers/cli.js";

interface Case {
  brk: string;
  check: string;
  status: "fail" | "warn";
  code?: string;
  args?: string[];
}

const CASES: Case[] = [
  { brk: "refuse-connections", check: "reachability.connection", status: "fail" },
  { brk: "auth-not-enforced", check: "auth.no-token", status: "fail", code: "auth.no-token/not-enforced" },
  { brk: "html-401", check: "auth.no-token", status: "fail", code: "auth.no-token/html" },
  { brk: "ok-on-error", check: "auth.invalid-token", status: "fail", code: "auth.invalid-token/not-enforced" },
  { brk: "bad-error-envelope", check: "auth.no-token", status: "fail", code: "auth.no-token/error-envelope" },
  { brk: "basic-auth-bypass", check: "auth.invalid-token", status: "fail", code: "auth.invalid-token/other-scheme-accepted" },
  { brk: "authorize-missing", check: "auth.authorize", status: "fail", code: "auth.authorize/missing" },
  { brk: "authorize-open-redirect", check: "auth.authorize", status: "fail", code: "auth.authorize/redirects-unknown-client" },
  { brk: "invalid-token-403", check: "auth.invalid-token", status: "warn", code: "auth.invalid-token/forbidden" },
  { brk: "data-401-basic-challenge", check: "auth.bearer-challenge", status: "warn", code: "auth.bearer-challenge/not-bearer" },
  { brk: "wrong-type", check: "schema.company-info", status: "fail", code: "schema.company-info/type" },
  { brk: "missing-field", check: "schema.reference-lists", status: "fail", code: "schema.reference-lists/required" },
  { brk: "data-null", check: "schema.reference-lists", status: "fail" },
  { brk: "text-content-type", check: "schema.company-info", status: "fail", code: "schema.company-info/content-type" },
  { brk: "wrong-period-format", check: "schema.statements", status: "fail", code: "schema.statements/pattern" },
  { brk: "unknown-field", check: "schema.company-info", status: "warn", code: "schema.company-info/unknown-field" },
  { brk: "page-skip", check: "pagination.walk", status: "fail", code: "pagination.walk/records-lost" },
  { brk: "stale-data", check: "freshness.profit-and-loss", status: "fail", code: "freshness.profit-and-loss/stale" },
  { brk: "company-mixup", check: "schema.company-info", status: "fail", code: "schema.company-info/other-company" },
  { brk: "balance-sheet-gap", check: "freshness.balance-sheet", status: "fail", code: "freshness.balance-sheet/missing-month" },
  { brk: "rows-outside-range", check: "accuracy.row-grid", status: "fail", code: "accuracy.row-grid/outside-range" },
  { brk: "duplicate-rows", check: "accuracy.row-grid", status: "fail", code: "accuracy.row-grid/duplicate-row" },
  { brk: "missing-month", check: "accuracy.earnings", status: "fail", code: "accuracy.earnings/month-missing" },
  { brk: "stale-cache", check: "freshness.cache-headers", status: "warn", code: "freshness.cache-headers/stale-cache" },
  { brk: "expires-header", check: "freshness.cache-headers", status: "warn", code: "freshness.cache-headers/stale-cache" },
  // Every profit and loss takes 2.5 s: only the checks this case is about run (--check).
  { brk: "slow-operation", check: "reliability.latency", status: "warn", code: "reliability.latency/slow", args: ["--check", "schema.statements", "--check", "reliability.latency"] },
];

describe.each(CASES)("demo --break $brk", (c) => {
  it(`makes ${c.check} ${c.status}`, async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--break", c.brk, ...(c.args ?? [])], { timeoutMs: 90_000 });
    const report = parseReport(r);
    const result = check(report, c.check);
    expect(result.status, JSON.stringify(result, null, 2)).toBe(c.status);
    if (c.code) expect(result.findings.map((f) => f.code)).toContain(c.code);
    if (c.status === "fail") {
      expect(report.verdict).toBe("not-ready");
      expect(r.code).toBe(1);
      // a failing request always comes with a reproduction, token as a variable
      for (const f of result.findings.filter((x) => x.severity === "fail" && x.evidence?.status !== undefined)) {
        expect(f.curl, f.code).toMatch(/^curl /);
        if (/Authorization/.test(f.curl ?? "")) expect(f.curl).toMatch(/\$REACH_ACCESS_TOKEN|not-a-real|invalid-token|Basic cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0/);
      }
    } else {
      expect(report.verdict).toBe("ready-with-warnings");
      expect(r.code).toBe(0);
    }
    for (const f of result.findings) {
      expect(f.rule.ref.length, f.code).toBeGreaterThan(3);
      expect(f.fix.length, f.code).toBeGreaterThan(10);
    }
  }, 100_000);
});

describe("--strict", () => {
  it("turns an unknown field into a failure", async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--break", "unknown-field", "--strict"]);
    const report = parseReport(r);
    expect(check(report, "schema.company-info").status).toBe("fail");
    expect(r.code).toBe(1);
  });
});

describe("reachability failure", () => {
  it("skips the rest with the reason", async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--break", "refuse-connections"]);
    const report = parseReport(r);
    const skipped = report.checks.filter((c) => c.status === "skip");
    expect(skipped.length).toBeGreaterThan(5);
    expect(check(report, "schema.statements").summary).toContain("reachability.connection");
  });
});
