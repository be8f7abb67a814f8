/**
 * Table-driven tests of the contract-depth checks (issue 3): each passes on the clean reference
 * partner with no finding, and names the findings it expects for each defect switch.
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";
import { nextStep } from "../../../src/report/view.js";

interface Case {
  defects: string[];
  status: "fail" | "warn";
  codes: string[];
  strict?: boolean;
}

interface Table {
  id: string;
  invalid: Case[];
}

const TABLES: Table[] = [
  { id: "schema.statement-filters", invalid: [{ defects: ["wrong-period-format"], status: "fail", codes: ["schema.statement-filters/pattern"] }] },
  { id: "schema.non-financial-filters", invalid: [{ defects: ["text-content-type"], status: "fail", codes: ["schema.non-financial-filters/content-type"] }] },
  { id: "schema.structure-stable", invalid: [] },
  {
    id: "inputs.dates",
    invalid: [
      { defects: ["accept-bad-dates"], status: "fail", codes: ["inputs.dates/accepted"] },
      { defects: ["accept-impossible-day"], status: "fail", codes: ["inputs.dates/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.dates/html"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["inputs.dates/error-envelope"] },
    ],
  },
  {
    id: "inputs.accounting-basis",
    invalid: [
      { defects: ["ok-on-error"], status: "fail", codes: ["inputs.accounting-basis/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.accounting-basis/html"] },
    ],
  },
  {
    id: "inputs.paging",
    invalid: [
      { defects: ["accept-bad-limit"], status: "fail", codes: ["inputs.paging/accepted"] },
      { defects: ["non-numeric-paging-default"], status: "fail", codes: ["inputs.paging/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.paging/html"] },
    ],
  },
  {
    id: "inputs.unknown-company",
    invalid: [
      { defects: ["unknown-company-500"], status: "fail", codes: ["inputs.unknown-company/server-error"] },
      { defects: ["lookalike-company-500"], status: "fail", codes: ["inputs.unknown-company/server-error"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.unknown-company/html"] },
    ],
  },
  {
    id: "inputs.request-body",
    invalid: [
      { defects: ["ok-on-error"], status: "fail", codes: ["inputs.request-body/accepted"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["inputs.request-body/error-envelope"] },
    ],
  },
  {
    id: "inputs.required-parameters",
    invalid: [
      { defects: ["default-required-parameters"], status: "fail", codes: ["inputs.required-parameters/accepted"] },
      { defects: ["html-errors"], status: "fail", codes: ["inputs.required-parameters/html"] },
      { defects: ["bad-error-envelope"], status: "fail", codes: ["inputs.required-parameters/error-envelope"] },
    ],
  },
  {
    id: "pagination.walk",
    invalid: [
      { defects: ["lying-total"], status: "fail", codes: ["pagination.walk/total-mismatch"] },
      { defects: ["page-total"], status: "fail", codes: ["pagination.walk/walks-differ"] },
      { defects: ["repeated-page"], status: "fail", codes: ["pagination.walk/repeated-id"] },
      { defects: ["duplicate-class-id"], status: "fail", codes: ["pagination.walk/duplicate-id"] },
      { defects: ["duplicate-account"], status: "fail", codes: ["pagination.walk/duplicate-id"] },
      // limit-echo: on the lists too short to show a page over the limit, the echo of 100 is what shows it
      { defects: ["ignore-limit"], status: "fail", codes: ["pagination.walk/limit-echo", "pagination.walk/over-limit"] },
      { defects: ["changing-data"], status: "fail", codes: ["pagination.walk/total-changed", "pagination.walk/total-mismatch"] },
      { defects: ["echo-offset-zero"], status: "fail", codes: ["pagination.walk/offset-echo"] },
      { defects: ["echo-limit-default"], status: "fail", codes: ["pagination.walk/limit-echo"] },
      { defects: ["cap-limit"], status: "fail", codes: ["pagination.walk/limit-echo"] },
      // the total is right and the order kept: the record at the page boundary is what is lost
      { defects: ["page-skip"], status: "fail", codes: ["pagination.walk/records-lost"] },
    ],
  },
  { id: "pagination.stable-order", invalid: [{ defects: ["unstable-order"], status: "fail", codes: ["pagination.stable-order/order-differs"] }] },
  {
    id: "pagination.defaults",
    invalid: [
      { defects: ["changing-data"], status: "fail", codes: ["pagination.defaults/differs"] },
      { defects: ["cap-limit"], status: "fail", codes: ["pagination.defaults/echo"] },
    ],
  },
  {
    id: "pagination.past-end",
    invalid: [
      { defects: ["past-end-error"], status: "fail", codes: ["pagination.past-end/status"] },
      { defects: ["repeated-page"], status: "fail", codes: ["pagination.past-end/not-empty"] },
    ],
  },
];

describe.each(TABLES)("$id", (t) => {
  it("passes on the clean reference partner", async () => {
    const report = await checkReference({ only: [t.id] });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });
  it.each(t.invalid)("$defects -> $status $codes", async (c) => {
    const report = await checkReference({ only: [t.id], defects: c.defects, strict: c.strict });
    const r = resultOf(report, t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe(c.status);
    expect(codes(r)).toEqual(c.codes);
    for (const f of r.findings) {
      expect(f.operation, f.code).toBeDefined();
      expect(f.rule.ref.length, f.code).toBeGreaterThan(3);
      expect(f.fix.length, f.code).toBeGreaterThan(10);
      if (f.severity === "fail" && f.evidence?.status !== undefined) expect(f.curl, f.code).toMatch(/^curl /);
    }
  });
});

describe("defects outside a check's concern do not trip it", () => {
  it("past-end steps past Pagination.total when the pages end early, so a capped limit is not a false past-end", async () => {
    const report = await checkReference({ only: ["pagination.past-end"], defects: ["cap-limit"] });
    const r = resultOf(report, "pagination.past-end");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });
  it("stable-order passes on wrong echoes and a capped limit, defaults on echoes that are right for the defaults", async () => {
    for (const defect of ["echo-offset-zero", "echo-limit-default", "cap-limit"]) {
      const report = await checkReference({ only: ["pagination.defaults", "pagination.stable-order"], defects: [defect] });
      expect(resultOf(report, "pagination.stable-order").status, defect).toBe("pass");
      // offset 0 and limit 100 are what a request without them gets: only the cap makes that page wrong
      if (defect !== "cap-limit") expect(resultOf(report, "pagination.defaults").status, defect).toBe("pass");
    }
  });
  it("walk reports an ignored limit once per list: over-limit where a page shows it, not limit-echo beside it", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["ignore-limit"] }), "pagination.walk");
    const where = (code: string) => r.findings.filter((f) => f.code === code).map((f) => `${f.company} ${f.operation?.path}`);
    const over = where("pagination.walk/over-limit");
    expect(over.length).toBeGreaterThan(3);
    for (const list of where("pagination.walk/limit-echo")) expect(over).not.toContain(list);
  });
  it("walk compares the two walks when each looks right alone: a total that counts the page ends the small walk early", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["page-total"] }), "pagination.walk");
    const f = r.findings.find((x) => x.code === "pagination.walk/walks-differ" && x.company === "northwind-outfitters" && x.operation?.path.endsWith("/chart-of-accounts"));
    expect(f, JSON.stringify(r.findings.map((x) => x.message), null, 2)).toBeDefined();
    // 61 accounts: the small walk (limit 21) reads one page whose total says 21
    expect(f!.message).toMatch(/gave 61 records in 1 page, Pagination\.total 61; with limit 21 it gave 21 records in 1 page, Pagination\.total 21\./);
    expect(f!.message).toContain("40 records short");
    expect(f!.evidence).toMatchObject({ expected: "61 records with limit 21 (as with limit 1000)", actual: "21 records", status: 200 });
    expect(f!.curl).toMatch(/offset=0&limit=21/);
    // nothing else in the walk finds fault with either walk on its own
    expect(new Set(r.findings.map((x) => x.code))).toEqual(new Set(["pagination.walk/walks-differ"]));
  });
  it("walk names two records with one id on a page as the list's data, not as paging", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["duplicate-class-id"] }), "pagination.walk");
    const f = r.findings.find((x) => x.code === "pagination.walk/duplicate-id" && x.company === "northwind-outfitters");
    expect(f, JSON.stringify(r.findings.map((x) => x.message), null, 2)).toBeDefined();
    expect(f!.operation?.path).toMatch(/\/classes$/);
    expect(f!.message).toMatch(/holds a second record with ClassId \S+: the list gives one id to two records/);
    expect(f!.message).not.toMatch(/offset paging/);
    expect(r.findings.map((x) => x.code)).not.toContain("pagination.walk/repeated-id");
    // Where: the second record's id on that page, shown as the evidence.
    const id = /with ClassId (\S+):/.exec(f!.message)![1];
    expect(f!.pointer).toMatch(/^\/Data\/\d+\/ClassId$/);
    expect((JSON.parse(f!.evidence!.bodyExcerpt!) as { ClassId: string }).ClassId).toBe(id);
  });
  it("walk points at the repeated record, stable-order at the misplaced one, past-end at the first record", async () => {
    const walk = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["repeated-page"] }), "pagination.walk");
    const rep = walk.findings.find((x) => x.code === "pagination.walk/repeated-id")!;
    const repId = /repeats \w+ (\S+) \(first on the page/.exec(rep.message)![1];
    expect(rep.pointer).toMatch(/^\/Data\/\d+\/\w+Id$/);
    expect(rep.evidence!.bodyExcerpt).toContain(`"${repId}"`);
    const order = resultOf(await checkReference({ only: ["pagination.stable-order"], defects: ["unstable-order"] }), "pagination.stable-order");
    const o = order.findings[0];
    const [, field, holds] = /holds (\w+) (\S+) instead of/.exec(o.message)!;
    expect(o.pointer).toMatch(new RegExp(`^/Data/\\d+/${field}$`));
    expect((JSON.parse(o.evidence!.bodyExcerpt!) as Record<string, string>)[field]).toBe(holds);
    const past = resultOf(await checkReference({ only: ["pagination.past-end"], defects: ["repeated-page"] }), "pagination.past-end");
    expect(past.findings[0].pointer).toBe("/Data/0");
    // The page past the end holds the list's first records: the offset is ignored, and says so.
    for (const f of past.findings) {
      expect(f.message).toMatch(/They are the list's first \d+ records, in order: the offset is ignored\.$/);
      expect(f.fix).toMatch(/^Apply `offset`: skip that many records before the page/);
    }
  });
  it("past-end does not call the offset ignored when the records past the end are others", async () => {
    // Past the end, the list answers its last record again: not the first page.
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/classes") || reply.status !== 200) return reply;
      return editJson<{ Data: unknown[]; Pagination: { total: number } }>(reply, (body) => {
        const offset = Number(req.url.searchParams.get("offset"));
        if (body.Data.length === 0 && offset > 0 && offset >= body.Pagination.total) body.Data = [{ ClassId: "zz-extra", Name: "Extra", ParentClassId: null, IsActive: true }];
      });
    };
    const past = resultOf(await checkReference({ only: ["pagination.past-end"], wrap }), "pagination.past-end");
    const f = past.findings.filter((x) => x.code === "pagination.past-end/not-empty");
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) {
      expect(x.message).not.toMatch(/offset is ignored/);
      expect(x.fix).toMatch(/an offset counted before a filter/);
    }
  });
  it("walk says how many records a record moving between pages cost", async () => {
    // On the small-page walk of each chart of accounts, every page after the first starts with the
    // previous page's last record and drops its own last one: as if a record moved to an earlier page
    // while the pages were read. The total stays right, so the walk ends; some records never come.
    const lastOf = new Map<string, unknown>();
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      const limit = Number(req.url.searchParams.get("limit") ?? "1000");
      const offset = Number(req.url.searchParams.get("offset") ?? "0");
      if (!req.url.pathname.endsWith("/chart-of-accounts") || reply.status !== 200 || limit >= 1000) return reply;
      return editJson<{ Data: unknown[] }>(reply, (body) => {
        const key = `${req.url.pathname} ${limit}`;
        const previous = lastOf.get(`${key} ${offset}`);
        if (offset > 0 && previous !== undefined && body.Data.length > 0) body.Data = [previous, ...body.Data.slice(0, -1)];
        if (body.Data.length > 0) lastOf.set(`${key} ${offset + body.Data.length}`, body.Data[body.Data.length - 1]);
      });
    };
    const r = resultOf(await checkReference({ only: ["pagination.walk"], wrap }), "pagination.walk");
    const rep = r.findings.filter((x) => x.code === "pagination.walk/repeated-id");
    expect(rep.length, JSON.stringify(r.findings.map((x) => x.message), null, 2)).toBeGreaterThan(0);
    for (const f of rep) expect(f.message).toMatch(/ The walk read (\d+) distinct records of the (\d+) Pagination\.total announces: \d+ never came\.$/);
  });
  it("stable-order stays quiet when a page starts one record late: the order is kept, a record is lost (pagination.walk owns that)", async () => {
    const report = await checkReference({ only: ["pagination.stable-order", "pagination.past-end", "pagination.defaults"], defects: ["page-skip"] });
    for (const id of ["pagination.stable-order", "pagination.past-end", "pagination.defaults"]) {
      const r = resultOf(report, id);
      expect(r.status, `${id}: ${JSON.stringify(r.findings.map((f) => f.message), null, 2)}`).toBe("pass");
    }
  });
  it("stable-order stays quiet when pages repeat (pagination.walk owns that)", async () => {
    const report = await checkReference({ only: ["pagination.stable-order"], defects: ["repeated-page"] });
    expect(resultOf(report, "pagination.stable-order").status).toBe("pass");
  });
  it("the inputs checks pass on limit ignored, lying totals and unstable order", async () => {
    const report = await checkReference({ only: ["inputs"], defects: ["ignore-limit", "lying-total", "unstable-order"] });
    for (const id of ["inputs.dates", "inputs.accounting-basis", "inputs.paging", "inputs.unknown-company", "inputs.request-body", "inputs.required-parameters"]) {
      expect(resultOf(report, id).status, id).toBe("pass");
    }
  });
});

describe("the inputs checks name the value they sent", () => {
  const failing = async (id: string, defect: string) => {
    const r = resultOf(await checkReference({ only: [id], defects: [defect] }), id);
    expect(r.status).toBe("fail");
    return r.findings;
  };
  it("inputs.dates: a day February 2025 does not have, on statements and the metric values body", async () => {
    const findings = await failing("inputs.dates", "accept-impossible-day");
    const messages = findings.map((f) => f.message);
    expect(messages.every((m) => m.includes("2025-02-30"))).toBe(true);
    expect(new Set(findings.map((f) => f.operation?.path))).toEqual(
      new Set(["/companies/{CompanyId}/profit-and-loss", "/companies/{CompanyId}/balance-sheet", "/companies/{CompanyId}/cash-flow", "/companies/{CompanyId}/non-financial"]),
    );
    for (const f of findings) expect(f.curl).toContain("2025-02-30");
  });
  it("inputs.paging: limit and offset that are not numbers, on every list", async () => {
    const findings = await failing("inputs.paging", "non-numeric-paging-default");
    expect(findings.map((f) => f.message).join("\n")).toMatch(/limit=abc/);
    expect(findings.map((f) => f.message).join("\n")).toMatch(/offset=xyz/);
    expect(findings.some((f) => /limit=1001|limit=0|offset=-1/.test(f.message))).toBe(false);
  });
  it("inputs.required-parameters: each missing parameter of each statement, derived from the spec", async () => {
    const findings = await failing("inputs.required-parameters", "default-required-parameters");
    expect(findings.map((f) => f.operation?.path.split("/").pop()).sort()).toEqual(["balance-sheet", "cash-flow", "profit-and-loss"]);
    for (const f of findings) {
      // The first request's curl leaves out the parameter it names; the folded ones are listed.
      const first = /without the required query parameter (\w+)/.exec(f.message)![1];
      expect(f.curl).not.toMatch(new RegExp(`[?&]${first}=`));
      for (const p of ["StartDate", "EndDate", "AccountingBasis"]) expect(f.message).toContain(p);
      expect(f.message).toMatch(/The same goes for the requests without \w+; without \w+\./);
    }
  });
  it("inputs.unknown-company: the id shaped like a listed one, not reach-check's own", async () => {
    const findings = await failing("inputs.unknown-company", "lookalike-company-500");
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      // one letter of the first listed company changed, still a letter
      expect(f.company).toMatch(/^alder-finc[a-z]$/);
      expect(f.company).not.toBe("alder-finch");
      expect(f.message).toContain("shaped like alder-finch");
    }
  });
});

describe("schema.statement-filters", () => {
  it("tries up to --sample-size ids of each list, with both bases and three date ranges", async () => {
    const one = resultOf(await checkReference({ only: ["schema.statement-filters"], settings: { sampleSize: 1 } }), "schema.statement-filters");
    const three = resultOf(await checkReference({ only: ["schema.statement-filters"] }), "schema.statement-filters");
    // 2 companies x 3 statements x 2 bases x 3 ranges = 36 unfiltered; filters: alder-finch has 1 budget, 0 classes,
    // 4 departments; northwind-outfitters 3 budgets, 6 classes, 7 departments.
    expect(one.summary).toMatch(/^(\d+) statement requests/);
    const count = (s: string) => Number(/^(\d+) statement requests/.exec(s)![1]);
    expect(count(one.summary)).toBe(36 + 3 * 2 * (1 + 0 + 1) + 3 * 2 * (1 + 1 + 1));
    expect(count(three.summary)).toBe(36 + 3 * 2 * (1 + 0 + 3) + 3 * 2 * (3 + 3 + 3));
    expect(three.summary).toContain("across a year boundary");
  });
});

describe("pagination.walk", () => {
  it("names the record a page starting one record late loses, where it belongs, and does not blame the total", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["page-skip"] }), "pagination.walk");
    const all = r.findings.map((x) => `${x.code}: ${x.message}`);
    expect(codes(r), JSON.stringify(all, null, 2)).toEqual(["pagination.walk/records-lost"]);
    // 61 accounts walked with limit 21: pages at offset 0, 21, 42, 60; the page at 21 starts at position 22.
    const f = r.findings.find((x) => x.company === "northwind-outfitters" && x.operation?.path.endsWith("/chart-of-accounts"));
    expect(f, JSON.stringify(all, null, 2)).toBeDefined();
    expect(f!.severity).toBe("fail");
    expect(f!.message).toMatch(
      /^Walking the chart of accounts list of northwind-outfitters with limit 21 returned 60 of its 61 records \(the single page with limit 1000 holds 61, as Pagination\.total says\), in the same order, but this record is on no page \(positions in the whole list, counting from 0\): AccountId (\S+) \(position 21, where the page at offset 21 should start\)\. It is where a page should start, and the page at offset 21 starts with AccountId (\S+) \(position 22\) instead: a page asked with an offset starts one record late/,
    );
    expect(f!.message).not.toMatch(/different order|says 61 records, but/);
    expect(f!.fix).toMatch(/off-by-one/);
    expect(f!.fix).toMatch(/offset 21 must return the record at position 21 first/);
    expect(f!.fix).not.toMatch(/Pagination\.total|Sort/);
    // the page that starts late, its first record shown
    expect(f!.curl).toMatch(/offset=21&limit=21/);
    expect(f!.pointer).toBe("/Data/0/AccountId");
    const head = /starts with AccountId (\S+) \(position 22\)/.exec(f!.message)![1];
    expect((JSON.parse(f!.evidence!.bodyExcerpt!) as { AccountId: string }).AccountId).toBe(head);
    expect(f!.evidence).toMatchObject({ actual: `AccountId ${head} (position 22)` });
    // a list walked one record a page: the page at offset 1 starts at position 2 (budgets: 3 records)
    const budgets = r.findings.find((x) => x.company === "northwind-outfitters" && x.operation?.path.endsWith("/budgets"));
    expect(budgets!.message).toMatch(/with limit 1 returned 2 of its 3 records .*\(position 1, where the page at offset 1 should start\)\. .*the page at offset 1 starts with BudgetId \S+ \(position 2\)/);
  });

  it("names a record the small pages leave out mid-page, with the generic fix, and stable-order stays quiet", async () => {
    // With a small limit, northwind-outfitters' chart of accounts is served without the record at
    // position 30, Pagination still echoing what was asked and counting 61.
    const LOST = 30;
    const wrap: Wrap = async (req, next) => {
      const q = req.url.searchParams;
      const limit = Number(q.get("limit") ?? "1000");
      const offset = Number(q.get("offset") ?? "0");
      if (!req.url.pathname.endsWith("/northwind-outfitters/chart-of-accounts") || limit >= 1000) return next();
      if (offset > LOST) q.set("offset", String(offset + 1));
      else if (offset + limit > LOST) q.set("limit", String(limit + 1));
      const reply = await next();
      if (reply.status !== 200) return reply;
      return editJson<{ Data: unknown[]; Pagination: { offset: number; limit: number } }>(reply, (body) => {
        if (offset <= LOST && offset + limit > LOST) body.Data.splice(LOST - offset, 1);
        body.Pagination.offset = offset;
        body.Pagination.limit = limit;
      });
    };
    const report = await checkReference({ only: ["pagination.walk", "pagination.stable-order"], wrap });
    const r = resultOf(report, "pagination.walk");
    const all = r.findings.map((x) => `${x.code}: ${x.message}`);
    expect(codes(r), JSON.stringify(all, null, 2)).toEqual(["pagination.walk/records-lost"]);
    expect(r.findings.length).toBe(1);
    const f = r.findings[0];
    expect(f.message).toMatch(/with limit 21 returned 60 of its 61 records .*: AccountId \S+ \(position 30, which belongs on the page at offset 21\)\. The pages leave it out while Pagination\.total counts it\.$/);
    expect(f.fix).toMatch(/^Serve every record of the list on the page its position puts it on/);
    expect(f.curl).toMatch(/offset=21&limit=21/);
    expect(f.pointer).toBe("/Data");
    expect(resultOf(report, "pagination.stable-order").status).toBe("pass");
  });
  it("names a cap on limit by its echo, and reads the whole list by Pagination.total, with no endless small walk", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["cap-limit"] }), "pagination.walk");
    // the small walk is budgeted for the 61 records Pagination.total announces, not the 20 of one page
    expect(codes(r)).not.toContain("pagination.walk/endless");
    const echo = r.findings.find((f) => f.code === "pagination.walk/limit-echo")!;
    expect(echo.message).toMatch(/reports Pagination\.limit 20, but limit=1000 was asked/);
    expect(echo.pointer).toBe("/Pagination/limit");
    expect(echo.evidence?.request).toContain("limit=1000");
    expect(echo.curl).toMatch(/^curl /);
    // Read on past the short pages, the walk holds as many records as the total says: no mismatch.
    expect(codes(r)).not.toContain("pagination.walk/total-mismatch");
    // The echo names the cap; a second finding on the short pages would say it again.
    expect(codes(r)).not.toContain("pagination.walk/short-page");
  });

  it("notes pages shorter than the limit before the end (info: the spec allows them), and reads on to the end by Pagination.total", async () => {
    const report = await checkReference({ only: ["pagination.walk", "accuracy.known-accounts", "accuracy.balance-sheet", "accuracy.unique-accounts"], defects: ["short-pages"] });
    const r = resultOf(report, "pagination.walk");
    expect(r.status).toBe("pass");
    expect(report.verdict).toBe("ready");
    const short = r.findings.filter((f) => f.code === "pagination.walk/short-page");
    // One per list long enough to need a second page (folded over the two walks of each list).
    expect(short.length).toBeGreaterThan(0);
    const chart = short.find((f) => f.operation?.path.endsWith("/chart-of-accounts") && f.company === "northwind-outfitters")!;
    expect(chart.message).toMatch(/at offset 0 holds 20 records, fewer than the limit of 1000, but is not the last: 41 more records follow/);
    expect(chart.severity).toBe("info");
    expect(chart.message).toMatch(/The spec allows it/);
    expect(chart.fix).toMatch(/^Nothing is required\./);
    expect(chart.evidence?.request).toContain("limit=1000");
    // The chart was read whole: the accuracy checks judge every account, none is skipped for it.
    for (const id of ["accuracy.known-accounts", "accuracy.balance-sheet", "accuracy.unique-accounts"]) {
      expect(resultOf(report, id).status, `${id}: ${resultOf(report, id).summary}`).toBe("pass");
    }
    expect(resultOf(report, "accuracy.unique-accounts").summary).toMatch(/^117 accounts over 2 companies/);
  });

  it("names the wrong offset echo with its pointer, the asked offset and the answered one", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.walk"], defects: ["echo-offset-zero"] }), "pagination.walk");
    const f = r.findings[0];
    expect(f.pointer).toBe("/Pagination/offset");
    expect(f.message).toMatch(/reports Pagination\.offset 0, but offset=\d+ was asked/);
    expect(f.evidence?.expected).toMatch(/^offset = [1-9]\d*$/);
    expect(f.evidence?.actual).toBe("offset = 0");
  });

  it("says a list longer than --max-pages lets the run read is reach-check's bound, not an endless list", async () => {
    // The reference partner's lists are conformant: with pages of 10 and at most 2 pages, the longer
    // ones are still going (new records, Pagination.total above what was read) when the cap stops them.
    const report = await checkReference({ only: ["pagination.walk", "schema.reference-lists"], settings: { pageSize: 10, maxPages: 2 } });
    const walk = resultOf(report, "pagination.walk");
    expect(codes(walk)).not.toContain("pagination.walk/endless");
    const lists = resultOf(report, "schema.reference-lists");
    expect(lists.status).toBe("fail");
    expect(codes(lists)).not.toContain("schema.reference-lists/endless");
    const capped = lists.findings.filter((f) => f.code === "schema.reference-lists/page-cap");
    expect(capped.length).toBeGreaterThan(0);
    for (const f of capped) {
      expect(f.rule.ref).toBe("reach-check:max-pages");
      expect(f.message).toMatch(/^reach-check read only 20 of the (\d+) records of the .* list of /);
      const total = Number(/of the (\d+) records/.exec(f.message)![1]);
      // Enough pages of 10 for the total, plus the page that may say "end".
      expect(f.fix).toContain(`--max-pages ${Math.ceil(total / 10) + 1} or more`);
      expect(f.fix).toContain("A larger --page-size (now 10, at most 1000) needs fewer pages.");
      expect(f.evidence?.actual).toBe(`20 of ${total} records in 2 pages`);
    }
    expect(report.verdict).toBe("not-ready");
    expect(nextStep(report)).toMatch(/page cap \(--max-pages\) stopped a list before its end/);
  });

  it("names the partner's own page size when its short pages make a list longer than --max-pages", async () => {
    // short-pages: pages of at most 20 records whatever limit is asked (the run asks 1000).
    const report = await checkReference({ only: ["schema.reference-lists"], defects: ["short-pages"], settings: { maxPages: 2 } });
    const capped = resultOf(report, "schema.reference-lists").findings.filter((f) => f.code === "schema.reference-lists/page-cap");
    expect(capped.length).toBeGreaterThan(0);
    for (const f of capped) {
      expect(f.message).toMatch(/^reach-check read only 40 of the \d+ records .*its pages hold about 20 records/);
      expect(f.fix).toContain("its pages hold about 20 where the `limit` asked was 1000");
    }
  });
});

describe("pagination.stable-order: the same record read twice", () => {
  it("warns when a record's field differs between the two walks (a value computed per call)", async () => {
    // Per company: every second answer of its metrics list writes the units in capitals.
    const calls = new Map<string, number>();
    const wrap: import("../../helpers/harness.js").Wrap = async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/non-financial-metrics") || reply.status !== 200) return reply;
      const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: { Unit: string }[] };
      const n = (calls.get(req.url.pathname) ?? 0) + 1;
      calls.set(req.url.pathname, n);
      if (n % 2 === 0) for (const m of body.Data) m.Unit = m.Unit.toUpperCase();
      return { ...reply, body: JSON.stringify(body) };
    };
    const r = resultOf(await checkReference({ only: ["pagination.stable-order"], wrap }), "pagination.stable-order");
    const f = r.findings.find((x) => x.code === "pagination.stable-order/record-differs");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.severity).toBe("warn");
    expect(f!.message).toMatch(/gave NonFinancialId \S+ with Unit "[a-z]+" when walked with limit 1000, and "[A-Z]+" a moment later with limit \d+/);
    expect(f!.pointer).toMatch(/^\/Data\/\d+\/Unit$/);
  });

  it("stays quiet on the reference partner", async () => {
    const r = resultOf(await checkReference({ only: ["pagination.stable-order"] }), "pagination.stable-order");
    expect(r.findings).toEqual([]);
  });
});

describe("inputs checks behind a rate limit", () => {
  it("say that a 429 without Retry-After left the input unjudged, not that the input was refused wrongly", async () => {
    // Every statement request with a StartDate that is no date meets the partner's rate limit.
    const wrap: Wrap = async (req, next) => {
      const start = req.url.searchParams.get("StartDate");
      if (start !== null && !/^\d{4}-\d\d-\d\d$/.test(start)) {
        return { status: 429, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "TooManyRequests", message: "Slow down.", level: 7 }] }) };
      }
      return next();
    };
    const r = resultOf(await checkReference({ only: ["inputs.dates"], wrap }), "inputs.dates");
    const limited = r.findings.filter((f) => f.evidence?.actual === "429");
    expect(limited.length).toBeGreaterThan(0);
    for (const f of limited) {
      expect(f.message).toMatch(/answered a request .* with 429 \(too many requests\) instead of 400 or 404: the partner's rate limit answered, so how it handles the input was not judged\.$/);
      expect(f.message).not.toMatch(/refused a request/);
      expect(f.fix).toMatch(/^Let Reach's requests through \(or send Retry-After/);
    }
  });
});

describe("pagination.defaults and its own request", () => {
  it("fails a 502 to the request with the defaults written out, which no other check sends", async () => {
    const wrap: Wrap = async (req, next) =>
      req.url.pathname === "/companies/alder-finch/chart-of-accounts" && req.url.searchParams.get("limit") === "100"
        ? { status: 502, headers: { "content-type": "text/html" }, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" }
        : next();
    const r = resultOf(await checkReference({ only: ["pagination.defaults"], wrap }), "pagination.defaults");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "pagination.defaults/status")!;
    expect(f.company).toBe("alder-finch");
    expect(f.message).toMatch(/answered 502 with an HTML page to a valid request/);
    expect(f.curl).toMatch(/limit=100/);
  });
});
