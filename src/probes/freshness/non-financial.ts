import type { Finding } from "../../report/types.js";
import { periodShift } from "../../util/dates.js";
import type { Probe } from "../types.js";
import { FRESHNESS_RULE } from "../support/freshness.js";
import { makeFinding } from "../support/findings.js";
import { latestPeriod, rowsOf } from "../support/rows.js";
import { syncMetricBody } from "../support/sync-data.js";

export const probe: Probe = {
  id: "freshness.non-financial",
  family: "freshness",
  step: 2,
  title: "Non-financial metrics reach the previous month",
  description: "Where a company defines non-financial metrics, checks that their values reach the previous calendar month.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    const oldest = periodShift(ctx.now, -1);
    const findings: Finding[] = [];
    const latest: string[] = [];
    for (const company of ctx.companies) {
      // The sync's 24-month request (its first chunk of ids), so the latest period is named even when old.
      const body = await syncMetricBody(ctx, op, company);
      if (!body) continue;
      const ex = await ctx.data.metricValues(op, company, body);
      const rows = rowsOf(ex, ctx.contract.profile.pagination.dataField, { id: op.profile.rowIdField, period: op.profile.periodField });
      if (!rows) continue;
      const last = latestPeriod(rows);
      latest.push(`${company}: ${last ?? "none"}`);
      if (last === undefined || last < oldest) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/stale`,
            severity: "fail",
            message: `Non-financial values of ${company} ${last ? `stop at ${last}` : `are empty for the last ${ctx.data.syncOptions().months} months`}; they must reach ${oldest}.`,
            rule: FRESHNESS_RULE,
            fix: "Keep the metric values current: the previous month must be present when Reach syncs.",
            operation: op,
            company,
            exchange: ex,
            evidence: { expected: `values for ${oldest} or later`, actual: last ? `latest: ${last}` : "none in the window" },
          }),
        );
      }
    }
    if (latest.length === 0) return { findings: [], skip: "No company has non-financial metrics with a usable values response." };
    return { findings, summary: `Latest period with values: ${latest.join("; ")}.` };
  },
};
