/**
 * The accuracy, freshness and sync checks against the reference partner: the clean partner passes
 * each with no finding; each defect switch gets the finding it must.
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, editJson, resultOf, tooManyRequests, type HarnessOptions, type Wrap } from "../../helpers/harness.js";
import { cadenceOf } from "../../../src/probes/freshness/non-financial.js";

interface Case {
  defects: string[];
  status: "fail" | "warn";
  codes: string[];
  /** Extra pipeline settings (e.g. more concurrency for a slow partner). */
  settings?: HarnessOptions["settings"];
}

const TABLES: { id: string; invalid: Case[] }[] = [
  { id: "accuracy.balance-sheet", invalid: [{ defects: ["unbalanced-balance-sheet"], status: "fail", codes: ["accuracy.balance-sheet/unbalanced"] }] },
  { id: "accuracy.known-accounts", invalid: [{ defects: ["unknown-account-row"], status: "fail", codes: ["accuracy.known-accounts/unknown-account"] }] },
  { id: "accuracy.statement-types", invalid: [{ defects: ["income-on-balance-sheet"], status: "fail", codes: ["accuracy.statement-types/wrong-type"] }] },
  { id: "accuracy.cash-flow", invalid: [{ defects: ["cash-flow-balances"], status: "fail", codes: ["accuracy.cash-flow/not-movements"] }] },
  {
    id: "accuracy.sign-convention",
    invalid: [
      { defects: ["expenses-negative"], status: "fail", codes: ["accuracy.sign-convention/reversed"] },
      { defects: ["balance-sheet-negated"], status: "fail", codes: ["accuracy.sign-convention/reversed"] },
    ],
  },
  { id: "accuracy.unique-accounts", invalid: [{ defects: ["duplicate-account"], status: "fail", codes: ["accuracy.unique-accounts/duplicate"] }] },
  { id: "accuracy.hierarchy", invalid: [{ defects: ["cyclic-hierarchy"], status: "fail", codes: ["accuracy.hierarchy/cycle"] }] },
  { id: "accuracy.segment-splits", invalid: [{ defects: ["ignore-class-filter"], status: "fail", codes: ["accuracy.segment-splits/filter-ignored"] }] },
  {
    id: "accuracy.filter-ids",
    invalid: [
      { defects: ["unknown-filter-ignored"], status: "fail", codes: ["accuracy.filter-ids/unknown-accepted"] },
      { defects: ["statement-filter-ignored"], status: "fail", codes: ["accuracy.filter-ids/unknown-accepted"] },
    ],
  },
  {
    id: "accuracy.metric-values",
    invalid: [
      { defects: ["metric-unknown-id"], status: "fail", codes: ["accuracy.metric-values/unknown-metric"] },
      { defects: ["metric-ids-ignored"], status: "fail", codes: ["accuracy.metric-values/not-requested"] },
      { defects: ["metric-duplicate-row"], status: "fail", codes: ["accuracy.metric-values/duplicate"] },
      { defects: ["metric-extra-months"], status: "fail", codes: ["accuracy.metric-values/outside-range"] },
    ],
  },
  {
    id: "accuracy.metric-filters",
    invalid: [
      { defects: ["metric-class-ignored"], status: "warn", codes: ["accuracy.metric-filters/filter-ignored"] },
      { defects: ["metric-budget-ignored"], status: "warn", codes: ["accuracy.metric-filters/filter-ignored"] },
      { defects: ["unknown-filter-ignored"], status: "warn", codes: ["accuracy.metric-filters/unknown-accepted"] },
    ],
  },
  { id: "freshness.date-header", invalid: [{ defects: ["clock-skew"], status: "warn", codes: ["freshness.date-header/skew"] }] },
  {
    id: "reliability.rehearsal",
    invalid: [
      { defects: ["rate-limit"], status: "warn", codes: ["reliability.rehearsal/rate-limited"] },
      { defects: ["rate-limit-no-retry-after"], status: "fail", codes: ["reliability.rehearsal/rate-limited-no-retry-after"] },
      { defects: ["intermittent-500"], status: "fail", codes: ["reliability.rehearsal/server-error"] },
      { defects: ["maintenance-503"], status: "warn", codes: ["reliability.rehearsal/unavailable"] },
    ],
  },
  { id: "reliability.stability", invalid: [{ defects: ["changing-data"], status: "warn", codes: ["reliability.stability/changed"] }] },
];

describe.each(TABLES)("$id", (t) => {
  it("passes on the clean reference partner", async () => {
    const r = resultOf(await checkReference({ only: [t.id] }), t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });
  it.each(t.invalid)("$defects -> $status $codes", async (c) => {
    const r = resultOf(await checkReference({ only: [t.id], defects: c.defects, settings: c.settings }), t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe(c.status);
    expect(codes(r)).toEqual(c.codes);
    for (const f of r.findings) {
      expect(f.rule.ref.length, f.code).toBeGreaterThan(3);
      expect(f.fix.length, f.code).toBeGreaterThan(10);
      if (f.severity === "fail" && f.evidence?.status !== undefined) expect(f.curl, f.code).toMatch(/^curl /);
    }
  });
});

describe("accuracy findings say where and how much", () => {
  it("asks every statement about an unknown filter id, and names the ones that ignore it", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], defects: ["statement-filter-ignored"] }), "accuracy.filter-ids");
    // Two companies x BudgetId, ClassId, DepartmentId x balance sheet and cash flow; the profit and loss refuses them.
    expect(r.findings).toHaveLength(12);
    expect(new Set(r.findings.map((f) => f.operation?.path))).toEqual(new Set(["/companies/{CompanyId}/balance-sheet", "/companies/{CompanyId}/cash-flow"]));
    for (const f of r.findings) {
      expect(f.message).toMatch(/(BudgetId|ClassId|DepartmentId)=reach-check-unknown-/);
      expect(f.curl).toMatch(/(BudgetId|ClassId|DepartmentId)=reach-check-unknown-/);
    }
  });
  it("names the unbalanced periods and the difference", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.balance-sheet"], defects: ["unbalanced-balance-sheet"] }), "accuracy.balance-sheet");
    // The reference clock is 2026-11-15; the defect moves cash in the latest two ledger months.
    expect(r.findings).toHaveLength(4); // two companies × two bases
    for (const f of r.findings) {
      expect(f.message).toContain("2026-10: 1234.56");
      expect(f.message).toContain("2026-11: 1234.56");
      expect(f.company).toBeDefined();
      expect(f.operation?.path).toBe("/companies/{CompanyId}/balance-sheet");
    }
  });
  it("points at the orphan row", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.known-accounts"], defects: ["unknown-account-row"] }), "accuracy.known-accounts");
    for (const f of r.findings) {
      expect(f.message).toContain("acc-9999");
      expect(f.pointer).toMatch(/^\/Data\/\d+\/AccountId$/);
      expect(f.evidence?.bodyExcerpt).toContain("acc-9999");
    }
  });
  it("names the cycle", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.hierarchy"], defects: ["cyclic-hierarchy"] }), "accuracy.hierarchy");
    expect(r.findings[0].message).toMatch(/acc-\d+ → acc-\d+ → acc-\d+/);
  });
});

