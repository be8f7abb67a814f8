import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { money, sameTotal } from "../support/accuracy.js";
import { excerpt, makeFinding } from "../support/findings.js";
import { chartOperation, chartSkip, listSome, rowPointer, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

const RULE = {
  ref: "spec-model:accounting-facts",
  text: "A statement row carries its own account's amount: Reach adds the rows up (a balance sheet balances over all of its rows) and rolls the chart's hierarchy up itself, so a parent's row holding its children's total counts them twice.",
};

/** Share of a parent's judged months in which it must equal its children's sum to be called a total. */
const TOTAL_SHARE = 0.8;
/** Months with children's activity a parent needs before it is judged. */
const MIN_MONTHS = 3;

export const probe: Probe = {
  id: "accuracy.parent-totals",
  family: "accuracy",
  step: 4,
  title: "Parent accounts carry their own amounts, not their children's totals",
  description:
    "For each company, statement and basis of the sync, compares every parent account's row (ParentAccountId in the chart) with the sum of its children's rows month by month: a parent equal to that sum in most months (three or more with activity) carries a subtotal, which Reach counts twice when it adds the rows and rolls the hierarchy up. No request of its own.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const chartOp = chartOperation(ctx);
    const parentField = chartOp?.profile.parentField;
    const idField = chartOp?.profile.idField;
    if (!chartOp || !parentField || !idField) return { findings: [], skip: "The spec's chart of accounts has no parent field." };
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let statements = 0;
    let charts = 0;
    let hierarchies = 0;
    for (const c of pass.companies) {
      const walk = c.lists.find((w) => w.operation.key === chartOp.key);
      if (!walk?.complete || !c.chart) continue;
      charts++;
      // Children by parent id, as the chart lists them.
      const childrenOf = new Map<string, string[]>();
      for (const r of walk.records) {
        if (!r || typeof r !== "object") continue;
        const rec = r as Record<string, unknown>;
        const id = rec[idField];
        const parent = rec[parentField];
        if (typeof id !== "string" || typeof parent !== "string" || parent === id) continue;
        const list = childrenOf.get(parent);
        if (list) list.push(id);
        else childrenOf.set(parent, [id]);
      }
      if (childrenOf.size === 0) continue;
      hierarchies++;
      for (const s of unsplit(c)) {
        const rows = s.fold.table;
        if (!rows || rows.length === 0) continue;
        statements++;
        const pools = rows.pools;
        const periods = pools.periods.size;
        const ids = pools.ids.size;
        // Amount per (account, month), and where each parent row sits for the pointer.
        const amount = new Float64Array(ids * periods).fill(Number.NaN);
        const rowAt = new Int32Array(ids * periods).fill(-1);
        for (let i = 0; i < rows.length; i++) {
          const id = rows.idIndex(i);
          const p = rows.periodIndex(i);
          const a = rows.amount(i);
          if (id === undefined || p === undefined || a === undefined || Number.isNaN(a) || id >= ids || p >= periods) continue;
          const k = id * periods + p;
          amount[k] = Number.isNaN(amount[k]) ? a : amount[k] + a;
          if (rowAt[k] < 0) rowAt[k] = i;
        }
        const totals: { parent: string; children: string[]; matched: number; judged: number; example: { period: string; own: number; sum: number; index: number } }[] = [];
        for (const [parent, children] of childrenOf) {
          const pi = pools.ids.intern(parent);
          if (pi >= ids) continue;
          const kids = children.map((k) => pools.ids.intern(k)).filter((k) => k < ids);
          if (kids.length === 0) continue;
          let judged = 0;
          let matched = 0;
          let example: (typeof totals)[number]["example"] | undefined;
          for (let p = 0; p < periods; p++) {
            const own = amount[pi * periods + p];
            if (Number.isNaN(own)) continue;
            let sum = 0;
            let seen = false;
            for (const k of kids) {
              const a = amount[k * periods + p];
              if (Number.isNaN(a)) continue;
              sum += a;
              seen = true;
            }
            // A month without children's activity says nothing (an empty parent beside empty children).
            if (!seen || Math.abs(sum) < 0.005) continue;
            judged++;
            if (sameTotal(own, sum)) {
              matched++;
              example ??= { period: pools.periods.name(p), own, sum, index: rowAt[pi * periods + p] };
            }
          }
          if (judged >= MIN_MONTHS && matched / judged >= TOTAL_SHARE && example) totals.push({ parent, children, matched, judged, example });
        }
        if (totals.length === 0) continue;
        const first = totals[0];
        const shown = totals.map((t) => `${t.parent} (the sum of ${listSome(t.children, 3)} in ${t.matched} of ${t.judged} months)`);
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/subtotal`,
            severity: "fail",
            message: `The ${s.op.profile.name} of ${c.company} (${s.query.basis}) gives ${totals.length} parent account${totals.length === 1 ? "" : "s"} the total of ${totals.length === 1 ? "its" : "their"} children instead of ${totals.length === 1 ? "its" : "their"} own amount: ${listSome(shown, 4)}; in ${first.example.period}, ${first.parent} holds ${money(first.example.own)}, its children ${money(first.example.sum)}. Reach adds the rows and rolls the hierarchy up itself, so these amounts count twice.`,
            rule: RULE,
            fix: `Send each account's own postings only: leave subtotals out of the statement (Reach builds them from ${parentField}), so a header account with no postings of its own reads 0 or has no row.`,
            operation: s.op,
            company: c.company,
            pointer: first.example.index >= 0 ? rowPointer(ctx, first.example.index, s.op.profile.amountField ?? "Amount") : undefined,
            exchange: s.exchange,
            evidence: {
              expected: `${first.parent}'s own amount`,
              actual: `${money(first.example.own)} = the sum of its children in ${first.example.period}`,
              ...(first.example.index >= 0 ? { bodyExcerpt: excerpt(JSON.stringify(rows.record(first.example.index))) } : {}),
            },
          }),
        );
      }
    }
    if (charts > 0 && hierarchies === 0) return { findings: [], skip: `No company's chart of accounts has parent accounts (${parentField}), so no row can carry a subtotal.` };
    if (statements === 0) return chartSkip(pass, "No statement and chart of accounts with parent accounts could be read together (see schema.statements and schema.reference-lists).");
    return { findings, summary: findings.length === 0 ? `${statements} statement responses: no parent account carries its children's total.` : undefined };
  },
};
