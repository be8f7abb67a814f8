import { describe, expect, it } from "vitest";
import { checkReference, editText, resultOf, type Wrap } from "../../helpers/harness.js";

/** Statement amounts written as strings ("1234.50"), as Django REST Framework writes decimals by default. */
const stringAmounts: Wrap = async (req, next) => {
  const reply = await next();
  if (!/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(req.url.pathname) || reply.status !== 200) return reply;
  return editText(reply, (text) => text.replace(/"Amount":\s*(-?[0-9.eE+-]+)/g, (_m, n: string) => `"Amount":"${n}"`));
};

describe("statement amounts that are not numbers", () => {
  it("fail the schema checks, and leave freshness and the balance-sheet sums unjudged instead of blaming the data", async () => {
    const report = await checkReference({ only: ["schema.statements", "freshness.profit-and-loss", "freshness.balance-sheet", "accuracy.balance-sheet"], wrap: stringAmounts });
    expect(resultOf(report, "schema.statements").findings.some((f) => f.code === "schema.statements/type" && /Amount/.test(f.pointer ?? ""))).toBe(true);
    const pl = resultOf(report, "freshness.profit-and-loss");
    expect(pl.status).toBe("skip");
    expect(pl.summary).toMatch(/^No profit-and-loss row has an Amount that is a number, so how far the data reaches cannot be read\./);
    expect(resultOf(report, "freshness.balance-sheet").status).toBe("skip");
    const bs = resultOf(report, "accuracy.balance-sheet");
    expect(bs.status).toBe("skip");
    expect(bs.summary).toMatch(/its Amount values are not numbers \(see schema\.statements\)/);
  });

  it("leave the budget, class and department splits unjudged instead of passing them over nothing", async () => {
    const report = await checkReference({ only: ["accuracy.segment-splits"], wrap: stringAmounts });
    const splits = resultOf(report, "accuracy.segment-splits");
    expect(splits.status).toBe("skip");
    expect(splits.summary).toMatch(/^No split could be judged: no Amount in the unsplit statements of .+ is a number \(see schema\.statements\)\.$/);
    expect(splits.findings).toEqual([]);
  });
});