describe("accuracy.metric-values on a month dropped from every metric", () => {
  it("warns, naming the month and the metrics", async () => {
    let dropped = 0;
    const report = await checkReference({
      only: ["accuracy.metric-values"],
      wrap: async (req, next) => {
        const reply = await next();
        if (req.method !== "POST" || !req.url.pathname.endsWith("/non-financial") || reply.status !== 200) return reply;
        return editJson<{ Data: { Period: string }[] }>(reply, (body) => {
          const kept = body.Data.filter((r) => r.Period !== "2026-03");
          dropped += body.Data.length - kept.length;
          body.Data = kept;
        });
      },
    });
    expect(dropped).toBeGreaterThan(0);
    const r = resultOf(report, "accuracy.metric-values");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(new Set(codes(r))).toEqual(new Set(["accuracy.metric-values/missing-month"]));
    for (const f of r.findings) {
      expect(f.message).toMatch(/without a value for \d+ metric-months? between months that have one \(\d+ metrics?, month 2026-03\)/);
      expect(f.pointer).toBe("/Data");
      expect(f.curl).toMatch(/non-financial/);
    }
  });
});

describe("a live ledger: the current month moves between requests", () => {
  /** +1.00 on the first non-zero row of `month` in every other unfiltered or filtered P&L answer. */
  const moving = (month: string): Wrap => {
    let n = 0;
    return async (req, next) => {
      const reply = await next();
      if (!req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
      if (n++ % 2 === 0) return reply;
      return editJson<{ Data: { Period: string; Amount: number }[] }>(reply, (body) => {
        const row = body.Data.find((r) => r.Period === month && r.Amount !== 0);
        if (row) row.Amount = Math.round(row.Amount * 100 + 100) / 100;
      });
    };
  };
  const ids = ["reliability.stability", "accuracy.segment-splits"];

  it("sets the current month aside in the stability and class-sum checks, and says so", async () => {
    const report = await checkReference({ only: ids, wrap: moving("2026-11") });
    const stability = resultOf(report, "reliability.stability");
    expect(stability.status, JSON.stringify(stability.findings.map((f) => f.message))).toBe("pass");
    expect(stability.summary).toMatch(/identical \(\d+ differences? in the current month, 2026-11(\/2026-1[12])*, set aside: the books of the month in progress may move while they are read\)\.$/);
    const splits = resultOf(report, "accuracy.segment-splits");
    expect(splits.status, JSON.stringify(splits.findings.map((f) => f.message))).toBe("pass");
  });

  it("still reports the same movement in a closed month", async () => {
    const report = await checkReference({ only: ids, wrap: moving("2026-06") });
    expect(codes(resultOf(report, "reliability.stability"))).toContain("reliability.stability/changed");
    expect(codes(resultOf(report, "accuracy.segment-splits"))).toContain("accuracy.segment-splits/class-remainder");
  });
});

describe("accuracy.basis", () => {
  it("passes the reference partner, whose bases differ", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.basis"] }), "accuracy.basis");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/^The two bases give different figures for alder-finch, northwind-outfitters\.$/);
  });

  it("warns when CASH is answered with the ACCRUAL figures on every statement", async () => {
    const report = await checkReference({
      only: ["accuracy.basis"],
      wrap: async (req, next) => {
        if (req.url.searchParams.get("AccountingBasis") === "CASH") req.url.searchParams.set("AccountingBasis", "ACCRUAL");
        return next();
      },
    });
    const r = resultOf(report, "accuracy.basis");
    expect(r.status).toBe("warn");
    expect(r.findings.map((f) => [f.code, f.company])).toEqual([
      ["accuracy.basis/identical", "alder-finch"],
      ["accuracy.basis/identical", "northwind-outfitters"],
    ]);
    for (const f of r.findings) {
      expect(f.message).toMatch(/^Every statement of \S+ is the same on AccountingBasis=ACCRUAL and AccountingBasis=CASH, row for row over the sync's months \(.*profit and loss \d+ rows.*\): AccountingBasis looks ignored\./);
      expect(f.message).toMatch(/balance sheet \d+ rows/);
      expect(f.curl).toMatch(/AccountingBasis=CASH/);
    }
  });

  it("does not call the company's basis ignored when only its balance sheet is the same on both bases", async () => {
    const report = await checkReference({
      only: ["accuracy.basis"],
      wrap: async (req, next) => {
        if (req.url.pathname.endsWith("/balance-sheet") && req.url.searchParams.get("AccountingBasis") === "CASH") req.url.searchParams.set("AccountingBasis", "ACCRUAL");
        return next();
      },
    });
    // The profit and loss differs month by month, so the earnings and the balance sheet must too:
    // the balance sheet alone is named (statement-identical), not the company (identical).
    expect(codes(resultOf(report, "accuracy.basis"))).toEqual(["accuracy.basis/statement-identical"]);
  });

  it("does not name a balance sheet when the profit and loss differs only in how rows are classed", async () => {
    // On CASH, the profit and loss books one account's amounts under another account of the same
    // month: rows differ, monthly totals (and so the earnings) do not; the balance sheet is the same.
    const report = await checkReference({
      only: ["accuracy.basis"],
      wrap: async (req, next) => {
        const cash = req.url.searchParams.get("AccountingBasis") === "CASH";
        if (cash && /\/(balance-sheet|cash-flow|profit-and-loss)$/.test(req.url.pathname)) req.url.searchParams.set("AccountingBasis", "ACCRUAL");
        const reply = await next();
        if (!cash || !req.url.pathname.endsWith("/profit-and-loss") || reply.status !== 200) return reply;
        return editJson<{ Data: { AccountId: string; Period: string; Amount: number }[] }>(reply, (body) => {
          const first = body.Data.find((r) => r.Amount !== 0);
          const other = first && body.Data.find((r) => r.Period === first.Period && r.AccountId !== first.AccountId);
          if (first && other) {
            other.Amount = Math.round((other.Amount + first.Amount) * 100) / 100;
            first.Amount = 0;
          }
        });
      },
    });
    expect(codes(resultOf(report, "accuracy.basis"))).toEqual([]);
  });
});

describe("freshness.date-header without any Date header", () => {
  it("warns (RFC 9110 requires one), with a response that shows it", async () => {
    const r = resultOf(
      await checkReference({ only: ["freshness.date-header"], wrap: async (_req, next) => ({ ...(await next()), noDate: true }) }),
      "freshness.date-header",
    );
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["freshness.date-header/missing"]);
    const f = r.findings[0];
    expect(f.rule.ref).toBe("rfc9110#section-6.6.1");
    expect(f.evidence?.actual).toBe("(no Date header)");
    expect(f.curl).toMatch(/^curl /);
  });
});

describe("accuracy.segment-splits on a lone split equal to the whole", () => {
  it("passes a budget that equals the actuals, and says so instead of 'every split differs'", async () => {
    // A forecast budget copied from the actuals: one id holding everything is allowed (two unrelated ones are not).
    let budget: string | undefined;
    const report = await checkReference({
      only: ["accuracy.segment-splits"],
      wrap: async (req, next) => {
        const id = req.url.searchParams.get("BudgetId");
        if (id !== null && /\/profit-and-loss$/.test(req.url.pathname)) {
          budget ??= id;
          if (id === budget) req.url.searchParams.delete("BudgetId");
        }
        return next();
      },
    });
    expect(budget).toBeDefined();
    const r = resultOf(report, "accuracy.segment-splits");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/^No filter is ignored \(\d+ splits? equals? the whole where one id can hold all of the activity\)/);
    expect(r.summary).not.toMatch(/Every split differs/);
  });
});

