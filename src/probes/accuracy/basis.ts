import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { listSome, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

/**
 * The accounting basis must change what is counted: cash basis books income when it is paid and
 * expenses when they are paid, accrual basis when they are earned and incurred. A company that ever
 * sent an invoice it was paid for later has different figures on the two bases in some month, so
 * statements that are identical on both bases, every row of every month of the sync, say that
 * AccountingBasis is not applied. A company with no receivables, payables or accruals at all (paid
 * on the spot, every bill paid the day it came) would read the same: a warning, not a failure.
 */
export const probe: Probe = {
  id: "accuracy.basis",
  family: "accuracy",
  step: 4,
  title: "The accounting basis changes the figures",
  description:
    "For each company, sets the sync's CASH and ACCRUAL statements side by side (24 months, unfiltered): when every statement with activity is identical row for row on both bases, AccountingBasis looks ignored (a warning: a company with no receivables, payables or accruals at all reads the same).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const basisName = ctx.contract.profile.parameters.accountingBasis;
    const statements = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    const balanceTypes = new Set(statements.filter((o) => o.profile.periodKind === "balance").flatMap((o) => o.profile.accountTypes ?? []));
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    const differ: string[] = [];
    for (const c of pass.companies) {
      const fetched = unsplit(c);
      const bases = [...new Set(fetched.map((s) => s.query.basis).filter((b): b is string => b !== undefined))].sort();
      if (bases.length < 2) continue;
      const [a, b] = bases as [string, string];
      /** Statements with activity read on both bases: whether they are the same, row for row. */
      const pairs: { op: string; same: boolean; totalsDiffer: boolean; rows: number; fetch: (typeof fetched)[number] }[] = [];
      let shown: (typeof fetched)[number] | undefined;
      for (const sa of fetched.filter((s) => s.query.basis === a)) {
        const sb = fetched.find((s) => s.op.key === sa.op.key && s.query.basis === b && s.query.start === sa.query.start && s.query.end === sa.query.end);
        const da = sa.fold.digest;
        const db = sb?.fold.digest;
        if (!sb || !da || !db || !sa.fold.usable || !sb.fold.usable) continue;
        const active = Object.values(da.periodSums).some((v) => Math.abs(v) >= 0.005) || Object.values(db.periodSums).some((v) => Math.abs(v) >= 0.005);
        if (!active) continue;
        const same = da.rows === db.rows && da.hash === db.hash;
        const totalsDiffer = [...new Set([...Object.keys(da.periodSums), ...Object.keys(db.periodSums)])].some((k) => Math.abs((da.periodSums[k] ?? 0) - (db.periodSums[k] ?? 0)) >= 0.005);
        pairs.push({ op: sa.op.profile.name, same, totalsDiffer, rows: da.rows, fetch: sb });
        if (same && (!shown || sb.op.profile.periodKind === "movement")) shown = sb;
      }
      if (pairs.length === 0) continue;
      if (pairs.some((p) => !p.same)) {
        differ.push(c.company);
        // The profit and loss differs between the bases, so the earnings do, and with them every
        // balance sheet and cash flow built on each basis: one that does not differ ignores the basis.
        // Monthly totals that differ, not only rows (accounts classed otherwise on one basis would
        // leave the earnings, and so the balance sheet, the same).
        const plDiffers = pairs.some((p) => !p.same && p.totalsDiffer && p.fetch.op.profile.periodKind === "movement" && !(p.fetch.op.profile.accountTypes ?? []).some((t) => balanceTypes.has(t)));
        for (const p of plDiffers ? pairs.filter((x) => x.same && (x.fetch.op.profile.accountTypes ?? []).some((t) => balanceTypes.has(t))) : []) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/statement-identical`,
              severity: "warn",
              message: `The ${p.op} of ${c.company} is the same on ${basisName}=${a} and ${basisName}=${b}, row for row over the sync's months (${p.rows} rows), while the profit and loss differs between the two: the ${p.op} looks built on one basis for both. The earnings follow each basis's profit and loss, and the cash basis leaves receivables, payables and accruals out.`,
              rule: {
                ref: "spec-model:statement-queries",
                text: `${basisName} (CASH or ACCRUAL, required) selects the basis every statement is built on: cash basis counts income and expenses when paid, accrual basis when earned and incurred.`,
              },
              fix: `Build the ${p.op} on the basis the request names, as the profit and loss already is: on CASH, without receivables, payables and accruals, with the cash-basis earnings.`,
              operation: p.fetch.op,
              company: c.company,
              exchange: p.fetch.exchange,
              evidence: { expected: `${a} and ${b} ${p.op} figures that differ, as the profit and loss's do`, actual: "identical on both bases" },
            }),
          );
        }
        continue;
      }
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/identical`,
          severity: "warn",
          message: `Every statement of ${c.company} is the same on ${basisName}=${a} and ${basisName}=${b}, row for row over the sync's months (${listSome(pairs.map((p) => `${p.op} ${p.rows} rows`))}): ${basisName} looks ignored. Only a company with no receivables, payables or accruals at all (every sale paid on the spot, every bill paid the day it came) reads the same on both bases.`,
          rule: {
            ref: "spec-model:statement-queries",
            text: `${basisName} (CASH or ACCRUAL, required) selects the basis the statement is built on: cash basis counts income and expenses when paid, accrual basis when earned and incurred.`,
          },
          fix: `If ${c.company} really has no receivables, payables or accruals (a cash-only business), the figures are right: tell Reach and accept this warning for the company (an allowlist entry). Otherwise build each statement on the basis the request names: on CASH, leave out what is invoiced but unpaid (receivables, payables, accruals); if the books keep only one basis, say so to Reach rather than answering both with the same figures.`,
          operation: shown?.op,
          company: c.company,
          exchange: shown?.exchange,
          evidence: { expected: `${a} and ${b} figures that differ somewhere`, actual: "identical statements on both bases" },
        }),
      );
    }
    if (findings.length === 0 && differ.length === 0) {
      return { findings: [], skip: "No company had statements with activity read on both accounting bases." };
    }
    return { findings, summary: findings.every((f) => f.severity === "info") ? `The two bases give different figures for ${listSome(differ)}.` : undefined };
  },
};
