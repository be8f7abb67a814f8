import type { Finding } from "../../report/types.js";
import type { Probe, ProbeContext } from "../types.js";
import { cashFlowShift, money, sameTotal, wholeUnits } from "../support/accuracy.js";
import { makeFinding, rowCapNote } from "../support/findings.js";
import { chartSkip, listSome, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import type { StatementFetch } from "../../engine/sync.js";
import type { Exchange } from "../../http/types.js";
import { liveMonths, monthNumber, periodOfMonth } from "../../util/dates.js";

/**
 * The profit and loss and the balance sheet describe the same books: a month's net income (income
 * accounts less expense accounts, each signed by its normal balance) is what the current-year
 * earnings account on the balance sheet gains that month, and that account starts again in the
 * first month of each fiscal year. Nothing marks which account it is, so the check looks for the
 * credit-normal balance-sheet account whose month-to-month change follows the net income; when
 * one does, the profit and loss and the balance sheet agree. When none does, the check tries the
 * usual ways they drift apart (profit-and-loss periods shifted by a month, amounts in cents on one
 * statement) before reporting that they disagree. With the fiscal month end the company info
 * gives, it then looks at where the account starts again.
 */

const RULE = {
  ref: "spec-model:statement-rows",
  text: "Profit-and-loss rows are the month's movement and balance-sheet rows month-end balances, signed by normal balance; equity includes the current-year earnings account, so each month's net income (income less expenses) is that account's change, and it starts again with each fiscal year (FiscalMonthEnd).",
};

/** Share of the months with net income that the best account must follow to count as the earnings account. */
const FOLLOWS = 0.8;
/** Below this share the two statements are judged to disagree (a failure); between, a warning. */
const DISAGREES = 0.5;
/** Months with net income needed before anything is judged. */
const MIN_MONTHS = 3;


interface Candidate {
  id: string;
  /** Balance per month index (NaN where the account has no row). */
  balance: Float64Array;
}

/**
 * Months (by index) whose change is no movement of the year: the month after a fiscal year end
 * (the account starts again there), the fiscal year's last month when the account is closed to zero
 * at its end (a closing entry dated on the year's last day, as ledgers that post the close in their
 * last period do), and the month the books open (the balance sheet holds nothing before it, so
 * opening balances, year-to-date earnings brought from an earlier system among them, are no
 * month's income).
 */
type Exempt = (c: Candidate, m: number) => boolean;

/** Whether the account was closed to zero at the end of month `m` (it held a balance the month before). */
const closedAt = (c: Candidate, m: number) => Math.abs(c.balance[m]) < 0.005 && Math.abs(c.balance[m - 1]) >= 0.005;

/** How many of the judged months a balance's change equals `income(m)`, and the first that does not. */
function follow(c: Candidate, months: readonly number[], income: (m: number) => number | undefined, exempt: Exempt) {
  let judged = 0;
  let matched = 0;
  /** How far the changes are from the net income in all: which account comes closest when none follows. */
  let gap = 0;
  let miss: { m: number; change: number; income: number } | undefined;
  for (let m = 1; m < months.length; m++) {
    if (months[m] !== months[m - 1] + 1 || exempt(c, m)) continue;
    const ni = income(m);
    if (ni === undefined || Math.abs(ni) < 0.005) continue;
    const change = c.balance[m] - c.balance[m - 1];
    if (Number.isNaN(change)) continue;
    judged++;
    gap += Math.abs(change - ni);
    if (sameTotal(change, ni)) matched++;
    else miss ??= { m, change, income: ni };
  }
  return { judged, matched, gap, miss };
}

/**
 * How many of the months with net income the balance itself (not its change) equals that net
 * income: a profit and loss sending year-to-date totals. Months whose balance before is 0 (a year's
 * first, where balance and change are the same) say nothing and are left out.
 */
function followBalance(c: Candidate, months: readonly number[], net: Float64Array) {
  let judged = 0;
  let matched = 0;
  for (let m = 1; m < months.length; m++) {
    const ni = net[m];
    const before = c.balance[m - 1];
    if (Math.abs(ni) < 0.005 || Number.isNaN(c.balance[m]) || Number.isNaN(before) || Math.abs(before) < 0.005) continue;
    judged++;
    if (sameTotal(c.balance[m], ni)) matched++;
  }
  return { judged, matched };
}

export const probe: Probe = {
  id: "accuracy.earnings",
  family: "accuracy",
  step: 4,
  title: "Net income reaches the balance sheet's earnings",
  description:
    "For each company and basis, over the 24 synced months: each month's net income from the profit and loss (income less expenses, by normal balance) must be the change of one credit-normal balance-sheet account (the current-year earnings) in most months; periods shifted by a month or amounts in cents on one statement are named. Once that account is found, a month it does not follow (the current month aside) fails: the two statements contradict each other there; so does a month the profit and loss has no row for while that account changes. With the company's FiscalMonthEnd, that account must start again after each fiscal year end (or be closed to zero at its end): starting again in another month fails, never starting again warns. The month the books open (nothing on the balance sheet before it) is not judged.",
  after: ["reachability.connection"],
  // Statements cut by a row limit explain a difference here: accuracy.row-grid's verdict is read.
  orderAfter: ["accuracy.row-grid"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const { debitNormal, creditNormal } = ctx.contract.profile.accounting;
    const statements = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    const bsOps = statements.filter((o) => o.profile.periodKind === "balance");
    const balanceTypes = new Set(bsOps.flatMap((o) => o.profile.accountTypes ?? []));
    // The profit and loss: movements of income and expense accounts (the cash flow moves balance accounts).
    const plOps = statements.filter((o) => {
      const types = o.profile.accountTypes ?? [];
      return o.profile.periodKind === "movement" && types.some((t) => creditNormal.includes(t)) && !types.some((t) => balanceTypes.has(t));
    });
    // The cash flow: movements of balance-sheet accounts (it tells which statement a month-apart pair has off).
    const cfOps = statements.filter((o) => o.profile.periodKind === "movement" && (o.profile.accountTypes ?? []).some((t) => balanceTypes.has(t)));
    if (plOps.length === 0 || bsOps.length === 0) return { findings: [], skip: "The spec has no profit and loss and balance sheet to set side by side." };
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    const judgedNotes: string[] = [];
    for (const c of pass.companies) {
      const chart = c.chart;
      if (!chart) continue;
      const fiscalMonthEnd = fiscalMonthEndOf(c.info);
      const fetched = unsplit(c);
      for (const pl of fetched.filter((s) => plOps.includes(s.op))) {
        const bs = fetched.find((s) => bsOps.includes(s.op) && s.query.basis === pl.query.basis && s.query.start === pl.query.start && s.query.end === pl.query.end);
        const plRows = pl.fold.table;
        const bsRows = bs?.fold.table;
        if (!bs || !plRows || !bsRows) continue;
        const plTypes = pl.op.profile.accountTypes ?? [];
        const income = new Set(plTypes.filter((t) => creditNormal.includes(t)));
        const expense = new Set(plTypes.filter((t) => debitNormal.includes(t)));
        // Months as month numbers, in order, over both statements.
        const monthSet = new Set<number>();
        for (const rows of [plRows, bsRows]) {
          for (let i = 0; i < rows.length; i++) {
            const n = monthNumber(rows.period(i) ?? "");
            if (n !== undefined) monthSet.add(n);
          }
        }
        const months = [...monthSet].sort((a, b) => a - b);
        const at = new Map(months.map((n, i) => [n, i]));
        const net = new Float64Array(months.length);
        /** Each account type's part of the net income, month by month (to name a type signed the other way). */
        const byType = new Map<string, Float64Array>();
        /** Months the profit and loss has any row for. */
        const plHas = new Uint8Array(months.length);
        for (let i = 0; i < plRows.length; i++) {
          const n = monthNumber(plRows.period(i) ?? "");
          if (n !== undefined) plHas[at.get(n)!] = 1;
          const id = plRows.id(i);
          const amount = plRows.amount(i);
          if (n === undefined || id === undefined || amount === undefined || Number.isNaN(amount)) continue;
          const type = chart.typeOf.get(id) ?? "";
          const signed = income.has(type) ? amount : expense.has(type) ? -amount : 0;
          net[at.get(n)!] += signed;
          if (signed !== 0) {
            let part = byType.get(type);
            if (!part) byType.set(type, (part = new Float64Array(months.length)));
            part[at.get(n)!] += signed;
          }
        }
        const candidates = new Map<string, Candidate>();
        /** Months the balance sheet holds any balance in: the books are open. */
        const bsOpen = new Uint8Array(months.length);
        for (let i = 0; i < bsRows.length; i++) {
          const id = bsRows.id(i);
          const n = monthNumber(bsRows.period(i) ?? "");
          const amount = bsRows.amount(i);
          if (n !== undefined && amount !== undefined && Math.abs(amount) >= 0.005) bsOpen[at.get(n)!] = 1;
          if (id === undefined || n === undefined || amount === undefined || !creditNormal.includes(chart.typeOf.get(id) ?? "")) continue;
          let cand = candidates.get(id);
          if (!cand) candidates.set(id, (cand = { id, balance: new Float64Array(months.length).fill(Number.NaN) }));
          cand.balance[at.get(n)!] = amount;
        }
        const active = months.filter((_, m) => Math.abs(net[m]) >= 0.005).length;
        if (active < MIN_MONTHS || candidates.size === 0) continue;
        // With a fiscal month end, its following month is where the earnings start again: not judged as a movement.
        const firstOfYear = (n: number) => fiscalMonthEnd !== undefined && ((n % 12) + 12) % 12 === fiscalMonthEnd % 12;
        const lastOfYear = (n: number) => fiscalMonthEnd !== undefined && (((n + 1) % 12) + 12) % 12 === fiscalMonthEnd % 12;
        const exempt: Exempt = (cand, m) =>
          firstOfYear(months[m]) ||
          (lastOfYear(months[m]) && closedAt(cand, m)) ||
          (bsOpen[m] === 1 && bsOpen[m - 1] === 0);
        const best = (inc: (m: number) => number | undefined) => {
          let top: { c: Candidate; r: ReturnType<typeof follow> } | undefined;
          for (const cand of candidates.values()) {
            const r = follow(cand, months, inc, exempt);
            if (r.judged === 0) continue;
            const share = r.matched / r.judged;
            const topShare = top ? top.r.matched / top.r.judged : -1;
            // The best share of months followed; among equals, the account closest to the net income.
            if (!top || share > topShare || (share === topShare && r.gap / r.judged < top.r.gap / top.r.judged)) top = { c: cand, r };
          }
          return top;
        };
        const plain = best((m) => net[m]);
        if (!plain || plain.r.judged < MIN_MONTHS - 1) continue;
        const share = plain.r.matched / plain.r.judged;
        const where = `The ${pl.op.profile.name} and the ${bs.op.profile.name} of ${c.company} (${pl.query.basis})`;
        const base = { rule: RULE, operation: pl.op, company: c.company, exchange: pl.exchange };
        const label = (m: number) => periodOfMonth(months[m]);
        if (share >= FOLLOWS) {
          judgedNotes.push(`${c.company} ${pl.query.basis}: ${plain.c.id} follows net income in ${plain.r.matched} of ${plain.r.judged} months`);
          // The account is known now: a month it does not follow is a month the two statements contradict each other.
          const live = new Set([...liveMonths(ctx.now)].map((p) => monthNumber(p)));
          const off = offMonths(plain.c, months, net, exempt, live);
          if (off.length > 0) {
            const shown = off.map((o) => `${label(o.m)}: net income ${money(net[o.m])}, ${plain.c.id} changes by ${money(o.change)} (off by ${money(net[o.m] - o.change)})`);
            // An account closed to zero at the end of a month that is not the fiscal year's last: the
            // books close their year where FiscalMonthEnd does not say.
            const closes = off.filter((o) => closedAt(plain.c, o.m));
            const closeNote =
              closes.length > 0
                ? ` In ${listSome(closes.map((o) => label(o.m)), 4)} ${plain.c.id} is closed to zero, as at a fiscal year end${fiscalMonthEnd !== undefined ? `, but the company info says FiscalMonthEnd ${fiscalMonthEnd}` : ""}.`
                : " One of the two statements is wrong in " + (off.length === 1 ? "that month." : "those months.");
            findings.push(
              makeFinding(ctx, {
                ...base,
                code: `${this.id}/months-differ`,
                severity: "fail",
                message: `${where} contradict each other in ${off.length} month${off.length === 1 ? "" : "s"}: ${plain.c.id}, the balance sheet's current-year earnings, changes by the month's net income in ${plain.r.matched} of ${plain.r.judged} months but not in ${listSome(shown, 4)}.${closeNote}`,
                fix:
                  closes.length > 0
                    ? "Close the current-year earnings into retained earnings at the fiscal year end the company info gives (FiscalMonthEnd), or report the fiscal month end the books use; Reach computes year-to-date figures from FiscalMonthEnd."
                    : "Find the postings of those months that reach one statement and not the other (an account signed or typed differently, a posting dated differently, a month rebuilt from another source) and build both statements from the same postings.",
                evidence: { expected: "each month's net income = the earnings account's change that month", actual: listSome(shown, 12) },
              }),
            );
          }
          // A month the profit and loss has no row for at all, while the earnings account moves: the
          // month is missing from it (its net income would read as zero), not a month without activity.
          const lost = missingMonths(plain.c, months, plHas, exempt, live);
          if (lost.length > 0) {
            const shown = lost.map((o) => `${label(o.m)} (${plain.c.id} changes by ${money(o.change)})`);
            findings.push(
              makeFinding(ctx, {
                ...base,
                code: `${this.id}/month-missing`,
                severity: "fail",
                message: `The ${pl.op.profile.name} of ${c.company} (${pl.query.basis}) has no row at all for ${lost.length} month${lost.length === 1 ? "" : "s"} in which ${plain.c.id}, the ${bs.op.profile.name}'s current-year earnings, changes: ${listSome(shown, 4)}. Reach reads the missing month's net income as zero.`,
                fix: "Return the profit and loss of every month of the range (one row per account and month); check the month boundaries of the query behind it.",
                pointer: `/${ctx.contract.profile.pagination.dataField}`,
                evidence: { expected: `rows for ${label(lost[0].m)}`, actual: `no row for ${listSome(lost.map((o) => label(o.m)), 12)}` },
              }),
            );
          }
          if (fiscalMonthEnd !== undefined) findings.push(...yearEnd(ctx, this.id, plain.c, months, net, fiscalMonthEnd, label, where, bs, c.company));
          continue;
        }
        // Not followed: the usual ways the two drift apart, before saying they disagree.
        const shifted = ([1, -1] as const)
          .map((k) => ({ k, top: best((m) => (m + k >= 0 && m + k < months.length && months[m + k] === months[m] + k ? net[m + k] : undefined)) }))
          .find((x) => x.top && x.top.r.judged >= MIN_MONTHS - 1 && x.top.r.matched / x.top.r.judged >= FOLLOWS);
        const scaled = ([100, 0.01, -1] as const)
          .map((f) => ({ f, top: best((m) => net[m] / f) }))
          .find((x) => x.top && x.top.r.judged >= MIN_MONTHS - 1 && x.top.r.matched / x.top.r.judged >= FOLLOWS);
        const miss = plain.r.miss!;
        // The figures behind the finding, in place of the statement's opening bytes: the first
        // months' net income beside the best account's change.
        const shown = months.map((_, m) => m).filter((m) => m > 0 && months[m] === months[m - 1] + 1).slice(0, 4);
        // The account a finding speaks of: the one that follows the net income once shifted or
        // scaled, else the closest plain match; its figures and example are that account's.
        const named = (shifted ?? scaled)?.top?.c ?? plain.c;
        const figures = shown.map((m) => `${label(m)}: net income ${money(net[m])}, ${named.id} ${money(named.balance[m - 1])} -> ${money(named.balance[m])} (change ${money(named.balance[m] - named.balance[m - 1])})`).join("; ");
        const first = shown[0];
        const example =
          named === plain.c || first === undefined
            ? `in ${label(miss.m)} the net income is ${money(miss.income)}, and ${plain.c.id} (the account that follows it best) changes by ${money(miss.change)}`
            : `in ${label(first)} the net income is ${money(net[first])}, and ${named.id} changes by ${money(named.balance[first] - named.balance[first - 1])}`;
        // Net income equal to the earnings account's balance rather than its change: year-to-date totals.
        let ytd: { c: Candidate; judged: number; matched: number } | undefined;
        for (const cand of candidates.values()) {
          const r = followBalance(cand, months, net);
          if (r.judged >= MIN_MONTHS - 1 && r.matched / r.judged >= FOLLOWS && (!ytd || r.matched > ytd.matched)) ytd = { c: cand, ...r };
        }
        // One account type signed against its normal balance: the net income follows the earnings
        // account once that type's part is taken the other way round.
        const typeFlipped =
          shifted || scaled || ytd
            ? undefined
            : [...byType]
                .filter(([, part]) => part.some((x) => Math.abs(x) >= 0.005))
                .map(([type, part]) => ({ type, top: best((m) => net[m] - 2 * part[m]) }))
                .find((x) => x.top && x.top.r.judged >= MIN_MONTHS - 1 && x.top.r.matched / x.top.r.judged >= FOLLOWS);
        if (typeFlipped) {
          const normal = creditNormal.includes(typeFlipped.type) ? "credit" : "debit";
          findings.push(
            makeFinding(ctx, {
              ...base,
              code: `${this.id}/type-signed`,
              severity: "fail",
              message: `${where} disagree because of one kind of account: with the ${typeFlipped.type} accounts' amounts taken the other way round, each month's net income is the change of ${typeFlipped.top!.c.id} (the current-year earnings) in ${typeFlipped.top!.r.matched} of ${typeFlipped.top!.r.judged} months. The ${pl.op.profile.name} signs its ${typeFlipped.type} accounts against their normal balance (a ${normal} is positive for them).`,
              fix: `Sign the ${typeFlipped.type} rows of the ${pl.op.profile.name} by the accounts' normal balance: a ${normal} balance or movement is positive (see the sign convention of the spec).`,
              evidence: { expected: "net income of a month = the earnings account's change that month", actual: `equal with the ${typeFlipped.type} amounts negated in ${typeFlipped.top!.r.matched} of ${typeFlipped.top!.r.judged} months; ${figures}` },
            }),
          );
        } else if (ytd && !shifted && !scaled) {
          const m = months.findIndex((_, i) => i > 0 && Math.abs(net[i]) >= 0.005 && Math.abs(ytd!.c.balance[i - 1]) >= 0.005 && sameTotal(ytd!.c.balance[i], net[i]));
          const shownYtd = m > 0 ? `in ${label(m)} the net income is ${money(net[m])}, the balance of ${ytd.c.id} at that month's end, while it changed by ${money(ytd.c.balance[m] - ytd.c.balance[m - 1])}` : "";
          findings.push(
            makeFinding(ctx, {
              ...base,
              code: `${this.id}/year-to-date`,
              severity: "fail",
              message: `${where} disagree in a telling way: each month's net income on the ${pl.op.profile.name} equals the balance of ${ytd.c.id} (the current-year earnings) on the ${bs.op.profile.name}, not its change (${ytd.matched} of ${ytd.judged} months): the ${pl.op.profile.name} sends year-to-date totals where each month's movement belongs${shownYtd ? `; ${shownYtd}` : ""}.`,
              fix: `Send each month's movement on the ${pl.op.profile.name} (the postings dated in that month), not the fiscal year-to-date total; Reach adds the months up itself.`,
              evidence: { expected: "net income of a month = the earnings account's change that month", actual: `net income = the earnings account's balance in ${ytd.matched} of ${ytd.judged} months; ${figures}` },
            }),
          );
        } else if (shifted) {
          // The cash flow a month apart from the balance sheet the same way (its movements equal the
          // balance change -k months off) while the profit and loss agrees with it: the balance
          // sheet is the statement out of step.
          const flow = fetched.find((x) => cfOps.includes(x.op) && x.query.basis === pl.query.basis && x.query.start === pl.query.start && x.query.end === pl.query.end);
          const openMonths = liveMonths(ctx.now);
          const sheetOff = flow?.fold.table !== undefined && cashFlowShift(flow.fold.table, bsRows, (p) => openMonths.has(p))?.by === -shifted.k;
          findings.push(
            makeFinding(ctx, {
              ...base,
              ...(sheetOff ? { operation: bs.op, exchange: bs.exchange } : {}),
              code: `${this.id}/shifted`,
              severity: "fail",
              message: `${where} are a month apart: each month's net income on the ${pl.op.profile.name} is what ${shifted.top!.c.id} on the ${bs.op.profile.name} gains ${shifted.k === 1 ? "in the month before" : "in the month after"} (${shifted.top!.r.matched} of ${shifted.top!.r.judged} months); ${example}.${
                sheetOff
                  ? ` The ${flow!.op.profile.name} is a month apart from the ${bs.op.profile.name} the same way while it agrees with the ${pl.op.profile.name}: the ${bs.op.profile.name} is the statement out of step (${shifted.k === -1 ? "its rows look like each month's opening balance, or month-end balances labelled a month late" : "its month-end balances look labelled a month early"}).`
                  : ""
              }`,
              fix: sheetOff
                ? `Give each ${bs.op.profile.name} row the balance at the end of the month it is labelled with (not at its start); the ${pl.op.profile.name} and the ${flow!.op.profile.name} already agree with each other.`
                : "Give each profit-and-loss row the calendar month its postings belong to, as the balance sheet does (watch time zones and month-end postings, and EndDate taken as exclusive).",
              evidence: { expected: "net income of a month = the earnings account's change that month", actual: `matches with a shift of ${shifted.k > 0 ? "+" : ""}${shifted.k} month; ${figures}` },
            }),
          );
        } else if (scaled) {
          findings.push(
            makeFinding(ctx, {
              ...base,
              code: `${this.id}/scale`,
              severity: "fail",
              message:
                scaled.f === -1
                  ? `${where} are signed the other way round from each other: ${scaled.top!.c.id} on the ${bs.op.profile.name} changes by minus the ${pl.op.profile.name}'s net income (${scaled.top!.r.matched} of ${scaled.top!.r.judged} months); ${example}.`
                  : `${where} are in different units: ${scaled.top!.c.id} on the ${bs.op.profile.name} changes by the ${pl.op.profile.name}'s net income ${scaled.f === 100 ? "divided by 100" : "times 100"} (${scaled.top!.r.matched} of ${scaled.top!.r.judged} months), as if one of them were in cents; ${example}.`,
              fix:
                scaled.f === -1
                  ? "Sign both statements by each account's normal balance (see accuracy.sign-convention): income and equity credits positive, expense and asset debits positive."
                  : "Send every statement's amounts in the company currency's units (not minor units such as cents).",
              evidence: { expected: "net income = the earnings account's change", actual: `equal after ${scaled.f === 100 ? "dividing by 100" : scaled.f === 0.01 ? "multiplying by 100" : "changing the sign"}; ${figures}` },
            }),
          );
        } else {
          findings.push(
            makeFinding(ctx, {
              ...base,
              code: `${this.id}/${share < DISAGREES ? "disagree" : "differs"}`,
              severity: share < DISAGREES ? "fail" : "warn",
              message:
                plain.r.matched === 0
                  ? `${where} disagree: in none of ${plain.r.judged} months does any balance-sheet account change by the month's net income (in ${label(miss.m)} the net income is ${money(miss.income)}). The profit and loss reports a result the balance sheet's equity does not show.${rowCapNote(ctx, c.company)}`
                  : `${where} disagree: no balance-sheet account changes by the month's net income in most months (the closest, ${plain.c.id}, in ${plain.r.matched} of ${plain.r.judged}); ${example}. The profit and loss then reports a result the balance sheet's equity does not show.${wholeUnits(plRows) && wholeUnits(bsRows) ? " Every amount on both statements is a whole number: amounts rounded to whole units make the net income and the earnings' change differ by the rounding, so send them to the cent first." : ""}${rowCapNote(ctx, c.company)}`,
              fix: "Build both statements from the same postings for the same basis and filters: the balance sheet's current-year earnings must be the year-to-date sum of the profit and loss (check the accounting basis and any filter on each statement, and accounts missing from one of them).",
              evidence: { expected: "net income of each month = one equity account's change that month", actual: `${plain.r.matched} of ${plain.r.judged} months; ${figures}` },
            }),
          );
        }
      }
    }
    if (judgedNotes.length === 0 && findings.length === 0) {
      return chartSkip(pass, "No company had a profit and loss with net income and a balance sheet of the same months to set side by side.");
    }
    return { findings, summary: findings.length === 0 ? `Net income reaches the earnings account: ${judgedNotes.join("; ")}.` : undefined };
  },
};

/**
 * The months in which the earnings account does not change by the net income, once it is known to
 * follow it. Not counted: the months `exempt` names (a fiscal year's first, its last when closed
 * to zero at its end, the month the books open), a month where it holds exactly that month's net
 * income (it started again where no FiscalMonthEnd said so; the year-end rule speaks of that),
 * months with no net income, and the current month (a live ledger moves between the two requests).
 */
function offMonths(c: Candidate, months: readonly number[], net: Float64Array, exempt: Exempt, live: ReadonlySet<number | undefined>) {
  const off: { m: number; change: number }[] = [];
  for (let m = 1; m < months.length; m++) {
    if (months[m] !== months[m - 1] + 1 || exempt(c, m) || live.has(months[m])) continue;
    if (Math.abs(net[m]) < 0.005) continue;
    const change = c.balance[m] - c.balance[m - 1];
    if (Number.isNaN(change) || sameTotal(change, net[m]) || sameTotal(c.balance[m], net[m])) continue;
    off.push({ m, change });
  }
  return off;
}

/**
 * The months the profit and loss has no row for while the earnings account changes (the same
 * months aside as in `offMonths`: those `exempt` names, the current month, a gap in the months).
 */
function missingMonths(c: Candidate, months: readonly number[], plHas: Uint8Array, exempt: Exempt, live: ReadonlySet<number | undefined>) {
  const lost: { m: number; change: number }[] = [];
  for (let m = 1; m < months.length; m++) {
    if (plHas[m] || months[m] !== months[m - 1] + 1 || exempt(c, m) || live.has(months[m])) continue;
    const change = c.balance[m] - c.balance[m - 1];
    if (!Number.isNaN(change) && Math.abs(change) >= 0.005) lost.push({ m, change });
  }
  return lost;
}

/** FiscalMonthEnd (1..12) from the company info the sync read, when it gives one. */
function fiscalMonthEndOf(ex: Exchange | undefined): number | undefined {
  const v = ex?.response?.status === 200 ? (ex.response.json as Record<string, unknown> | undefined)?.FiscalMonthEnd : undefined;
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 12 ? v : undefined;
}

/**
 * Where the earnings account starts again: in the month after FiscalMonthEnd its balance is that
 * month's net income alone (or it was closed to zero at the end of the year's last month). One that
 * starts again in another month fails: FiscalMonthEnd says something else than the books, and
 * Reach's year-to-date figures follow FiscalMonthEnd. One that runs on through the year end (never
 * closed to retained earnings) is a warning.
 */
function yearEnd(
  ctx: ProbeContext,
  checkId: string,
  c: Candidate,
  months: readonly number[],
  net: Float64Array,
  fiscalMonthEnd: number,
  label: (m: number) => string,
  where: string,
  bs: StatementFetch,
  company: string,
): Finding[] {
  const startsAgain = (m: number) => m > 0 && months[m] === months[m - 1] + 1 && sameTotal(c.balance[m], net[m]) && Math.abs(c.balance[m - 1]) >= 0.005;
  const runsOn = (m: number) => m > 0 && months[m] === months[m - 1] + 1 && sameTotal(c.balance[m] - c.balance[m - 1], net[m]) && Math.abs(c.balance[m - 1]) >= 0.005;
  const yearStarts = months.map((_, m) => m).filter((m) => m > 0 && ((months[m] % 12) + 12) % 12 === fiscalMonthEnd % 12);
  const judged = yearStarts.filter((m) => !Number.isNaN(c.balance[m]) && !Number.isNaN(c.balance[m - 1]) && Math.abs(c.balance[m - 1]) >= 0.005);
  if (judged.length === 0) return [];
  if (judged.some((m) => startsAgain(m))) return [];
  const base = { rule: RULE, operation: bs.op, company, exchange: bs.exchange };
  // Another month where it starts again names the year end the books keep.
  const other = months.map((_, m) => m).find((m) => !yearStarts.includes(m) && startsAgain(m));
  if (other !== undefined) {
    const booksEnd = ((months[other] - 1) % 12) + 1;
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/fiscal-month-end`,
        severity: "fail",
        message: `${where}: the earnings account ${c.id} starts again in ${label(other)}, so the books close their year after month ${booksEnd}, but the company info says FiscalMonthEnd ${fiscalMonthEnd}. Reach computes year-to-date figures from FiscalMonthEnd, so its year-to-date results and the balance sheet's current-year earnings would not agree.`,
        fix: `Report the fiscal month end the books use (FiscalMonthEnd ${booksEnd}, 1 = January), or close the year where FiscalMonthEnd says.`,
        evidence: { expected: `${c.id} = that month's net income in the month after FiscalMonthEnd ${fiscalMonthEnd}`, actual: `it is in ${label(other)}` },
      }),
    ];
  }
  if (judged.every((m) => runsOn(m))) {
    const m = judged[0];
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/no-year-end-close`,
        severity: "warn",
        message: `${where}: the earnings account ${c.id} runs on through the fiscal year end (FiscalMonthEnd ${fiscalMonthEnd}): in ${label(m)} it is ${money(c.balance[m])}, the month's net income ${money(net[m])} added to the ${money(c.balance[m - 1])} before, instead of starting again. Current-year earnings then hold earlier years' results.`,
        fix: "Close the current-year earnings into retained earnings at each fiscal year end, so that the account holds the year-to-date result.",
        evidence: { expected: `${c.id} = ${money(net[m])} in ${label(m)}`, actual: money(c.balance[m]) },
      }),
    ];
  }
  return [];
}
