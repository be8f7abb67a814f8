import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { excerpt, makeFinding } from "../support/findings.js";
import { chartSkip, accountFacts, listSome, rowPointer, sharedSync, statementFetch } from "../support/sync-data.js";
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
      if (!c.chart) continue;
      for (const { op, facts } of accountFacts(ctx, c)) {
        judged += facts.responses;
        const first = facts.firstMisplaced;
        const fetch = first && statementFetch(c, first.key);
        if (!first || !fetch) continue;
        const named = [...facts.misplaced.entries()].map(([id, type]) => `${id} (${type})`);
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
            pointer: rowPointer(ctx, first.index, op.profile.rowIdField),
            exchange: fetch.exchange,
            evidence: { expected: (op.profile.accountTypes ?? []).join(", "), actual: listSome(named), bodyExcerpt: excerpt(first.record) },
          }),
        );
      }
    }
    if (judged === 0) return chartSkip(pass, "No statement and chart of accounts could be read together (see schema.statements and schema.reference-lists).");
    return { findings, summary: findings.length === 0 ? `${judged} statement responses: every row's account type belongs on its statement.` : undefined };
  },
};
