/**
 * accuracy.ranges: a month's figures are the same whatever date range they are asked with. Built on
 * the ranges schema.statement-filters asks for, compared with the sync's 24-month answers.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "accuracy.ranges";
type Row = { AccountId: string; Period: string; Amount: number };

/** Edits statement answers asked with a range other than the sync's (which starts 23 months back). */
const otherRanges =
  (edit: (rows: Row[], start: string, end: string, path: string) => Row[]): Wrap =>
  async (req, next): Promise<ServerReply> => {
    const reply = await next();
    const start = req.url.searchParams.get("StartDate");
    const end = req.url.searchParams.get("EndDate");
    const filtered = ["BudgetId", "ClassId", "DepartmentId"].some((p) => req.url.searchParams.has(p));
    if (reply.status !== 200 || !start || !end || filtered || !/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(req.url.pathname)) return reply;
    const sync = new Date(Date.UTC(2026, 10 - 23, 1)).toISOString().slice(0, 10); // the harness runs at 2026-11-15
    if (start === sync) return reply;
    const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: Row[] };
    body.Data = edit(body.Data, start, end, req.url.pathname);
    return { ...reply, body: JSON.stringify(body) };
  };

describe("accuracy.ranges", () => {
  it("passes the reference partner", async () => {
    const r = resultOf(await checkReference({ only: [ID] }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/^\d+ months of \d+ statements asked with other ranges total the same as in the 24-month answers\.$/);
  });

  it("fails a range whose last month loses the postings of its last day (EndDate taken as exclusive)", async () => {
    const wrap = otherRanges((rows, _start, end, path) => {
      if (!path.endsWith("/profit-and-loss")) return rows;
      for (const row of rows) if (row.Period === end.slice(0, 7) && row.Amount !== 0) row.Amount = Math.round((row.Amount - 1) * 100) / 100;
      return rows;
    });
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set([`${ID}/differs`]));
    const f = r.findings[0];
    expect(f.operation?.path).toBe("/companies/{CompanyId}/profit-and-loss");
    expect(f.message).toMatch(/asked for .+ \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) totals -?\d+\.\d\d over \d+ rows for \d{4}-\d\d.*, but -?\d+\.\d\d over \d+ rows in the 24-month answer .* The range ends on that month's last day: postings of the last day \(EndDate\) may be left out\./);
    expect(f.message).toMatch(/Seen in \d+ range answers\.$/);
    expect(f.curl).toMatch(/profit-and-loss\?StartDate=/);
  });

  it("does not judge a month still open where the partner is (a partner behind UTC posting to it while the run reads)", async () => {
    // At 2026-12-01T00:30Z a partner ten hours behind UTC still lives in November: each answer
    // holds a little more of November than the one before.
    let calls = 0;
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.endsWith("/profit-and-loss")) return reply;
      calls++;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: Row[] };
      const row = body.Data.find((x) => x.Period === "2026-11" && x.Amount !== 0);
      if (row) row.Amount = Math.round(row.Amount * 100 + 100 * calls) / 100;
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: [ID], wrap, now: "2026-12-01T00:30:00Z" }), ID);
    expect(calls).toBeGreaterThan(1);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });

  it("fails a single-day balance sheet that answers no row for a month-end balance (StartDate taken as exclusive)", async () => {
    const wrap = otherRanges((rows, start, end, path) => (path.endsWith("/balance-sheet") && start === end ? [] : rows));
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(codes(r)).toContain(`${ID}/month-missing`);
    const f = r.findings.find((x) => x.code === `${ID}/month-missing`)!;
    expect(f.message).toMatch(/The balance sheet of \S+ \((ACCRUAL|CASH)\) asked for a single day \((\d{4}-\d\d-\d\d) to \2\) totals 0\.00 over 0 rows for \d{4}-\d\d.* It has no row for that month at all\./);
  });

  it("fails a 24-month answer that lacks months a shorter range has figures for (a long range cut short)", async () => {
    // The sync's 24-month answers keep only their last 12 months; the 12-month range still has 2025-11.
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      const start = req.url.searchParams.get("StartDate");
      if (reply.status !== 200 || start !== "2024-12-01" || !/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(req.url.pathname)) return reply;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: Row[] };
      body.Data = body.Data.filter((row) => row.Period >= "2025-12");
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status).toBe("fail");
    expect(codes(r)).toContain(`${ID}/missing-in-sync`);
    const f = r.findings.find((x) => x.code === `${ID}/missing-in-sync`)!;
    expect(f.message).toMatch(/totals -?\d+\.\d\d over [1-9]\d* rows? for 2025-\d\d.*, but 0\.00 over 0 rows in the 24-month answer \(2024-12-01 to .*The 24-month answer has no row for 2025-\d\d at all, while this shorter range has figures for it/);
    expect(f.fix).toMatch(/^Answer every month of a long range as the shorter ranges answer it: the spec sets no maximum range/);
  });

  it("leaves out a month with a row whose Amount is not a number (schema.statements names it), rather than count it as 0", async () => {
    // Each answer's first profit-and-loss row carries its amount as a string: another row in each range.
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.endsWith("/profit-and-loss") || req.url.searchParams.has("ClassId") || req.url.searchParams.has("DepartmentId") || req.url.searchParams.has("BudgetId")) return reply;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { Amount: unknown }[] };
      const first = body.Data.find((row) => row.Amount !== 0);
      if (first) first.Amount = String(first.Amount);
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: [ID], wrap }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });
});

describe("accuracy.ranges and a long answer summed into one row per account", () => {
  it("names the summing, not a range cut short", async () => {
    const summed: Wrap = async (req, next) => {
      const reply = await next();
      const start = req.url.searchParams.get("StartDate") ?? "";
      const end = req.url.searchParams.get("EndDate") ?? "";
      const months = (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;
      if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200 || months < 20) return reply;
      return editJson<{ Data: { AccountId: string; Period: string; Amount: number }[] }>(reply, (body) => {
        const totals = new Map<string, number>();
        for (const r of body.Data) totals.set(r.AccountId, (totals.get(r.AccountId) ?? 0) + r.Amount);
        body.Data = [...totals].map(([AccountId, Amount]) => ({ AccountId, Period: end.slice(0, 7), Amount: Math.round(Amount * 100) / 100 }));
      });
    };
    const r = resultOf(await checkReference({ only: ["accuracy.ranges"], wrap: summed }), "accuracy.ranges");
    const f = r.findings.find((x) => x.code === "accuracy.ranges/missing-in-sync");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/The 24-month answer has rows for \d{4}-\d\d only, its last month: it looks summed over the whole range into one row per account/);
    expect(f!.fix).toMatch(/^Return one row per account and calendar month of the range/);
  });
});
