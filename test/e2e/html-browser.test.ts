/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, installed by .ci/run): it
 * renders, logs no console error or exception, fetches nothing from the network, folds details,
 * prints, and a screenshot of each is written to test-output/html/ for a person to look at.
 * Without Chromium this test fails: it must not pass silently in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderHtml } from "../../src/report/html.js";
import { Browser, dumpDom } from "../helpers/chromium.js";
import { ROOT } from "../helpers/cli.js";
import { loadReport } from "../unit/report/fixtures.js";

const OUT = join(ROOT, "test-output", "html");
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await Browser.launch();
}, 30_000);
afterAll(async () => browser?.close());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("HTML report in headless Chromium", () => {
  it.each(["not-ready", "accepted", "hostile", "ready"] as const)("%s renders with no console error and no network request", async (name) => {
    const file = join(OUT, `${name}.html`);
    writeFileSync(file, renderHtml(loadReport(name)));
    const url = pathToFileURL(file).href;
    browser.events.length = 0;
    await browser.setViewport(1200, 900);
    await browser.open(url);

    const page = await browser.evaluate<{ title: string; verdict: string; details: number; open: number; sections: string[]; scripts: number; height: number }>(`({
      title: document.title,
      verdict: document.getElementById("verdict")?.textContent ?? "",
      details: document.querySelectorAll("details").length,
      open: document.querySelectorAll("details[open]").length,
      sections: [...document.querySelectorAll("section")].map((s) => s.id),
      scripts: document.scripts.length,
      height: document.body.scrollHeight,
    })`);
    const report = loadReport(name);
    expect(page.title).toContain("Reach API readiness");
    expect(page.verdict).toBe({ ready: "READY", "ready-with-warnings": "READY WITH WARNINGS", "not-ready": "NOT READY" }[report.verdict]);
    expect(page.height).toBeGreaterThan(400);
    expect(page.details).toBeGreaterThan(0);
    expect(page.open).toBe(0);
    expect(page.scripts).toBe(1); // the report's own print helper; nothing from partner text ran or parsed as a script
    if (report.checks.some((c) => c.status === "fail")) expect(page.sections[1]).toBe("failures");

    const png = await browser.screenshot();
    expect(png.subarray(0, 8).equals(PNG)).toBe(true);
    expect(png.length).toBeGreaterThan(10_000);
    writeFileSync(join(OUT, `${name}.png`), png);

    // Printing opens every folded section so the printout carries all details.
    const pdf = await browser.printToPdf();
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    writeFileSync(join(OUT, `${name}.pdf`), pdf);
    expect(await browser.evaluate<number>(`document.querySelectorAll("details:not([open])").length`)).toBe(0);

    const problems = browser.events.filter(
      (e) => e.kind === "exception" || (e.kind === "console" && /error|warn|assert/.test(e.level ?? "")) || (e.kind === "log" && /error|warning/.test(e.level ?? "")),
    );
    expect(problems).toEqual([]);
    const requests = browser.events.filter((e) => e.kind === "request" && e.text !== url);
    expect(requests).toEqual([]);
  });

  it("a hostile report's partner text stays text (checked with --dump-dom too)", async () => {
    const file = join(OUT, "hostile.html");
    writeFileSync(file, renderHtml(loadReport("hostile")));
    const dom = dumpDom(pathToFileURL(file).href);
    expect(dom).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(dom).not.toMatch(/<img|<svg|<b>c2/);
    expect(dom.match(/<script/g)).toHaveLength(1);
  }, 40_000);
});
