/**
 * Finding texts that count or name things read right for one and for many, against the reference
 * partner on loopback.
 */
import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

type Rows = { Data: Record<string, unknown>[] };
const CHART = /\/chart-of-accounts$/;

/** Edits the chart of accounts' rows (row, its index in the whole list) on the answers `when` picks. */
function editChart(edit: (row: Record<string, unknown>, index: number) => void, when: (req: URL) => boolean = () => true): Wrap {
  return async (req, next) => {
    const reply = await next();
    if (!CHART.test(req.url.pathname) || reply.status !== 200 || !when(req.url)) return reply;
    const offset = Number(req.url.searchParams.get("offset") ?? 0);
    return editJson<Rows>(reply, (b) => b.Data.forEach((row, i) => edit(row, offset + i)));
  };
}

describe("finding wording", () => {
  it("a missing required field: the fix names the field, not the expected value \"present\"", async () => {
    const report = await checkReference({ defects: ["missing-field"], only: ["schema.reference-lists"] });
    const f = resultOf(report, "schema.reference-lists").findings.find((x) => x.code.endsWith("/required"));
    expect(f, JSON.stringify(resultOf(report, "schema.reference-lists"))).toBeDefined();
    expect(f!.fix).toMatch(/^Return the required field "Name" at \/Data\/\*\/Name; the schema is at /);
    expect(f!.fix).not.toContain("present");
  });

  it.each([
    [1, "1 record names a ParentAccountId"],
    [2, "2 records name a ParentAccountId"],
  ])("accuracy.hierarchy/unknown-parent with %i dangling parent(s): %s", async (n, text) => {
    const report = await checkReference({
      only: ["accuracy.hierarchy"],
      wrap: editChart((row, i) => {
        if (i >= 3 && i < 3 + n) row.ParentAccountId = `acc-gone-${i}`;
      }),
    });
    const found = resultOf(report, "accuracy.hierarchy").findings.filter((x) => x.code === "accuracy.hierarchy/unknown-parent");
    expect(found.length, JSON.stringify(resultOf(report, "accuracy.hierarchy"))).toBeGreaterThan(0);
    for (const f of found) expect(f.message).toContain(`, ${text} that the list does not hold`);
  });

  it.each([
    [2, "(1 more record differs too)"],
    [3, "(2 more records differ too)"],
  ])("pagination.stable-order/record-differs with %i records changed: %s", async (n, text) => {
    const report = await checkReference({
      only: ["pagination.stable-order"],
      // Only the walk with small pages sees the changed names.
      wrap: editChart(
        (row, i) => {
          if (i < n) row.Name = `${String(row.Name)} (renamed)`;
        },
        (url) => url.searchParams.has("limit") && url.searchParams.get("limit") !== "1000",
      ),
    });
    const found = resultOf(report, "pagination.stable-order").findings.filter((x) => x.code === "pagination.stable-order/record-differs");
    expect(found.length, JSON.stringify(resultOf(report, "pagination.stable-order"))).toBeGreaterThan(0);
    for (const f of found) expect(f.message).toContain(text);
  });
});
