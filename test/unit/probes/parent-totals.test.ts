import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "accuracy.parent-totals";

type Row = { AccountId: string; Period: string; Amount: number };
type Account = { AccountId: string; ParentAccountId: string | null };

/**
 * Statements whose parent accounts carry the total of their children (a report writer's subtotal
 * rows sent as accounts). The wrap learns the hierarchy from the chart of accounts it passes on.
 */
function rolledUp(statement: RegExp): Wrap {
  const parentOf = new Map<string, string>();
  // A statement asked for before the chart went by waits for it (the run reads both at once).
  let chartSeen!: () => void;
  const chartRead = new Promise<void>((resolve) => (chartSeen = resolve));
  return async (req, next) => {
    const reply = await next();
    if (reply.status !== 200) return reply;
    if (req.url.pathname.endsWith("/chart-of-accounts")) {
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: Account[] };
      for (const a of body.Data) if (a.ParentAccountId) parentOf.set(a.AccountId, a.ParentAccountId);
      chartSeen();
      return reply;
    }
    if (!statement.test(req.url.pathname)) return reply;
    await Promise.race([chartRead, new Promise((resolve) => setTimeout(resolve, 3000))]);
    return editJson<{ Data: Row[] }>(reply, (body) => {
      const sums = new Map<string, number>();
      for (const r of body.Data) {
        const parent = parentOf.get(r.AccountId);
        if (parent) sums.set(`${parent}|${r.Period}`, (sums.get(`${parent}|${r.Period}`) ?? 0) + r.Amount);
      }
      for (const r of body.Data) {
        const total = sums.get(`${r.AccountId}|${r.Period}`);
        if (total !== undefined) r.Amount = Math.round(total * 100) / 100;
      }
    });
  };
}

describe(ID, () => {
  it("passes the reference partner, whose parents carry their own amounts", async () => {
    const r = resultOf(await checkReference({ only: [ID] }), ID);
    expect(r.status, JSON.stringify(r)).toBe("pass");
    expect(r.summary).toMatch(/^\d+ statement responses: no parent account carries its children's total\.$/);
  });

  it("fails parent rows that carry their children's total, naming the parent, a month and the row", async () => {
    const r = resultOf(await checkReference({ only: [ID], wrap: rolledUp(/\/balance-sheet$/) }), ID);
    expect(r.status, JSON.stringify(r)).toBe("fail");
    const f = r.findings[0];
    expect(f.code).toBe(`${ID}/subtotal`);
    expect(f.operation?.path).toBe("/companies/{CompanyId}/balance-sheet");
    expect(f.message).toMatch(/^The balance sheet of \S+ \((ACCRUAL|CASH)\) gives \d+ parent accounts? the total of (its|their) children instead of (its|their) own amount: \S+ \(the sum of .+ in \d+ of \d+ months\)/);
    expect(f.pointer).toMatch(/^\/Data\/\d+\/Amount$/);
    const row = JSON.parse(f.evidence!.bodyExcerpt!) as Row;
    expect(f.message).toContain(`${row.AccountId} holds ${row.Amount.toFixed(2)}`);
  });
});
