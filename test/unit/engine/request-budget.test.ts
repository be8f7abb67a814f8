import { describe, expect, it } from "vitest";
import { checkReference } from "../../helpers/harness.js";

const budgetFindings = (report: Awaited<ReturnType<typeof checkReference>>) =>
  report.checks.flatMap((c) => c.findings).filter((f) => /budget/.test(f.code) || /request budget/.test(f.message));

describe("the run's request budget without --max-requests", () => {
  it("follows the number of companies user-info lists, so a partner with many companies is not failed for reach-check's own limit", async () => {
    // Two companies at 300 each: 600 requests, enough for the whole run (a minimum of 20 alone would not be).
    const report = await checkReference({ settings: { maxRequests: undefined, requestBudget: { perCompany: 300, minimum: 20 } } });
    expect(report.target.companies).toHaveLength(2);
    expect(report.stats.requests).toBeGreaterThan(300);
    expect(budgetFindings(report)).toEqual([]);
    expect(report.verdict).toBe("ready");
  });

  it("is still a bound: at 100 per company the run stops at 200 requests and says so", async () => {
    const report = await checkReference({ settings: { maxRequests: undefined, requestBudget: { perCompany: 100, minimum: 20 } } });
    expect(report.stats.requests).toBe(200);
    expect(budgetFindings(report).length).toBeGreaterThan(0);
    const rehearsal = report.checks.find((c) => c.id === "reliability.rehearsal")!;
    expect(rehearsal.findings.map((f) => f.code)).toContain("reliability.rehearsal/budget");
    expect(rehearsal.summary).toMatch(/Not rehearsed: the run's request budget/);
  });

  it("counts the companies given with --company", async () => {
    const report = await checkReference({ settings: { maxRequests: undefined, companies: ["alder-finch"], requestBudget: { perCompany: 150, minimum: 20 } } });
    expect(report.target.companies).toEqual(["alder-finch"]);
    expect(report.stats.requests).toBe(150);
  });

  it("an explicit --max-requests is the bound whatever the number of companies", async () => {
    const report = await checkReference({ settings: { maxRequests: 50, requestBudget: { perCompany: 1000, minimum: 1000 } } });
    expect(report.stats.requests).toBe(50);
  });
});