describe("freshness through the injected clock", () => {
  it("data that stops three months ago names its latest period", async () => {
    const report = await checkReference({ only: ["freshness.profit-and-loss", "freshness.balance-sheet", "freshness.non-financial"], defects: ["stale-data"] });
    for (const id of ["freshness.profit-and-loss", "freshness.balance-sheet", "freshness.non-financial"]) {
      const r = resultOf(report, id);
      expect(r.status, id).toBe("fail");
      // Clock 2026-11-15: the ledger stops at 2026-08; 2026-10 is the oldest period allowed.
      expect(r.findings.every((f) => f.message.includes("2026-08") && f.message.includes("2026-10")), id).toBe(true);
      expect(r.summary).toContain("2026-08");
    }
  });
  it("metrics measured quarterly that reach their latest quarter warn (sparse); older ones still fail", async () => {
    /** Keeps the metric values of quarter-end months (March, June, September, December) up to `upTo`. */
    const quarterly =
      (upTo: string): Wrap =>
      async (req, next) => {
        const reply = await next();
        if (req.method !== "POST" || !req.url.pathname.endsWith("/non-financial") || reply.status !== 200) return reply;
        return editJson<{ Data: { Period: string }[] }>(reply, (body) => {
          body.Data = body.Data.filter((r) => Number(r.Period.slice(5)) % 3 === 0 && r.Period <= upTo);
        });
      };
    // Clock 2026-11-15: the latest quarter end before it is 2026-09.
    const current = resultOf(await checkReference({ only: ["freshness.non-financial"], wrap: quarterly("2026-09") }), "freshness.non-financial");
    expect(current.status).toBe("warn");
    expect(new Set(codes(current))).toEqual(new Set(["freshness.non-financial/sparse"]));
    for (const f of current.findings) {
      expect(f.message).toMatch(/stop at 2026-09: every metric with more than one value has one every 3 months, and 2026-09 is the latest such month/);
      expect(f.evidence?.actual).toBe("latest: 2026-09, one value every 3 months");
    }
    const old = resultOf(await checkReference({ only: ["freshness.non-financial"], wrap: quarterly("2026-06") }), "freshness.non-financial");
    expect(old.status).toBe("fail");
    expect(new Set(codes(old))).toEqual(new Set(["freshness.non-financial/stale"]));
  });
  it("cadenceOf: the step every metric keeps, else 1", () => {
    const rows = (spec: Record<string, string[]>) => Object.entries(spec).flatMap(([id, periods]) => periods.map((period) => ({ id, period })));
    expect(cadenceOf(rows({ a: ["2026-03", "2026-06", "2026-09"], b: ["2025-12", "2026-03"] }))).toBe(3);
    expect(cadenceOf(rows({ a: ["2024-12", "2025-12"], b: ["2026-03"] }))).toBe(12);
    expect(cadenceOf(rows({ a: ["2026-03", "2026-06", "2026-09"], b: ["2026-08", "2026-09"] }))).toBe(1);
    expect(cadenceOf(rows({ a: ["2026-03", "2026-06", "2026-08"] }))).toBe(1);
    expect(cadenceOf(rows({ a: ["2026-03"] }))).toBe(1);
  });
  it("the Date header is judged against the real clock, not --now", async () => {
    // --now far in the past: the partner's Date header still tells the real time, which is right.
    const r = resultOf(await checkReference({ only: ["freshness.date-header"], now: "2024-03-10T08:00:00Z" }), "freshness.date-header");
    expect(r.status).toBe("pass");
  });
});

