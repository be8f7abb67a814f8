/**
 * accuracy.row-grid (one row per account and month of [StartDate, EndDate]), the balance sheet's
 * previous month (freshness.balance-sheet) and the company record's identity (schema.company-info):
 * the folding rule on hand-made rows, each defect switch, and conformant partners that answer
 * otherwise than the reference partner.
 */
import { describe, expect, it } from "vitest";
import { gridFacts } from "../../../src/engine/row-grid.js";
import { newPools, RowTable } from "../../../src/engine/row-table.js";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

const FIELDS = { id: "AccountId", period: "Period", amount: "Amount" };

function table(rows: unknown[]): RowTable {
  return RowTable.from({ Data: rows }, "Data", FIELDS, newPools())!;
}

const row = (id: string, period: string, amount = 1) => ({ AccountId: id, Period: period, Amount: amount });

/** Every account in every month of 2025-01..2025-03. */
const full = () => ["a", "b"].flatMap((id) => ["2025-01", "2025-02", "2025-03"].map((p) => row(id, p)));

describe("gridFacts", () => {
  it("leaves the months after a budget's last month out of the gaps when asked (trailingFree), and only then", () => {
    const rows = ["a", "b"].flatMap((id) => ["2025-01", "2025-02"].map((p) => row(id, p)));
    const budget = gridFacts(table(rows), "2025-01-01", "2025-04-30", { trailingFree: true })!;
    expect(budget).toMatchObject({ months: 4, missing: 0, trailing: 2, accounts: 2, accountsWithGaps: 0 });
    const actuals = gridFacts(table(rows), "2025-01-01", "2025-04-30")!;
    expect(actuals).toMatchObject({ months: 4, missing: 4, trailing: 0, accountsWithGaps: 2 });
    // A gap before the budget's last month still counts.
    const gap = gridFacts(table(rows.filter((r) => !(r.AccountId === "a" && r.Period === "2025-01"))), "2025-01-01", "2025-04-30", { trailingFree: true })!;
    expect(gap).toMatchObject({ missing: 1, trailing: 2, accountsWithGaps: 1 });
  });

  it("finds nothing in a full grid, in any row order, with a range ending mid-month", () => {
    const f = gridFacts(table(full().reverse()), "2025-01-01", "2025-03-15")!;
    expect(f).toMatchObject({ judged: 6, months: 3, outside: 0, duplicates: 0, missing: 0, accounts: 2, accountsWithGaps: 0 });
  });

  it("counts rows outside the range and names the first", () => {
    const rows = [...full(), row("a", "2024-12"), row("b", "2025-04")];
    const f = gridFacts(table(rows), "2025-01-01", "2025-03-31")!;
    expect(f.outside).toBe(2);
    expect(f.firstOutside).toMatchObject({ index: 6, period: "2024-12", id: "a" });
    expect(f.missing).toBe(0);
  });

  it("finds an exact repeat and a split row, pointing at the second and naming the first", () => {
    const exact = full();
    exact.splice(2, 0, { ...exact[0] });
    const f = gridFacts(table(exact), "2025-01-01", "2025-03-31")!;
    expect(f.duplicates).toBe(1);
    expect(f.firstDuplicate).toMatchObject({ index: 2, earlier: 0, id: "a", period: "2025-01" });

    const split = full();
    split.push(row("b", "2025-02", 0.5));
    const g = gridFacts(table(split), "2025-01-01", "2025-03-31")!;
    expect(g.duplicates).toBe(1);
    expect(g.firstDuplicate).toMatchObject({ index: 6, earlier: 4, id: "b", period: "2025-02" });
  });

  it("counts months missing for accounts that have rows, not accounts that have none", () => {
    // Zero rows left out (b has no February), a whole month gone for c, and d absent altogether.
    const rows = [row("a", "2025-01"), row("a", "2025-02"), row("a", "2025-03"), row("b", "2025-01"), row("b", "2025-03"), row("c", "2025-01"), row("c", "2025-02")];
    const f = gridFacts(table(rows), "2025-01-01", "2025-03-31")!;
    expect(f).toMatchObject({ missing: 2, accounts: 3, accountsWithGaps: 2 });
    expect(f.firstMissing).toEqual({ id: "b", period: "2025-02" });
  });

  it("leaves rows without a YYYY-MM period or an account id to the schema checks", () => {
    const rows = [row("a", "2025-1"), row("a", "2025-02-28"), { Period: "2025-01", Amount: 1 }, row("a", "2025-01")];
    const f = gridFacts(table(rows), "2025-01-01", "2025-01-31")!;
    expect(f).toMatchObject({ judged: 1, outside: 0, duplicates: 0, missing: 0 });
  });

  it("does not count months before any account has a row (books that begin inside the range)", () => {
    const rows = [row("a", "2025-02"), row("a", "2025-03"), row("b", "2025-02"), row("b", "2025-03")];
    const f = gridFacts(table(rows), "2025-01-01", "2025-03-31")!;
    expect(f).toMatchObject({ leading: 1, missing: 0, accounts: 2, accountsWithGaps: 0 });
    // A gap after the books begin still counts; the leading month does not.
    const g = gridFacts(table([row("a", "2025-02"), row("a", "2025-03"), row("b", "2025-03")]), "2025-01-01", "2025-03-31")!;
    expect(g).toMatchObject({ leading: 1, missing: 1, accountsWithGaps: 1 });
    expect(g.firstMissing).toEqual({ id: "b", period: "2025-02" });
  });

  it("judges nothing when the range is not two dates in order", () => {
    expect(gridFacts(table(full()), "2025-03-01", "2025-01-31")).toBeUndefined();
    expect(gridFacts(table(full()), "31-01-2025", "2025-03-31")).toBeUndefined();
  });
});

