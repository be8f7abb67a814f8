/**
 * accuracy.earnings: the profit and loss's net income of each month is what the balance sheet's
 * current-year earnings account gains that month, and that account starts again after each
 * fiscal year end. The reference partner keeps it as acc-3900.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

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

/** The reference companies' fiscal month ends and their earnings accounts. */
const FISCAL_MONTH_END: Record<string, number> = { "alder-finch": 3, "northwind-outfitters": 12 };

/**
 * Books that post the year-end close on the last day of the fiscal year: in the fiscal year's last
 * month the current-year earnings (acc-3900) are moved to retained earnings (acc-3800), so the
 * account reads zero at that month's end (the balance sheet still balances). `reported` changes the
 * FiscalMonthEnd the company info gives.
 */
function closeInLastMonth(reported?: (fme: number) => number): Wrap {
  return async (req, next) => {
    const reply = await next();
    if (reply.status !== 200) return reply;
    const company = decodeURIComponent(req.url.pathname.split("/")[2] ?? "");
    const fme = FISCAL_MONTH_END[company];
    if (fme === undefined) return reply;
    if (reported && /^\/companies\/[^/]+$/.test(req.url.pathname)) {
      return editJson<{ FiscalMonthEnd: number }>(reply, (info) => {
        info.FiscalMonthEnd = reported(info.FiscalMonthEnd);
      });
    }
    if (!req.url.pathname.endsWith("/balance-sheet")) return reply;
    return editJson<{ Data: Row[] }>(reply, (body) => {
      const lastMonth = `-${String(fme).padStart(2, "0")}`;
      for (const cye of body.Data) {
        if (cye.AccountId !== "acc-3900" || !cye.Period.endsWith(lastMonth)) continue;
        const re = body.Data.find((r) => r.AccountId === "acc-3800" && r.Period === cye.Period);
        if (!re) continue;
        re.Amount = Math.round((re.Amount + cye.Amount) * 100) / 100;
        cye.Amount = 0;
      }
    });
  };
}

