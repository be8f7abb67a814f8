/**
 * Table-driven tests of the contract-depth checks (issue 3): each passes on the clean reference
 * partner with no finding, and names the findings it expects for each defect switch.
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf } from "../../helpers/harness.js";

interface Case {
  defects: string[];
  status: "fail" | "warn";
  codes: string[];
  strict?: boolean;
}

interface Table {
  id: string;
  invalid: Case[];
}

const TABLES: Table[] = [
  { id: "schema.statement-filters", invalid: [{ defects: ["wrong-period-format"], status: "fail", codes: ["schema.statement-filters/pattern"] }] },
  { id: "schema.non-financial-filters", invalid: [{ defects: ["text-content-type"], status: "fail", codes: ["schema.non-financial-filters/content-type"] }] },
  { id: "schema.structure-stable", invalid: [] },
  {
    id: "inputs.dates",
    invalid: [
      { defects: ["accept-bad-dates"], status: "fail", codes: ["inputs.dates/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.dates/html"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["inputs.dates/error-envelope"] },
    ],
  },
  {
    id: "inputs.accounting-basis",
    invalid: [
      { defects: ["ok-on-error"], status: "fail", codes: ["inputs.accounting-basis/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.accounting-basis/html"] },
    ],
  },
  {
    id: "inputs.paging",
    invalid: [
      { defects: ["accept-bad-limit"], status: "fail", codes: ["inputs.paging/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.paging/html"] },
    ],
  },
  {
    id: "inputs.unknown-company",
    invalid: [
      { defects: ["unknown-company-500"], status: "fail", codes: ["inputs.unknown-company/server-error"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.unknown-company/html"] },
    ],
  },
  {
    id: "inputs.request-body",
    invalid: [
      { defects: ["ok-on-error"], status: "fail", codes: ["inputs.request-body/accepted"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["inputs.request-body/error-envelope"] },
    ],
  },
  {
    id: "pagination.walk",
    invalid: [
      { defects: ["lying-total"], status: "fail", codes: ["pagination.walk/total-mismatch"] },
      { defects: ["repeated-page"], status: "fail", codes: ["pagination.walk/repeated-id"] },
      { defects: ["ignore-limit"], status: "fail", codes: ["pagination.walk/over-limit"] },
      { defects: ["changing-data"], status: "fail", codes: ["pagination.walk/total-changed", "pagination.walk/total-mismatch"] },
    ],
  },
  { id: "pagination.stable-order", invalid: [{ defects: ["unstable-order"], status: "fail", codes: ["pagination.stable-order/order-differs"] }] },
  { id: "pagination.defaults", invalid: [{ defects: ["changing-data"], status: "fail", codes: ["pagination.defaults/differs"] }] },
  {
    id: "pagination.past-end",
    invalid: [
      { defects: ["past-end-error"], status: "fail", codes: ["pagination.past-end/status"] },
      { defects: ["repeated-page"], status: "fail", codes: ["pagination.past-end/not-empty"] },
    ],
  },
];

describe.each(TABLES)("$id", (t) => {
  it("passes on the clean reference partner", async () => {
    const report = await checkReference({ only: [t.id] });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });
  it.each(t.invalid)("$defects -> $status $codes", async (c) => {
    const report = await checkReference({ only: [t.id], defects: c.defects, strict: c.strict });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe(c.status);
    expect(codes(r)).toEqual(c.codes);
    for (const f of r.findings) {
      expect(f.operation, f.code).toBeDefined();
      expect(f.rule.ref.length, f.code).toBeGreaterThan(3);
      expect(f.fix.length, f.code).toBeGreaterThan(10);
      if (f.severity === "fail" && f.evidence?.status !== undefined) expect(f.curl, f.code).toMatch(/^curl /);
    }
  });
});

describe("defects outside a check's concern do not trip it", () => {
  it("stable-order stays quiet when pages repeat (pagination.walk owns that)", async () => {
    const report = await checkReference({ only: ["pagination.stable-order"], defects: ["repeated-page"] });
    expect(resultOf(report, "pagination.stable-order").status).toBe("pass");
  });
  it("the inputs checks pass on limit ignored, lying totals and unstable order", async () => {
    const report = await checkReference({ only: ["inputs"], defects: ["ignore-limit", "lying-total", "unstable-order"] });
    for (const id of ["inputs.dates", "inputs.accounting-basis", "inputs.paging", "inputs.unknown-company", "inputs.request-body"]) {
      expect(resultOf(report, id).status, id).toBe("pass");
    }
  });
});

describe("schema.statement-filters", () => {
  it("tries up to --sample-size ids of each list, with both bases and three date ranges", async () => {
    const one = resultOf(await checkReference({ only: ["schema.statement-filters"], settings: { sampleSize: 1 } }), "schema.statement-filters");
    const three = resultOf(await checkReference({ only: ["schema.statement-filters"] }), "schema.statement-filters");
    // 2 companies x 3 statements x 2 bases x 3 ranges = 36 unfiltered; filters: alder-finch has 1 budget, 0 classes,
    // 4 departments; northwind-outfitters 3 budgets, 6 classes, 7 departments.
    expect(one.summary).toMatch(/^(\d+) statement requests/);
    const count = (s: string) => Number(/^(\d+) statement requests/.exec(s)![1]);
    expect(count(one.summary)).toBe(36 + 3 * 2 * (1 + 0 + 1) + 3 * 2 * (1 + 1 + 1));
    expect(count(three.summary)).toBe(36 + 3 * 2 * (1 + 0 + 3) + 3 * 2 * (3 + 3 + 3));
    expect(three.summary).toContain("across a year boundary");
  });
});

describe("pagination.walk", () => {
  it("reports a list cut off by --max-pages as endless, without hanging", async () => {
    const report = await checkReference({ only: ["pagination.walk"], settings: { pageSize: 10, maxPages: 2 } });
    const r = resultOf(report, "pagination.walk");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["pagination.walk/endless"]);
  });
});