function editJson(reply: ServerReply, edit: (body: Record<string, unknown>) => void): ServerReply {
  if (reply.status !== 200 || reply.body === undefined) return reply;
  const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
  edit(body);
  return { ...reply, body: JSON.stringify(body) };
}

const statementRows = (edit: (rows: { AccountId: string; Period: string; Amount: number }[], path: string) => unknown[]): Wrap => async (req, next) => {
  const reply = await next();
  if (!/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(req.url.pathname)) return reply;
  return editJson(reply, (b) => (b.Data = edit(b.Data as { AccountId: string; Period: string; Amount: number }[], req.url.pathname)));
};

const GRID = ["accuracy.row-grid", "schema.statements", "schema.statement-filters"];

describe("accuracy.row-grid", () => {
  it("passes on the clean reference partner, judging the sync and the other ranges", async () => {
    const r = resultOf(await checkReference({ only: GRID }), "accuracy.row-grid");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.summary).toMatch(/^\d+ statement responses/);
  });

  it("fails a partner that ignores the date range, naming the request and the first period outside it", async () => {
    const r = resultOf(await checkReference({ only: GRID, defects: ["rows-outside-range"] }), "accuracy.row-grid");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["accuracy.row-grid/outside-range"]);
    const f = r.findings[0];
    expect(f.message).toMatch(/asked for \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}, (ACCRUAL|CASH), answered \d+ rows whose Period lies outside/);
    expect(f.pointer).toMatch(/^\/Data\/\d+\/Period$/);
    expect(f.evidence?.request).toMatch(/StartDate=/);
    expect(f.curl).toMatch(/^curl /);
    expect(f.rule.ref).toBe("spec-model:statement-rows");
  });

  it("names the repeated (AccountId, Period) and points at the second row", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"], defects: ["duplicate-rows"] }), "accuracy.row-grid");
    expect(codes(r)).toEqual(["accuracy.row-grid/duplicate-row"]);
    expect(r.findings[0].pointer).toBe("/Data/1");
    expect(r.findings[0].message).toMatch(/gives \(AccountId acc-\d+, Period \d{4}-\d{2}\) twice: \/Data\/1 repeats \/Data\/0/);
  });

  it("warns, naming the first gap, when zero rows are left out", async () => {
    const report = await checkReference({ only: ["accuracy.row-grid"], wrap: statementRows((rows) => rows.filter((x) => x.Amount !== 0)) });
    const r = resultOf(report, "accuracy.row-grid");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["accuracy.row-grid/missing-rows"]);
    expect(r.findings[0].message).toMatch(/the first is AccountId \S+ in \d{4}-\d{2}/);
  });

  it("does not judge accounts a partner leaves out entirely (which accounts appear is not defined)", async () => {
    // Only accounts with some activity in the range are sent, each with every month.
    const wrap = statementRows((rows) => {
      const active = new Set(rows.filter((x) => x.Amount !== 0).map((x) => x.AccountId));
      return rows.filter((x) => active.has(x.AccountId));
    });
    const r = resultOf(await checkReference({ only: GRID, wrap }), "accuracy.row-grid");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });

  it("only notes (info) statements whose rows begin after the range starts for every account", async () => {
    // Books that begin in 2026-04: no row of any account before it, every month from then on.
    const wrap = statementRows((rows) => rows.filter((x) => x.Period >= "2026-04"));
    const r = resultOf(await checkReference({ only: GRID, wrap }), "accuracy.row-grid");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(codes(r).every((c) => c === "accuracy.row-grid/starts-late")).toBe(true);
    const late = r.findings.filter((f) => f.code === "accuracy.row-grid/starts-late");
    expect(late.length).toBeGreaterThan(0);
    for (const f of late) {
      expect(f.severity).toBe("info");
      expect(f.message).toMatch(/has no row for any account before 2026-04 \(\d+ months of the range\), and one for every month from then on: the books seem to begin in 2026-04\./);
    }
  });

  it("accepts rows ordered by month rather than by account", async () => {
    const wrap = statementRows((rows) => [...rows].sort((a, b) => (a.Period < b.Period ? -1 : a.Period > b.Period ? 1 : a.AccountId < b.AccountId ? -1 : 1)));
    const r = resultOf(await checkReference({ only: GRID, wrap }), "accuracy.row-grid");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });
});

