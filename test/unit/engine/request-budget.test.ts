import { describe, expect, it } from "vitest";
import { checkReference } from "../../helpers/harness.js";
import { scaledBudget } from "../../../src/cli/pipeline.js";
import { foldNotSent } from "../../../src/engine/not-sent.js";
import { DEFAULT_REQUEST_BUDGET } from "../../../src/engine/run.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { renderTerminal } from "../../../src/report/terminal.js";
import type { Finding, Report } from "../../../src/report/types.js";
import { cutShortStep, nextStep, notSentText } from "../../../src/report/view.js";

const budgetFindings = (report: Awaited<ReturnType<typeof checkReference>>) =>
  report.checks.flatMap((c) => c.findings).filter((f) => /budget/.test(f.code) || /request budget/.test(f.message));

/** A run against the reference partner, with the number of records of the filter lists it read (their Pagination.total). */
async function countingFilterRecords(settings: NonNullable<Parameters<typeof checkReference>[0]>["settings"]) {
  const totals = new Map<string, number>();
  const report = await checkReference({
    settings,
    wrap: async (req, next) => {
      const reply = await next();
      const m = /^\/companies\/([^/]+)\/(budgets|classes|departments|non-financial-metrics)$/.exec(req.url.pathname);
      if (m && reply.status === 200 && reply.body !== undefined) {
        const total = (JSON.parse(String(reply.body)) as { Pagination?: { total?: number } }).Pagination?.total;
        if (typeof total === "number") totals.set(`${m[1]}/${m[2]}`, total);
      }
      return reply;
    },
  });
  return { report, records: [...totals.values()].reduce((a, b) => a + b, 0), lists: totals.size };
}

