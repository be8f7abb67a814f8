import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { cashFlowShift, compareMovement } from "../support/accuracy.js";
import { excerpt, failedFor, makeFinding } from "../support/findings.js";
import { listSome, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { liveMonths, monthNumber, periodOfMonth } from "../../util/dates.js";

/**
 * Balance-sheet rows are month-end balances and cash-flow rows the month's movement, both signed by
 * the account's normal balance: for an account on both, the cash flow of a month is the change of
 * its balance from the month before. Judged on the 24 synced months of each basis, for the
 * account-months where the cash flow and both balances have a row (the first month has no balance
 * before it in the sync, and a month a partner leaves out is not guessed). When most of them differ,
 * one of the two statements is built the wrong way (balances sent as movements or the reverse): a
 * failure; a few differences are a warning.
 */

const RULE = {
  ref: "spec-model:statement-rows",
  text: "Balance-sheet rows are month-end balances; profit-and-loss and cash-flow rows are the month's movement (both signed by the account's normal balance), so an account's cash-flow amount for a month is its balance at that month's end minus its balance at the previous month's end.",
};

/** YYYY-MM of the month before a YYYY-MM period; undefined when it is not one. */
function previousMonth(period: string): string | undefined {
  const n = monthNumber(period);
  return n === undefined ? undefined : periodOfMonth(n - 1);
}

export const probe: Probe = {
  id: "accuracy.cash-flow",
  family: "accuracy",
  step: 4,
  title: "Cash-flow movements are the balance sheet's changes",
  description:
    "For each company and basis, compares every cash-flow row of the 24 synced months with the change of the same account's balance-sheet row from the month before (to 0.01): most of them different fails (one statement sends balances where movements belong, or the reverse), a few warn.",
  after: ["reachability.connection"],
  // A balance sheet that does not balance explains cash-flow differences: its verdict is read here.
  orderAfter: ["accuracy.balance-sheet", "accuracy.sign-convention"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const statements = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    const balanceOps = statements.filter((o) => o.profile.periodKind === "balance");
    const balanceTypes = new Set(balanceOps.flatMap((o) => o.profile.accountTypes ?? []));
    // The movement statements of balance accounts: the cash flow.
    const flowOps = statements.filter((o) => o.profile.periodKind === "movement" && (o.profile.accountTypes ?? []).some((t) => balanceTypes.has(t)));
    if (balanceOps.length === 0 || flowOps.length === 0) return { findings: [], skip: "The spec has no balance sheet and cash flow of the same accounts." };
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    const live = liveMonths(ctx.now);
    let judgedAll = 0;
    for (const c of pass.companies) {
      const chart = c.chart;
      const fetched = unsplit(c);
      for (const flow of fetched.filter((s) => flowOps.includes(s.op))) {
        const balance = fetched.find((s) => balanceOps.includes(s.op) && s.query.basis === flow.query.basis && s.query.start === flow.query.start && s.query.end === flow.query.end);
        const cf = flow.fold.table;
        const bs = balance?.fold.table;
        if (!balance || !cf || !bs) continue;
        // Both tables are interned into the company's pools: balances by (account, period) index.
        const pools = bs.pools;
        if (cf.pools !== pools) continue;
        const periods = pools.periods.size;
        const balances = new Float64Array(pools.ids.size * periods).fill(Number.NaN);
        for (let i = 0; i < bs.length; i++) {
          const id = bs.idIndex(i);
          const p = bs.periodIndex(i);
          const amount = bs.amount(i);
          if (id !== undefined && p !== undefined && amount !== undefined && id < pools.ids.size) balances[id * periods + p] = amount;
        }
        const indexOf = new Map(pools.periods.all().map((name, i) => [name, i]));
        const before = pools.periods.all().map((name) => indexOf.get(previousMonth(name) ?? "") ?? -1);
        // The month still open for postings (where the partner's clock may be, -12 h..+14 h): the two
        // statements are read at different moments, so it is not compared.
        const open = pools.periods.all().map((name) => live.has(name));
        let judged = 0;
        let differ = 0;
        /** Differing account-months whose cash flow is exactly the change with the sign flipped. */
        let negated = 0;
        let first: { id: string; period: string; flow: number; change: number; index: number } | undefined;
        // Accounts the balance sheet has a row for, in any month of the range.
        const onSheet = new Uint8Array(pools.ids.size);
        for (let i = 0; i < bs.length; i++) {
          const id = bs.idIndex(i);
          if (id !== undefined && id < pools.ids.size) onSheet[id] = 1;
        }
        /** Balance-sheet accounts of the chart that move on the cash flow but never appear on the balance sheet. */
        const offSheet = new Map<number, { months: number; index: number }>();
        for (let i = 0; i < cf.length; i++) {
          const id = cf.idIndex(i);
          const p = cf.periodIndex(i);
          const amount = cf.amount(i);
          if (id === undefined || p === undefined || amount === undefined || id >= pools.ids.size || p >= periods || before[p] < 0 || open[p]) continue;
          // A movement inside the range changes the balance, so the balance is not 0 at one of the
          // two month-ends and the balance sheet owes a row for it: an account the balance sheet
          // never names is another account on the cash flow (its own id for the same account).
          // The balance sheet's account types only (an indirect cash flow carries others too).
          if (!onSheet[id] && balanceTypes.has(chart?.typeAt[id] ?? "") && !compareMovement(amount, 0, 0).quiet) {
            const seen = offSheet.get(id);
            if (seen) seen.months++;
            else offSheet.set(id, { months: 1, index: i });
            continue;
          }
          const end = balances[id * periods + p];
          const start = balances[id * periods + before[p]];
          if (Number.isNaN(end) || Number.isNaN(start)) continue;
          const { change, quiet, differs } = compareMovement(amount, end, start);
          // An account with nothing on it agrees with anything: it is not counted, or a partner whose
          // every moving account is wrong would still look mostly right.
          if (quiet) continue;
          judged++;
          if (differs) {
            differ++;
            if (!compareMovement(-amount, end, start).differs) negated++;
            first ??= { id: pools.ids.name(id), period: pools.periods.name(p), flow: amount, change, index: i };
          }
        }
        // A month the cash flow leaves out altogether, while balances moved: every movement of it is lost.
        const inFlow = new Uint8Array(periods);
        const inSheet = new Uint8Array(periods);
        for (let i = 0; i < cf.length; i++) {
          const p = cf.periodIndex(i);
          if (p !== undefined && p < periods) inFlow[p] = 1;
        }
        for (let i = 0; i < bs.length; i++) {
          const p = bs.periodIndex(i);
          if (p !== undefined && p < periods) inSheet[p] = 1;
        }
        const lost: { period: string; moved: number; id: string; change: number }[] = [];
        for (let p = 0; p < periods; p++) {
          const b = before[p];
          if (inFlow[p] || !inSheet[p] || b < 0 || !inSheet[b] || live.has(pools.periods.name(p))) continue;
          let moved = 0;
          let biggest: { id: number; change: number } | undefined;
          for (let id = 0; id < pools.ids.size; id++) {
            const end = balances[id * periods + p];
            const start = balances[id * periods + b];
            if (Number.isNaN(end) || Number.isNaN(start)) continue;
            const { change, quiet } = compareMovement(0, end, start);
            if (quiet) continue;
            moved++;
            if (!biggest || Math.abs(change) > Math.abs(biggest.change)) biggest = { id, change };
          }
          if (biggest) lost.push({ period: pools.periods.name(p), moved, id: pools.ids.name(biggest.id), change: biggest.change });
        }
        if (lost.length > 0) {
          judged += lost.length;
          lost.sort((x, y) => (x.period < y.period ? -1 : 1));
          const shown = lost.map((l) => `${l.period} (${l.moved} account${l.moved === 1 ? "" : "s"} moved, e.g. ${l.id} by ${l.change.toFixed(2)})`);
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/month-missing`,
              severity: "fail",
              message: `The ${flow.op.profile.name} of ${c.company} (${flow.query.basis}) has no row at all for ${lost.length} month${lost.length === 1 ? "" : "s"} in which the ${balance.op.profile.name}'s balances changed: ${listSome(shown, 4)}. Reach reads the missing movements as zero.`,
              rule: RULE,
              fix: "Return the cash flow of every month of the range (one row per account and month, the change of its balance-sheet balance); check the month boundaries of the query behind it.",
              operation: flow.op,
              company: c.company,
              pointer: `/${ctx.contract.profile.pagination.dataField}`,
              exchange: flow.exchange,
              evidence: { expected: `rows for ${lost[0].period}`, actual: `no row for ${listSome(lost.map((l) => l.period), 12)}` },
            }),
          );
        }
        if (offSheet.size > 0) {
          judged += offSheet.size;
          const listed = [...offSheet].map(([id, o]) => ({ id: pools.ids.name(id), type: chart?.typeAt[id], ...o }));
          const shown = listed.map((a) => `${a.id} (${a.type}, moves in ${a.months} month${a.months === 1 ? "" : "s"})`);
          const idField = flow.op.profile.rowIdField ?? "AccountId";
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/not-on-balance-sheet`,
              severity: "fail",
              message: `The ${flow.op.profile.name} of ${c.company} (${flow.query.basis}) moves ${listed.length} balance-sheet account${listed.length === 1 ? "" : "s"} that the ${balance.op.profile.name} of the same months never names: ${listSome(shown, 6)}. A movement changes the balance, so the ${balance.op.profile.name} owes those accounts rows: either it leaves them out, or the cash flow names the accounts by ids of their own; either way Reach cannot tie these movements to any balance.`,
              rule: {
                ref: "reach:openapi#chart-of-accounts",
                text: "An account that is on the balance sheet and on the cash-flow statement appears only once in the chart of accounts, so both statements name it by the same AccountId.",
              },
              fix: `Give each of these accounts its ${balance.op.profile.name} rows (every month-end balance), and name each account by the same ${idField} on both statements, listed once in the chart of accounts.`,
              operation: flow.op,
              company: c.company,
              pointer: `/${ctx.contract.profile.pagination.dataField}/${listed[0].index}/${idField}`,
              exchange: flow.exchange,
              evidence: {
                expected: `a ${balance.op.profile.name} row for ${listed[0].id}`,
                actual: `no ${balance.op.profile.name} row for ${listSome(listed.map((a) => a.id), 12)} in ${balance.query.start} to ${balance.query.end}`,
                bodyExcerpt: excerpt(JSON.stringify(cf.record(listed[0].index))),
              },
            }),
          );
        }
        judgedAll += judged;
        if (!first) continue;
        const most = differ * 2 > judged;
        // Most differences are the change with its sign flipped: a sign convention, not balances
        // sent as movements (accuracy.sign-convention says which statement is off).
        const flipped = most && negated * 2 > differ;
        // The cash flow of each month equals the balance sheet's change a month later or earlier:
        // the two label their months differently (opening balances on the balance sheet, say).
        const shift = most && !flipped ? cashFlowShift(cf, bs, (p) => live.has(p)) : undefined;
        // Both findings below show the first differing row: where it is, and what it should be.
        const firstRow = {
          operation: flow.op,
          company: c.company,
          pointer: `/${ctx.contract.profile.pagination.dataField}/${first.index}/${flow.op.profile.amountField ?? "Amount"}`,
          exchange: flow.exchange,
        };
        const expected = `${first.change.toFixed(2)} (balance ${first.period} minus balance ${previousMonth(first.period)})`;
        const bodyExcerpt = excerpt(JSON.stringify(cf.record(first.index)));
        if (shift) {
          const later = shift.by === 1;
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/shifted`,
              severity: "fail",
              message: `The ${flow.op.profile.name} and the ${balance.op.profile.name} of ${c.company} (${flow.query.basis}) are a month apart: each month's cash-flow amount is the change of the account's balance in the month ${later ? "after" : "before"} (${shift.same} of ${shift.judged} account-months). Either the ${balance.op.profile.name} ${later ? "gives each month its opening balance (or labels month-end balances a month late)" : "labels month-end balances a month early"}, or the ${flow.op.profile.name} dates its movements a month ${later ? "early" : "late"}; accuracy.earnings names the one out of step with the profit and loss.`,
              rule: RULE,
              fix: `Label every row with the calendar month it belongs to: on the ${balance.op.profile.name}, the balance at the end of that month (not at its start); on the ${flow.op.profile.name}, the movement of that month.`,
              ...firstRow,
              evidence: { expected, actual: `${first.flow.toFixed(2)}; equal to the change of the month ${later ? "after" : "before"} in ${shift.same} of ${shift.judged} account-months`, bodyExcerpt },
            }),
          );
          continue;
        }
        const unbalanced = failedFor(ctx, ["accuracy.balance-sheet"], c.company);
        const signs = failedFor(ctx, ["accuracy.sign-convention"], c.company);
        const why = flipped
          ? ` In ${negated} of them the cash flow is exactly the change with the opposite sign: one of the two statements signs its amounts the other way${signs ? " (accuracy.sign-convention names which)" : ""}.`
          : most
            ? ` With most of them different, one of the two statements sends ${flow.op.profile.periodKind === "movement" ? "balances where movements belong (or movements where balances belong)" : "the wrong kind of amount"}.`
            : "";
        const knockOn = unbalanced ? ` The ${balance.op.profile.name} of ${c.company} does not balance (accuracy.balance-sheet): differences may follow from that, so fix it first.` : "";
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/${most ? "not-movements" : "differs"}`,
            severity: most ? "fail" : "warn",
            message: `The ${flow.op.profile.name} of ${c.company} (${flow.query.basis}) is not the change of the ${balance.op.profile.name}'s balances in ${differ} of ${judged} account-months; the first is ${first.id} in ${first.period}: ${first.flow.toFixed(2)} against a change of ${first.change.toFixed(2)}.${why}${knockOn}`,
            rule: RULE,
            fix: flipped
              ? "Sign both statements by each account's normal balance, as the spec's sign convention says; change the statement that breaks it (accuracy.sign-convention), not the other."
              : unbalanced
                ? `Make the ${balance.op.profile.name} balance first (accuracy.balance-sheet), then compare again: the cash flow is each month's change of those balances.`
                : "Send month-end balances on the balance sheet and each month's movement (the balance's change from the previous month-end) on the cash flow, both signed by the account's normal balance.",
            ...firstRow,
            evidence: { expected, actual: first.flow.toFixed(2), bodyExcerpt },
          }),
        );
      }
    }
    if (judgedAll === 0) return { findings: [], skip: "No cash flow and balance sheet of the same months could be read together (see schema.statements)." };
    return { findings, summary: findings.length === 0 ? `${judgedAll} cash-flow account-months, each the change of its balance-sheet balance.` : undefined };
  },
};