describe("reliability.rehearsal", () => {
  it("reports the sync's figures", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal"] });
    const reh = report.rehearsal!;
    expect(reh.companies).toEqual(["alder-finch", "northwind-outfitters"]);
    expect(reh.concurrency).toBe(4);
    expect(reh.statuses).toEqual({ "2xx": reh.requests });
    expect(reh.retries).toBe(0);
    // Per company: info, 5 lists, 3 statements × 2 bases, metric values, and the P&L per budget, class and department.
    const ops = new Map(reh.operations.map((o) => [o.operation, o]));
    expect(ops.get("GET /companies/{CompanyId}")?.count).toBe(2);
    expect(ops.get("GET /companies/{CompanyId}/balance-sheet")?.count).toBe(4);
    expect(ops.get("GET /companies/{CompanyId}/profit-and-loss")?.count).toBe(4 + (3 + 6 + 7) + (1 + 0 + 4));
    for (const o of reh.operations) expect(o.p50Ms <= o.p95Ms && o.p95Ms <= o.maxMs).toBe(true);
  });
  it("counts 429 retries and their statuses", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal"], defects: ["rate-limit"] });
    const reh = report.rehearsal!;
    expect(reh.retries).toBeGreaterThan(0);
    expect(reh.statuses["429"]).toBe(reh.retries);
    expect(reh.requests).toBe(reh.statuses["429"] + reh.statuses["2xx"]);
  });
  it("fails a limit that refuses every retry, with how many retries it refused", async () => {
    // Every cash flow: 429 with Retry-After: 0, however long reach-check waits.
    const report = await checkReference({
      only: ["reliability.rehearsal"],
      wrap: async (req, next) =>
        /\/cash-flow$/.test(req.url.pathname)
          ? tooManyRequests("0")
          : next(),
    });
    const r = resultOf(report, "reliability.rehearsal");
    expect(r.status).toBe("fail");
    const persists = r.findings.filter((f) => f.code === "reliability.rehearsal/rate-limit-persists");
    expect(persists.length).toBeGreaterThan(0);
    expect(persists[0].operation?.path).toBe("/companies/{CompanyId}/cash-flow");
    expect(persists[0].message).toMatch(/again after 5 retries that honoured Retry-After/);
  }, 60_000);
  it("reports a Retry-After longer than --max-retry-wait instead of waiting it out", async () => {
    const started = Date.now();
    const report = await checkReference({ only: ["reliability.rehearsal"], defects: ["maintenance-503"], settings: { maxRetryWaitMs: 0 } });
    const r = resultOf(report, "reliability.rehearsal");
    expect(codes(r)).toEqual(["reliability.rehearsal/retry-after-too-long"]);
    expect(report.rehearsal!.retries).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
  it("says when a server error of the sync was answered otherwise in the run's first pass", async () => {
    // The company's record answers 500 the second time it is served with data: in the timed pass,
    // after the run's first pass (which the accuracy checks read) read it.
    let served = 0;
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/companies/alder-finch" || reply.status !== 200) return reply;
      served++;
      if (served !== 2) return reply;
      return { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Internal", message: "Boom." }] }) };
    };
    const report = await checkReference({ only: ["accuracy.balance-sheet", "reliability.rehearsal"], wrap });
    const f = resultOf(report, "reliability.rehearsal").findings.find((x) => x.code === "reliability.rehearsal/server-error")!;
    expect(f.company).toBe("alder-finch");
    expect(f.message).toMatch(/answered 500 during the sync; .* The same request was answered 200 in the run's first pass over the same data\.$/);
    expect(f.fix).toContain("The failure comes and goes: one replay of the curl line may not show it");
  });
  it("stays within the run's request budget and says so", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal"], settings: { maxRequests: 30 } });
    const r = resultOf(report, "reliability.rehearsal");
    expect(codes(r)).toEqual(["reliability.rehearsal/budget"]);
    expect(r.status).toBe("warn");
    expect(report.stats.requests).toBeLessThanOrEqual(30);
  });
  it("a slow operation shows in the figures and warns once, in reliability.latency", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal", "reliability.latency"], defects: ["slow-operation"], settings: { concurrency: 16 } });
    const pl = report.rehearsal!.operations.find((o) => o.operation === "GET /companies/{CompanyId}/profit-and-loss")!;
    expect(pl.p95Ms).toBeGreaterThan(2000);
    expect(resultOf(report, "reliability.rehearsal").status).toBe("pass");
    expect(resultOf(report, "reliability.rehearsal").summary).toContain("slow: GET /companies/{CompanyId}/profit-and-loss");
    const latency = resultOf(report, "reliability.latency");
    expect(codes(latency)).toEqual(["reliability.latency/slow"]);
    expect(latency.findings).toHaveLength(1);
    // The slowest request is named, shown and reproducible with its timing.
    const f = latency.findings[0];
    const [, path, ms] = /The slowest was (\/companies\/\S+\/profit-and-loss\?\S+) \((\d+) ms\)\./.exec(f.message)!;
    expect(Number(ms)).toBeGreaterThan(2000);
    expect(f.evidence!.request).toBe(path);
    expect(f.evidence!.status).toBe(200);
    expect(f.curl).toContain(path.replace(/'/g, ""));
    expect(f.curl).toMatch(/ -o \/dev\/null -w '%\{http_code\} first byte %\{time_starttransfer\}s, total %\{time_total\}s\\n'$/);
  }, 60_000);
});

describe("reliability.stability", () => {
  it("lists which records and fields changed, bounded", async () => {
    const r = resultOf(await checkReference({ only: ["reliability.stability"], defects: ["changing-data"] }), "reliability.stability");
    expect(r.findings.length).toBeLessThanOrEqual(20);
    const bs = r.findings.find((f) => f.operation?.path === "/companies/{CompanyId}/balance-sheet")!;
    expect(bs.message).toMatch(/acc-\d+ \d{4}-\d{2}: Amount [\d.]+ → [\d.]+/);
    const budgets = r.findings.find((f) => f.operation?.path === "/companies/{CompanyId}/budgets")!;
    expect(budgets.message).toMatch(/Pagination\.total \d+ → \d+/);
  });
});

describe("schema.structure-stable on values that change between two identical requests", () => {
  /** Every other 200 answer of `path` edited by `edit`. */
  const alternate = (path: RegExp, edit: (body: Record<string, unknown>) => void): Wrap => {
    let n = 0;
    return async (req, next) => {
      const reply = await next();
      if (!path.test(req.url.pathname) || reply.status !== 200 || n++ % 2 === 0) return reply;
      return editJson(reply, edit);
    };
  };
  const ID = "schema.structure-stable";

  it("warns on a company Currency that alternates, naming the field and both values", async () => {
    const r = resultOf(await checkReference({ only: [ID], wrap: alternate(/^\/companies\/[^/]+$/, (b) => (b.Currency = b.Currency === "EUR" ? "GBP" : "EUR")) }), ID);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(codes(r)).toEqual(["schema.structure-stable/value-changed"]);
    expect(r.findings[0].pointer).toBe("/Currency");
    expect(r.findings[0].message).toMatch(/answered different values at \/Currency: "[A-Z]{3}" in one, "[A-Z]{3}" in the other/);
  });

  it("warns on an account type that alternates in the chart of accounts", async () => {
    const r = resultOf(
      await checkReference({
        only: [ID],
        wrap: alternate(/\/chart-of-accounts$/, (b) => {
          const first = (b.Data as { AccountType: string }[])[0];
          first.AccountType = first.AccountType === "OTHER_INCOME" ? "REVENUE" : "OTHER_INCOME";
        }),
      }),
      ID,
    );
    expect(codes(r)).toEqual(["schema.structure-stable/value-changed"]);
    expect(r.findings[0].pointer).toBe("/Data/0/AccountType");
  });

  it("matches the records of a list by id when the order alone changes (the order is pagination.stable-order's)", async () => {
    const reversed = alternate(/\/chart-of-accounts$/, (b) => (b.Data as unknown[]).reverse());
    const quiet = resultOf(await checkReference({ only: [ID], wrap: reversed }), ID);
    expect(quiet.status, JSON.stringify(quiet.findings.map((f) => f.message))).toBe("pass");

    // Reversed, and one account's type changed: named at its place in the second answer.
    const r = resultOf(
      await checkReference({
        only: [ID],
        wrap: alternate(/\/chart-of-accounts$/, (b) => {
          const data = b.Data as { AccountType: string }[];
          data[0].AccountType = data[0].AccountType === "OTHER_INCOME" ? "REVENUE" : "OTHER_INCOME";
          data.reverse();
        }),
      }),
      ID,
    );
    expect(codes(r)).toEqual(["schema.structure-stable/value-changed"]);
    expect(r.findings[0].pointer).toMatch(/^\/Data\/[1-9]\d*\/AccountType$/);
  });

  it("stays quiet on a field the spec does not declare (a per-call timestamp) and on statements", async () => {
    let n = 0;
    const r = resultOf(
      await checkReference({
        only: [ID],
        wrap: async (req, next) => {
          const reply = await next();
          if (!/^\/companies\/[^/]+(\/profit-and-loss)?$/.test(req.url.pathname) || reply.status !== 200) return reply;
          return editJson<Record<string, unknown>>(reply, (body) => {
            // Every answer has its own timestamp; every other statement moves by 1.00 (a live ledger).
            body.GeneratedAt = new Date(Date.UTC(2026, 10, 15, 12, 0, n)).toISOString();
            if (Array.isArray(body.Data) && n % 2 === 1) (body.Data as { Amount: number }[])[0].Amount += 1;
            n++;
          });
        },
      }),
      ID,
    );
    expect(n).toBeGreaterThan(2);
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });
});

describe("pagination.walk on a page without Pagination.total", () => {
  it("fails when the last page of a walk leaves the total out while the others carry it", async () => {
    const report = await checkReference({
      only: ["pagination.walk"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!req.url.pathname.endsWith("/chart-of-accounts") || reply.status !== 200) return reply;
        return editJson<{ Pagination: Record<string, number> }>(reply, (body) => {
          const { offset, limit, total } = body.Pagination;
          if (offset > 0 && offset + limit >= total) delete body.Pagination.total;
        });
      },
    });
    const r = resultOf(report, "pagination.walk");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(codes(r)).toContain("pagination.walk/total-missing");
    const f = r.findings.find((x) => x.code === "pagination.walk/total-missing")!;
    expect(f.message).toMatch(/^1 of the \d+ pages of the chart of accounts list of \S+ \(limit \d+\) have no Pagination\.total \(the first at offset \d+\), while the others have one\.$/);
    expect(f.pointer).toBe("/Pagination");
    expect(f.curl).toMatch(/chart-of-accounts\?.*offset=\d+/);
  });
});