describe("accuracy.earnings", () => {
  it("passes the reference partner and names the earnings account it found", async () => {
    const r = resultOf(await checkReference({ only: [ID] }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/alder-finch ACCRUAL: acc-3900 follows net income in (\d+) of \1 months/);
  });

  it("fails a month the profit and loss leaves out while the earnings account moves, naming the month", async () => {
    // missing-month: no profit-and-loss row at all for the month three months before the clock's.
    const report = await checkReference({ only: [ID, "accuracy.row-grid"], defects: ["missing-month"] });
    const r = resultOf(report, ID);
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/month-missing`]));
    const f = r.findings[0];
    expect(f.message).toMatch(/^The profit and loss of (alder-finch|northwind-outfitters) \((ACCRUAL|CASH)\) has no row at all for 1 month in which acc-3900, the balance sheet's current-year earnings, changes: \d{4}-\d\d \(acc-3900 changes by -?[\d,]+\.\d\d\)/);
    expect(f.evidence?.actual).toMatch(/^no row for \d{4}-\d\d$/);
    expect(f.curl).toMatch(/profit-and-loss/);
    // The row grid still says which rows are missing.
    expect(codes(resultOf(report, "accuracy.row-grid"))).toContain("accuracy.row-grid/missing-rows");
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

  it("names one account, the one that follows once the sign is changed, in the message and its figures", async () => {
    const r = resultOf(await checkReference({ only: [ID], defects: ["balance-sheet-negated"] }), ID);
    const f = r.findings.find((x) => x.code === `${ID}/scale`)!;
    const [, account] = /: (acc-\d+) on the balance sheet changes by minus/.exec(f.message)!;
    expect(f.message).toMatch(new RegExp(`; in \\d{4}-\\d\\d the net income is -?\\d+\\.\\d\\d, and ${account} changes by -?\\d+\\.\\d\\d\\.$`));
    expect(f.message).not.toMatch(/follows it best/);
    expect(f.evidence?.actual).toContain(`, ${account} `);
  });

  it("fails a profit and loss whose expenses are signed the wrong way (net income the balance sheet does not show)", async () => {
    const r = resultOf(await checkReference({ only: [ID], defects: ["expenses-negative"] }), ID);
    expect(r.status).toBe("fail");
    expect(codes(r)).toContain(`${ID}/disagree`);
    expect(r.findings[0].message).toMatch(/disagree: in none of \d+ months does any balance-sheet account change by the month's net income/);
    // The evidence is the figures: each month's net income beside the closest account's change, as
    // what was seen (not as a body excerpt: they are worked out, not quoted).
    expect(r.findings[0].evidence?.actual).toMatch(/^\d+ of \d+ months; \d{4}-\d\d: net income -?\d+\.\d\d, acc-3900 -?\d+\.\d\d -> -?\d+\.\d\d \(change -?\d+\.\d\d\);/);
    expect(r.findings[0].evidence?.bodyExcerpt ?? "").not.toMatch(/net income/);
  });

  it("fails the months in which the profit and loss and the balance sheet contradict each other", async () => {
    // One income account's 2026-06 row signed the other way round (every range), the balance sheet left alone.
    let account: string | undefined;
    /** The flipped amount per company and basis, as `company basis`. */
    const flipped = new Map<string, number>();
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200 || req.url.search.includes("Id=")) return reply;
      const company = decodeURIComponent(req.url.pathname.split("/")[2]!);
      return editJson<{ Data: Row[] }>(reply, (body) => {
        for (const r of body.Data) {
          if (r.Period !== "2026-06" || r.Amount === 0 || (account !== undefined && r.AccountId !== account)) continue;
          account ??= r.AccountId;
          flipped.set(`${company} ${req.url.searchParams.get("AccountingBasis")}`, r.Amount);
          r.Amount = -r.Amount;
        }
      });
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(account).toBeDefined();
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/months-differ`]));
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.severity).toBe("fail");
      expect(f.message).toMatch(/contradict each other in 1 month: acc-3900, the balance sheet's current-year earnings, changes by the month's net income in (\d+) of (\d+) months but not in 2026-06: net income -?\d+\.\d\d, acc-3900 changes by -?\d+\.\d\d \(off by -?\d+\.\d\d\)/);
      const basis = /\((ACCRUAL|CASH)\)/.exec(f.message)![1];
      const amount = flipped.get(`${f.company} ${basis}`);
      expect(amount, `${f.company} ${basis}`).toBeDefined();
      const [, by] = /\(off by (-?\d+\.\d\d)\)/.exec(f.message)!;
      expect(Math.abs(Math.abs(Number(by)) - Math.abs(2 * amount!))).toBeLessThan(0.011);
      expect(f.curl).toMatch(/profit-and-loss/);
    }
  });

  it("leaves the current month alone (a live ledger moves between two requests)", async () => {
    // The reference partner's clock is 2026-11-15: a November that differs is not judged.
    const wrap = editProfitAndLoss((rows) => {
      for (const r of rows) if (r.Period === "2026-11" && r.Amount !== 0) r.Amount = Math.round(r.Amount * 110) / 100;
    });
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });

  it("passes books that close the year with an entry on its last day (the earnings account zero at the fiscal year end)", async () => {
    const r = resultOf(await checkReference({ only: [ID, "accuracy.balance-sheet"], wrap: closeInLastMonth() }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/acc-3900 follows net income/);
  });

  it("fails a year closed to zero in a month FiscalMonthEnd does not name, and says so", async () => {
    // The books close at their real year end; the company info names a month three later.
    const wrap = closeInLastMonth((fme) => ((fme + 2) % 12) + 1);
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("fail");
    const differ = r.findings.filter((f) => f.code === `${ID}/months-differ`);
    expect(differ.length).toBeGreaterThan(0);
    for (const f of differ) {
      expect(f.company).toBeDefined();
      expect(f.message).toMatch(/ In \d{4}-\d\d(, \d{4}-\d\d)* acc-3900 is closed to zero, as at a fiscal year end, but the company info says FiscalMonthEnd \d+\.$/);
      expect(f.fix).toMatch(/^Close the current-year earnings into retained earnings at the fiscal year end the company info gives/);
    }
  });

  it("does not judge the month the books open, whose earnings come from an earlier system", async () => {
    // Books that begin in 2026-04: nothing before it on either statement, and the balance sheet's
    // opening balances (year-to-date earnings included) all arrive in that month.
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!/\/(balance-sheet|profit-and-loss)$/.test(req.url.pathname) || reply.status !== 200) return reply;
      return editJson<{ Data: Row[] }>(reply, (body) => {
        for (const r of body.Data) if (r.Period < "2026-04") r.Amount = 0;
      });
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });

  it("fails when FiscalMonthEnd is not where the books close their year", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!/^\/companies\/[^/]+$/.test(req.url.pathname) || reply.status !== 200) return reply;
      const info = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { FiscalMonthEnd: number };
      info.FiscalMonthEnd = ((info.FiscalMonthEnd + 2) % 12) + 1;
      return { ...reply, body: JSON.stringify(info) };
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/fiscal-month-end`]));
    expect(r.findings.every((f) => f.company !== undefined)).toBe(true);
    expect(r.findings[0].message).toMatch(/the earnings account acc-3900 starts again in \d{4}-\d\d, so the books close their year after month \d+, but the company info says FiscalMonthEnd \d+/);
  });
});

describe("accuracy checks on a chart of accounts cut short by its paging", () => {
  it("skip, naming the cut and pagination.walk, instead of failing rows of accounts never read", async () => {
    // The pages end (an empty page) 25 records before the total they announce.
    const report = await checkReference({
      only: ["pagination.walk", "accuracy.known-accounts", "accuracy.hierarchy", "accuracy.balance-sheet", "accuracy.earnings"],
      defects: ["lying-total"],
    });
    expect(codes(resultOf(report, "pagination.walk"))).toContain("pagination.walk/total-mismatch");
    for (const id of ["accuracy.known-accounts", "accuracy.balance-sheet", "accuracy.earnings"]) {
      const r = resultOf(report, id);
      expect(r.status, `${id}: ${r.summary}`).toBe("skip");
      expect(r.summary, id).toMatch(/^The chart of accounts was read only in part \(alder-finch: 56 of the 81 accounts its Pagination\.total announces; .*see pagination\.walk\)/);
    }
    // The hierarchy of the part read is not judged against parents that were never read.
    expect(resultOf(report, "accuracy.hierarchy").findings.filter((f) => f.code === "accuracy.hierarchy/unknown-parent" && /chart of accounts/.test(f.message))).toEqual([]);
    // What could not be checked is not shown ready.
    expect(report.steps.find((s) => s.step === 4)!.verdict).toBe("not-ready");
  });
});

describe("accuracy.earnings and a profit and loss of year-to-date totals", () => {
  it("names year-to-date amounts sent where each month's movement belongs", async () => {
    // Each account's amount becomes the sum of its months since the start of the company's fiscal year.
    const ytd: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
      const fme = FISCAL_MONTH_END[decodeURIComponent(req.url.pathname.split("/")[2] ?? "")] ?? 12;
      return editJson<{ Data: Row[] }>(reply, (body) => {
        const sum = new Map<string, number>();
        for (const row of [...body.Data].sort((a, b) => (a.Period < b.Period ? -1 : a.Period > b.Period ? 1 : 0))) {
          const month = Number(row.Period.slice(5, 7));
          const key = row.AccountId;
          const before = month === (fme % 12) + 1 ? 0 : (sum.get(key) ?? 0);
          const total = Math.round((before + row.Amount) * 100) / 100;
          sum.set(key, total);
          row.Amount = total;
        }
      });
    };
    const r = resultOf(await checkReference({ only: [ID], wrap: ytd }), ID);
    expect(r.status).toBe("fail");
    const found = r.findings.filter((f) => f.code === `${ID}/year-to-date`);
    expect(found.length, JSON.stringify(r.findings.map((f) => `${f.code} ${f.message}`))).toBeGreaterThan(0);
    expect(codes(r)).not.toContain(`${ID}/disagree`);
    const f = found[0];
    expect(f.message).toMatch(/each month's net income on the profit and loss equals the balance of acc-3900 \(the current-year earnings\) on the balance sheet, not its change \(\d+ of \d+ months\): the profit and loss sends year-to-date totals/);
    expect(f.fix).toMatch(/^Send each month's movement on the profit and loss/);
  });
});

describe("a balance sheet of opening balances (each month's balance at its start)", () => {
  const opening: Wrap = async (req, next) => {
    const reply = await next();
    if (!req.url.pathname.endsWith("/balance-sheet") || reply.status !== 200) return reply;
    return editJson<{ Data: Row[] }>(reply, (body) => {
      const closing = new Map(body.Data.map((r) => [`${r.AccountId}|${r.Period}`, r.Amount]));
      const previous = (p: string) => {
        const [y, m] = p.split("-").map(Number) as [number, number];
        return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
      };
      // The first month of the range has no balance before it in the answer: its row goes.
      body.Data = body.Data.filter((r) => closing.has(`${r.AccountId}|${previous(r.Period)}`));
      for (const r of body.Data) r.Amount = closing.get(`${r.AccountId}|${previous(r.Period)}`)!;
    });
  };

  it("names the balance sheet as the statement out of step, in accuracy.earnings and accuracy.cash-flow", async () => {
    const report = await checkReference({ only: [ID, "accuracy.cash-flow"], wrap: opening });
    const e = resultOf(report, ID).findings.find((f) => f.code === `${ID}/shifted`);
    expect(e, JSON.stringify(resultOf(report, ID).findings.map((f) => `${f.code} ${f.message}`))).toBeDefined();
    expect(e!.operation?.path).toBe("/companies/{CompanyId}/balance-sheet");
    expect(e!.message).toMatch(/the balance sheet is the statement out of step \(its rows look like each month's opening balance/);
    expect(e!.fix).toMatch(/^Give each balance sheet row the balance at the end of the month it is labelled with/);
    const cf = resultOf(report, "accuracy.cash-flow").findings.find((f) => f.code === "accuracy.cash-flow/shifted");
    expect(cf, JSON.stringify(resultOf(report, "accuracy.cash-flow").findings.map((f) => `${f.code} ${f.message}`))).toBeDefined();
    expect(cf!.message).toMatch(/are a month apart: each month's cash-flow amount is the change of the account's balance in the month after \(\d+ of \d+ account-months\)\. Either the balance sheet gives each month its opening balance/);
  });

  it("keeps blaming the profit and loss when it alone is a month off", async () => {
    const plLate = editProfitAndLoss((rows) => {
      for (const r of rows) r.Period = nextMonth(r.Period);
    });
    const r = resultOf(await checkReference({ only: [ID], wrap: plLate }), ID);
    const f = r.findings.find((x) => x.code === `${ID}/shifted`);
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.operation?.path).toBe("/companies/{CompanyId}/profit-and-loss");
    expect(f!.fix).toMatch(/^Give each profit-and-loss row the calendar month/);
  });
});

describe("one kind of account signed the other way round", () => {
  it("names the account type whose amounts are signed against their normal balance", async () => {
    // Other income (acc-7000..acc-7099) sent debit-positive, as a raw ledger would.
    const wrap = editProfitAndLoss((rows) => {
      for (const r of rows) if (/^acc-70\d\d$/.test(r.AccountId)) r.Amount = -r.Amount;
    });
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    const f = r.findings.find((x) => x.code === `${ID}/type-signed`);
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/with the OTHER_INCOME accounts' amounts taken the other way round, each month's net income is the change of acc-3900/);
    expect(f!.fix).toMatch(/^Sign the OTHER_INCOME rows of the profit and loss by the accounts' normal balance: a credit balance or movement is positive/);
    expect(codes(r)).not.toContain(`${ID}/disagree`);
  });
});

describe("accuracy.earnings and amounts rounded to whole units", () => {
  it("says the amounts look rounded when the statements disagree", async () => {
    const rounded: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !/\/northwind-outfitters\/(profit-and-loss|balance-sheet)$/.test(req.url.pathname)) return reply;
      return editJson<{ Data: Row[] }>(reply, (body) => body.Data.forEach((r) => (r.Amount = Math.round(r.Amount))));
    };
    const r = resultOf(await checkReference({ only: [ID], wrap: rounded }), ID);
    const f = r.findings.find((x) => x.company === "northwind-outfitters" && /disagree/.test(x.message));
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toContain("Every amount on both statements is a whole number");
  });
});
