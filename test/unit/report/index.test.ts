import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, isReportFormat, renderReport, type ReportFormat } from "../../../src/report/index.js";
import { renderJson } from "../../../src/report/json.js";
import { renderTerminal } from "../../../src/report/terminal.js";
import { loadReport } from "./fixtures.js";
import { REPORT_FORMAT_NAMES } from "../../../src/cli/report-files.js";
import { renderHtml } from "../../../src/report/html.js";
import { renderJunit } from "../../../src/report/junit.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { loadRenderers } from "../../../src/report/renderers.js";

describe("renderReport", () => {
  const report = loadReport("not-ready");

  it("offers the terminal, JSON, JUnit, Markdown and HTML formats, the same list as the CLI", () => {
    expect(REPORT_FORMATS).toEqual(["terminal", "json", "junit", "markdown", "html"]);
    expect([...REPORT_FORMATS]).toEqual([...REPORT_FORMAT_NAMES]);
    expect(isReportFormat("junit")).toBe(true);
    expect(isReportFormat("json")).toBe(true);
    expect(isReportFormat("terminal")).toBe(true);
    expect(isReportFormat("xml")).toBe(false);
  });

  it("dispatches to the terminal reporter with colour off unless asked", () => {
    expect(renderReport("terminal", report)).toBe(renderTerminal(report, { color: false }));
    expect(renderReport("terminal", report, { color: true, maxFindings: 1, width: 80 })).toBe(
      renderTerminal(report, { color: true, maxFindings: 1, width: 80 }),
    );
  });

  it("dispatches to the JSON reporter", () => {
    expect(renderReport("json", report)).toBe(renderJson(report));
    expect(renderReport("json", report, { pretty: false })).toBe(renderJson(report, { pretty: false }));
  });

  it("dispatches to the JUnit, Markdown and HTML reporters with their options", () => {
    expect(renderReport("junit", report, { failOn: "warn" })).toBe(renderJunit(report, { failOn: "warn" }));
    expect(renderReport("markdown", report, { verbose: true })).toBe(renderMarkdown(report, { verbose: true }));
    expect(renderReport("html", report)).toBe(renderHtml(report));
  });

  it("names the known formats when given an unknown one", () => {
    expect(() => renderReport("xml" as ReportFormat, report)).toThrow(/expected one of: terminal, json, junit, markdown, html/);
  });
});

describe("loadRenderers (what a run uses: only the reporters of the formats it writes)", () => {
  const report = loadReport("not-ready");

  it("gives for every format the renderer renderReport dispatches to, with the same options", async () => {
    const renderers = await loadRenderers([...REPORT_FORMATS, "json"]);
    expect([...renderers.keys()]).toEqual([...REPORT_FORMATS]);
    const options = [{}, { color: true, verbose: true, maxFindings: 1, width: 80, failOn: "warn" as const, pretty: false }];
    for (const format of REPORT_FORMATS) {
      for (const o of options) expect(renderers.get(format)!(report, o), format).toBe(renderReport(format, report, o));
    }
  });

  it("loads one format alone", async () => {
    const renderers = await loadRenderers(["json"]);
    expect([...renderers.keys()]).toEqual(["json"]);
    expect(renderers.get("json")!(report, {})).toBe(renderJson(report));
  });
});
