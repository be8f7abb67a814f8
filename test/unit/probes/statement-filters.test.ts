/**
 * accuracy.statement-filters: BudgetId, ClassId and DepartmentId change the balance sheet and the
 * cash flow too, judged from schema.statement-filters' answers beside the unfiltered ones.
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "accuracy.statement-filters";
const ONLY = [ID, "schema.statements", "schema.statement-filters", "accuracy.segment-splits"];

describe("accuracy.statement-filters", () => {
  it("passes the reference partner, whose statements apply every filter, and says what it compared", async () => {
    const r = resultOf(await checkReference({ only: ONLY }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/^\d+ sets of filtered statements \(balance sheet, cash flow\) differ from the unfiltered ones\.$/);
    expect(r.requests).toBe(0);
  });

  it("fails a balance sheet and cash flow that ignore ClassId and DepartmentId, once per statement and filter", async () => {
    const report = await checkReference({ only: ONLY, defects: ["segments-ignored-off-pl"] });
    const r = resultOf(report, ID);
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/filter-ignored`]));
    const named = r.findings.map((f) => `${f.company} ${f.operation!.path.split("/").pop()} ${/(ClassId|DepartmentId)/.exec(f.message)![1]}`);
    // Each company with two or more unrelated classes or departments: balance sheet and cash flow, each filter once.
    expect(new Set(named).size).toBe(named.length);
    expect(named).toEqual(expect.arrayContaining(["northwind-outfitters balance-sheet ClassId", "northwind-outfitters cash-flow ClassId"]));
    const f = r.findings.find((x) => x.company === "northwind-outfitters" && x.operation!.path.endsWith("/balance-sheet") && /ClassId/.test(x.message))!;
    expect(f.severity).toBe("fail");
    expect(f.message).toMatch(/^The balance sheet of northwind-outfitters \((ACCRUAL|CASH), \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) is the same with ClassId = .+, .+ as without a filter, month by month: ClassId is ignored there\.$/);
    expect(f.curl).toMatch(/ClassId=/);
    // The profit and loss still applies its filters: segment-splits has nothing to say.
    expect(resultOf(report, "accuracy.segment-splits").status).toBe("pass");
  });

  it("warns, not fails, for a BudgetId the balance sheet ignores, and says what to answer instead", async () => {
    // The balance sheet answers the unfiltered figures whatever BudgetId is asked.
    const wrap: Wrap = async (req, next) => {
      if (req.url.pathname.endsWith("/balance-sheet") && req.url.searchParams.has("BudgetId")) req.url.searchParams.delete("BudgetId");
      return next();
    };
    const r = resultOf(await checkReference({ only: ONLY, wrap }), ID);
    const budget = r.findings.filter((f) => /BudgetId/.test(f.message));
    expect(budget.length).toBeGreaterThan(0);
    for (const f of budget) {
      expect(f.severity).toBe("warn");
      expect(f.operation!.path).toMatch(/\/balance-sheet$/);
      expect(f.message).toMatch(/refuse BudgetId on this statement rather than answer the actual figures/);
    }
  });
});
