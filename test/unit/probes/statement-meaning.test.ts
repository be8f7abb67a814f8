import { describe, expect, it } from "vitest";
import { checkReference, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "accuracy.sign-convention";

/** Rewrites the profit-and-loss rows of the accounts `pick` chooses by id. */
const editProfitAndLoss =
  (edit: (row: { AccountId: string; Amount: number }) => void): Wrap =>
  async (req, next) => {
    const reply = await next();
    if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
    const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { AccountId: string; Amount: number }[] };
    for (const row of body.Data) edit(row);
    return { ...reply, body: JSON.stringify(body) };
  };

describe("accuracy.sign-convention", () => {
  it("names the group, the total and how many rows are negative", async () => {
    const r = resultOf(await checkReference({ only: [ID], defects: ["expenses-negative"] }), ID);
    const f = r.findings.find((x) => x.company === "northwind-outfitters" && /ACCRUAL/.test(x.message));
    expect(f, JSON.stringify(r.findings.map((x) => x.message), null, 2)).toBeDefined();
    expect(f!.message).toMatch(/carries its expense accounts \(COST_OF_SALES, EXPENSE, OTHER_EXPENSE\) with a total of -\d+\.\d\d, and (\d+) of their \1 non-zero rows are negative/);
    expect(f!.operation?.path).toBe("/companies/{CompanyId}/profit-and-loss");
    expect(f!.rule.text).toMatch(/positive = debit for ASSET, EXPENSE/);
    expect(f!.curl).toMatch(/^curl .*profit-and-loss/);
    // Where: the largest wrong-signed row, by pointer, with the row itself as the evidence.
    expect(f!.pointer).toMatch(/^\/Data\/\d+\/Amount$/);
    const row = JSON.parse(f!.evidence!.bodyExcerpt!) as { AccountId: string; Amount: number };
    expect(row.Amount).toBeLessThan(0);
    expect(f!.message).toContain(`The largest is AccountId ${row.AccountId} (`);
    expect(f!.message).toContain(`with ${row.Amount.toFixed(2)} at ${f!.pointer}.`);
    // The income side is signed right and not reported.
    expect(r.findings.some((x) => /income accounts/.test(x.message))).toBe(false);
  });

  it("passes single accounts against their group's sign (refunds, discounts, contra accounts)", async () => {
    // Every fifth expense-type row turned negative, and revenue rows of one account: the totals stay right.
    let n = 0;
    const report = await checkReference({
      only: [ID],
      wrap: editProfitAndLoss((row) => {
        if (row.Amount !== 0 && n++ % 5 === 0) row.Amount = -row.Amount / 10;
      }),
    });
    const r = resultOf(report, ID);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });

  it("does not judge a group with nothing posted", async () => {
    const r = resultOf(await checkReference({ only: [ID], wrap: editProfitAndLoss((row) => (row.Amount = 0)) }), ID);
    expect(r.status).toBe("pass");
    expect(r.summary).toMatch(/^4 account groups/);
  });
});

