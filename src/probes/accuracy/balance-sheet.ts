import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import type { CompanySync } from "../../engine/sync.js";
import { unbalancedPeriods, wholeUnits } from "../support/accuracy.js";
import { makeFinding, rowCapNote } from "../support/findings.js";
import { chartSkip, listSome, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "accuracy.balance-sheet",
  family: "accuracy",
  step: 4,
  title: "Every balance-sheet period balances",
  description:
    "For each company, each accounting basis and each of the 24 months of the sync, checks that assets equal liabilities plus equity to the cent (amounts signed by each account type's normal balance), and names the periods that do not, with the difference.",
  after: ["reachability.connection"],
  // Statements cut by a row limit explain a difference here: accuracy.row-grid's verdict is read.
  orderAfter: ["accuracy.row-grid"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "statement" && o.profile.periodKind === "balance");
    if (ops.length === 0) return { findings: [], skip: "The spec has no balance-sheet operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const { debitNormal } = ctx.contract.profile.accounting;
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let periods = 0;
    /** Periods left unjudged because an Amount in them is not a number (schema.statements names it). */
    let unreadablePeriods = 0;
    for (const c of pass.companies) {
      const chart = c.chart;
      if (!chart) continue;
      for (const s of unsplit(c).filter((x) => ops.includes(x.op))) {
        const rows = s.fold.table;
        if (!rows) continue;
        const seen = new Set<string | undefined>();
        const unreadable = new Set<string | undefined>();
        for (let i = 0; i < rows.length; i++) {
          const period = rows.period(i);
          seen.add(period);
          const amount = rows.amount(i);
          if (amount === undefined || Number.isNaN(amount)) unreadable.add(period);
        }
        // A sum over amounts that could not be read would balance (or not) by accident.
        periods += seen.size - unreadable.size;
        unreadablePeriods += unreadable.size;
        const types = s.op.profile.accountTypes && s.op.profile.accountTypes.length > 0 ? s.op.profile.accountTypes : ["ASSET", "LIABILITY", "EQUITY"];
        const off = unbalancedPeriods(rows, chart.typeOf, { types, debitNormal }).filter((p) => !unreadable.has(p.period));
        if (off.length === 0) continue;
        const shown = off.map((p) => `${p.period}: ${p.difference.toFixed(2)}`);
        // Accounts of the chart's balance-sheet types with no row at all: a balance left out (an
        // inactive account dropped while it still holds one, say) unbalances the sheet.
        const present = new Set<string>();
        for (let i = 0; i < rows.length; i++) {
          const id = rows.id(i);
          if (id !== undefined) present.add(id);
        }
        const absent = [...chart.ids].filter((id) => types.includes(chart.typeOf.get(id) ?? "") && !present.has(id));
        const inactive = new Set(inactiveAccounts(c));
        absent.sort((x, y) => Number(inactive.has(y)) - Number(inactive.has(x)));
        // Every amount a whole number and each difference within half a unit per row: rounded amounts.
        const rowsPer = new Map<string, number>();
        for (let i = 0; i < rows.length; i++) {
          const period = rows.period(i);
          if (period !== undefined) rowsPer.set(period, (rowsPer.get(period) ?? 0) + 1);
        }
        const rounded = wholeUnits(rows) && off.every((p) => Math.abs(p.difference) <= 0.5 * (rowsPer.get(p.period) ?? 0));
        const roundNote = rounded
          ? " Every amount on it is a whole number, and each difference is within the rounding of that period's rows: the amounts look rounded to whole units."
          : "";
        const absentNote =
          absent.length > 0
            ? ` ${absent.length} ${absent.length === 1 ? "account" : "accounts"} of the chart of these types ${absent.length === 1 ? "has" : "have"} no row at all: ${listSome(absent.map((id) => `${id}${inactive.has(id) ? " (inactive)" : ""}`), 6)}; a balance left out unbalances the sheet.`
            : "";
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/unbalanced`,
            severity: "fail",
            message: `The ${s.op.profile.name} of ${c.company} (${s.query.basis}) does not balance in ${off.length} period${off.length === 1 ? "" : "s"}: assets − (liabilities + equity) = ${listSome(shown, 6)}.${roundNote}${absentNote}${rowCapNote(ctx, c.company)}`,
            rule: {
              ref: "spec-model:accounting-facts",
              text: "For each balance-sheet period, sum(ASSET) = sum(LIABILITY) + sum(EQUITY) to 0.01, equity including the current-year earnings account; amounts are signed by the account's normal balance.",
            },
            fix: `${rounded ? "Send amounts to the cent (as the books hold them), not rounded to whole units; " : ""}${absent.length > 0 ? "Return a row for every balance-sheet account that holds a balance, inactive ones included; " : ""}Make sure every posting is on the books of the period it belongs to, that the current-year earnings (profit to date) is part of equity, and that amounts are signed by each account's normal balance (positive debit for assets, positive credit for liabilities and equity).`,
            operation: s.op,
            company: c.company,
            exchange: s.exchange,
            evidence: { expected: "assets − liabilities − equity within ±0.01 in every period", actual: listSome(shown, 12) },
          }),
        );
      }
    }
    const amountsNote =
      unreadablePeriods > 0 ? ` ${unreadablePeriods} period${unreadablePeriods === 1 ? "" : "s"} not judged: an Amount in ${unreadablePeriods === 1 ? "it is" : "them is"} not a number (see schema.statements).` : "";
    if (periods === 0 && unreadablePeriods > 0) {
      return { findings: [], skip: `No balance-sheet period could be judged: its Amount values are not numbers (see schema.statements).`, blockedBy: "schema.statements found Amount values that are not numbers" };
    }
    if (periods === 0) return chartSkip(pass, "No balance sheet and chart of accounts could be read together (see schema.statements and schema.reference-lists).");
    return { findings, summary: findings.length === 0 ? `${periods} balance-sheet periods (per company and basis), each balanced to the cent.${amountsNote}` : undefined };
  },
};

/** Ids of the chart's accounts marked inactive (IsActive false), when the list says so. */
function inactiveAccounts(c: CompanySync): string[] {
  const op = c.chart?.op;
  const idField = op?.profile.idField;
  const walk = op ? c.lists.find((w) => w.operation.key === op.key) : undefined;
  if (!walk || !idField) return [];
  const out: string[] = [];
  for (const r of walk.records) {
    if (!r || typeof r !== "object") continue;
    const rec = r as Record<string, unknown>;
    if (rec.IsActive === false && typeof rec[idField] === "string") out.push(rec[idField] as string);
  }
  return out;
}
