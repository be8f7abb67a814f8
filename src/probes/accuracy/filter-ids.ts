import { operationPath } from "../../engine/shared-data.js";
import { idsOf, splitBasis, splitStatement } from "../../engine/sync.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

const RULE = {
  ref: "spec-model:accounting-facts",
  text: "BudgetId, ClassId and DepartmentId values accepted by statements are those the lists return; an unknown one is 400 or 404, never silently ignored.",
};

export const probe: Probe = {
  id: "accuracy.filter-ids",
  family: "accuracy",
  step: 4,
  title: "Statement filters take the listed ids and refuse unknown ones",
  description:
    "Checks that the profit and loss accepts every BudgetId, ClassId and DepartmentId its lists return (the sync's splits) and answers 400 or 404 to an id no list returns, instead of ignoring the filter and sending unfiltered figures.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = splitStatement(ctx.contract.operations);
    const names = ctx.contract.profile.parameters;
    const basis = splitBasis(names.accountingBases);
    if (!op || !basis) return { findings: [], skip: "The spec has no statement operation." };
    const params = [names.budgetId, names.classId, names.departmentId].filter((p) => op.parameters.some((x) => x.in === "query" && x.name === p));
    if (params.length === 0) return { findings: [], skip: `${op.method} ${op.path} takes no budget, class or department filter.` };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const w = ctx.data.recentWindow();
    const n = ctx.contract.profile.parameters;
    // Every company and filter at once (the HTTP client bounds the requests in flight); findings
    // keep company, then filter order.
    const outcomes = await Promise.all(
      pass.companies.flatMap((c) =>
        params.map(async (param) => {
          const found: Finding[] = [];
          let rejected = 0;
          const list = c.lists.find((l) => l.operation.profile.feedsParameter === param);
          // Listed ids that the statement refused as bad input.
          const refused = c.statements.filter((s) => s.split?.parameter === param && (s.exchange.response?.status === 400 || s.exchange.response?.status === 404));
          const accepted = c.statements.filter((s) => s.split?.parameter === param && s.exchange.response?.status === 200).length;
          if (refused.length > 0) {
            const first = refused[0];
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/refused`,
                severity: "fail",
                message: `The ${op.profile.name} of ${c.company} refuses ${refused.length} ${param} value${refused.length === 1 ? "" : "s"} that the ${list?.operation.profile.name ?? "list"} returns: ${listSome(refused.map((s) => s.split!.id))} (answered ${first.exchange.response!.status}).`,
                rule: RULE,
                fix: `Accept every ${param} the list returns (inactive ones too) as a statement filter.`,
                operation: op,
                company: c.company,
                exchange: first.exchange,
                evidence: { expected: "200", actual: String(first.exchange.response!.status) },
              }),
            );
          }
          // An id no list returns: must be refused. A partial list cannot tell which ids are unknown.
          if (!list?.complete) return { found, accepted, rejected };
          const listed = new Set(idsOf(list));
          let unknown = `reach-check-unknown-${param.replace(/Id$/, "").toLowerCase()}`;
          while (listed.has(unknown)) unknown += "-x";
          const ex = await ctx.http.send({
            method: op.method.toUpperCase() as "GET",
            path: operationPath(op, c.company),
            query: { [n.startDate]: w.start, [n.endDate]: w.end, [n.accountingBasis]: basis, [param]: unknown },
            operation: op,
            retry: ctx.data.syncOptions().retry,
          });
          if (ex.error) {
            found.push(transportFinding(ctx, this.id, ex, op, c.company));
            return { found, accepted, rejected };
          }
          const status = ex.response!.status;
          // Throttled or down (429, 503): says nothing about the filter (reliability.rehearsal reports those).
          if (status === 400 || status === 404) rejected++;
          else if (status !== 429 && status !== 503) {
            const ignored = status >= 200 && status < 300;
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/${ignored ? "unknown-accepted" : "status"}`,
                severity: "fail",
                message: ignored
                  ? `The ${op.profile.name} of ${c.company} answered ${status} with data to ${param}=${unknown}, which no list returns: an unknown filter is ignored, so a wrong id gives unfiltered figures instead of an error.`
                  : `The ${op.profile.name} of ${c.company} answered ${status} to ${param}=${unknown}, which no list returns; expected 400 or 404.`,
                rule: RULE,
                fix: `Look ${param} up among the company's ${list.operation.profile.name} and answer 400 (or 404) in Reach's error envelope when it is not there.`,
                operation: op,
                company: c.company,
                exchange: ex,
                evidence: { expected: "400 or 404", actual: String(status) },
              }),
            );
          }
          return { found, accepted, rejected };
        }),
      ),
    );
    const findings = outcomes.flatMap((o) => o.found);
    const accepted = outcomes.reduce((sum, o) => sum + o.accepted, 0);
    const rejected = outcomes.reduce((sum, o) => sum + o.rejected, 0);
    if (accepted + rejected + findings.length === 0) return { findings: [], skip: "No budget, class or department list could be read (see schema.reference-lists)." };
    return {
      findings,
      summary: findings.length === 0 ? `${accepted} listed ids accepted, ${rejected} unknown ids refused.` : undefined,
    };
  },
};
