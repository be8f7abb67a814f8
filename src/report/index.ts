/**
 * One entry point: pick a format, get a string. Writing it anywhere is the caller's job. This
 * module loads every reporter; the CLI loads only those of the formats it writes (renderers.ts).
 */
import { renderHtml, type HtmlOptions } from "./html.js";
import { renderJson, type JsonOptions } from "./json.js";
import { renderJunit, type JunitOptions } from "./junit.js";
import { renderMarkdown, type MarkdownOptions } from "./markdown.js";
import { renderTerminal, type TerminalOptions } from "./terminal.js";
import type { Report } from "./types.js";

export const REPORT_FORMATS = ["terminal", "json", "junit", "markdown", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of every format together; each reporter reads the ones it knows. Colour is off unless asked for. */
export type RenderOptions = TerminalOptions & JsonOptions & JunitOptions & MarkdownOptions & HtmlOptions;

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

export function renderReport(format: ReportFormat, report: Report, options: RenderOptions = {}): string {
  switch (format) {
    case "terminal":
      return renderTerminal(report, options);
    case "json":
      return renderJson(report, options);
    case "junit":
      return renderJunit(report, options);
    case "markdown":
      return renderMarkdown(report, options);
    case "html":
      return renderHtml(report, options);
    default: {
      // Reached only from untyped callers; list the choices like a usage error would.
      const unknown: never = format;
      throw new Error(`Unknown report format "${String(unknown)}"; expected one of: ${REPORT_FORMATS.join(", ")}`);
    }
  }
}

export { renderHtml, renderJson, renderJunit, renderMarkdown, renderTerminal };
export type { HtmlOptions, JsonOptions, JunitOptions, MarkdownOptions, TerminalOptions };
export { applyAllowlist, allowlistNotices, type Allowlist, type AllowlistEntry } from "./allowlist.js";
export { canonicalJson, checkIntegrity, digestOf, sealReport } from "./integrity.js";
// The report schema (report-schema.js) is not re-exported: it loads Ajv, which a run that only
// renders its report does not need. `verify` and `schema` import it themselves.
export * from "./types.js";
