/**
 * The fresh (second) pass of the sync hashes each statement body and reads only those whose bytes
 * changed since the shared pass: counted at a live reference partner, by request.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { StatementReader } from "../../../src/engine/row-reader.js";
import { checkReference, resultOf } from "../../helpers/harness.js";

const STATEMENT = /\/(profit-and-loss|balance-sheet|cash-flow)\?/;

/** Runs the stability check after the shared pass and counts how often each sync statement URL (24-month window) was asked for. */
async function statementRequests(defects: string[]) {
  const counts = new Map<string, number>();
  // Bodies read to their end into rows (the small partner's statements are read in-thread).
  const reads = vi.spyOn(StatementReader.prototype, "end");
  const report = await checkReference({
    defects,
    // As in a full run, an accuracy check reads the shared pass before the rehearsal (the fresh pass) runs alone.
    only: ["accuracy.balance-sheet", "reliability.stability"],
    wrap: (req, next) => {
      const path = req.url.pathname + req.url.search;
      if (STATEMENT.test(path)) counts.set(path, (counts.get(path) ?? 0) + 1);
      return next();
    },
  });
  // The sync reads 24 months: its StartDate is the first of the month 23 months back.
  const sync = [...counts].filter(([path]) => path.includes("StartDate=2024-12-01&"));
  return { report, sync, reads: reads.mock.calls.length };
}

afterEach(() => vi.restoreAllMocks());

describe("the fresh pass of the sync", () => {
  it("asks for each statement once when the partner answers with the same bytes", async () => {
    const { report, sync, reads } = await statementRequests([]);
    expect(resultOf(report, "reliability.stability").status).toBe("pass");
    // Unsplit statements in both bases and the profit and loss split by budget, class and department.
    expect(sync.length).toBeGreaterThan(20);
    // Once per pass: no body was asked for again to be read.
    expect(sync.filter(([, n]) => n !== 2)).toEqual([]);
    // Read into rows in the shared pass only; the fresh pass hashed them.
    expect(reads).toBe(sync.length);
  });

  it("asks once more for, and reads, each body whose bytes changed, and still reports the change", async () => {
    const { report, sync, reads } = await statementRequests(["changing-data"]);
    const stability = resultOf(report, "reliability.stability");
    expect(stability.status).toBe("warn");
    expect(stability.findings.map((f) => f.code)).toContain("reliability.stability/changed");
    // Calls scale the amounts by one of 50 factors: a body whose bytes changed was hashed, asked for
    // again and read; one that came back as it was (same factor, or no amounts) was not.
    expect(sync.length).toBeGreaterThan(20);
    expect(sync.filter(([, n]) => n !== 2 && n !== 3)).toEqual([]);
    const again = sync.filter(([, n]) => n === 3).length;
    expect(again).toBeGreaterThan(sync.length / 2);
    expect(reads).toBe(sync.length + again);
  });
});
