import { describe, expect, it, vi } from "vitest";
import { REPORT_KEY_ORDER, renderJson } from "../../../src/report/json.js";
import { reportSchema, validateReport } from "../../../src/report/report-schema.js";
import type { Report } from "../../../src/report/types.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

type Breaker = (r: Report & Record<string, unknown>) => void;

describe("reportSchema", () => {
  it("is a draft 2020-12 schema for report version 1", () => {
    expect(reportSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(reportSchema.properties.reportVersion).toMatchObject({ const: 1 });
  });

  it("describes exactly the fields of the Report type, all required, in the type's order", () => {
    const defs = reportSchema.$defs;
    const pairs: [{ properties: object; required?: readonly string[] }, readonly string[]][] = [
      [reportSchema, REPORT_KEY_ORDER.report],
      [reportSchema.properties.tool, REPORT_KEY_ORDER.tool],
      [reportSchema.properties.spec, REPORT_KEY_ORDER.spec],
      [reportSchema.properties.target, REPORT_KEY_ORDER.target],
      [reportSchema.properties.stats, REPORT_KEY_ORDER.stats],
      [defs.stepResult, REPORT_KEY_ORDER.step],
      [defs.stepResult.properties.counts, REPORT_KEY_ORDER.counts],
      [defs.checkResult, REPORT_KEY_ORDER.check],
      [defs.finding, REPORT_KEY_ORDER.finding],
      [defs.finding.properties.operation, REPORT_KEY_ORDER.operation],
      [defs.finding.properties.rule, REPORT_KEY_ORDER.rule],
      [defs.evidence, REPORT_KEY_ORDER.evidence],
      [defs.finding.properties.accepted, REPORT_KEY_ORDER.accepted],
      [reportSchema.properties.allowlist, REPORT_KEY_ORDER.allowlist],
      [reportSchema.properties.allowlist.properties.entries.items, REPORT_KEY_ORDER.allowlistEntry],
      [reportSchema.properties.integrity, REPORT_KEY_ORDER.integrity],
    ];
    for (const [schema, keys] of pairs) {
      expect(Object.keys(schema.properties)).toEqual([...keys]);
      expect(schema).toMatchObject({ additionalProperties: false });
    }
    // Optional fields of the type are exactly the ones the schema does not require.
    expect(defs.finding.required).toEqual(["code", "severity", "message", "rule", "fix"]);
    expect("required" in defs.evidence).toBe(false);
    // Optional top-level fields: `rehearsal` (runs that rehearse a sync), `allowlist` (runs given one),
    // `integrity` (added when the CLI seals the report).
    expect(reportSchema.required).toEqual(REPORT_KEY_ORDER.report.filter((k) => !["rehearsal", "allowlist", "integrity"].includes(k)));
    expect(defs.checkResult.required).toEqual([...REPORT_KEY_ORDER.check]);
  });

  it("enumerates statuses, severities, verdicts and steps", () => {
    expect(reportSchema.$defs.checkStatus.enum).toEqual(["pass", "warn", "fail", "skip", "error", "accepted"]);
    expect(reportSchema.$defs.finding.properties.severity.enum).toEqual(["fail", "warn", "info"]);
    expect(reportSchema.$defs.verdict.enum).toEqual(["ready", "ready-with-warnings", "not-ready"]);
    expect(reportSchema.$defs.step.enum).toEqual([2, 3, 4]);
  });
});

describe("validateReport", () => {
  it.each(FIXTURE_NAMES)("accepts the %s fixture and the JSON reporter's output of it", (name) => {
    const report = loadReport(name);
    expect(validateReport(report)).toEqual([]);
    expect(validateReport(JSON.parse(renderJson(report)))).toEqual([]);
  });

  const broken: [string, Breaker, RegExp][] = [
    ["a missing top-level field", (r) => void delete (r as Partial<Report>).verdict, /^report: missing required property "verdict"$/],
    ["an unknown top-level field", (r) => void (r.surprise = 1), /^report: unknown property "surprise"$/],
    ["a newer report version", (r) => void ((r as { reportVersion: number }).reportVersion = 2), /^\/reportVersion: must be 1$/],
    ["an unknown check status", (r) => void ((r.checks[0] as { status: string }).status = "passed"), /^\/checks\/0\/status: must be one of "pass", "warn", "fail", "skip", "error", "accepted"$/],
    ["step 1", (r) => void ((r.steps[0] as { step: number }).step = 1), /^\/steps\/0\/step: must be one of 2, 3, 4$/],
    ["an unknown verdict", (r) => void ((r as { verdict: string }).verdict = "ok"), /^\/verdict: must be one of "ready", "ready-with-warnings", "not-ready"$/],
    ["a bad severity", (r) => void ((r.checks[0].findings[0] as { severity: string }).severity = "error"), /^\/checks\/0\/findings\/0\/severity: must be one of/],
    ["a finding without a rule", (r) => void delete (r.checks[0].findings[0] as Partial<Report["checks"][0]["findings"][0]>).rule, /^\/checks\/0\/findings\/0: missing required property "rule"$/],
    ["an extra evidence field", (r) => void ((r.checks[0].findings[0].evidence as Record<string, unknown>).token = "x"), /^\/checks\/0\/findings\/0\/evidence: unknown property "token"$/],
    ["a status out of range", (r) => void (r.checks[0].findings[0].evidence!.status = 42), /^\/checks\/0\/findings\/0\/evidence\/status: must be >= 100$/],
    ["a pointer that is not a JSON pointer", (r) => void (r.checks[0].findings[0].pointer = "Pagination.total"), /^\/checks\/0\/findings\/0\/pointer: must match format "json-pointer"$/],
    ["a startedAt that is not a date-time", (r) => void (r.startedAt = "yesterday"), /^\/startedAt: must match format "date-time"$/],
    ["a short sha256", (r) => void (r.spec.sha256 = "abc"), /^\/spec\/sha256: must match pattern/],
    ["a missing count", (r) => void delete (r.steps[0].counts as Partial<Record<string, number>>).error, /^\/steps\/0\/counts: missing required property "error"$/],
    ["a fractional request count", (r) => void (r.stats.requests = 1.5), /^\/stats\/requests: must be integer$/],
    ["a non-numeric status count", (r) => void ((r.stats.statuses as Record<string, unknown>)["5xx"] = "3"), /^\/stats\/statuses\/5xx: must be integer$/],
  ];

  it.each(broken)("rejects %s with a readable problem", (_label, breakIt, problem) => {
    const report = copy(loadReport("not-ready")) as Report & Record<string, unknown>;
    breakIt(report);
    const problems = validateReport(report);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => problem.test(p)), problems.join("\n")).toBe(true);
  });

  it("reports every problem, not only the first", () => {
    const report = copy(loadReport("ready")) as Report & Record<string, unknown>;
    report.verdict = "maybe" as Report["verdict"];
    report.stats.requests = -1;
    expect(validateReport(report)).toHaveLength(2);
  });

  it("rejects values that are not objects", () => {
    expect(validateReport(null)).toEqual(["report: must be object"]);
    expect(validateReport("{}")).toEqual(["report: must be object"]);
  });

  it("compiles the schema once, on first use", async () => {
    vi.resetModules();
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const compile = vi.spyOn(Ajv2020.prototype, "compile");
    try {
      const fresh = await import("../../../src/report/report-schema.js");
      expect(compile).not.toHaveBeenCalled();
      fresh.validateReport(loadReport("ready"));
      fresh.validateReport(loadReport("not-ready"));
      fresh.validateReport({});
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });
});
