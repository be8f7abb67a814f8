import { afterEach, describe, expect, it } from "vitest";
import { renderTerminal } from "../../../src/report/terminal.js";
import type { CheckResult, Finding, Report } from "../../../src/report/types.js";
import { FIXTURE_NAMES, copy, loadReport } from "./fixtures.js";

const ANSI = /\u001b\[[0-9;]*m/;

function checkBlock(output: string, id: string): string {
  // The lines from the check's own line up to the next check line or step rule.
  const lines = output.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^  \\S ${id.replace(/\./g, "\\.")}\\s`).test(l));
  expect(start, `check ${id} is rendered`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^  \S \S/.test(l) || l.startsWith("──"));
  const block = [lines[start], ...rest.slice(0, end === -1 ? rest.length : end)];
  while (block.at(-1) === "") block.pop();
  return block.join("\n");
}

function tags(block: string): string[] {
  return [...block.matchAll(/^ {4}(FAIL|WARN|INFO) /gm)].map((m) => m[1]);
}

const minimalFinding: Finding = {
  code: "x.y/z",
  severity: "fail",
  message: "Something is wrong.",
  rule: { ref: "reach:checklist#1", text: "A rule." },
  fix: "Fix it.",
};

function withCheck(report: Report, check: Partial<CheckResult>): Report {
  const r = copy(report);
  r.checks.push({
    id: "extra.check",
    family: "extra",
    step: 2,
    title: "Extra check",
    status: "fail",
    summary: "added by a test",
    findings: [],
    durationMs: 1,
    requests: 1,
    ...check,
  });
  return r;
}

describe("renderTerminal snapshots (colour off)", () => {
  for (const name of FIXTURE_NAMES) {
    it(`renders ${name}`, async () => {
      await expect(renderTerminal(loadReport(name), { color: false })).toMatchFileSnapshot(
        `./__snapshots__/${name}.terminal.txt`,
      );
    });
  }

  it("renders not-ready verbosely", async () => {
    await expect(renderTerminal(loadReport("not-ready"), { color: false, verbose: true })).toMatchFileSnapshot(
      "./__snapshots__/not-ready.terminal-verbose.txt",
    );
  });
});

describe("colour", () => {
  const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it.each(FIXTURE_NAMES)("%s: colour on emits ANSI codes, colour off none", (name) => {
    const report = loadReport(name);
    expect(renderTerminal(report, { color: true })).toMatch(ANSI);
    expect(renderTerminal(report, { color: false })).not.toMatch(ANSI);
    expect(renderTerminal(report, { color: false, verbose: true })).not.toMatch(ANSI);
  });

  it("ignores the environment: FORCE_COLOR does not turn colour on, NO_COLOR does not turn it off", () => {
    const report = loadReport("not-ready");
    process.env.FORCE_COLOR = "3";
    expect(renderTerminal(report, { color: false })).not.toMatch(ANSI);
    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = "1";
    expect(renderTerminal(report, { color: true })).toMatch(ANSI);
  });

  it("colours the final verdict: red for not-ready, green for ready, yellow for ready-with-warnings", () => {
    const lastLine = (r: Report) => {
      const lines = renderTerminal(r, { color: true }).split("\n");
      return lines.slice(lines.findIndex((l) => l.startsWith("── Summary") || l.includes("Summary "))).find((l) => /^\u001b\[\d+m.*READY/.test(l)) ?? "";
    };
    expect(lastLine(loadReport("not-ready"))).toContain("\u001b[31m");
    expect(lastLine(loadReport("ready"))).toContain("\u001b[32m");
    const warned = copy(loadReport("ready"));
    warned.verdict = "ready-with-warnings";
    expect(lastLine(warned)).toContain("\u001b[33m");
  });

  it("escapes control characters from the partner's response instead of printing them", () => {
    const out = renderTerminal(loadReport("not-ready"), { color: false });
    expect(out).toContain("Balance sheet \\u001b[31mspoofed\\u001b[0m");
    expect(out).not.toContain("\u001b");
  });
});

describe("layout", () => {
  it("starts with tool, target, companies, spec and the modeled-operation note", () => {
    const out = renderTerminal(loadReport("ready"), { color: false });
    const head = out.slice(0, out.indexOf("── Step"));
    expect(head).toContain("reach-check 0.1.0");
    expect(head).toMatch(/target\s+https:\/\/api\.ledgerly\.example\/reach/);
    expect(head).toMatch(/companies\s+acme-01, globex-02/);
    expect(head).toContain("Reach API 1.0.3 (bundled with reach-check), sha256 3f6c2a9d0b1e");
    expect(head).not.toContain("3f6c2a9d0b1e4f"); // short sha only
    expect(head).toMatch(/3 operations checked are modeled/);
    expect(head.replace(/\s+/g, " ")).toContain("reading of gaps in Reach's public spec");
  });

  it("lists modeled operations only when verbose and marks findings on them", () => {
    const report = loadReport("not-ready");
    const plain = renderTerminal(report, { color: false });
    const verbose = renderTerminal(report, { color: false, verbose: true });
    expect(plain).not.toContain("· GET /companies/{CompanyId}/balance-sheet\n");
    expect(verbose).toContain("· GET /companies/{CompanyId}/balance-sheet\n");
    expect(plain).toContain("GET /companies/{CompanyId}/budgets (modeled) · company c1 · at /Data/1");
    expect(plain).toContain("GET /companies/{CompanyId}/chart-of-accounts · company c1 · at /Pagination/total");
  });

  it("gives each step a section with its verdict, in step order, with one line per check", () => {
    const out = renderTerminal(loadReport("not-ready"), { color: false });
    const rules = out.split("\n").filter((l) => l.startsWith("── Step"));
    expect(rules).toHaveLength(3);
    expect(rules[0]).toMatch(/^── Step 2: Implement the endpoints ─+ NOT READY$/);
    expect(rules[1]).toMatch(/^── Step 3: Provide access ─+ NOT READY$/);
    expect(rules[2]).toMatch(/^── Step 4: Integration testing ─+ READY WITH WARNINGS$/);
    expect(out).toMatch(/^ {2}✗ schema\.lists +List responses match the spec — 7 records/m);
    expect(out).toMatch(/^ {2}! schema\.company +Company information/m);
    expect(out).toMatch(/^ {2}✓ schema\.errors +Error bodies/m);
  });

  it("uses the status symbols for skip and error", () => {
    const out = renderTerminal(loadReport("skips-and-error"), { color: false });
    expect(out).toMatch(/^ {2}‼ schema\.lists /m);
    expect(out).toMatch(/^ {2}- accuracy\.statement-accounts /m);
    expect(out).toContain("no checks ran for this step");
  });

  it("shows the evidence, rule, fix and the whole curl line of a finding", () => {
    const report = loadReport("not-ready");
    const out = renderTerminal(report, { color: false });
    const block = checkBlock(out, "schema.lists");
    expect(block).toMatch(/request +GET \/companies\/c1\/chart-of-accounts\?offset=0&limit=100/);
    expect(block).toMatch(/status +200 OK after 184 ms/);
    expect(block).toMatch(/expected +integer/);
    expect(block).toMatch(/actual +string "212"/);
    expect(block).toMatch(/body +\{"Data":/);
    expect(block).toMatch(/rule +openapi:#\/components\/schemas\/PaginationMetadata\/properties\/total/);
    expect(block).toMatch(/fix +Serialise total as a JSON number/);
    // Curl lines are never wrapped, even far beyond the width.
    for (const check of report.checks) {
      for (const f of check.findings) if (f.curl) expect(out).toContain(`reproduce  ${f.curl}\n`);
    }
  });

  it("keeps every prose line within the width; only raw data may overflow", () => {
    for (const width of [60, 80, 100, 140]) {
      for (const name of FIXTURE_NAMES) {
        const out = renderTerminal(loadReport(name), { color: false, width, verbose: true });
        // Raw data lines (and their continuation lines), or a single word too long to break.
        const rawData = /^ +(reproduce|body|request|headers|actual|rule|code) |^ {21}|^ {10}at \S+$|^ *\S+$/;
        for (const line of out.split("\n")) {
          if (Array.from(line).length > width) {
            expect(line, `${name} @${width}`).toMatch(rawData);
          }
        }
      }
    }
    // The ready report has no raw data at all, so nothing exceeds the width.
    for (const width of [60, 100]) {
      const out = renderTerminal(loadReport("ready"), { color: false, width });
      expect(Math.max(...out.split("\n").map((l) => Array.from(l).length))).toBeLessThanOrEqual(width);
    }
  });

  it("ends with a summary: counts per status, requests, duration and the verdict with a next step", () => {
    const out = renderTerminal(loadReport("not-ready"), { color: false });
    const summary = out.slice(out.indexOf("── Summary"));
    expect(summary).toMatch(/checks +1 pass · 2 warn · 3 fail · 0 skip · 0 error \(6 in all\)/);
    expect(summary).toMatch(/requests +64 sent: 2xx 51, 4xx 13/);
    expect(summary).toMatch(/duration +12\.7 s, started 2025-06-02T08:30:00\.000Z/);
    expect(summary).toMatch(/Step 3: Provide access +NOT READY +1 fail/);
    expect(out.trimEnd().split("\n").at(-1)).toBe("NOT READY  Fix the failing checks above (✗), then run reach-check again.");

    const ready = renderTerminal(loadReport("ready"), { color: false });
    expect(ready.trimEnd().split("\n").at(-1)).toMatch(/^READY {2}.*step 3/);

    const errored = renderTerminal(loadReport("skips-and-error"), { color: false });
    expect(errored.trimEnd().split("\n").at(-1)).toMatch(/^NOT READY {2}1 check could not finish/);
  });

  it("ends with exactly one newline and never has two blank lines in a row", () => {
    for (const name of FIXTURE_NAMES) {
      const out = renderTerminal(loadReport(name), { color: false, verbose: true });
      expect(out.endsWith("\n")).toBe(true);
      expect(out.endsWith("\n\n")).toBe(false);
      expect(out).not.toContain("\n\n\n");
      expect(out).not.toMatch(/[ \t]$/m);
    }
  });

  it("is deterministic", () => {
    const report = loadReport("not-ready");
    expect(renderTerminal(report, { color: true })).toBe(renderTerminal(copy(report), { color: true }));
  });
});

describe("findings", () => {
  it("lists findings most severe first", () => {
    const out = renderTerminal(loadReport("not-ready"), { color: false, maxFindings: Infinity, verbose: true });
    // Five findings of schema.lists are one problem (same code, rule and fix): one tag, four places.
    expect(tags(checkBlock(out, "schema.lists"))).toEqual(["FAIL", "FAIL", "WARN", "INFO"]);
  });

  it("shows a problem found in several places once, then each other place with what differs", () => {
    const report = loadReport("not-ready");
    const block = checkBlock(renderTerminal(report, { color: false }), "schema.lists");
    expect(block.match(/Budget record has no BudgetId\./g)).toHaveLength(1);
    expect(block).toContain("also at    4 more places with this problem:");
    // The same message and request: only the pointer tells the places apart, and no second curl line.
    expect(block).toContain("· GET /companies/{CompanyId}/budgets · company c1 · at /Data/2\n");
    expect(block).toContain("· GET /companies/{CompanyId}/budgets · company c1 · at /Data/4\n");
    expect(block).not.toContain("at /Data/5");
    expect(block).toContain("… and 1 more place (--verbose lists it; --format json has each in full)");
    // The warning of the same check, a different problem, is no longer pushed out of sight.
    expect(block).toContain("WARN  Budget record has no Name.");
    const verbose = checkBlock(renderTerminal(report, { color: false, verbose: true }), "schema.lists");
    expect(verbose).toContain("· GET /companies/{CompanyId}/budgets · company c1 · at /Data/5\n");
    expect(verbose).not.toContain("more place (");

    // Places on other requests bring their own curl line; a message that says more than the
    // operation, company or pointer it names is shown too.
    const r = copy(report);
    const check = r.checks.find((c) => c.id === "schema.lists")!;
    const head = check.findings.find((f) => f.code === "schema.lists/required" && f.severity === "fail")!;
    head.curl = "curl -sS -i 'http://partner.test/companies/c1/budgets'";
    const other = {
      ...head,
      company: "c2",
      pointer: "/Data/1",
      message: "Budget record has no BudgetId (nor anything else).",
      evidence: { request: "/companies/c2/budgets" },
      curl: "curl -sS -i 'http://partner.test/companies/c2/budgets'",
    };
    const renamed = { ...head, company: "c3", pointer: "/Data/7", evidence: { request: "/companies/c3/budgets" }, curl: "curl -sS -i 'http://partner.test/companies/c3/budgets'" };
    check.findings.push(other, renamed);
    const out = checkBlock(renderTerminal(r, { color: false, verbose: true }), "schema.lists");
    expect(out).toContain("also at    6 more places with this problem:");
    expect(out).toContain(
      "· GET /companies/c2/budgets · company c2 · at /Data/1\n" +
        "                       Budget record has no BudgetId (nor anything else).\n" +
        "                       curl -sS -i 'http://partner.test/companies/c2/budgets'\n",
    );
    expect(out).toContain("· GET /companies/c3/budgets · company c3 · at /Data/7\n                       curl -sS -i 'http://partner.test/companies/c3/budgets'\n");
    // A different fix is a different problem, shown in full.
    check.findings.push({ ...head, pointer: "/Data/9", fix: "Return BudgetId, a string, on every budget." });
    expect(tags(checkBlock(renderTerminal(r, { color: false, verbose: true }), "schema.lists"))).toEqual(["FAIL", "FAIL", "FAIL", "WARN", "INFO"]);
  });

  it("shows info findings only when verbose and says how many were hidden", () => {
    const report = loadReport("not-ready");
    const plain = renderTerminal(report, { color: false, maxFindings: Infinity });
    const verbose = renderTerminal(report, { color: false, maxFindings: Infinity, verbose: true });
    expect(plain).not.toContain("Account records carry an extra field");
    expect(plain).toMatch(/notes +1 info finding not shown \(use --verbose\)/);
    expect(verbose).toContain("Account records carry an extra field");
    expect(verbose).not.toContain("not shown (use --verbose)");
  });

  it("shows at most maxFindings problems per check (default 5) and counts the findings left", () => {
    const report = copy(loadReport("not-ready"));
    // Six more problems of one finding each, beside the three schema.lists has (info left out).
    const lists = report.checks.find((c) => c.id === "schema.lists")!;
    const base = lists.findings.find((f) => f.severity === "warn")!;
    for (let i = 0; i < 6; i++) lists.findings.push({ ...base, code: `schema.lists/extra-${i}`, message: `Extra problem ${i}.` });
    const byDefault = checkBlock(renderTerminal(report, { color: false }), "schema.lists");
    expect(tags(byDefault)).toHaveLength(5);
    expect(byDefault).toContain("… and 4 more findings (see --format json)");

    // The second problem holds five findings, all shown under it; the seven problems left out hold one each.
    const two = checkBlock(renderTerminal(report, { color: false, maxFindings: 2 }), "schema.lists");
    expect(tags(two)).toEqual(["FAIL", "FAIL"]);
    expect(two).toContain("also at    4 more places");
    expect(two).toContain("… and 7 more findings (see --format json)");

    const eight = checkBlock(renderTerminal(report, { color: false, maxFindings: 8 }), "schema.lists");
    expect(eight).toContain("… and 1 more finding (see --format json)");

    const all = checkBlock(renderTerminal(report, { color: false, maxFindings: Infinity }), "schema.lists");
    expect(tags(all)).toHaveLength(9);
    expect(all).not.toContain("more finding");

    // A check with fewer findings than the limit is not truncated.
    const single = checkBlock(renderTerminal(report, { color: false, maxFindings: 1 }), "pagination.limits");
    expect(tags(single)).toEqual(["FAIL"]);
    expect(single).not.toContain("more finding");

    const none = checkBlock(renderTerminal(report, { color: false, maxFindings: 0 }), "pagination.limits");
    expect(tags(none)).toEqual([]);
    expect(none).toContain("… and 1 more finding");
  });

  it("shows nothing under passing checks by default", () => {
    const out = renderTerminal(loadReport("ready"), { color: false });
    expect(out).not.toMatch(/^ {4}(FAIL|WARN|INFO) /m);
  });
});

describe("robustness", () => {
  it("renders a report with no steps and no checks", () => {
    const r = copy(loadReport("ready"));
    r.steps = [];
    r.checks = [];
    r.stats = { requests: 0, statuses: {} };
    const out = renderTerminal(r, { color: false });
    expect(out).toMatch(/checks +0 pass · 0 warn · 0 fail · 0 skip · 0 error \(0 in all\)/);
    expect(out).toMatch(/requests +0 sent\n/);
  });

  it("renders a finding that has only its required fields, and failing checks with no findings", () => {
    const r = withCheck(loadReport("ready"), { findings: [minimalFinding] });
    const block = checkBlock(renderTerminal(r, { color: false }), "extra.check");
    expect(block).toBe(
      [
        "  ✗ extra.check               Extra check — added by a test",
        "    FAIL  Something is wrong.",
        "          rule       reach:checklist#1",
        "                     A rule.",
        "          fix        Fix it.",
      ].join("\n"),
    );
    const empty = withCheck(loadReport("ready"), { findings: [], summary: "" });
    expect(checkBlock(renderTerminal(empty, { color: false }), "extra.check")).toBe(
      "  ✗ extra.check               Extra check",
    );
  });

  it("renders a check whose step has no step result instead of dropping it", () => {
    const r = withCheck(loadReport("ready"), { step: 4 });
    r.steps = r.steps.filter((s) => s.step !== 4);
    const out = renderTerminal(r, { color: false });
    expect(out).toMatch(/── Step 4: Integration testing ─+ NOT READY/);
    expect(out).toContain("extra.check");
  });

  it("clips very long values and does not choke on huge messages or ids", () => {
    const huge = "x".repeat(100_000);
    const words = "word ".repeat(20_000);
    const r = withCheck(loadReport("ready"), {
      id: `long.${"i".repeat(200)}`,
      summary: words,
      findings: [
        {
          ...minimalFinding,
          message: words,
          pointer: `/${huge}`,
          evidence: { bodyExcerpt: huge, actual: huge, expected: words, request: `/x?${huge}`, headers: { h: huge } },
          curl: `curl '${huge}'`,
        },
      ],
    });
    const out = renderTerminal(r, { color: false, width: 80 });
    expect(out).toMatch(/body +x+… \(99200 more characters, see --format json\)/);
    expect(out).toMatch(/actual +x+…\s+\(99600\s+more\s+characters,/);
    expect(out).toContain(`curl '${huge}'`); // reproduction stays whole
    const wordLines = out.split("\n").filter((l) => l.includes("word word"));
    expect(wordLines.length).toBeGreaterThan(1000);
    for (const line of wordLines) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it("accepts odd widths and limits without throwing", () => {
    const r = loadReport("not-ready");
    for (const width of [0, 1, -5, Number.NaN, 10_000]) {
      expect(() => renderTerminal(r, { color: false, width })).not.toThrow();
    }
    for (const maxFindings of [-1, Number.NaN, 2.7]) {
      expect(() => renderTerminal(r, { color: false, maxFindings })).not.toThrow();
    }
    expect(tags(checkBlock(renderTerminal(r, { color: false, maxFindings: 2.7 }), "schema.lists"))).toHaveLength(2);
  });

  it("names the JSON pointer of the body root", () => {
    const r = withCheck(loadReport("ready"), { findings: [{ ...minimalFinding, pointer: "" }] });
    expect(renderTerminal(r, { color: false })).toContain("at the body's root");
  });
});