describe("accuracy.metric-filters on filtered answers with months outside the range", () => {
  it("fails a BudgetId answer that adds months after EndDate", async () => {
    const report = await checkReference({
      only: ["accuracy.metric-filters"],
      wrap: async (req, next) => {
        const reply = await next();
        if (req.method !== "POST" || !req.url.pathname.endsWith("/non-financial") || reply.status !== 200) return reply;
        const asked = JSON.parse(req.body.toString("utf8")) as { BudgetId?: string };
        if (asked.BudgetId === undefined) return reply;
        return editJson<{ Data: { Period: string }[] }>(reply, (body) => {
          const first = body.Data[0];
          if (first) body.Data.push({ ...first, Period: "2027-01" });
        });
      },
    });
    const r = resultOf(report, "accuracy.metric-filters");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set(["accuracy.metric-filters/outside-range"]));
    expect(r.findings[0].message).toMatch(/with BudgetId = \S+ answered \d{4}-\d\d\.\.\d{4}-\d\d with values for months outside it: 2027-01\.$/);
  });

  it("does not call a Period written as a date (2026-10-31) a month outside the range", async () => {
    const report = await checkReference({
      only: ["accuracy.metric-filters"],
      wrap: async (req, next) => {
        const reply = await next();
        if (req.method !== "POST" || !req.url.pathname.endsWith("/non-financial") || reply.status !== 200) return reply;
        return editJson<{ Data: { Period: string }[] }>(reply, (body) => {
          for (const row of body.Data) if (/^\d{4}-\d\d$/.test(row.Period)) row.Period = `${row.Period}-28`;
        });
      },
    });
    expect(codes(resultOf(report, "accuracy.metric-filters"))).not.toContain("accuracy.metric-filters/outside-range");
  });
});

describe("schema.user-info listing a company twice", () => {
  it("warns, pointing at the second entry", async () => {
    const report = await checkReference({
      only: ["schema.user-info"],
      wrap: async (req, next) => {
        const reply = await next();
        if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
        return editJson<{ Companies: unknown[] }>(reply, (body) => body.Companies.push(body.Companies[0]));
      },
    });
    const r = resultOf(report, "schema.user-info");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(codes(r)).toEqual(["schema.user-info/duplicate-company"]);
    expect(r.findings[0].message).toMatch(/lists the company "alder-finch" twice: at \/Companies\/0 and \/Companies\/2\.$/);
    expect(r.findings[0].pointer).toBe("/Companies/2/CompanyId");
  });
});

describe("empty names", () => {
  const blank = (path: RegExp, edit: (body: Record<string, unknown>) => void): Wrap => async (req, next) => {
    const reply = await next();
    if (!path.test(req.url.pathname) || reply.status !== 200) return reply;
    return editJson(reply, edit);
  };

  it("warns on an account, a company and a listed company without a name, pointing at each", async () => {
    const report = await checkReference({
      only: ["schema.reference-lists", "schema.company-info", "schema.user-info"],
      wrap: async (req, next) => {
        if (/\/chart-of-accounts$/.test(req.url.pathname)) return blank(/./, (b) => ((b.Data as { Name: string }[])[1]!.Name = ""))(req, next);
        if (/^\/companies\/[^/]+$/.test(req.url.pathname)) return blank(/./, (b) => (b.CompanyName = "  "))(req, next);
        if (req.url.pathname === "/oauth2/user-info") return blank(/./, (b) => ((b.Companies as { CompanyName: string }[])[0]!.CompanyName = "", (b.Name = "")))(req, next);
        return next();
      },
    });
    const lists = resultOf(report, "schema.reference-lists");
    expect(codes(lists)).toEqual(["schema.reference-lists/empty-name"]);
    expect(lists.findings[0].pointer).toBe("/Data/1/Name");
    expect(lists.findings[0].operation?.path).toBe("/companies/{CompanyId}/chart-of-accounts");
    const info = resultOf(report, "schema.company-info");
    // (Its name also differs from the one user-info lists: that is the name check's own finding.)
    expect(codes(info)).toContain("schema.company-info/empty-name");
    expect(info.findings.filter((f) => f.code === "schema.company-info/empty-name").map((f) => f.pointer)).toEqual(["/CompanyName", "/CompanyName"]);
    const user = resultOf(report, "schema.user-info");
    // The companies' names count; the user's own Name does not.
    expect(user.findings.map((f) => f.pointer)).toEqual(["/Companies/0/CompanyName"]);
    expect(user.findings[0].message).toMatch(/sends 1 empty name: \/Companies\/0\/CompanyName\./);
  });
});

describe("a Retry-After given as an HTTP date", () => {
  it("is measured from when the answer came, not from the run's --now clock", async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const report = await checkReference({
      only: ["schema.reference-lists"],
      wrap: async (req, next) =>
        /\/budgets$/.test(req.url.pathname)
          ? tooManyRequests(later)
          : next(),
    });
    const f = resultOf(report, "schema.reference-lists").findings.find((x) => x.code === "schema.reference-lists/status" && x.operation?.path === "/companies/{CompanyId}/budgets");
    expect(f, "a status finding on budgets").toBeDefined();
    // About an hour: the run's clock (--now) is days behind the real one and must not count.
    const seconds = Number(/asks for a wait of (\d+) s/.exec(f!.message)?.[1]);
    expect(seconds).toBeGreaterThan(3_500);
    expect(seconds).toBeLessThanOrEqual(3_600);
  });
});

describe("a bad-input request that meets the partner's rate limit", () => {
  it("says the limit kept the question from being answered, not that 429 is the wrong refusal", async () => {
    const report = await checkReference({
      only: ["inputs.paging"],
      wrap: async (req, next) =>
        req.url.searchParams.get("limit") === "0"
          ? tooManyRequests("3600")
          : next(),
    });
    const f = resultOf(report, "inputs.paging").findings.find((x) => x.code === "inputs.paging/status");
    expect(f, JSON.stringify(resultOf(report, "inputs.paging").findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/with 429; .* Its Retry-After asks for a wait of 3600 s; reach-check waits at most 60 s/);
    expect(f!.fix).toMatch(/once their Retry-After has passed/);
  });
});

describe("a request without a token that meets the partner's rate limit", () => {
  it("says the limit outlasted the retries", async () => {
    const report = await checkReference({
      only: ["auth.no-token"],
      wrap: async (req, next) =>
        !req.headers.authorization && /^\/companies\/[^/]+\/budgets$/.test(req.url.pathname)
          ? tooManyRequests("3600")
          : next(),
    });
    const f = resultOf(report, "auth.no-token").findings.find((x) => x.code === "auth.no-token/status");
    expect(f, JSON.stringify(resultOf(report, "auth.no-token").findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/answered a request without a token with 429 \(too many requests\) instead of 401 or 403: the partner's rate limit answered, so whether the operation refuses it was not judged\. Its Retry-After asks for a wait of 3600 s/);
    expect(f!.severity).toBe("warn");
    expect(f!.fix).toMatch(/once its Retry-After has passed/);
  });
});

describe("a partner that limits the run outside the timed sync", () => {
  it("warns in the rehearsal, naming the operations, when the timed pass itself met no limit", async () => {
    let refused = 0;
    const report = await checkReference({
      wrap: async (req, next) => {
        // The first two department lists of the run (read before the timed pass): 429, Retry-After: 1.
        if (/\/departments$/.test(req.url.pathname) && refused < 2) {
          refused++;
          return tooManyRequests("1");
        }
        return next();
      },
    });
    expect(refused).toBe(2);
    const r = resultOf(report, "reliability.rehearsal");
    expect(codes(r)).toEqual(["reliability.rehearsal/limited-elsewhere"]);
    expect(r.status).toBe("warn");
    expect(r.findings[0].message).toMatch(/answered 2 × 429 \(GET \/companies\/\{CompanyId\}\/departments \(2\); reach-check waited and asked again\): the partner limits the API under the load of a run/);
    // Every other check got its answer after waiting.
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual([]);
  }, 30_000);
});

describe("accuracy.filter-ids and a 5xx", () => {
  it("says one 5xx to an unknown id cannot tell the id from a passing server fault", async () => {
    const wrap: Wrap = async (req, next) =>
      req.url.searchParams.get("BudgetId")?.startsWith("reach-check-unknown") ? { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Internal", message: "Oops.", level: 9 }] }) } : next();
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap }), "accuracy.filter-ids");
    const f = r.findings.filter((x) => x.code === "accuracy.filter-ids/status");
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) {
      expect(x.message).toMatch(/answered 500 to BudgetId=reach-check-unknown-budget, which no list returns; expected 400 or 404\. One answer cannot tell whether the unknown id caused the failure/);
      expect(x.fix).toMatch(/intermittent fault \(reliability\.rehearsal measures those\)\.$/);
    }
  });
});

