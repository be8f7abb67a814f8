import { describe, expect, it } from "vitest";
import { renderJunit } from "../../../src/report/junit.js";
import type { Report } from "../../../src/report/types.js";
import { findAll, parseXml, type XmlElement } from "../../helpers/xml.js";
import { junitProblems } from "../../helpers/junit-schema.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

function parse(report: Report, options = {}): XmlElement {
  const xml = renderJunit(report, options);
  const root = parseXml(xml);
  expect(junitProblems(root)).toEqual([]);
  return root;
}

function testcase(root: XmlElement, name: string): XmlElement {
  const tc = findAll(root, "testcase").find((t) => t.attrs.name === name);
  if (!tc) throw new Error(`no testcase ${name}; have ${findAll(root, "testcase").map((t) => t.attrs.name).join(", ")}`);
  return tc;
}

const outcome = (tc: XmlElement) => tc.children.find((c) => ["failure", "error", "skipped"].includes(c.name));

describe("renderJunit", () => {
  for (const name of FIXTURE_NAMES) {
    it(`snapshots ${name}, which parses and follows the JUnit schema with consistent counts`, async () => {
      const xml = renderJunit(loadReport(name));
      expect(junitProblems(parseXml(xml))).toEqual([]);
      await expect(xml).toMatchFileSnapshot(`./__snapshots__/${name}.junit.xml`);
    });
  }

  it("has a testsuite per step and a testcase per check, split per operation where findings are on several", () => {
    const report = loadReport("not-ready");
    const root = parse(report);
    const suites = root.children;
    expect(suites.map((s) => s.attrs.name)).toEqual(["Step 2: Implement the endpoints", "Step 3: Provide access", "Step 4: Integration testing"]);
    // schema.lists has findings on chart-of-accounts and budgets: two testcases.
    const names = findAll(root, "testcase").map((t) => t.attrs.name);
    expect(names.filter((n) => n.startsWith("schema.lists"))).toEqual([
      "schema.lists GET /companies/{CompanyId}/chart-of-accounts",
      "schema.lists GET /companies/{CompanyId}/budgets",
    ]);
    expect(names).toContain("schema.errors");
    expect(root.attrs.tests).toBe(String(names.length));
  });

  it("maps fail to <failure> with message, type and evidence; warnings pass with their text in system-out", () => {
    const root = parse(loadReport("not-ready"));
    const f = outcome(testcase(root, "schema.lists GET /companies/{CompanyId}/chart-of-accounts"))!;
    expect(f.name).toBe("failure");
    expect(f.attrs.message).toBe("Pagination.total is a string; the spec requires an integer.");
    expect(f.attrs.type).toBe("schema.lists/type-mismatch");
    expect(f.text).toContain("request:  GET /companies/c1/chart-of-accounts?offset=0&limit=100");
    expect(f.text).toContain('actual:   string "212"');
    expect(f.text).toContain("curl:     curl -sS");
    const warn = testcase(root, "reliability.latency");
    expect(outcome(warn)).toBeUndefined();
    expect(warn.children.find((c) => c.name === "system-out")?.text).toMatch(/^WARN /m);
  });

  it("with failOn warn, warnings are failures too", () => {
    const root = parse(loadReport("not-ready"), { failOn: "warn" });
    expect(outcome(testcase(root, "reliability.latency"))?.name).toBe("failure");
    expect(Number(root.attrs.failures)).toBeGreaterThan(Number(parse(loadReport("not-ready")).attrs.failures));
  });

  it("maps skip to <skipped> with the reason and a crashed check to <error>", () => {
    const root = parse(loadReport("skips-and-error"));
    const skipped = outcome(testcase(root, "accuracy.statement-accounts"))!;
    expect(skipped.name).toBe("skipped");
    expect(skipped.attrs.message).toBe("skipped: schema.lists did not finish");
    const error = outcome(testcase(root, "schema.lists"))!;
    expect(error.name).toBe("error");
    expect(error.attrs.message).toMatch(/the check crashed/);
    expect(root.children[0].attrs).toMatchObject({ tests: "2", errors: "1", skipped: "1", failures: "0" });
  });

  it("maps accepted failures to <skipped> naming the allowlist reason and expiry; expired entries fail again", () => {
    const root = parse(loadReport("accepted"));
    const acc = outcome(testcase(root, "pagination.limits"))!;
    expect(acc.name).toBe("skipped");
    expect(acc.attrs.message).toBe("accepted by the allowlist until 2025-07-31: limit cap ships in release 4.2 (TICKET-118)");
    expect(outcome(testcase(root, "schema.lists GET /companies/{CompanyId}/budgets"))?.name).toBe("skipped");
    expect(outcome(testcase(root, "auth.bad-token"))?.name).toBe("failure");
    const props = findAll(root, "property").map((p) => p.attrs.name);
    expect(props).toContain("report.sha256");
  });

  it("carries hostile partner text intact and well-formed", () => {
    const report = loadReport("hostile");
    const root = parse(report);
    const f = outcome(testcase(root, "schema.lists GET /companies/{CompanyId}/chart-of-accounts"))!;
    expect(f.attrs.message).toContain("<script>alert(1)</script>");
    expect(f.attrs.message).toContain("]]>");
    // Terminal control characters and bidi overrides are shown as escapes, never passed through.
    expect(f.attrs.message).not.toMatch(/[\u001b\u202e]/);
    expect(f.attrs.message).toContain("\\u001b[31m");
  });

  it("replaces characters XML cannot carry and keeps the document parseable", () => {
    const report = copy(loadReport("not-ready"));
    report.checks[0].findings[0].message = "lone \ud800 surrogate and \uffff and \u0000 nul";
    const root = parse(report);
    const f = outcome(testcase(root, "schema.lists GET /companies/{CompanyId}/chart-of-accounts"))!;
    expect(f.attrs.message).toBe("lone \ufffd surrogate and \ufffd and \\u0000 nul");
  });

  it("times add up: suite time is the sum of its checks, in seconds", () => {
    const report = loadReport("not-ready");
    const root = parse(report);
    const step2 = report.checks.filter((c) => c.step === 2).reduce((n, c) => n + c.durationMs, 0);
    expect(root.children[0].attrs.time).toBe((step2 / 1000).toFixed(3));
    expect(root.children[0].attrs.timestamp).toBe(report.startedAt.slice(0, 19));
  });
});
