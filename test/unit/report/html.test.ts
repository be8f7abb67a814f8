import { describe, expect, it } from "vitest";
import { esc, renderHtml } from "../../../src/report/html.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

/** The page's script and style contents cut out, so what is left is markup and escaped text. */
function markup(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, "<style></style>").replace(/<script>[\s\S]*?<\/script>/, "<script></script>");
}

describe("renderHtml", () => {
  for (const name of FIXTURE_NAMES) {
    it(`snapshots ${name}`, async () => {
      await expect(renderHtml(loadReport(name))).toMatchFileSnapshot(`./__snapshots__/${name}.html`);
    });
  }

  it("is self-contained: no external resource can be referenced, and a CSP forbids any fetch", () => {
    for (const name of FIXTURE_NAMES) {
      const html = renderHtml(loadReport(name));
      const m = markup(html);
      expect(m).not.toMatch(/<link|<img|<iframe|<object|<embed|<base|<form/i);
      const tags = m.match(/<[a-z][^>]*>/gi) ?? [];
      expect(tags.filter((t) => /\s(src|href|action|srcset|poster|style|on\w+)=/i.test(t))).toEqual([]);
      expect(html).not.toMatch(/@import|url\(|@font-face/i);
      expect(m.match(/<script/g)).toHaveLength(1);
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-`);
    }
  });

  it("puts failures first, folds details, and has print styles", () => {
    const html = renderHtml(loadReport("not-ready"));
    const failures = html.indexOf('<section id="failures">');
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(html.indexOf('<section id="warnings">'));
    expect(html.indexOf('<section id="warnings">')).toBeLessThan(html.indexOf('<section id="steps">'));
    expect(html).toContain('<details class="check" id="check-schema.lists">');
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain("@media print");
  });

  it("has the same content as the other formats: evidence, curl, coverage, rehearsal, spec, allowlist, digest", () => {
    const r = loadReport("accepted");
    const html = renderHtml(r);
    for (const text of [
      "<dt>status</dt><dd>200 OK after 184 ms</dd>",
      `<pre>curl -sS -H &quot;Authorization: Bearer $REACH_TOKEN&quot; &#39;http://127.0.0.1:4010/companies/c1/chart-of-accounts?offset=0&amp;limit=100&#39;</pre>`,
      '<section id="coverage">',
      '<section id="rehearsal">',
      r.spec.sha256,
      r.integrity!.digest,
      "expired: no longer accepted",
      "unused: matches nothing, remove it",
      "by the allowlist until 2025-07-31: limit cap ships in release 4.2 (TICKET-118)",
    ]) {
      expect(html).toContain(text);
    }
  });

  it("shows a problem found in several places once, its other places folded under it, escaped", () => {
    const report = copy(loadReport("not-ready"));
    const check = report.checks.find((c) => c.id === "schema.lists")!;
    const head = check.findings.find((f) => f.code === "schema.lists/required" && f.severity === "fail")!;
    check.findings.push({
      ...head,
      company: "c<2>",
      pointer: "/Data/1",
      message: "Budget record has no BudgetId <img>.",
      evidence: { request: "/companies/c2/budgets" },
      curl: "curl -sS -i 'http://partner.test/companies/c2/budgets?a=<x>'",
    });
    const m = markup(renderHtml(report));
    expect(m.match(/Budget record has no BudgetId\./g)).toHaveLength(1);
    const places = m.slice(m.indexOf('<details class="places">'));
    expect(places).toMatch(/^<details class="places"><summary>Also at 5 more places with this problem<\/summary>\n<ul>\n/);
    expect(places).toContain("<li><code>GET /companies/{CompanyId}/budgets</code> · company <code>c1</code> · at <code>/Data/2</code></li>");
    expect(places).toContain(
      "<li><code>GET /companies/c2/budgets</code> · company <code>c&lt;2&gt;</code> · at <code>/Data/1</code> Budget record has no BudgetId &lt;img&gt;." +
        "<pre>curl -sS -i &#39;http://partner.test/companies/c2/budgets?a=&lt;x&gt;&#39;</pre></li>",
    );
    expect(m).not.toContain("<img");
  });

  it("escapes everything from the report", () => {
    const html = renderHtml(loadReport("hostile"));
    const m = markup(html);
    expect(m.match(/<script/g)).toHaveLength(1);
    expect(m).not.toContain("<svg");
    expect(m).not.toContain("<b>");
    expect(m).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(m).toContain("&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;");
    expect(html).not.toMatch(/[\u001b\u202e]/);
    expect(esc(`<a href="x" onclick='y'>&`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
  });
});
