import { describe, expect, it } from "vitest";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

/**
 * One department's filter falls back to no filter (a mapping miss for that id alone): its profit and
 * loss is the company's whole, while the other departments answer their own figures.
 */
function ignoreOne(param: string): { wrap: Wrap; ignored: () => string | undefined } {
  let ignored: string | undefined;
  const wrap: Wrap = async (req, next) => {
    const id = req.url.searchParams.get(param);
    if (req.url.pathname.endsWith("/profit-and-loss") && id !== null && req.url.pathname.includes("/northwind-outfitters/")) {
      ignored ??= id;
      if (id === ignored) req.url.searchParams.delete(param);
    }
    return next();
  };
  return { wrap, ignored: () => ignored };
}

describe("accuracy.segment-splits: one ignored filter among working ones", () => {
  it("fails a department equal to the whole company while another department has figures of its own", async () => {
    const { wrap, ignored } = ignoreOne("DepartmentId");
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    expect(ignored()).toBeDefined();
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    const f = r.findings.find((x) => x.code === "accuracy.segment-splits/filter-ignored")!;
    expect(f.company).toBe("northwind-outfitters");
    expect(f.message).toContain(`with DepartmentId = ${ignored()} is the same as without a filter, although DepartmentId = `);
    expect(f.message).toMatch(/\(neither its parent nor its child in the departments\) has figures of its own: DepartmentId = \S+ is ignored/);
    expect(f.curl).toContain(`DepartmentId=${ignored()}`);
  });

  it("fails a class equal to the whole company while another class has figures of its own", async () => {
    const { wrap, ignored } = ignoreOne("ClassId");
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    expect(ignored()).toBeDefined();
    expect(r.findings.map((f) => `${f.severity} ${f.code}`)).toContain("fail accuracy.segment-splits/filter-ignored");
  });

  it("passes a budget equal to the actuals beside another budget (budgets are no segments)", async () => {
    const { wrap, ignored } = ignoreOne("BudgetId");
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    expect(ignored()).toBeDefined();
    expect(r.findings.filter((f) => f.severity !== "info"), JSON.stringify(r.findings.map((f) => f.message))).toEqual([]);
  });
});