describe("the run's request budget without --max-requests", () => {
  it("follows the number of companies user-info lists, so a partner with many companies is not failed for reach-check's own limit", async () => {
    // Two companies at 300 each: 600 requests, enough for the whole run (a minimum of 20 alone would not be).
    const report = await checkReference({ settings: { maxRequests: undefined, requestBudget: { perCompany: 300, minimum: 20 } } });
    expect(report.target.companies).toHaveLength(2);
    expect(report.stats.requests).toBeGreaterThan(300);
    expect(budgetFindings(report)).toEqual([]);
    expect(report.verdict).toBe("ready");
    expect(report.stats.notSent).toBeUndefined();
    expect(renderTerminal(report, { color: false })).not.toMatch(/not sent/);
  });

  it("is still a bound: at 100 per company the run stops at 200 requests and 3 for each filter record, and says so", async () => {
    const { report, records, lists } = await countingFilterRecords({ maxRequests: undefined, requestBudget: { perCompany: 100, minimum: 20 } });
    expect(lists).toBe(8);
    expect(records).toBeGreaterThan(0);
    expect(report.stats.requests).toBe(200 + 3 * records);
    expect(budgetFindings(report).length).toBeGreaterThan(0);
    const rehearsal = report.checks.find((c) => c.id === "reliability.rehearsal")!;
    expect(rehearsal.findings.map((f) => f.code)).toContain("reliability.rehearsal/budget");
    expect(rehearsal.summary).toMatch(/Not rehearsed: the run's request budget/);
    // The report says up front that reach-check's own bound stopped the run, and what to do.
    expect(report.verdict).toBe("not-ready");
    expect(report.stats.notSent!.budget).toBeGreaterThan(0);
    expect(report.stats.notSent!.deadline).toBe(0);
    const text = renderTerminal(report, { color: false, width: 400 });
    expect(text).toMatch(new RegExp(`requests +${report.stats.requests} sent: .*; ${report.stats.notSent!.budget} not sent: the request budget \\(--max-requests\\) ran out`));
    expect(text).toMatch(/NOT READY +The run's request budget ran out before every check finished \(\d+ requests not sent\): findings about requests that were not sent are not the partner's\. Run again with a larger --max-requests/);
    expect(text).toMatch(/rehearsal +no request sent for 2 companies \(see reliability\.rehearsal\)/);
    expect(renderMarkdown(report)).toMatch(/not sent: the request budget \(--max-requests\) ran out/);
    expect(renderMarkdown(report)).toMatch(/no request sent for 2 companies \(see reliability\.rehearsal\)\./);
  });

  it("counts the companies given with --company", async () => {
    const { report, records, lists } = await countingFilterRecords({ maxRequests: undefined, companies: ["alder-finch"], requestBudget: { perCompany: 150, minimum: 20 } });
    expect(report.target.companies).toEqual(["alder-finch"]);
    expect(lists).toBe(4);
    expect(report.stats.requests).toBe(150 + 3 * records);
  });

  it("an explicit --max-requests is the bound whatever the number of companies", async () => {
    const report = await checkReference({ settings: { maxRequests: 50, requestBudget: { perCompany: 1000, minimum: 1000 } } });
    expect(report.stats.requests).toBe(50);
  });

  it("a run cut by its deadline points at slow operations or a longer --deadline, not at a budget", () => {
    const report = { verdict: "not-ready", checks: [], stats: { requests: 12, statuses: { "2xx": 12 }, notSent: { budget: 0, deadline: 7 } } } as unknown as Report;
    expect(notSentText(report)).toBe("; 7 not sent: the run's deadline (--deadline) had passed");
    expect(nextStep(report)).toBe(cutShortStep(report));
    expect(nextStep(report)).toMatch(/^The run's deadline passed before every check finished \(7 requests not sent\)\. Make the slow operations faster .* longer --deadline/);
    expect(nextStep(report)).not.toMatch(/not the partner's/);
    // A ready run says nothing of the kind, and a run with nothing unsent keeps the usual advice.
    expect(cutShortStep({ ...report, verdict: "ready" } as Report)).toBeUndefined();
    expect(nextStep({ ...report, stats: { requests: 12, statuses: {} } } as Report)).toBe("Fix the failing checks, then run reach-check again.");
  });

  it("grows the per-company share with a --sample-size above the default 3", () => {
    expect(scaledBudget(DEFAULT_REQUEST_BUDGET, undefined)).toEqual({ perCompany: 2500, minimum: 5000 });
    expect(scaledBudget(DEFAULT_REQUEST_BUDGET, 1)).toEqual({ perCompany: 2500, minimum: 5000 });
    expect(scaledBudget(DEFAULT_REQUEST_BUDGET, 30)).toEqual({ perCompany: 25000, minimum: 5000 });
    expect(scaledBudget(DEFAULT_REQUEST_BUDGET, 100)).toEqual({ perCompany: 83334, minimum: 5000 });
  });

  it("a second sync pass cut short by the budget: reliability.stability says it compared only part", async () => {
    // The timed rehearsal (47 of the 450 requests this run sends) runs last and alone: a bound of 430
    // leaves its pass unfinished.
    const report = await checkReference({ settings: { maxRequests: 430 } });
    const stability = report.checks.find((c) => c.id === "reliability.stability")!;
    expect(report.stats.notSent?.budget).toBeGreaterThan(0);
    expect(stability.summary).toMatch(/\(partly: \d+ requests? of the second pass not sent, the run's request budget or deadline ran out\)/);
  });
});

describe("requests the budget kept from being sent", () => {
  it("are one finding per check, naming every operation left unchecked, with no curl line and not as a partner fault", async () => {
    const report = await checkReference({ settings: { maxRequests: 300 } });
    expect(report.stats.notSent!.budget).toBeGreaterThan(0);
    const all = report.checks.flatMap((c) => c.findings.map((f) => ({ check: c.id, f })));
    // Nothing unsent is reported as a transport failure of the partner's.
    expect(all.filter(({ f }) => f.code.endsWith("/transport"))).toEqual([]);
    const unsent = all.filter(({ f }) => f.code.endsWith("/not-sent"));
    expect(unsent.length).toBeGreaterThan(1);
    for (const { check, f } of unsent) {
      expect(f.code).toBe(`${check}/not-sent`);
      expect(unsent.filter((u) => u.check === check)).toHaveLength(1);
      expect(f.curl).toBeUndefined();
      expect(f.rule.ref).toBe("reach-check:request-budget");
      expect(f.evidence!.actual).toMatch(/^not sent: (GET|POST) \/companies\/\{CompanyId\}\//);
    }
    // pagination.past-end asks each of the five lists twice past its end: one finding says so.
    const pastEnd = report.checks.find((c) => c.id === "pagination.past-end")!;
    expect(pastEnd.findings.map((f) => f.code)).toEqual(["pagination.past-end/not-sent"]);
    expect(pastEnd.findings[0].message).toMatch(/^\d+ requests of this check were not sent: the run's request budget \(--max-requests\) was used up, so 5 operations were not checked\.$/);
    expect(pastEnd.findings[0].evidence!.actual).toMatch(/chart-of-accounts \(2 requests\)/);
    expect(pastEnd.summary).toBe("1 finding.");
  });

  it("fold in the place of the first, beside the check's other findings, and a single one is kept as it is", () => {
    const unsent = (path: string, company: string): Finding => ({
      code: "x.check/not-sent",
      severity: "fail",
      message: `GET ${path} was not sent: the run's request budget (--max-requests) was used up.`,
      operation: { method: "GET", path },
      company,
      rule: { ref: "reach-check:request-budget", text: "" },
      fix: "",
    });
    const other: Finding = { code: "x.check/type-mismatch", severity: "fail", message: "m", rule: { ref: "r", text: "" }, fix: "" };
    const a = unsent("/a", "c1");
    expect(foldNotSent("x.check", [other, a])).toEqual([other, a]);
    const folded = foldNotSent("x.check", [other, a, unsent("/b", "c1"), other, unsent("/a", "c2")]);
    expect(folded.map((f) => f.code)).toEqual(["x.check/type-mismatch", "x.check/not-sent", "x.check/type-mismatch"]);
    expect(folded[1].message).toBe("3 requests of this check were not sent: the run's request budget (--max-requests) was used up, so 2 operations were not checked.");
    expect(folded[1].evidence!.actual).toBe("not sent: GET /a (2 requests), GET /b");
    expect(folded[1].operation).toEqual({ method: "GET", path: "/a" });
    // Two companies: the folded finding names none.
    expect(folded[1].company).toBeUndefined();
    expect(foldNotSent("x.check", [a, unsent("/b", "c1")])[0].company).toBe("c1");
    // Another check's code is not touched.
    expect(foldNotSent("y.check", [a, unsent("/b", "c1")])).toHaveLength(2);
  });
});
