import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

/** The cash flow also lists a revenue account's movement each month, as an indirect cash flow opens with net income. */
const indirect: Wrap = async (req, next) => {
  const reply = await next();
  if (!/\/cash-flow$/.test(req.url.pathname) || reply.status !== 200) return reply;
  return editJson<{ Data: { AccountId: string; Period: string; Amount: number }[] }>(reply, (b) => {
    const periods = [...new Set(b.Data.map((r) => r.Period))];
    for (const p of periods) b.Data.push({ AccountId: "acc-4000", Period: p, Amount: 0 });
  });
};

describe("accuracy.statement-types on the cash flow", () => {
  it("notes income or expense rows of a cash flow (SPEC_MODEL names no types for it) instead of failing", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.statement-types"], wrap: indirect }), "accuracy.statement-types");
    expect(r.status).toBe("pass");
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.code).toBe("accuracy.statement-types/wrong-type");
      expect(f.severity).toBe("info");
      expect(f.operation?.path).toBe("/companies/{CompanyId}/cash-flow");
      expect(f.message).toMatch(/acc-4000 \(REVENUE\)\. SPEC_MODEL names no account types for it/);
    }
    expect(r.summary).toMatch(/every row's account type belongs on its statement \(cash-flow rows of other types are noted\)\.$/);
  });

  it("still fails a balance sheet with a revenue row", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.statement-types"], defects: ["income-on-balance-sheet"] }), "accuracy.statement-types");
    expect(r.status).toBe("fail");
    expect(r.findings.every((f) => f.severity === "fail" && f.operation?.path === "/companies/{CompanyId}/balance-sheet")).toBe(true);
  });
});
