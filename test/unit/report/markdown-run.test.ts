/**
 * The Markdown report of a real run against the reference partner on loopback: text with `&` (a
 * query string) reads the same raw as rendered, with no HTML entity in it.
 */
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { checkReference, resultOf } from "../../helpers/harness.js";

describe("Markdown report of a run", () => {
  it("shows pagination.defaults' query string with a plain & in its Result cell", async () => {
    const report = await checkReference({ only: ["pagination.defaults"] });
    expect(resultOf(report, "pagination.defaults").summary).toContain("offset=0&limit=100");
    const md = renderMarkdown(report, { verbose: true });
    const row = md.split("\n").find((l) => l.startsWith("|") && l.includes("`pagination.defaults`"));
    expect(row).toBeDefined();
    expect(row).toContain("offset=0&limit=100");
    // No entity anywhere outside what the renderer shows literally (an escaped `\&`).
    expect(md).not.toMatch(/(?<!\\)&(?:[A-Za-z]+|#\d+);/);
  });
});
