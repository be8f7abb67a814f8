import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, isReportFormat, renderReport, type ReportFormat } from "../../../src/report/index.js";
import { renderJson } from "../../../src/report/json.js";
import { renderTerminal } from "../../../src/report/terminal.js";
import { loadReport } from "./fixtures.js";

describe("renderReport", () => {
  const report = loadReport("not-ready");

  it("offers the terminal and JSON formats", () => {
    expect(REPORT_FORMATS).toEqual(["terminal", "json"]);
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

  it("names the known formats when given an unknown one", () => {
    expect(() => renderReport("xml" as ReportFormat, report)).toThrow(/expected one of: terminal, json/);
  });
});
