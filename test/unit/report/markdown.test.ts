import { describe, expect, it } from "vitest";
import { mdBlock, mdCode, mdLine, mdText, renderMarkdown } from "../../../src/report/markdown.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

/** Lines outside fenced code blocks, and the blocks; throws when a fence is left open. */
function split(md: string): { prose: string[]; blocks: string[] } {
  const prose: string[] = [];
  const blocks: string[] = [];
  let fence: string | undefined;
  let block: string[] = [];
  for (const line of md.split("\n")) {
    if (fence === undefined) {
      const m = /^(`{3,})\w*$/.exec(line);
      if (m) {
        fence = m[1];
        block = [];
      } else prose.push(line);
    } else if (line === fence) {
      blocks.push(block.join("\n"));
      fence = undefined;
    } else block.push(line);
  }
  if (fence !== undefined) throw new Error("a code fence is left open");
  return { prose, blocks };
}

/** Cell separators: pipes not escaped with a backslash. */
const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;

function checkTables(prose: string[]): void {
  let width: number | undefined;
  for (const line of prose) {
    if (!line.startsWith("|")) {
      width = undefined;
      continue;
    }
    expect(line.endsWith("|"), line).toBe(true);
    if (width === undefined) width = cells(line);
    else expect(cells(line), line).toBe(width);
  }
}

describe("renderMarkdown", () => {
  for (const name of FIXTURE_NAMES) {
    it(`snapshots ${name}; every table row has its header's cells and every fence closes`, async () => {
      const md = renderMarkdown(loadReport(name));
      checkTables(split(md).prose);
      await expect(md).toMatchFileSnapshot(`./__snapshots__/${name}.md`);
    });
  }

  it("has what a ticket needs: verdict, a table per step, failures with evidence and curl, coverage, rehearsal, spec and run facts", () => {
    const report = loadReport("not-ready");
    const md = renderMarkdown(report);
    expect(md).toMatch(/^# Reach API readiness: ❌ NOT READY$/m);
    for (const step of ["Step 2: Implement the endpoints: NOT READY", "Step 3: Provide access: NOT READY", "Step 4: Integration testing: READY WITH WARNINGS"]) {
      expect(md).toContain(`### ${step}\n\n| Status | Check | What it checks | Result |`);
    }
    const failures = md.indexOf("## Failures");
    const warnings = md.indexOf("## Warnings");
    expect(failures).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(failures);
    expect(md).toContain("| Status | 200 OK after 184 ms |");
    expect(md).toContain("```sh\ncurl -sS -H \"Authorization: Bearer $REACH_TOKEN\" 'http://127.0.0.1:4010/companies/c1/chart-of-accounts?offset=0&limit=100'\n```");
    expect(md).toContain("## Coverage");
    expect(md).toContain("## Sync rehearsal");
    expect(md).toContain("| `GET /companies/{CompanyId}` | 2 | 12 ms | 30 ms | 31 ms | 2xx: 2 |");
    expect(md).toContain(`| Spec SHA-256 | \`${report.spec.sha256}\` |`);
    for (const op of report.spec.modeledOperations) expect(md).toContain(`- \`${op}\``);
    expect(md).toContain(`| Tool | reach-check ${report.tool.version} |`);
    expect(md).toContain("| Target | `http://127.0.0.1:4010` |");
    expect(md).toContain("| Started | 2025-06-02T08:30:00.000Z |");
    expect(md).toContain("| Duration | 12.7 s |");
  });

  it("shows accepted failures, expired and unused allowlist entries, and the report's digest", () => {
    const report = loadReport("accepted");
    const md = renderMarkdown(report);
    expect(md).toContain("## Accepted failures (allowlist)");
    expect(md).toContain("| Accepted | by the allowlist until 2025-07-31: limit cap ships in release 4.2 (TICKET-118) |");
    expect(md).toContain("⚠️ expired: no longer accepted");
    expect(md).toContain("⚠️ unused: matches nothing, remove it");
    expect(md).toContain(`\`${report.integrity!.digest}\``);
  });

  it("escapes partner text: no raw HTML, no table break, no link, image or mention", () => {
    const md = renderMarkdown(loadReport("hostile"));
    const { prose, blocks } = split(md);
    checkTables(prose);
    const text = prose.join("\n");
    // Outside code spans (shown literally), the only raw HTML is the report's own <br> and <sub>.
    expect(text.replace(/(`+) .*? \1|`[^`\n]*`/g, "").replace(/<br>|<\/?sub>/g, "")).not.toMatch(/(?<!\\)<[a-z/!]/i);
    expect(text).not.toMatch(/(?<!\\)\[link(?<!\\)\]/);
    expect(text).not.toMatch(/!\[img/);
    expect(text).not.toMatch(/(?<!\\)@channel/);
    expect(text).toContain("\\<script>alert(1)\\</script>");
    expect(text).not.toMatch(/[\u001b\u202e]/);
    // A summary that starts like a list item stays text.
    expect(text).not.toMatch(/^- not a list/m);
    // The body with backticks sits in a longer fence and is kept byte for byte.
    expect(blocks.some((b) => b.includes("```\n# heading\n- list"))).toBe(true);
  });

  it("escape helpers", () => {
    expect(mdText("a|b `c` <d> & *e* [f](g) @h #1 \\ ~")).toBe("a\\|b \\`c\\` \\<d> & \\*e\\* \\[f\\](g) \\@h \\#1 \\\\ \\~");
    // Markdown escapes, not HTML entities: a query string reads the same raw and rendered.
    expect(mdText("offset=0&limit=100")).toBe("offset=0&limit=100");
    // Only an `&` that would start an entity reference is escaped.
    expect(mdText("&amp; &#38; &#x26; &copy; a & b &x")).toBe("\\&amp; &\\#38; &\\#x26; \\&copy; a & b &x");
    expect(mdText("two\nlines")).toBe("two lines");
    expect(mdLine("- item")).toBe("\\- item");
    expect(mdLine("12. item")).toBe("12\\. item");
    expect(mdCode("GET /a")).toBe("`GET /a`");
    expect(mdCode("a|b")).toBe("a\\|b");
    expect(mdCode("a`b")).toBe("`` a`b ``");
    expect(mdCode("``x``")).toBe("``` ``x`` ```");
    expect(mdCode("?a=1&b=2")).toBe("`?a=1&b=2`");
    expect(mdBlock("x ``` y\n````", "sh")).toBe("`````sh\nx ``` y\n````\n`````");
  });

  it("caps the findings per check and says how many more the JSON report has", () => {
    const report = copy(loadReport("not-ready"));
    const md = renderMarkdown(report, { maxFindings: 1 });
    // schema.lists has 7 findings worth showing (its info finding is left out) in three problems:
    // the one shown holds one of them, the two left out hold five and one.
    expect(md).toContain("… and 6 more findings (see the JSON report).");
    expect(renderMarkdown(report, { maxFindings: 2 })).toContain("… and 1 more finding (see the JSON report).");
  });

  it("shows a problem found in several places once, with a line per other place", () => {
    const report = copy(loadReport("not-ready"));
    const md = renderMarkdown(report);
    expect(md.match(/Budget record has no BudgetId\./g)).toHaveLength(1);
    expect(md).toContain(
      "Also at 4 more places with this problem:\n\n" +
        "- `GET /companies/{CompanyId}/budgets` · company `c1` · at `/Data/2`\n" +
        "- `GET /companies/{CompanyId}/budgets` · company `c1` · at `/Data/3`\n",
    );
    expect(md).toContain("**3. WARN:** Budget record has no Name.");
    // Another request: its message when it says more, and its curl line; partner text stays escaped.
    const check = report.checks.find((c) => c.id === "schema.lists")!;
    const head = check.findings.find((f) => f.code === "schema.lists/required" && f.severity === "fail")!;
    check.findings.push({
      ...head,
      company: "c2",
      pointer: "/Data/1",
      message: "Budget record has no BudgetId <b>@here</b>.",
      evidence: { request: "/companies/c2/budgets" },
      curl: "curl -sS -i 'http://partner.test/companies/c2/budgets'",
    });
    expect(renderMarkdown(report)).toContain(
      "- `GET /companies/c2/budgets` · company `c2` · at `/Data/1` — Budget record has no BudgetId \\<b>\\@here\\</b>. — reproduce: `curl -sS -i 'http://partner.test/companies/c2/budgets'`\n",
    );
  });
});
