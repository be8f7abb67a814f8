/**
 * Issue 3 end to end through the built CLI: the pagination, negative-input and coverage checks on
 * the clean reference partner, each defect switch of those families caught by the right check,
 * and the OpenAPI 3.0 copy of the spec giving exactly the verdicts of the bundled 3.1 one.
 */
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { NOW, check, parseReport, runCli } from "../helpers/cli.js";

const OAS30 = "fixtures/specs/reach-api-1.0.3-oas30.yaml";
const NEW_FAMILIES = ["inputs", "pagination"];
const NEW_SCHEMA_CHECKS = ["schema.statement-filters", "schema.non-financial-filters", "schema.structure-stable"];

async function demo(args: string[]): Promise<{ report: Report; code: number | null }> {
  const r = await runCli(["demo", "--format", "json", "--now", NOW, ...args], { timeoutMs: 90_000 });
  return { report: parseReport(r), code: r.code };
}

/** Every check's status and the sorted set of its finding codes with severities. */
function verdicts(report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of report.checks) {
    out[c.id] = `${c.status} ${[...new Set(c.findings.map((f) => `${f.code}:${f.severity}`))].sort().join(" ")}`.trim();
  }
  return out;
}

describe("clean reference partner", () => {
  it("passes every new check with no finding, and covers every data operation", async () => {
    const { report, code } = await demo([]);
    expect(code).toBe(0);
    const mine = report.checks.filter((c) => NEW_FAMILIES.includes(c.family) || NEW_SCHEMA_CHECKS.includes(c.id));
    expect(mine.length).toBe(13); // inputs.required-parameters joined the inputs family
    expect(mine.filter((c) => c.status !== "pass" || c.findings.length > 0).map((c) => `${c.id}: ${c.status} ${c.summary}`)).toEqual([]);
    const data = report.coverage!.operations.filter((o) => o.operation.includes("{CompanyId}"));
    expect(data.filter((o) => !o.exercised)).toEqual([]);
    // auth.authorize asks the authorize endpoint (for a made-up client): the coverage says so.
    const authorize = report.coverage!.operations.find((o) => o.operation === "GET /oauth2/authorize")!;
    expect(authorize).toMatchObject({ exercised: false, requests: 1 });
    expect(authorize.reason).toMatch(/^asked only for a made-up client \(auth\.authorize/);
    // the request count stays sane for two companies
    expect(report.stats.requests).toBeLessThan(600);
  });
});

interface Case {
  brk: string;
  check: string;
  code: string;
}

const CASES: Case[] = [
  { brk: "lying-total", check: "pagination.walk", code: "pagination.walk/total-mismatch" },
  { brk: "repeated-page", check: "pagination.walk", code: "pagination.walk/repeated-id" },
  { brk: "page-total", check: "pagination.walk", code: "pagination.walk/walks-differ" },
  { brk: "unstable-order", check: "pagination.stable-order", code: "pagination.stable-order/order-differs" },
  { brk: "ignore-limit", check: "pagination.walk", code: "pagination.walk/over-limit" },
  { brk: "past-end-error", check: "pagination.past-end", code: "pagination.past-end/status" },
  { brk: "echo-offset-zero", check: "pagination.walk", code: "pagination.walk/offset-echo" },
  { brk: "cap-limit", check: "pagination.walk", code: "pagination.walk/limit-echo" },
  { brk: "accept-bad-dates", check: "inputs.dates", code: "inputs.dates/accepted" },
  { brk: "unknown-company-500", check: "inputs.unknown-company", code: "inputs.unknown-company/server-error" },
  { brk: "accept-bad-limit", check: "inputs.paging", code: "inputs.paging/accepted" },
  { brk: "html-errors", check: "inputs.unknown-company", code: "inputs.unknown-company/html" },
  { brk: "default-required-parameters", check: "inputs.required-parameters", code: "inputs.required-parameters/accepted" },
  { brk: "lookalike-company-500", check: "inputs.unknown-company", code: "inputs.unknown-company/server-error" },
  { brk: "statement-filter-ignored", check: "accuracy.filter-ids", code: "accuracy.filter-ids/unknown-accepted" },
];

describe.each(CASES)("demo --break $brk", (c) => {
  it(`fails ${c.check} with ${c.code}, with a reproduction`, async () => {
    const { report, code } = await demo(["--break", c.brk]);
    const result = check(report, c.check);
    expect(result.status, JSON.stringify(result, null, 2)).toBe("fail");
    expect(result.findings.map((f) => f.code)).toContain(c.code);
    expect(report.verdict).toBe("not-ready");
    expect(code).toBe(1);
    for (const f of result.findings.filter((x) => x.severity === "fail" && x.evidence?.status !== undefined)) {
      expect(f.curl, f.code).toMatch(/^curl /);
      expect(f.curl, f.code).toContain("$REACH_ACCESS_TOKEN");
    }
  });
});

describe("OpenAPI 3.0 and 3.1 copies of the spec", () => {
  const RUNS: { args: string[] }[] = [
    [],
    ["--break", "lying-total"],
    ["--break", "accept-bad-dates"],
    ["--break", "wrong-type"],
    ["--break", "data-null"],
    ["--break", "unknown-field"],
    ["--break", "unknown-field", "--strict"],
    ["--break", "html-errors"],
  ].map((args) => ({ args }));
  it.each(RUNS)("give the same check statuses and finding codes: demo $args", async ({ args }) => {
    const [a, b] = await Promise.all([demo(args), demo(["--spec", OAS30, ...args])]);
    expect(b.report.spec.source).toBe(OAS30);
    expect(verdicts(b.report)).toEqual(verdicts(a.report));
    expect(b.report.verdict).toBe(a.report.verdict);
    expect(b.code).toBe(a.code);
  });
});