describe("accuracy.cash-flow", () => {
  it("names the account-month, the cash-flow amount and the balance change it should be", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.cash-flow"], defects: ["cash-flow-balances"] }), "accuracy.cash-flow");
    const f = r.findings.find((x) => x.company === "northwind-outfitters" && /ACCRUAL/.test(x.message));
    expect(f, JSON.stringify(r.findings.map((x) => x.message), null, 2)).toBeDefined();
    expect(f!.severity).toBe("fail");
    expect(f!.message).toMatch(/is not the change of the balance sheet's balances in (\d+) of (\d+) account-months; the first is \S+ in \d{4}-\d\d: -?\d+\.\d\d against a change of -?\d+\.\d\d\./);
    expect(f!.pointer).toMatch(/^\/Data\/\d+\/Amount$/);
    expect(f!.curl).toMatch(/cash-flow/);
    // The row itself is the evidence: the account and month the message names, with the amount sent.
    const [, id, month, sent] = /the first is (\S+) in (\d{4}-\d\d): (-?\d+\.\d\d)/.exec(f!.message)!;
    const row = JSON.parse(f!.evidence!.bodyExcerpt!) as { AccountId: string; Period: string; Amount: number };
    expect([row.AccountId, row.Period, row.Amount.toFixed(2)]).toEqual([id, month, sent]);
  });

  it("fails a balance sheet sent as monthly movements, although most accounts stand still", async () => {
    // Each balance-sheet row becomes the change from the month before (the first month keeps its balance).
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/balance-sheet") || reply.status !== 200 || req.url.searchParams.has("ClassId")) return reply;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { AccountId: string; Period: string; Amount: number }[] };
      const last = new Map<string, number>();
      for (const row of [...body.Data].sort((a, b) => (a.Period < b.Period ? -1 : a.Period > b.Period ? 1 : 0))) {
        const before = last.get(row.AccountId);
        last.set(row.AccountId, row.Amount);
        if (before !== undefined) row.Amount = Math.round((row.Amount - before) * 100) / 100;
      }
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: ["accuracy.cash-flow"], wrap }), "accuracy.cash-flow");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(r.findings.map((f) => f.code)).toContain("accuracy.cash-flow/not-movements");
  });

  it("fails a cash flow that leaves a whole month out while the balances moved", async () => {
    const report = await checkReference({
      only: ["accuracy.cash-flow"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!req.url.pathname.endsWith("/cash-flow") || reply.status !== 200) return reply;
        return editJson<{ Data: { Period: string }[] }>(reply, (body) => (body.Data = body.Data.filter((r) => r.Period !== "2026-06")));
      },
    });
    const r = resultOf(report, "accuracy.cash-flow");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(new Set(r.findings.map((f) => f.code))).toEqual(new Set(["accuracy.cash-flow/month-missing"]));
    for (const f of r.findings) {
      expect(f.message).toMatch(/has no row at all for 1 month in which the balance sheet's balances changed: 2026-06 \(\d+ accounts? moved, e\.g\. \S+ by -?\d+\.\d\d\)\. Reach reads the missing movements as zero\.$/);
      expect(f.pointer).toBe("/Data");
    }
  });

  it("does not compare a month still open where the partner is (its books move between the two reads)", async () => {
    // At 2026-12-01T00:30Z a partner ten hours behind UTC still posts to November: every cash-flow
    // answer holds a little more November than the balance sheet read a moment before.
    let calls = 0;
    const report = await checkReference({
      only: ["accuracy.cash-flow"],
      now: "2026-12-01T00:30:00Z",
      wrap: async (req, next) => {
        const reply = await next();
        if (!req.url.pathname.endsWith("/cash-flow") || reply.status !== 200) return reply;
        calls++;
        return editJson<{ Data: { Amount: number; Period: string }[] }>(reply, (body) => {
          const row = body.Data.find((x) => x.Period === "2026-11" && x.Amount !== 0);
          if (row) row.Amount = Math.round(row.Amount * 100 + 100 * calls) / 100;
        });
      },
    });
    expect(calls).toBeGreaterThan(0);
    const r = resultOf(report, "accuracy.cash-flow");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });

  it("fails a cash flow naming a balance-sheet account by an id of its own (the account twice in the chart)", async () => {
    // The partner keeps a cash-flow copy of every balance-sheet account: the chart lists it as cf-<id>
    // (same number, name and type) and the cash flow uses that id, so no cash-flow row has a balance.
    type Row = { AccountId: string; AccountType: string };
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || req.url.searchParams.has("ClassId")) return reply;
      if (req.url.pathname.endsWith("/cash-flow")) {
        return editJson<{ Data: Row[] }>(reply, (body) => body.Data.forEach((r) => (r.AccountId = `cf-${r.AccountId}`)));
      }
      if (req.url.pathname.endsWith("/chart-of-accounts")) {
        return editJson<{ Data: Row[]; Pagination: { total: number } }>(reply, (body) => {
          const sheet = body.Data.filter((r) => ["ASSET", "LIABILITY", "EQUITY"].includes(r.AccountType));
          body.Data.push(...sheet.map((r) => ({ ...r, AccountId: `cf-${r.AccountId}` })));
          body.Pagination.total += sheet.length;
        });
      }
      return reply;
    };
    const r = resultOf(await checkReference({ only: ["accuracy.cash-flow"], wrap, settings: { pageSize: 1000 } }), "accuracy.cash-flow");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(new Set(r.findings.map((f) => f.code))).toEqual(new Set(["accuracy.cash-flow/not-on-balance-sheet"]));
    const f = r.findings.find((x) => x.company === "northwind-outfitters")!;
    expect(f.message).toMatch(/^The cash flow of northwind-outfitters \((ACCRUAL|CASH)\) moves \d+ balance-sheet accounts? that the balance sheet of the same months never names: cf-\S+ \((ASSET|LIABILITY|EQUITY), moves in \d+ months?\)/);
    expect(f.pointer).toMatch(/^\/Data\/\d+\/AccountId$/);
    expect(f.rule.ref).toBe("reach:openapi#chart-of-accounts");
    expect(f.curl).toMatch(/cash-flow/);
  });

  it("warns, not fails, when only a few account-months differ", async () => {
    let edited = false;
    const report = await checkReference({
      only: ["accuracy.cash-flow"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!req.url.pathname.endsWith("/cash-flow") || reply.status !== 200 || req.url.searchParams.has("ClassId")) return reply;
        const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { Amount: number; Period: string }[] };
        // A late month: the first month of the sync has no balance before it to compare with, and
        // the clock's month (2026-11) is not compared (a live ledger moves between two requests).
        const row = [...body.Data].reverse().find((x) => x.Amount !== 0 && x.Period < "2026-11");
        if (row) {
          row.Amount = Math.round(row.Amount * 100 + 5000) / 100;
          edited = true;
        }
        return { ...reply, body: JSON.stringify(body) };
      },
    });
    expect(edited).toBe(true);
    const r = resultOf(report, "accuracy.cash-flow");
    expect(r.status).toBe("warn");
    expect(new Set(r.findings.map((x) => x.code))).toEqual(new Set(["accuracy.cash-flow/differs"]));
  });
});

