import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

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

describe("accuracy.segment-splits: departments that do not add up", () => {
  it("warns with a department remainder when postings of one department are left out of its split", async () => {
    let dept: string | undefined;
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      const id = req.url.searchParams.get("DepartmentId");
      if (id === null || !req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
      dept ??= id;
      if (id !== dept) return reply;
      return editJson<{ Data: { Period: string; Amount: number }[] }>(reply, (body) => {
        const row = body.Data.find((r) => r.Amount !== 0 && r.Period < "2026-06");
        if (row) row.Amount = 0;
      });
    };
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    const f = r.findings.find((x) => x.code === "accuracy.segment-splits/department-remainder");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.severity).toBe("warn");
    expect(f!.message).toMatch(/split by its \d+ departments does not add up to the unsplit one: 1 account-month differs; remainder by period \d{4}-\d\d: -?\d+\.\d\d\. An unassigned remainder is legal/);
    expect(f!.rule.ref).toBe("reach-check:department-sums");
  });
});

describe("accuracy.segment-splits: two classes with the same figures", () => {
  it("fails a sub-class answered with its sibling's figures (identical row for row)", async () => {
    const wrap: Wrap = async (req, next) => {
      if (req.url.searchParams.get("ClassId") === "cls-gear-climbing") req.url.searchParams.set("ClassId", "cls-gear-camping");
      return next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    const f = r.findings.find((x) => x.code === "accuracy.segment-splits/split-duplicated");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.severity).toBe("fail");
    expect(f!.message).toMatch(/is the same, row for row, with ClassId = cls-gear-camping and with ClassId = cls-gear-climbing, neither of which holds the other in the classes list, and both have figures/);
  });
});

describe("accuracy.filter-ids and another company's ids", () => {
  it("passes the reference partner, which refuses another company's filter ids", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"] }), "accuracy.filter-ids");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.requests).toBeGreaterThan(0);
  });

  it("fails a partner that takes a filter id of another company (checked against a global table)", async () => {
    // Any id shaped like the reference's own (not reach-check's made-up ones) is taken: the unfiltered
    // statement with every amount 0, as a filter matching no posting of this company gives.
    const global: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 404 && reply.status !== 400) return reply;
      const param = ["BudgetId", "ClassId", "DepartmentId"].find((p) => req.url.searchParams.has(p));
      const id = param ? req.url.searchParams.get(param)! : "";
      if (!param || id.startsWith("reach-check") || !req.url.pathname.endsWith("/profit-and-loss")) return reply;
      req.url.searchParams.delete(param);
      return editJson<{ Data: { Amount: number }[] }>(await next(), (body) => body.Data.forEach((row) => (row.Amount = 0)));
    };
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap: global }), "accuracy.filter-ids");
    const f = r.findings.find((x) => x.code === "accuracy.filter-ids/foreign-accepted");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.severity).toBe("fail");
    expect(f!.message).toMatch(/answered 200 with data to \w+=\S+, an id of [a-z-]+'s \w+ that [a-z-]+'s list does not hold/);
  });
});

describe("accuracy.filter-ids and a list holding another company's records", () => {
  it("says the list is not scoped, instead of asking the statements to take another company's ids", async () => {
    const unscoped: Wrap = async (req, next) => {
      if (req.url.pathname === "/companies/alder-finch/classes") req.url.pathname = "/companies/northwind-outfitters/classes";
      return next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap: unscoped }), "accuracy.filter-ids");
    const f = r.findings.find((x) => x.code === "accuracy.filter-ids/refused" && x.company === "alder-finch");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/They are ids of northwind-outfitters's classes: the classes list of alder-finch holds another company's records\.$/);
    expect(f!.fix).toMatch(/^List only alder-finch's own records in its classes list/);
  });
});
