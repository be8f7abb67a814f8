/**
 * accuracy.earnings: the profit and loss's net income of each month is what the balance sheet's
 * current-year earnings account gains that month, and that account starts again after each
 * fiscal year end. The reference partner keeps it as acc-3900.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "accuracy.earnings";

type Row = { AccountId: string; Period: string; Amount: number };

/** Rewrites the rows of unfiltered profit-and-loss answers. */
const editProfitAndLoss =
  (edit: (rows: Row[]) => void): Wrap =>
  async (req, next): Promise<ServerReply> => {
    const reply = await next();
    if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
    const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: Row[] };
    edit(body.Data);
    return { ...reply, body: JSON.stringify(body) };
  };

const nextMonth = (p: string) => {
  const [y, m] = p.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

describe("accuracy.earnings", () => {
  it("passes the reference partner and names the earnings account it found", async () => {
    const r = resultOf(await checkReference({ only: [ID] }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/alder-finch ACCRUAL: acc-3900 follows net income in (\d+) of \1 months/);
  });

  it("names profit-and-loss periods shifted by a month", async () => {
    // Each row carries the next month's amount: the month's postings are labelled a month early.
    const wrap = editProfitAndLoss((rows) => {
      const byKey = new Map(rows.map((r) => [`${r.AccountId} ${r.Period}`, r.Amount]));
      for (const r of rows) r.Amount = byKey.get(`${r.AccountId} ${nextMonth(r.Period)}`) ?? 0;
    });
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/shifted`]));
    expect(r.findings[0].message).toMatch(/are a month apart: each month's net income on the profit and loss is what acc-3900 on the balance sheet gains in the month after \(\d+ of \d+ months\)/);
    expect(r.findings[0].curl).toMatch(/profit-and-loss/);
  });

  it("names a profit and loss in cents beside a balance sheet in units", async () => {
    const wrap = editProfitAndLoss((rows) => {
      for (const r of rows) r.Amount = Math.round(r.Amount * 100);
    });
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/scale`]));
    expect(r.findings[0].message).toMatch(/are in different units: acc-3900 on the balance sheet changes by the profit and loss's net income divided by 100/);
  });

  it("fails a profit and loss whose expenses are signed the wrong way (net income the balance sheet does not show)", async () => {
    const r = resultOf(await checkReference({ only: [ID], defects: ["expenses-negative"] }), ID);
    expect(r.status).toBe("fail");
    expect(codes(r)).toContain(`${ID}/disagree`);
    expect(r.findings[0].message).toMatch(/disagree: in none of \d+ months does any balance-sheet account change by the month's net income/);
    // The evidence is the figures: each month's net income beside the closest account's change.
    expect(r.findings[0].evidence?.bodyExcerpt).toMatch(/^\d{4}-\d\d: net income -?\d+\.\d\d, acc-3900 -?\d+\.\d\d -> -?\d+\.\d\d \(change -?\d+\.\d\d\);/);
  });

  it("warns when FiscalMonthEnd is not where the books close their year", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!/^\/companies\/[^/]+$/.test(req.url.pathname) || reply.status !== 200) return reply;
      const info = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { FiscalMonthEnd: number };
      info.FiscalMonthEnd = ((info.FiscalMonthEnd + 2) % 12) + 1;
      return { ...reply, body: JSON.stringify(info) };
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("warn");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/fiscal-month-end`]));
    expect(r.findings[0].message).toMatch(/the earnings account acc-3900 starts again in \d{4}-\d\d, so the books close their year after month \d+, but the company info says FiscalMonthEnd \d+/);
  });
});

describe("accuracy checks on a chart of accounts cut short by its paging", () => {
  it("skip, naming the cut and pagination.walk, instead of failing rows of accounts never read", async () => {
    const report = await checkReference({
      only: ["pagination.walk", "accuracy.known-accounts", "accuracy.hierarchy", "accuracy.balance-sheet", "accuracy.earnings"],
      defects: ["cap-limit"],
    });
    expect(codes(resultOf(report, "pagination.walk"))).toContain("pagination.walk/total-mismatch");
    for (const id of ["accuracy.known-accounts", "accuracy.balance-sheet", "accuracy.earnings"]) {
      const r = resultOf(report, id);
      expect(r.status, `${id}: ${r.summary}`).toBe("skip");
      expect(r.summary, id).toMatch(/^The chart of accounts was read only in part \(alder-finch: 20 of the 56 accounts its Pagination\.total announces; .*see pagination\.walk\)/);
    }
    // The hierarchy of the part read is not judged against parents that were never read.
    expect(resultOf(report, "accuracy.hierarchy").findings.filter((f) => f.code === "accuracy.hierarchy/unknown-parent" && /chart of accounts/.test(f.message))).toEqual([]);
    // What could not be checked is not shown ready.
    expect(report.steps.find((s) => s.step === 4)!.verdict).toBe("not-ready");
  });
});