describe("accuracy.filter-ids and a refused request", () => {
  const envelope = (message: string) => ({ status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "BadRequest", message, level: 1 }] }) });
  const months = (start: string, end: string) => (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;

  it("fails listed ids the statement refuses while it answers the same request without them", async () => {
    const wrap: Wrap = async (req, next) => (req.url.pathname.endsWith("/profit-and-loss") && req.url.searchParams.has("ClassId") ? envelope("Unknown class.") : next());
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap }), "accuracy.filter-ids");
    const refused = r.findings.filter((f) => f.code === "accuracy.filter-ids/refused");
    expect(refused.length).toBeGreaterThan(0); // one per company that lists classes
    expect(refused[0].message).toMatch(/The profit and loss of \S+ refuses \d+ ClassId values? that the classes returns: .+ \(answered 400\)\./);
  });

  it("does not blame the ids when the same range is refused without a filter too (a range the partner does not serve)", async () => {
    const wrap: Wrap = async (req, next) => {
      const start = req.url.searchParams.get("StartDate");
      const end = req.url.searchParams.get("EndDate");
      return start && end && months(start, end) > 12 ? envelope("At most 12 months can be asked at once.") : next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap }), "accuracy.filter-ids");
    expect(codes(r)).not.toContain("accuracy.filter-ids/refused");
  });
});

describe("reliability.rehearsal and a longest range", () => {
  it("says the spec sets no longest range when the sync's 24-month statements are refused with 400", async () => {
    const wrap: Wrap = async (req, next) => {
      const start = req.url.searchParams.get("StartDate");
      return start === "2024-12-01" && req.url.pathname.endsWith("/balance-sheet")
        ? { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "BadRequest", message: "At most 12 months can be asked at once.", level: 1 }] }) }
        : next();
    };
    const r = resultOf(await checkReference({ only: ["reliability.rehearsal"], wrap }), "reliability.rehearsal");
    const f = r.findings.filter((x) => x.code === "reliability.rehearsal/status");
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) {
      expect(x.operation?.path).toBe("/companies/{CompanyId}/balance-sheet");
      expect(x.fix).toMatch(/^Answer any StartDate to EndDate range: the spec sets no longest range/);
    }
  });
});

describe("schema.user-info and a company given with --company", () => {
  const dropNorthwind: Wrap = async (req, next) => {
    const reply = await next();
    if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
    return editJson<{ Companies: { CompanyId: string }[] }>(reply, (body) => {
      body.Companies = body.Companies.filter((c) => c.CompanyId !== "northwind-outfitters");
    });
  };

  it("fails a company the run checks that user-info does not list (Reach would never sync it)", async () => {
    const report = await checkReference({ only: ["schema.user-info"], wrap: dropNorthwind, settings: { companies: ["northwind-outfitters", "alder-finch"] } });
    const r = resultOf(report, "schema.user-info");
    expect(codes(r)).toEqual(["schema.user-info/company-not-listed"]);
    const f = r.findings[0];
    expect(f.severity).toBe("fail");
    expect(f.message).toMatch(/does not list the company "northwind-outfitters" that this run checks \(--company\), among the 1 it lists\. Reach learns the companies a token reads from this list, so it would never sync it\.$/);
    expect(f.pointer).toBe("/Companies");
    expect(f.curl).toMatch(/user-info/);
  });

  it("passes companies given with --company that the list holds, and a list the run took its companies from", async () => {
    const given = await checkReference({ only: ["schema.user-info"], settings: { companies: ["alder-finch"] } });
    expect(resultOf(given, "schema.user-info").status).toBe("pass");
    const fromList = await checkReference({ only: ["schema.user-info"], wrap: dropNorthwind });
    expect(resultOf(fromList, "schema.user-info").status).toBe("pass");
  });
});

describe("freshness.balance-sheet and balances that are all 0", () => {
  const zeroFrom = (from: string): Wrap => async (req, next) => {
    const reply = await next();
    if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/alder-finch/balance-sheet")) return reply;
    return editJson<{ Data: { Period: string; Amount: number }[] }>(reply, (body) => {
      for (const row of body.Data) if (row.Period >= from) row.Amount = 0;
    });
  };

  it("does not call rows for the previous month stale when every balance of the company is 0 (no balances at all)", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"], wrap: zeroFrom("0000-00") }), "freshness.balance-sheet");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(codes(r)).toEqual(["freshness.balance-sheet/all-zero"]);
    expect(r.findings[0].company).toBe("alder-finch");
    expect(r.findings[0].message).toMatch(/has rows for 2026-10, but every amount in it is 0/);
  });

  it("still fails balances that fall to 0 after earlier months had some (data that stopped)", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"], wrap: zeroFrom("2026-08") }), "freshness.balance-sheet");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["freshness.balance-sheet/stale"]);
    expect(r.findings[0].message).toMatch(/has non-zero balances up to 2026-07 only; it must reach 2026-10 or later/);
  });
});

describe("freshness.balance-sheet in each basis", () => {
  it("fails a cash-basis balance sheet that stops two months back while the accrual one is current", async () => {
    const cashStale: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.endsWith("/northwind-outfitters/balance-sheet") || req.url.searchParams.get("AccountingBasis") !== "CASH") return reply;
      return editJson<{ Data: { Period: string }[] }>(reply, (body) => (body.Data = body.Data.filter((row) => row.Period < "2026-10")));
    };
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"], wrap: cashStale }), "freshness.balance-sheet");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f.code).toBe("freshness.balance-sheet/stale");
    expect(f.company).toBe("northwind-outfitters");
    expect(f.message).toMatch(/^The balance sheet of northwind-outfitters \(CASH\) has non-zero balances up to 2026-09 only; it must reach 2026-10 or later\.$/);
    expect(f.curl).toContain("AccountingBasis=CASH");
  });

  it("names both bases in the summary of a current partner", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.balance-sheet"] }), "freshness.balance-sheet");
    expect(r.status).toBe("pass");
    expect(r.summary).toMatch(/northwind-outfitters \(ACCRUAL\): 2026-\d\d; northwind-outfitters \(CASH\): 2026-\d\d/);
  });
});