describe("accuracy.balance-sheet and an account left out", () => {
  it("names the balance-sheet accounts without any row, inactive ones first", async () => {
    const dropped: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/northwind-outfitters/")) return reply;
      if (req.url.pathname.endsWith("/chart-of-accounts")) {
        return editJson<{ Data: { AccountId: string; IsActive: boolean }[] }>(reply, (body) => {
          for (const a of body.Data) if (a.AccountId === "acc-1520") a.IsActive = false;
        });
      }
      if (!req.url.pathname.endsWith("/balance-sheet")) return reply;
      return editJson<{ Data: { AccountId: string }[] }>(reply, (body) => (body.Data = body.Data.filter((r) => r.AccountId !== "acc-1520")));
    };
    const r = resultOf(await checkReference({ only: ["accuracy.balance-sheet"], wrap: dropped }), "accuracy.balance-sheet");
    const f = r.findings.find((x) => x.code === "accuracy.balance-sheet/unbalanced" && x.company === "northwind-outfitters");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/ 1 account of the chart of these types has no row at all: acc-1520 \(inactive\); a balance left out unbalances the sheet\.$/);
    expect(f!.fix).toMatch(/^Return a row for every balance-sheet account that holds a balance, inactive ones included; /);
  });
});

describe("accuracy.balance-sheet and amounts rounded to whole units", () => {
  it("says the amounts look rounded and asks for cents", async () => {
    const rounded: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/northwind-outfitters/balance-sheet")) return reply;
      return editJson<{ Data: { Amount: number }[] }>(reply, (body) => body.Data.forEach((r) => (r.Amount = Math.round(r.Amount))));
    };
    const r = resultOf(await checkReference({ only: ["accuracy.balance-sheet"], wrap: rounded }), "accuracy.balance-sheet");
    const f = r.findings.find((x) => x.code === "accuracy.balance-sheet/unbalanced");
    expect(f, JSON.stringify(r)).toBeDefined();
    expect(f!.message).toContain("Every amount on it is a whole number, and each difference is within the rounding of that period's rows: the amounts look rounded to whole units.");
    expect(f!.fix).toMatch(/^Send amounts to the cent/);
  });
});

describe("accuracy.unique-accounts and one account under two ids", () => {
  it("warns when two ids share AccountNumber, Name and type", async () => {
    type Account = { AccountId: string; AccountNumber: string | null; Name: string; AccountType: string };
    const twice: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.endsWith("/northwind-outfitters/chart-of-accounts")) return reply;
      return editJson<{ Data: Account[]; Pagination: { total: number } }>(reply, (body) => {
        const cash = body.Data.find((a) => a.AccountType === "ASSET" && a.AccountNumber !== null)!;
        body.Data.push({ ...cash, AccountId: `cf-${cash.AccountId}` });
        body.Pagination.total += 1;
      });
    };
    const r = resultOf(await checkReference({ only: ["accuracy.unique-accounts"], wrap: twice }), "accuracy.unique-accounts");
    expect(r.status, JSON.stringify(r)).toBe("warn");
    const f = r.findings[0];
    expect(f.code).toBe("accuracy.unique-accounts/same-account");
    expect(f.message).toMatch(/^The chart of accounts of northwind-outfitters lists 1 account twice under different ids, with the same AccountNumber, Name and type: acc-\d+ and cf-acc-\d+ \(number \d+\)\./);
    expect(f.pointer).toMatch(/^\/Data\/\d+\/AccountId$/);
  });

  it("passes the reference charts", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.unique-accounts"] }), "accuracy.unique-accounts");
    expect(r.status).toBe("pass");
  });
});
