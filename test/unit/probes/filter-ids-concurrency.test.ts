/**
 * accuracy.filter-ids asks every company about every unknown filter id at once (the HTTP client
 * bounds the requests in flight), not one request after another: its requests were the last
 * before the rehearsal, and ran alone.
 */
import { describe, expect, it } from "vitest";
import { checkReference, resultOf } from "../../helpers/harness.js";

describe("accuracy.filter-ids", () => {
  it("sends its unknown-id requests side by side and still judges each", async () => {
    let inFlight = 0;
    let most = 0;
    let asked = 0;
    const report = await checkReference({
      only: ["accuracy.filter-ids"],
      wrap: async (req, next) => {
        if (!req.url.search.includes("reach-check-unknown-")) return next();
        asked++;
        inFlight++;
        most = Math.max(most, inFlight);
        // Long enough that requests sent one after another could never overlap.
        await new Promise((resolve) => setTimeout(resolve, 60));
        inFlight--;
        return next();
      },
    });
    const result = resultOf(report, "accuracy.filter-ids");
    expect(result.status).toBe("pass");
    // Two companies, each with budgets, classes and departments, each asked of the three statements.
    expect(asked).toBe(18);
    expect(result.summary).toMatch(/18 unknown ids refused/);
    // The client's default concurrency is 4.
    expect(most).toBe(4);
  });
});