describe("freshness.balance-sheet", () => {
  it("fails when the previous month has no row even though the current month has", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"], defects: ["balance-sheet-gap"] }), "freshness.balance-sheet");
    expect(codes(r)).toEqual(["freshness.balance-sheet/missing-month"]);
    // NOW is 2026-11-15: the previous month is 2026-10.
    expect(r.findings[0].message).toContain("no row at all for 2026-10");
  });

  it("passes a balance sheet that ends with the previous month (the current month not yet given)", async () => {
    const wrap = statementRows((rows, path) => (path.endsWith("/balance-sheet") ? rows.filter((x) => x.Period !== "2026-11") : rows));
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"], wrap }), "freshness.balance-sheet");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });
});

describe("schema.company-info", () => {
  const companyInfo = (edit: (b: Record<string, unknown>) => void): Wrap => async (req, next) => {
    const reply = await next();
    return /^\/companies\/[^/]+$/.test(req.url.pathname) ? editJson(reply, edit) : reply;
  };

  it("fails a record of another company with the pointer /CompanyId", async () => {
    const r = resultOf(await checkReference({ only: ["schema.company-info"], defects: ["company-mixup"] }), "schema.company-info");
    expect(codes(r)).toEqual(["schema.company-info/other-company"]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ pointer: "/CompanyId", company: "northwind-outfitters", severity: "fail" });
    expect(r.findings[0].message).toContain('"alder-finch"');
  });

  it("only warns when the name differs from the one user-info lists (a company may be renamed)", async () => {
    const r = resultOf(await checkReference({ only: ["schema.company-info"], wrap: companyInfo((b) => (b.CompanyName = `${String(b.CompanyName)} (renamed)`)) }), "schema.company-info");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["schema.company-info/name-differs"]);
    expect(r.findings[0].pointer).toBe("/CompanyName");
  });

  it("fails a name that user-info gives another company (another company's record under this id)", async () => {
    // alder-finch's record with northwind-outfitters' name only (the id stays right).
    const nameOnly: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/companies/alder-finch") return reply;
      return editJson(reply, (b) => (b.CompanyName = "Northwind Outfitters, Inc."));
    };
    const r = resultOf(await checkReference({ only: ["schema.company-info"], wrap: nameOnly }), "schema.company-info");
    const f = r.findings.find((x) => x.code === "schema.company-info/name-differs" && x.company === "alder-finch");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.severity).toBe("fail");
    expect(f!.message).toMatch(/"Northwind Outfitters, Inc\." is the name user-info gives northwind-outfitters: this answer holds \(at least part of\) another company's record\.$/);
  });

  it("compares no name when user-info lists none", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname === "/oauth2/user-info") {
        return editJson(reply, (b) => {
          for (const c of b.Companies as Record<string, unknown>[]) delete c.CompanyName;
        });
      }
      return /^\/companies\/[^/]+$/.test(req.url.pathname) ? editJson(reply, (b) => (b.CompanyName = "Another name")) : reply;
    };
    const r = resultOf(await checkReference({ only: ["schema.company-info"], wrap }), "schema.company-info");
    expect(codes(r).filter((c) => c.endsWith("/name-differs") || c.endsWith("/other-company"))).toEqual([]);
  });
});

