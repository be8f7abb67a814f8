import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { excerpt, makeFinding } from "../support/findings.js";
import { chartSkip, accountFacts, listSome, rowPointer, sharedSync, statementFetch } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "accuracy.known-accounts",
  family: "accuracy",
  step: 4,
  title: "Statement rows name accounts of the chart of accounts",
  description:
    "Checks that every AccountId in each company's statements (24 months, both bases, every split) exists in that company's chart of accounts: Reach maps every row to an account, and a row it cannot map is lost.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let judged = 0;
    for (const c of pass.companies) {
      const chart = c.chart;
      if (!chart) continue; // the chart could not be read to its end: schema.reference-lists says why
      // One finding per statement operation, naming every unknown id seen in any of its responses.
      for (const { op, facts } of accountFacts(ctx, c)) {
        judged += facts.responses;
        const first = facts.firstUnknown;
        const fetch = first && statementFetch(c, first.key);
        if (!first || !fetch) continue;
        const names = [...facts.unknown.keys()];
        const rows = [...facts.unknown.values()].reduce((a, b) => a + b, 0);
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/unknown-account`,
            severity: "fail",
            message: `The ${op.profile.name} of ${c.company} has rows for ${names.length} ${op.profile.rowIdField ?? "account id"}${names.length === 1 ? "" : "s"} that the chart of accounts does not list: ${listSome(names)} (${rows} rows).`,
            rule: {
              ref: "spec-model:accounting-facts",
              text: "Every AccountId in a statement exists in the chart of accounts of that company.",
            },
            fix: "Return statement rows only for accounts the chart-of-accounts endpoint lists (include every account that carries postings, inactive ones too).",
            operation: op,
            company: c.company,
            pointer: rowPointer(ctx, first.index, op.profile.rowIdField),
            exchange: fetch.exchange,
            evidence: { expected: `ids from ${chart.op.method} ${chart.op.path} (${chart.ids.size} accounts)`, actual: listSome(names), bodyExcerpt: excerpt(first.record) },
          }),
        );
      }
    }
    if (judged === 0) return chartSkip(pass, "No statement and chart of accounts could be read together (see schema.statements and schema.reference-lists).");
    return { findings, summary: findings.length === 0 ? `${judged} statement responses: every row names a listed account.` : undefined };
  },
};
