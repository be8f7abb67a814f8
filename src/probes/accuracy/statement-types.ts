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
    "Checks that profit-and-loss rows use income and expense accounts and balance-sheet rows use asset, liability and equity accounts (the account types the profile lists for each statement), judged by each account's type in the chart of accounts. Cash-flow rows of other types than the profile lists are a note: SPEC_MODEL names no account types for the cash flow.",
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
        const accounts = `${named.length} account${named.length === 1 ? "" : "s"}`;
        // SPEC_MODEL names the account types of the profit and loss and the balance sheet only; a cash
        // flow with income or expense rows is an indirect one opening with the net income lines.
        const decided = op.profile.statement !== "cash-flow";
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/wrong-type`,
            severity: decided ? "fail" : "info",
            message: decided
              ? `The ${op.profile.name} of ${c.company} carries rows of ${accounts} whose type does not belong on it: ${listSome(named)}; it takes ${(op.profile.accountTypes ?? []).join(", ")}.`
              : `The ${op.profile.name} of ${c.company} carries rows of ${accounts} of types other than ${(op.profile.accountTypes ?? []).join(", ")}: ${listSome(named)}. SPEC_MODEL names no account types for it (an indirect cash flow opens with the income and expense lines), so this is a note; accuracy.cash-flow compares only the balance-sheet accounts' rows with the balance sheet's changes.`,
            rule: {
              ref: "spec-model:accounting-facts",
              text: "Profit-and-loss rows use REVENUE, COST_OF_SALES, EXPENSE, OTHER_INCOME and OTHER_EXPENSE accounts; balance-sheet rows use ASSET, LIABILITY and EQUITY accounts.",
            },
            fix: decided
              ? "Select the statement's rows by account type; if the account is classified wrongly, correct its AccountType in the chart of accounts."
              : "Nothing is required. If these rows are not meant to be there, select the cash flow's rows by account type.",
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
    const noted = findings.filter((f) => f.severity === "info").length;
    return {
      findings,
      summary:
        findings.length === noted
          ? `${judged} statement responses: every row's account type belongs on its statement${noted > 0 ? " (cash-flow rows of other types are noted)" : ""}.`
          : undefined,
    };
  },
};