describe("accuracy.row-grid and a budget that ends inside the range", () => {
  const cutAfter = (last: string, budgetOnly: boolean): Wrap => async (req, next) => {
    const reply = await next();
    if (reply.status !== 200 || !req.url.pathname.endsWith("/profit-and-loss")) return reply;
    if (budgetOnly !== req.url.searchParams.has("BudgetId")) return reply;
    const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { Period: string }[] };
    body.Data = body.Data.filter((r) => r.Period <= last);
    return { ...reply, body: JSON.stringify(body) };
  };

  it("notes a budget with no rows after its last month (info ends-early), not missing rows", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"], wrap: cutAfter("2025-12", true) }), "accuracy.row-grid");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(codes(r)).toEqual(["accuracy.row-grid/ends-early"]);
    expect(r.findings[0].message).toMatch(/BudgetId=\S+\) has no row for any account after 2025-12 \(11 months of the range\), and one for every month up to it: the budget seems to end in 2025-12\./);
  });

  it("still warns of the same months missing from the actuals", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"], wrap: cutAfter("2025-12", false) }), "accuracy.row-grid");
    expect(codes(r)).toContain("accuracy.row-grid/missing-rows");
  });
});

describe("accuracy.row-grid and a budget that begins inside the range", () => {
  it("says the budget, not the books, seems to begin late", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.endsWith("/profit-and-loss") || !req.url.searchParams.has("BudgetId")) return reply;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { Period: string }[] };
      body.Data = body.Data.filter((r) => r.Period >= "2026-01");
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"], wrap }), "accuracy.row-grid");
    expect(codes(r)).toEqual(["accuracy.row-grid/starts-late"]);
    expect(r.findings[0].message).toMatch(/BudgetId=\S+\) has no row for any account before 2026-01 .*: the budget seems to begin in 2026-01\./);
    expect(r.findings[0].fix).toBe("Nothing to do if this budget covers months from 2026-01 only. If it holds earlier months, return them.");
  });
});

/** Every statement answer cut to its first 500 rows (an ORM's default limit). */
const capped: Wrap = async (req, next) => {
  const reply = await next();
  if (reply.status !== 200 || !/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(req.url.pathname)) return reply;
  return editJson(reply, (body) => (body.Data = (body.Data as unknown[]).slice(0, 500)));
};

describe("accuracy.row-grid and a row limit", () => {
  it("fails statements cut at the same round number of rows, naming the limit", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"], wrap: capped }), "accuracy.row-grid");
    const caps = r.findings.filter((f) => f.code === "accuracy.row-grid/row-cap");
    expect(caps.length, JSON.stringify(r.findings.map((f) => f.message))).toBeGreaterThan(0);
    const f = caps[0];
    expect(f.severity).toBe("fail");
    expect(f.message).toMatch(/^\d+ of the \d+ [a-z ]+ responses of [a-z-]+ hold exactly 500 rows each and lack rows the statement owes \(/);
    expect(f.message).toContain("the answer stops at 500 rows");
    expect(f.fix).toMatch(/remove the 500-row limit/);
    expect(f.pointer).toBe("/Data");
  });

  it("does not call a statement cut when its rows are all there", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.row-grid"] }), "accuracy.row-grid");
    expect(r.findings.filter((f) => f.code === "accuracy.row-grid/row-cap")).toEqual([]);
  });
});

describe("checks that a row limit knocks on", () => {
  it("point at accuracy.row-grid's row-cap before their own fix", async () => {
    const report = await checkReference({ only: ["accuracy.row-grid", "accuracy.balance-sheet"], wrap: capped });
    const f = resultOf(report, "accuracy.balance-sheet").findings.find((x) => x.code === "accuracy.balance-sheet/unbalanced");
    expect(f, JSON.stringify(resultOf(report, "accuracy.balance-sheet"))).toBeDefined();
    expect(f!.message).toMatch(/Statements of \S+ stop at 500 rows \(accuracy\.row-grid, row-cap\): rows cut off there are missing here too, so fix that limit first\.$/);
  });
});
