import { describe, expect, it } from "vitest";
import { REPORT_KEY_ORDER, renderJson } from "../../../src/report/json.js";
import type { Report } from "../../../src/report/types.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

/**
 * Rebuilds every object with its keys in reverse order, as an engine assembling objects differently
 * might. Response headers keep their order: that order is data (what the partner sent), not layout.
 */
function reverseKeys(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => reverseKeys(v));
  if (typeof value === "object" && value !== null && key !== "headers") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v, k)]));
  }
  return value;
}

describe("renderJson", () => {
  for (const name of FIXTURE_NAMES) {
    it(`snapshots ${name} (pretty)`, async () => {
      await expect(renderJson(loadReport(name))).toMatchFileSnapshot(`./__snapshots__/${name}.json`);
    });
  }

  it("round-trips: parsing the output gives back the report", () => {
    for (const name of FIXTURE_NAMES) {
      const report = loadReport(name);
      expect(JSON.parse(renderJson(report))).toEqual(report);
      expect(JSON.parse(renderJson(report, { pretty: false }))).toEqual(report);
    }
  });

  it("ends with exactly one newline; compact output is a single line", () => {
    const report = loadReport("not-ready");
    const pretty = renderJson(report);
    const compact = renderJson(report, { pretty: false });
    expect(pretty.endsWith("}\n")).toBe(true);
    expect(compact.endsWith("}\n")).toBe(true);
    expect(compact.slice(0, -1)).not.toContain("\n");
    expect(pretty.split("\n").length).toBeGreaterThan(50);
    expect(pretty).toMatch(/^ {2}"reportVersion": 1,$/m);
  });

  it("writes keys in the order of the Report type whatever order they were built in", () => {
    for (const name of FIXTURE_NAMES) {
      const report = loadReport(name);
      const shuffled = reverseKeys(report) as Report;
      expect(Object.keys(shuffled)[0]).toBe(Object.keys(report).at(-1));
      expect(renderJson(shuffled)).toBe(renderJson(report));
      const parsed = JSON.parse(renderJson(shuffled)) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(REPORT_KEY_ORDER.report.filter((k) => k in report));
      const check = (parsed.checks as Record<string, unknown>[])[0];
      expect(Object.keys(check)).toEqual([...REPORT_KEY_ORDER.check]);
    }
    const finding = (JSON.parse(renderJson(reverseKeys(loadReport("not-ready")) as Report)) as Report).checks[0]
      .findings[0];
    expect(Object.keys(finding)).toEqual(REPORT_KEY_ORDER.finding.filter((k) => k in finding));
    expect(Object.keys(finding.evidence ?? {})).toEqual(
      REPORT_KEY_ORDER.evidence.filter((k) => k in (finding.evidence ?? {})),
    );
  });

  it("sorts the status-class counts but keeps header order as the partner sent it", () => {
    const out = JSON.parse(renderJson(loadReport("ready"))) as Report;
    expect(Object.keys(out.stats.statuses)).toEqual(["2xx", "4xx"]);
    const headers = (JSON.parse(renderJson(loadReport("not-ready"))) as Report).checks[4].findings[0].evidence?.headers;
    expect(Object.keys(headers ?? {})).toEqual(["content-type", "cache-control"]);
  });

  it("keeps keys the type does not know, after the known ones, rather than dropping data", () => {
    const report = copy(loadReport("ready")) as Report & { extra?: string };
    report.extra = "kept";
    const keys = Object.keys(JSON.parse(renderJson(report)) as object);
    expect(keys.at(-1)).toBe("extra");
    expect(keys.slice(0, -1)).toEqual(REPORT_KEY_ORDER.report.filter((k) => k in report));
  });

  it("leaves out absent optional fields instead of writing null", () => {
    const out = renderJson(loadReport("skips-and-error"));
    expect(out).not.toContain("null");
    expect(out).not.toContain('"curl"');
  });
});