describe("freshness of the profit and loss: quiet months and Period labels", () => {
  const plRows = (edit: (row: { Period: string; Amount: number }) => void, path = "/profit-and-loss"): Wrap => async (req, next) => {
    const reply = await next();
    if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/alder-finch") || !req.url.pathname.endsWith(path)) return reply;
    return editJson<{ Data: { Period: string; Amount: number }[] }>(reply, (body) => {
      for (const row of body.Data) edit(row);
    });
  };

  it("still fails rows that reach the run's month all 0, but says the company may simply have had no activity", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.profit-and-loss"], wrap: plRows((row) => { if (row.Period >= "2026-10") row.Amount = 0; }) }), "freshness.profit-and-loss");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "freshness.profit-and-loss/stale")!;
    expect(f.message).toMatch(/up to 2026-09 only; it must reach 2026-10 or later/);
    expect(f.fix).toMatch(/^The rows reach 2026-11, with every amount 0 after 2026-09: if alder-finch really had no income or expense posted in 2026-10 or later \(a quiet or seasonal month, a new or unused company\), Reach's integration testing still needs current figures/);
  });

  it("keeps the sync advice when the rows themselves stop early", async () => {
    const stopped: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/alder-finch/profit-and-loss")) return reply;
      return editJson<{ Data: { Period: string }[] }>(reply, (body) => {
        body.Data = body.Data.filter((row) => row.Period < "2026-09");
      });
    };
    const r = resultOf(await checkReference({ only: ["freshness.profit-and-loss"], wrap: stopped }), "freshness.profit-and-loss");
    const f = r.findings.find((x) => x.code === "freshness.profit-and-loss/stale")!;
    expect(f.fix).toMatch(/^Make sure the data is synced from the accounting system up to the current period/);
  });

  it("does not read a Period written as a date as a missing month (the schema check's finding)", async () => {
    // "2026-10" becomes "2026-10-31": every row keeps its month, in the wrong form.
    const dated: Wrap = plRows((row) => {
      const [y, m] = row.Period.split("-").map(Number);
      row.Period = `${row.Period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
    }, "/balance-sheet");
    const report = await checkReference({ only: ["freshness.balance-sheet", "schema.statements"], wrap: dated });
    const r = resultOf(report, "freshness.balance-sheet");
    expect(codes(r)).not.toContain("freshness.balance-sheet/missing-month");
    expect(r.status).toBe("pass");
    expect(r.summary).toMatch(/Not judged \(no balance-sheet row has a YYYY-MM Period, see schema\.statements\): alder-finch \(ACCRUAL\), alder-finch \(CASH\)\./);
    expect(codes(resultOf(report, "schema.statements"))).toContain("schema.statements/pattern");
  });
});

describe("a listed company the token cannot open", () => {
  const listGhost: Wrap = async (req, next) => {
    const reply = await next();
    if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
    return editJson<{ Companies: { CompanyId: string; CompanyName: string }[] }>(reply, (body) => {
      body.Companies.push({ CompanyId: "ghost-co", CompanyName: "Listed, unknown to the partner" });
    });
  };

  it("is one schema.user-info failure, and the run goes on without it instead of failing every check with 404", async () => {
    const report = await checkReference({ only: ["schema.user-info", "schema.company-info", "schema.reference-lists"], wrap: listGhost });
    const info = resultOf(report, "schema.user-info");
    expect(codes(info)).toEqual(["schema.user-info/listed-unreadable"]);
    const f = info.findings[0];
    expect(f.message).toMatch(/^GET \/oauth2\/user-info lists a company that the same token cannot open: GET \/companies\/\{CompanyId\} answers "ghost-co" \(404\), while it answers 200 for other listed companies\. .* reach-check leaves it out of this run\.$/);
    expect(f.company).toBe("ghost-co");
    expect(f.curl).toMatch(/\/companies\/ghost-co'/);
    expect(f.fix).toMatch(/^List only companies the partner serves/);
    for (const id of ["schema.company-info", "schema.reference-lists"]) {
      const r = resultOf(report, id);
      expect(r.status, JSON.stringify(r.findings.map((x) => x.message))).toBe("pass");
      expect(r.findings.filter((x) => x.company === "ghost-co")).toEqual([]);
    }
  });

  it("singles nobody out when no listed company opens (the operation itself fails)", async () => {
    const noInfo: Wrap = async (req, next) => (/^\/companies\/[^/]+$/.test(req.url.pathname) ? { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "NotFound", message: "no such route" }] }) } : listGhost(req, next));
    const report = await checkReference({ only: ["schema.user-info", "schema.company-info"], wrap: noInfo });
    expect(codes(resultOf(report, "schema.user-info"))).not.toContain("schema.user-info/listed-unreadable");
    expect(resultOf(report, "schema.company-info").findings.some((x) => x.company === "ghost-co")).toBe(true);
  });
});

describe("company ids that need care in a path", () => {
  const addCompany = (id: string): Wrap => async (req, next) => {
    const reply = await next();
    if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
    return editJson<{ Companies: { CompanyId: string; CompanyName: string }[] }>(reply, (body) => {
      body.Companies.push({ CompanyId: id, CompanyName: "Listed but unknown" });
    });
  };

  it("fails a listed id of .., and leaves it out of the run instead of blaming another path's 404", async () => {
    const report = await checkReference({ only: ["schema.user-info", "schema.company-info"], wrap: addCompany("..") });
    const info = resultOf(report, "schema.user-info");
    expect(codes(info)).toEqual(["schema.user-info/unaddressable-company"]);
    expect(info.findings[0].message).toMatch(/lists the company id "\.\.", which cannot be sent in a URL path/);
    const company = resultOf(report, "schema.company-info");
    expect(company.status, JSON.stringify(company.findings.map((f) => f.message))).toBe("pass");
    expect(report.target.companies).not.toContain("..");
  });

  it("says a 404 to a percent-encoded company id may be a path segment not decoded", async () => {
    // Listed by user-info, 404 while the other companies open: reported there, once, and left out of the run.
    const listed = await checkReference({ only: ["schema.user-info", "schema.company-info"], wrap: addCompany("north/south") });
    const g = resultOf(listed, "schema.user-info").findings.find((x) => x.code === "schema.user-info/listed-unreadable")!;
    expect(g.message).toMatch(/reach-check leaves it out of this run\. The company id "north\/south" goes into the path percent-encoded \(north%2Fsouth\): a server that looks the path segment up without decoding it answers 404 to such ids only\.$/);
    expect(g.fix).toMatch(/^Percent-decode each path segment before looking the id up/);
    expect(resultOf(listed, "schema.company-info").findings.filter((x) => x.company === "north/south")).toEqual([]);
    // Named with --company, it stays in the run, and each 404 says the same.
    const report = await checkReference({ only: ["schema.company-info"], wrap: addCompany("north/south"), settings: { companies: ["alder-finch", "north/south"] } });
    const f = resultOf(report, "schema.company-info").findings.find((x) => x.code === "schema.company-info/status" && x.company === "north/south")!;
    expect(f.message).toMatch(/answered 404 to a valid request with a valid token; expected 200\. The company id "north\/south" goes into the path percent-encoded \(north%2Fsouth\): a server that looks the path segment up without decoding it answers 404 to such ids only\.$/);
    expect(f.fix).toMatch(/^Percent-decode each path segment before looking the id up/);
    expect(f.curl).toContain("/companies/north%2Fsouth");
  });
});

describe("freshness and a company without a usable statement", () => {
  it("names the company it could not judge in the summary", async () => {
    const wrap: Wrap = async (req, next) =>
      req.url.pathname === "/companies/alder-finch/profit-and-loss" ? { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "NotFound", message: "No such company.", level: 1 }] }) } : next();
    const r = resultOf(await checkReference({ only: ["freshness.profit-and-loss"], wrap }), "freshness.profit-and-loss");
    expect(r.summary).toMatch(/^Latest period with .+: northwind-outfitters: \d{4}-\d\d\. Not judged \(no usable profit-and-loss answer, see schema\.statements and reliability\.rehearsal\): alder-finch\.$/);
  });
});

describe("accuracy.segment-splits and a single budget that is the actuals", () => {
  it("notes (info) a budget listed alone that answers the actuals row for row", async () => {
    const wrap: Wrap = async (req, next) => {
      if (req.url.pathname.endsWith("/budgets")) {
        const reply = await next();
        if (reply.status !== 200) return reply;
        return editJson<{ Data: unknown[]; Pagination: { total: number } }>(reply, (body) => {
          body.Data = body.Data.slice(0, 1);
          body.Pagination.total = body.Data.length;
        });
      }
      // The statements answer the actuals whatever BudgetId asks.
      req.url.searchParams.delete("BudgetId");
      return next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap }), "accuracy.segment-splits");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.code))).toBe("pass");
    expect(codes(r)).toEqual(["accuracy.segment-splits/budget-is-actuals"]);
    expect(r.findings[0].severity).toBe("info");
    expect(r.findings[0].message).toMatch(/with BudgetId = \S+ equals the unfiltered statement \(the actuals\) row for row over \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: either BudgetId is ignored/);
  });

  it("passes budgets of their own", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"] }), "accuracy.segment-splits");
    expect(codes(r)).not.toContain("accuracy.segment-splits/budget-is-actuals");
  });
});

describe("accuracy.cash-flow when the balance sheet is the statement at fault", () => {
  it("says the signs are opposite when the cash flow is the change negated, and does not send the partner to the cash flow", async () => {
    const report = await checkReference({ only: ["accuracy.cash-flow", "accuracy.sign-convention"], defects: ["balance-sheet-negated"] });
    const r = resultOf(report, "accuracy.cash-flow");
    const f = r.findings.find((x) => x.code === "accuracy.cash-flow/not-movements")!;
    expect(f.message).toMatch(/ In \d+ of them the cash flow is exactly the change with the opposite sign: one of the two statements signs its amounts the other way \(accuracy\.sign-convention names which\)\.$/);
    expect(f.message).not.toMatch(/balances where movements belong/);
    expect(f.fix).toMatch(/^Sign both statements by each account's normal balance/);
  });

  it("names an unbalanced balance sheet as the likely cause of its differences", async () => {
    const report = await checkReference({ only: ["accuracy.cash-flow", "accuracy.balance-sheet"], defects: ["unbalanced-balance-sheet"] });
    const unbalanced = new Set(resultOf(report, "accuracy.balance-sheet").findings.filter((x) => x.severity === "fail").map((x) => x.company));
    const flows = resultOf(report, "accuracy.cash-flow").findings.filter((x) => unbalanced.has(x.company));
    expect(flows.length).toBeGreaterThan(0);
    for (const f of flows) {
      expect(f.message).toMatch(/does not balance \(accuracy\.balance-sheet\): differences may follow from that, so fix it first\.$/);
      expect(f.fix).toMatch(/^Make the balance sheet balance first/);
    }
  });
});

describe("accuracy.segment-splits and values the schema checks could not read", () => {
  it("says a class remainder may come from an Amount sent as a string, and asks to fix that first", async () => {
    // One non-zero row of the unsplit profit and loss (no filter) of northwind-outfitters (which has classes) carries its Amount as a string.
    const stringAmount: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || req.url.pathname !== "/companies/northwind-outfitters/profit-and-loss" || /Id=/.test(req.url.search)) return reply;
      return editJson<{ Data: { Amount: unknown; Period: string }[] }>(reply, (body) => {
        const row = body.Data.find((r) => typeof r.Amount === "number" && r.Amount !== 0);
        if (row) row.Amount = String(row.Amount);
      });
    };
    const report = await checkReference({ only: ["accuracy.segment-splits", "schema.statements"], wrap: stringAmount });
    expect(codes(resultOf(report, "schema.statements"))).toContain("schema.statements/type");
    const f = resultOf(report, "accuracy.segment-splits").findings.find((x) => x.code === "accuracy.segment-splits/class-remainder" && x.company === "northwind-outfitters")!;
    expect(f.message).toMatch(/ Some of this company's statement rows have an Amount or Period the schema checks could not read \(schema\.statements, schema\.statement-filters\): read as 0 or as another month here, they may make this remainder\.$/);
    expect(f.fix).toMatch(/^Fix the values the schema checks name first/);
  });
});

describe("freshness.profit-and-loss and a quiet current month", () => {
  const noCurrentMonth: Wrap = async (req, next) => {
    const reply = await next();
    if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/alder-finch/profit-and-loss")) return reply;
    return editJson<{ Data: { Period: string; Amount: number }[] }>(reply, (body) => {
      for (const row of body.Data) if (row.Period === "2026-11") row.Amount = 0;
    });
  };

  it("passes, and notes (info) from mid-month that the activity ends with the previous month", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.profit-and-loss"], wrap: noCurrentMonth, now: "2026-11-20T12:00:00Z" }), "freshness.profit-and-loss");
    expect(r.status).toBe("pass");
    expect(codes(r)).toEqual(["freshness.profit-and-loss/current-month-quiet"]);
    expect(r.findings[0].message).toMatch(/^The profit and loss of alder-finch \(ACCRUAL\) has non-zero amounts up to 2026-10, the previous month, and none in 2026-11, the run's month, on its day 20\./);
  });

  it("says nothing early in the month", async () => {
    const r = resultOf(await checkReference({ only: ["freshness.profit-and-loss"], wrap: noCurrentMonth, now: "2026-11-05T12:00:00Z" }), "freshness.profit-and-loss");
    expect(r.findings).toEqual([]);
  });
});

describe("accuracy.basis: a balance sheet that ignores the basis while the profit and loss does not", () => {
  it("warns on the balance sheet and the cash flow, not on the company", async () => {
    const sheetOnAccrual: Wrap = async (req, next) => {
      if (/\/(balance-sheet|cash-flow)$/.test(req.url.pathname) && req.url.searchParams.get("AccountingBasis") === "CASH") req.url.searchParams.set("AccountingBasis", "ACCRUAL");
      return next();
    };
    const r = resultOf(await checkReference({ only: ["accuracy.basis"], wrap: sheetOnAccrual }), "accuracy.basis");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(codes(r)).toEqual(["accuracy.basis/statement-identical"]);
    const paths = new Set(r.findings.map((f) => f.operation?.path));
    expect(paths).toEqual(new Set(["/companies/{CompanyId}/balance-sheet", "/companies/{CompanyId}/cash-flow"]));
    expect(r.findings[0].message).toMatch(/is the same on AccountingBasis=ACCRUAL and AccountingBasis=CASH, row for row over the sync's months \(\d+ rows\), while the profit and loss differs between the two/);
  });

  it("passes the reference partner, whose statements all differ between the bases", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.basis"] }), "accuracy.basis");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });
});
