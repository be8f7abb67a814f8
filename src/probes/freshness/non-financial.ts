import type { Finding } from "../../report/types.js";
import { monthNumber, periodShift } from "../../util/dates.js";
import type { Probe } from "../types.js";
import { FRESHNESS_RULE } from "../support/freshness.js";
import { makeFinding } from "../support/findings.js";
import { latestPeriod, rowsOf, type Row } from "../support/rows.js";
import { syncMetricBody } from "../support/sync-data.js";

/**
 * How many months apart a company's metric values are: the step every metric with two or more
 * values keeps (3 for quarterly values, 12 for yearly ones); 1 when any metric has values a month
 * apart or at uneven steps, or when no metric has two values.
 */
export function cadenceOf(rows: readonly Row[]): number {
  const months = new Map<string, Set<number>>();
  for (const r of rows) {
    const n = r.id !== undefined && r.period !== undefined ? monthNumber(r.period) : undefined;
    if (n === undefined) continue;
    let set = months.get(r.id!);
    if (!set) months.set(r.id!, (set = new Set()));
    set.add(n);
  }
  let every: number | undefined;
  for (const set of months.values()) {
    if (set.size < 2) continue;
    const sorted = [...set].sort((a, b) => a - b);
    const step = sorted[1] - sorted[0];
    if (step < 2 || sorted.some((n, i) => i > 0 && n - sorted[i - 1] !== step)) return 1;
    every = every === undefined ? step : Math.min(every, step);
  }
  return every ?? 1;
}

export const probe: Probe = {
  id: "freshness.non-financial",
  family: "freshness",
  step: 2,
  title: "Non-financial metrics reach the previous month",
  description:
    "Where a company defines non-financial metrics, checks that their values reach the previous calendar month. Metrics that all have a value every few months (quarterly, yearly) and reach their latest such month warn instead (`sparse`).",
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
      // Metrics measured every few months (quarterly, yearly) are current at their latest
      // measurement: the previous month cannot have a value unless it is one of theirs.
      const every = cadenceOf(rows);
      if (last !== undefined && last < oldest && every > 1 && last >= periodShift(ctx.now, -every)) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/sparse`,
            severity: "warn",
            message: `Non-financial values of ${company} stop at ${last}: every metric with more than one value has one every ${every} months, and ${last} is the latest such month, so they are current for how often they are measured; Reach asks for values that reach ${oldest}.`,
            rule: FRESHNESS_RULE,
            fix: `If these metrics are measured every ${every} months, tell Reach so; a value for every month (the latest measurement carried forward, where that is what the figure means) lets Reach show them each month.`,
            operation: op,
            company,
            exchange: ex,
            evidence: { expected: `values for ${oldest} or later`, actual: `latest: ${last}, one value every ${every} months` },
          }),
        );
      } else if (last === undefined || last < oldest) {
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
