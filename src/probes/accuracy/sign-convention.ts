import type { Finding } from "../../report/types.js";
import type { Operation } from "../../spec/types.js";
import type { Probe } from "../types.js";
import { money } from "../support/accuracy.js";
import { excerpt, makeFinding } from "../support/findings.js";
import { chartSkip, rowPointer, sharedSync, unsplit } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

/**
 * Amounts are signed by each account's normal balance: positive debit for assets and expense-type
 * accounts, positive credit for liabilities, equity and income-type accounts. Single rows may
 * legitimately go the other way (a refund, a contra account such as accumulated depreciation), so
 * the rule is judged on whole groups over the 24 synced months: the income accounts of a profit
 * and loss, its expense accounts, and the assets of a balance sheet. A group whose total is negative
 * while most of its rows are negative is signed the other way round: Reach would show revenue or
 * costs (and so the profit) with the wrong sign. Liabilities and equity are not judged alone (equity
 * may be negative); the balance check covers them. Cash-flow rows (movements of balance accounts)
 * may go either way and are not judged.
 */

const RULE = {
  ref: "spec-model:statement-rows",
  text: "Amount is in the company currency, signed by the account's normal balance (positive = debit for ASSET, EXPENSE, COST_OF_SALES, OTHER_EXPENSE; positive = credit for LIABILITY, EQUITY, REVENUE, OTHER_INCOME).",
};

interface Group {
  label: string;
  types: string[];
  normal: "debit" | "credit";
}

/** The account groups judged on a statement, by the kinds of accounts it carries. */
function groupsOf(op: Operation, debitNormal: readonly string[], creditNormal: readonly string[], balanceTypes: ReadonlySet<string>): Group[] {
  const types = op.profile.accountTypes ?? [];
  if (op.profile.periodKind === "balance") {
    const assets = types.filter((t) => debitNormal.includes(t));
    return assets.length > 0 ? [{ label: "asset", types: assets, normal: "debit" }] : [];
  }
  // A movement statement of balance accounts (the cash flow) is not judged.
  if (types.length === 0 || types.some((t) => balanceTypes.has(t))) return [];
  const income = types.filter((t) => creditNormal.includes(t));
  const expense = types.filter((t) => debitNormal.includes(t));
  return [
    ...(income.length > 0 ? [{ label: "income", types: income, normal: "credit" as const }] : []),
    ...(expense.length > 0 ? [{ label: "expense", types: expense, normal: "debit" as const }] : []),
  ];
}


export const probe: Probe = {
  id: "accuracy.sign-convention",
  family: "accuracy",
  step: 4,
  title: "Amounts are signed by each account's normal balance",
  description:
    "For each company and basis, totals the 24 synced months of the profit and loss by income accounts and by expense accounts, and of the balance sheet by asset accounts: a group whose total is negative while most of its rows are negative is signed the other way round (single negative rows, such as refunds or contra accounts, are fine).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const { debitNormal, creditNormal } = ctx.contract.profile.accounting;
    const statements = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    const balanceTypes = new Set(statements.filter((o) => o.profile.periodKind === "balance").flatMap((o) => o.profile.accountTypes ?? []));
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let judged = 0;
    for (const c of pass.companies) {
      const chart = c.chart;
      if (!chart) continue;
      for (const s of unsplit(c)) {
        const rows = s.fold.table;
        const groups = groupsOf(s.op, debitNormal, creditNormal, balanceTypes);
        if (!rows || groups.length === 0) continue;
        for (const g of groups) {
          let total = 0;
          let negative = 0;
          let positive = 0;
          // The most telling row to show: the group's largest negative amount.
          let example: { index: number; id: string; amount: number } | undefined;
          for (let i = 0; i < rows.length; i++) {
            const id = rows.id(i);
            const amount = rows.amount(i);
            if (id === undefined || amount === undefined || !g.types.includes(chart.typeOf.get(id) ?? "")) continue;
            total += amount;
            if (amount < 0) {
              negative++;
              if (!example || amount < example.amount) example = { index: i, id, amount };
            } else if (amount > 0) positive++;
          }
          if (negative + positive === 0) continue;
          judged++;
          if (!(total < -0.005 && negative > positive)) continue;
          const side = g.normal === "debit" ? "debit" : "credit";
          const amountField = s.op.profile.amountField ?? "Amount";
          const pointer = example ? rowPointer(ctx, example.index, amountField) : undefined;
          const exampleText = example
            ? ` The largest is ${s.op.profile.rowIdField ?? "AccountId"} ${example.id} (${chart.typeOf.get(example.id)}${rows.period(example.index) ? `, ${rows.period(example.index)}` : ""}) with ${money(example.amount)} at ${pointer}.`
            : "";
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/reversed`,
              severity: "fail",
              message: `The ${s.op.profile.name} of ${c.company} (${s.query.basis}, ${s.query.start} to ${s.query.end}) carries its ${g.label} accounts (${g.types.join(", ")}) with a total of ${money(total)}, and ${negative} of their ${negative + positive} non-zero rows are negative: the amounts look signed the other way round (a ${side} is positive for these accounts).${exampleText}`,
              rule: RULE,
              fix: `Sign each row by its account's normal balance: ${g.normal === "debit" ? "a debit balance or movement" : "a credit balance or movement"} of ${g.types.join(", ")} accounts is positive${g.label === "expense" ? " (costs are positive, not negative)" : g.label === "income" ? " (revenue is positive, not the negative of a raw ledger credit)" : ""}.`,
              operation: s.op,
              company: c.company,
              ...(pointer ? { pointer } : {}),
              exchange: s.exchange,
              evidence: {
                expected: `a positive total for the ${g.label} accounts`,
                actual: `${money(total)} (${negative} negative rows, ${positive} positive)`,
                ...(example ? { bodyExcerpt: excerpt(JSON.stringify(rows.record(example.index))) } : {}),
              },
            }),
          );
        }
      }
    }
    if (judged === 0) return chartSkip(pass, "No statement and chart of accounts could be read together (see schema.statements and schema.reference-lists).");
    return { findings, summary: findings.length === 0 ? `${judged} account groups (income, expense, assets per statement and basis) signed by their normal balance.` : undefined };
  },
};
