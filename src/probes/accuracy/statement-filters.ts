import type { StatementGrid } from "../../engine/shared-data.js";
import { parentMap } from "../../engine/sync.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { CENT, ignoredAmong, sameTotal } from "../support/accuracy.js";
import { makeFinding } from "../support/findings.js";
import { listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { liveMonths } from "../../util/dates.js";

/**
 * BudgetId, ClassId and DepartmentId change every statement they are given to, not only the profit
 * and loss. The sync splits the profit and loss (accuracy.segment-splits judges those); the other
 * statements (balance sheet, cash flow) are asked with up to --sample-size ids of each list by
 * schema.statement-filters over the recent window, beside the same statement without a filter.
 * Their figures, folded per month as they arrived, are compared here: no request of its own. Two
 * unrelated ids (neither the other's ancestor) whose answers both equal the unfiltered one, month by
 * month, cannot each hold all of the company's figures: the filter is ignored.
 */

const KEYS = ["budgetId", "classId", "departmentId"] as const;
type FilterKey = (typeof KEYS)[number];

type Figures = StatementGrid["periods"];

/** Month by month the same rows and totals; the current month aside (a live ledger moves between two requests). */
function sameFigures(a: Figures, b: Figures, live: ReadonlySet<string>): boolean {
  const months = new Set([...a.keys(), ...b.keys()].filter((p) => !live.has(p)));
  if (months.size === 0) return false;
  for (const p of months) {
    const x = a.get(p);
    const y = b.get(p);
    if (!x || !y || x.rows !== y.rows || !sameTotal(x.sum, y.sum)) return false;
  }
  return true;
}

const active = (f: Figures, live: ReadonlySet<string>) => [...f].some(([p, v]) => !live.has(p) && Math.abs(v.sum) > CENT);

const filterOf = (g: StatementGrid): FilterKey | undefined => {
  const set = KEYS.filter((k) => g.query[k] !== undefined);
  return set.length === 1 ? set[0] : undefined;
};

export const probe: Probe = {
  id: "accuracy.statement-filters",
  family: "accuracy",
  step: 4,
  title: "Filters change the balance sheet and cash flow too",
  description:
    "Sets each statement the sync does not split (balance sheet, cash flow) asked with each sampled BudgetId, ClassId and DepartmentId (schema.statement-filters' answers over the recent window) beside the same statement without a filter: two unrelated ids whose answers both equal the unfiltered one month by month show the filter ignored (a failure; a warning for BudgetId, since a partner may keep budgets for the profit and loss only). No request of its own.",
  after: ["reachability.connection", "schema.statements", "schema.statement-filters"],
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const n = ctx.contract.profile.parameters;
    const paramOf: Record<FilterKey, string> = { budgetId: n.budgetId, classId: n.classId, departmentId: n.departmentId };
    const grids = ctx.data.otherStatementGrids();
    const pass = await sharedSync(ctx);
    const live = liveMonths(ctx.now);
    const findings: Finding[] = [];
    let compared = 0;
    const lists = ctx.contract.operations.filter((o) => o.profile.role === "list" && o.profile.feedsParameter !== undefined);

    for (const company of ctx.companies) {
      const c = pass.companies.find((x) => x.company === company);
      // An unfiltered answer of each statement, basis and range, to set the filtered ones beside.
      const whole = new Map<string, StatementGrid>();
      const keyOf = (g: StatementGrid) => `${g.op.key} ${g.query.basis} ${g.query.start} ${g.query.end}`;
      for (const g of grids) if (g.company === company && KEYS.every((k) => g.query[k] === undefined)) whole.set(keyOf(g), g);
      // Filtered answers by statement, basis, range and filter.
      const groups = new Map<string, { key: FilterKey; base: StatementGrid; grids: StatementGrid[] }>();
      for (const g of grids) {
        const key = g.company === company ? filterOf(g) : undefined;
        if (!key) continue;
        // The profit and loss the sync splits by this filter is accuracy.segment-splits' to judge.
        if (c?.statements.some((s) => s.split?.parameter === paramOf[key] && s.op.key === g.op.key)) continue;
        const base = whole.get(keyOf(g));
        if (!base || !active(base.periods, live)) continue;
        const k = `${keyOf(g)} ${key}`;
        const group = groups.get(k) ?? { key, base, grids: [] };
        group.grids.push(g);
        groups.set(k, group);
      }
      const reported = new Set<string>();
      for (const { key, base, grids: filtered } of groups.values()) {
        if (new Set(filtered.map((g) => g.query[key])).size < 2) continue;
        compared++;
        const param = paramOf[key];
        // Each id once, should one have been read twice.
        const same = [...new Set(filtered.filter((g) => sameFigures(g.periods, base.periods, live)).map((g) => g.query[key]!))];
        const list = lists.find((o) => o.profile.feedsParameter === param);
        const walk = list ? c?.lists.find((w) => w.operation.key === list.key) : undefined;
        const ignored = ignoredAmong(same, list && walk ? parentMap(list, walk) : new Map());
        // One finding per statement and filter: the other basis says the same.
        const once = `${base.op.key} ${key}`;
        if (!ignored || reported.has(once)) continue;
        reported.add(once);
        const shown = filtered.find((g) => g.query[key] === ignored[0])!;
        const budget = key === "budgetId";
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/filter-ignored`,
            severity: budget ? "warn" : "fail",
            message:
              `The ${base.op.profile.name} of ${company} (${base.query.basis}, ${base.query.start} to ${base.query.end}) is the same with ${param} = ${listSome(ignored, 4)} as without a filter, month by month: ${param} is ignored there.` +
              (budget ? " If the company keeps budgets for the profit and loss only, refuse BudgetId on this statement rather than answer the actual figures." : ""),
            rule: {
              ref: "spec-model:accounting-facts",
              text: `${param} filters every statement that takes it to that ${list?.profile.name.replace(/s$/, "") ?? "record"}; different ${list?.profile.name ?? "records"} cannot each hold all of the company's figures.`,
            },
            fix: budget
              ? `Answer ${param} on the ${base.op.profile.name} with that budget's figures, or with a 400 error when the budget does not cover this statement; never with the actual figures.`
              : `Apply ${param} when selecting the postings behind the ${base.op.profile.name} rows, as on the profit and loss.`,
            operation: base.op,
            company,
            exchange: shown.exchange,
            evidence: { expected: `the figures of ${param}=${ignored[0]} only`, actual: `the unfiltered figures in every month (${[...base.periods.keys()].filter((p) => !live.has(p)).join(", ")})` },
          }),
        );
      }
    }
    if (compared === 0) {
      return { findings, skip: "No balance sheet or cash flow was read with two or more ids of one filter beside its unfiltered answer (see schema.statement-filters; the lists may hold fewer than two ids)." };
    }
    return { findings, summary: findings.length === 0 ? `${compared} sets of filtered statements (balance sheet, cash flow) differ from the unfiltered ones.` : undefined };
  },
};
