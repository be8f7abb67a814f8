import type { StatementFetch } from "../../engine/sync.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { misplacedAccountRows, type RowGroup } from "../support/accuracy.js";
import { makeFinding } from "../support/findings.js";
import { chartOf, listSome, rowPointer, sharedSync, statementRows } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "accuracy.statement-types",
  family: "accuracy",
  step: 4,
  title: "Statements carry only accounts of their kind",
  description:
    "Checks that profit-and-loss rows use income and expense accounts and balance-sheet and cash-flow rows use asset, liability and equity accounts (the account types the profile lists for each statement), judged by each account's type in the chart of accounts.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let judged = 0;
    for (const c of pass.companies) {
      const chart = chartOf(ctx, c);
      if (!chart) continue;
      const byOp = new Map<string, { first: { s: StatementFetch; group: RowGroup }; accounts: Map<string, string> }>();
      for (const s of c.statements) {
        const allowed = s.op.profile.accountTypes ?? [];
        const rows = statementRows(ctx, s.op, s.exchange);
        if (!rows) continue;
        judged++;
        for (const g of misplacedAccountRows(rows, chart.typeOf, allowed)) {
          let entry = byOp.get(s.op.key);
          if (!entry) byOp.set(s.op.key, (entry = { first: { s, group: g }, accounts: new Map() }));
          entry.accounts.set(g.id, g.type ?? "?");
        }
      }
      for (const { first, accounts } of byOp.values()) {
        const op = first.s.op;
        const named = [...accounts.entries()].map(([id, type]) => `${id} (${type})`);
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/wrong-type`,
            severity: "fail",
            message: `The ${op.profile.name} of ${c.company} carries rows of ${named.length} account${named.length === 1 ? "" : "s"} whose type does not belong on it: ${listSome(named)}; it takes ${(op.profile.accountTypes ?? []).join(", ")}.`,
            rule: {
              ref: "spec-model:accounting-facts",
              text: "Profit-and-loss rows use REVENUE, COST_OF_SALES, EXPENSE, OTHER_INCOME and OTHER_EXPENSE accounts; balance-sheet rows use ASSET, LIABILITY and EQUITY accounts.",
            },
            fix: "Select the statement's rows by account type; if the account is classified wrongly, correct its AccountType in the chart of accounts.",
            operation: op,
            company: c.company,
            pointer: rowPointer(ctx, first.group.firstIndex, op.profile.rowIdField),
            exchange: first.s.exchange,
            evidence: { expected: (op.profile.accountTypes ?? []).join(", "), actual: listSome(named) },
          }),
        );
      }
    }
    if (judged === 0) return { findings: [], skip: "No statement and chart of accounts could be read together (see schema.statements and schema.reference-lists)." };
    return { findings, summary: findings.length === 0 ? `${judged} statement responses: every row's account type belongs on its statement.` : undefined };
  },
};
