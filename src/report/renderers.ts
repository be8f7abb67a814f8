/**
 * The reporter of one format, loaded on its own: a run that prints JSON does not load the
 * terminal, JUnit, Markdown and HTML reporters (nor chalk), some 10-20 ms of module loading.
 * `renderReport` in index.ts is the same choice made with every reporter loaded.
 */
import type { RenderOptions, ReportFormat } from "./index.js";
import type { Report } from "./types.js";

export type Renderer = (report: Report, options: RenderOptions) => string;

const LOADERS: Record<ReportFormat, () => Promise<Renderer>> = {
  terminal: async () => (await import("./terminal.js")).renderTerminal,
  json: async () => (await import("./json.js")).renderJson,
  junit: async () => (await import("./junit.js")).renderJunit,
  markdown: async () => (await import("./markdown.js")).renderMarkdown,
  html: async () => (await import("./html.js")).renderHtml,
};

/** The renderers of these formats (each loaded once), by format. */
export async function loadRenderers(formats: readonly ReportFormat[]): Promise<Map<ReportFormat, Renderer>> {
  const unique = [...new Set(formats)];
  const loaded = await Promise.all(unique.map((f) => LOADERS[f]()));
  return new Map(unique.map((f, i) => [f, loaded[i]]));
}
