import { idsOf } from "../../engine/sync.js";
import type { Exchange } from "../../http/types.js";
import type { Finding, RuleRef } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { answerCells, metricRowIssues, monthOf, sameValue, type MetricRowAt } from "../support/metric-rows.js";
import { listSome, rowPointer, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { isoDate, lastDayOfMonth, liveMonths, monthNumber, monthStart, periodShift } from "../../util/dates.js";

const RULES = {
  asked: {
    ref: "openapi:#/components/schemas/NonFinancialValuesRequest",
    text: "NonFinancialIds (required) says which metrics to return; the answer holds values for every requested metric and month in the range, and for nothing else.",
  },
  known: {
    ref: "openapi:#/components/schemas/NonFinancialValues",
    text: "The values are those of the requested metrics, which are the company's non-financial metrics (GET /companies/{CompanyId}/non-financial-metrics).",
  },
  once: {
    ref: "openapi:#/components/schemas/NonFinancialValue",
    text: "Each row is one metric's value in one calendar month, so a metric and month has one row.",
  },
  range: {
    ref: "openapi:#/components/schemas/NonFinancialValues",
    text: "Values for every requested metric and month in the range [StartDate, EndDate]; months outside it are not asked for.",
  },
} satisfies Record<string, RuleRef>;

interface Judged {
  op: Operation;
  company: string;
  exchange: Exchange;
  asked: string[];
  listed?: ReadonlySet<string>;
  first: string;
  last: string;
  /** What the request was, for messages: "the sync's request for 4 metrics over 2025-01..2026-11". */
  what: string;
}

export const probe: Probe = {
  id: "accuracy.metric-values",
  family: "accuracy",
  step: 4,
  title: "Non-financial values are those asked for, once each",
  description:
    "Reads the sync's non-financial values (every metric, 24 months) and asks once more for a single metric of each company with two or more, and for one metric over a range that ended six months ago: every row must name a metric that was asked for and that the company lists, a month inside [StartDate, EndDate], and no metric and month twice; a month missing between two months with values warns.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const n = ctx.contract.profile.parameters;
    const idsField = op.profile.bodyIdsField ?? "NonFinancialIds";
    let responses = 0;
    let subsets = 0;
    const perCompany = await Promise.all(
      pass.companies.map(async (c) => {
        const walk = c.lists.find((w) => w.operation.key === op.profile.idsFrom);
        const ids = walk ? idsOf(walk) : [];
        const listed = walk?.complete ? new Set(ids) : undefined;
        const cases: Judged[] = c.metrics.map((m) => ({
          op,
          company: c.company,
          exchange: m.exchange,
          asked: m.ids,
          listed,
          first: monthOf(pass.window.start)!,
          last: monthOf(pass.window.end)!,
          what: `the sync's request for ${m.ids.length} metric${m.ids.length === 1 ? "" : "s"} over ${pass.window.start}..${pass.window.end}`,
        }));
        // The sync asks for every metric, so a partner that ignores NonFinancialIds looks right
        // there: one metric alone shows whether the list is applied.
        // The last listed metric: a partner answering only the first id of a request shows there.
        const alone: Judged[] = [];
        if (ids.length >= 2) {
          const w = ctx.data.recentWindow();
          const id = ids[ids.length - 1];
          const body = { [idsField]: [id], [n.startDate]: w.start, [n.endDate]: w.end };
          const ex = await ctx.data.metricValues(op, c.company, body);
          subsets++;
          const j = { op, company: c.company, exchange: ex, asked: [id], listed, first: monthOf(w.start)!, last: monthOf(w.end)!, what: `a request for ${id} alone over ${w.start}..${w.end}` };
          cases.push(j);
          alone.push(j);
        }
        // A range that ends months ago: a partner that ignores EndDate answers values up to today,
        // which every range ending this month (the sync's, the one above) hides.
        if (ids.length >= 1) {
          const start = isoDate(monthStart(ctx.now, -8));
          const end = lastDayOfMonth(monthNumber(periodShift(ctx.now, -6))!);
          const body = { [idsField]: [ids[0]], [n.startDate]: start, [n.endDate]: end };
          const ex = await ctx.data.metricValues(op, c.company, body);
          subsets++;
          const j = { op, company: c.company, exchange: ex, asked: [ids[0]], listed, first: monthOf(start)!, last: monthOf(end)!, what: `a request for ${ids[0]} over an earlier range, ${start}..${end}` };
          cases.push(j);
          if (ids.length >= 2) alone.push(j);
        }
        const found: Finding[] = [];
        for (const j of cases) {
          const out = judge(ctx, this.id, j);
          if (out.judged) responses++;
          found.push(...out.findings);
        }
        // A metric asked alone against the same metric among all of them in the sync's answers.
        for (const j of alone) found.push(...compareAlone(ctx, this.id, j, c.metrics.map((m) => ({ exchange: m.exchange, ids: m.ids }))));
        return foldFindings(found);
      }),
    );
    const findings = perCompany.flat();
    if (responses === 0 && findings.length === 0) return { findings: [], skip: "No company has non-financial values to read (no metrics defined, or no usable answer: see schema.non-financial)." };
    return {
      findings,
      summary: findings.length === 0 ? `${responses} values responses (${subsets} for a single metric): only requested, listed metrics, inside the range, each metric and month once, no month missing between two with values.` : undefined,
    };
  },
};

function judge(ctx: ProbeContext, checkId: string, j: Judged): { judged: boolean; findings: Finding[] } {
  const { op, company, exchange: ex } = j;
  if (ex.error) return { judged: false, findings: [transportFinding(ctx, checkId, ex, op, company)] };
  const res = ex.response!;
  const dataField = ctx.contract.profile.pagination.dataField;
  const data = res.status === 200 && res.json && typeof res.json === "object" ? (res.json as Record<string, unknown>)[dataField] : undefined;
  // Other statuses and shapes are the schema checks' and the rehearsal's findings.
  if (!Array.isArray(data)) return { judged: false, findings: [] };
  const idField = op.profile.rowIdField ?? "NonFinancialId";
  const periodField = op.profile.periodField ?? "Period";
  const issues = metricRowIssues(data, { idField, periodField, asked: new Set(j.asked), listed: j.listed, first: j.first, last: j.last });
  const findings: Finding[] = [];
  const base = { operation: op, company, exchange: ex };
  const ids = (rows: MetricRowAt[]) => [...new Set(rows.map((r) => r.id))];
  if (issues.unknown.length > 0) {
    const names = ids(issues.unknown);
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/unknown-metric`,
        severity: "fail",
        message: `The ${op.profile.name} of ${company} answered ${j.what} with ${issues.unknown.length} row${issues.unknown.length === 1 ? "" : "s"} for ${names.length} ${idField}${names.length === 1 ? "" : "s"} that the company's metric list does not hold: ${listSome(names)}.`,
        rule: RULES.known,
        fix: `Return values only for the NonFinancialIds in the request, which are ids the non-financial metrics list returns; Reach cannot map a value of a metric it has never seen.`,
        pointer: rowPointer(ctx, issues.unknown[0].index, idField),
        evidence: { expected: `ids among ${listSome(j.asked)}`, actual: listSome(names) },
      }),
    );
  }
  if (issues.notRequested.length > 0) {
    const names = ids(issues.notRequested);
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-requested`,
        severity: "fail",
        message: `The ${op.profile.name} of ${company} answered ${j.what} with ${issues.notRequested.length} row${issues.notRequested.length === 1 ? "" : "s"} of ${names.length} metric${names.length === 1 ? "" : "s"} it did not ask for: ${listSome(names)}. NonFinancialIds is not applied.`,
        rule: RULES.asked,
        fix: `Select the values by the request's ${j.op.profile.bodyIdsField ?? "NonFinancialIds"}: return rows for those metrics only, however many the company has.`,
        pointer: rowPointer(ctx, issues.notRequested[0].index, idField),
        evidence: { expected: `rows of ${listSome(j.asked)} only`, actual: `rows of ${listSome(names)}` },
      }),
    );
  }
  if (issues.duplicates.length > 0) {
    const d = issues.duplicates[0];
    const shown = issues.duplicates.map((x) => `${x.id} ${x.period} (${x.indexes.length}×)`);
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/duplicate`,
        severity: "fail",
        message: `The ${op.profile.name} of ${company} answered ${j.what} with more than one row for ${issues.duplicates.length} metric-and-month pair${issues.duplicates.length === 1 ? "" : "s"}: ${listSome(shown)}.`,
        rule: RULES.once,
        fix: "Return one row per metric and calendar month: aggregate the month's value once (a join that repeats rows, or a union of sources, often doubles them).",
        pointer: rowPointer(ctx, d.indexes[1], idField),
        evidence: { expected: "each metric and month once", actual: listSome(issues.duplicates.map((x) => `${x.id} ${x.period} at rows ${x.indexes.join(", ")}`)) },
      }),
    );
  }
  if (issues.outside.length > 0) {
    const periods = [...new Set(issues.outside.map((r) => r.period!))].sort();
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/outside-range`,
        severity: "fail",
        message: `The ${op.profile.name} of ${company} answered ${j.what} with ${issues.outside.length} row${issues.outside.length === 1 ? "" : "s"} for months outside ${j.first}..${j.last}: ${listSome(periods)}.`,
        rule: RULES.range,
        fix: "Apply StartDate and EndDate: return values only for the calendar months from StartDate's month to EndDate's month.",
        pointer: rowPointer(ctx, issues.outside[0].index, periodField),
        evidence: { expected: `Period within ${j.first}..${j.last}`, actual: listSome(periods) },
      }),
    );
  }
  if (issues.gaps.length > 0) {
    const periods = [...new Set(issues.gaps.map((g) => g.period))].sort();
    const metrics = [...new Set(issues.gaps.map((g) => g.id))];
    const shown = issues.gaps.map((g) => `${g.id} ${g.period}`);
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/missing-month`,
        severity: "warn",
        message: `The ${op.profile.name} of ${company} answered ${j.what} without a value for ${issues.gaps.length} metric-month${issues.gaps.length === 1 ? "" : "s"} between months that have one (${metrics.length} metric${metrics.length === 1 ? "" : "s"}, ${periods.length === 1 ? `month ${periods[0]}` : `months ${listSome(periods)}`}): ${listSome(shown)}. Reach's charts then show a hole, or read it as zero.`,
        rule: RULES.range,
        fix: "Return a value for every requested metric and month in the range (0 when nothing was recorded), or check why the month's values are lost (a month boundary or time zone in the query, a failed import).",
        pointer: `/${dataField}`,
        evidence: { expected: "a row for each requested metric and month between its first and last value", actual: `missing: ${listSome(shown, 12)}` },
      }),
    );
  }
  return { judged: true, findings };
}

/**
 * One metric asked alone against the same metric in the sync's answers for all of them, month by
 * month where both ranges hold the month (the month still open aside): no value in the sync's
 * answers while the metric alone has some means only part of the ids is answered; other values mean
 * the rows of several metrics are mixed up.
 */
function compareAlone(ctx: ProbeContext, checkId: string, j: Judged, sync: readonly { exchange: Exchange; ids: readonly string[] }[]): Finding[] {
  const id = j.asked[0];
  const source = sync.find((m) => m.ids.includes(id));
  if (!source || source.ids.length < 2) return [];
  // The metric's value by month in each answer (the first row of a month where it repeats).
  const byMonth = (ex: Exchange): Map<string, number> | undefined => {
    const cells = answerCells(ctx, j.op, ex);
    if (!cells) return undefined;
    const out = new Map<string, number>();
    for (const c of cells) if (c.id === id && !out.has(c.period)) out.set(c.period, c.value);
    return out;
  };
  const mine = byMonth(j.exchange);
  const theirs = byMonth(source.exchange);
  if (!mine || !theirs) return [];
  const live = liveMonths(ctx.now);
  const window = ctx.data.syncWindow();
  const [from, to] = [monthOf(window.start)!, monthOf(window.end)!];
  const compared = (p: string) => p >= from && p <= to && !live.has(p);
  const months = [...mine.keys()].filter(compared).sort();
  // Months of the sync's answer, inside this request's range, that this answer leaves out.
  const lost = [...theirs.keys()].filter((p) => p >= j.first && p <= j.last && compared(p) && !mine.has(p)).sort();
  if (lost.length > 0) {
    const edge = lost.includes(j.last) ? " EndDate's month is among them: EndDate may be taken as exclusive." : lost.includes(j.first) ? " StartDate's month is among them: StartDate may be taken as exclusive." : "";
    return [
      makeFinding(ctx, {
        operation: j.op,
        company: j.company,
        exchange: j.exchange,
        code: `${checkId}/values-missing`,
        severity: "fail",
        message: `The ${j.op.profile.name} of ${j.company} answered ${j.what} without a value for ${lost.length} month${lost.length === 1 ? "" : "s"} of that range that the sync's request for all metrics has for ${id}: ${listSome(lost, 6)}.${edge} A month's value must not depend on the range asked.`,
        rule: RULES.range,
        fix: "Return every month from StartDate's month to EndDate's month, both included, whatever the range; select the values of a month by the month, not by a date compared with the range's ends.",
        pointer: `/${ctx.contract.profile.pagination.dataField}`,
        evidence: { expected: `values of ${id} for ${listSome(lost, 6)} (as the sync's answer has them)`, actual: "no row for those months" },
      }),
    ];
  }
  if (months.length === 0) return [];
  const what = `the sync's request for ${source.ids.length} metrics (${listSome([...source.ids], 4)})`;
  const base = { operation: j.op, company: j.company, exchange: source.exchange };
  const has = months.filter((p) => theirs.has(p));
  if (theirs.size === 0) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/metric-missing`,
        severity: "fail",
        message: `The ${j.op.profile.name} of ${j.company} answered ${what} without any value for ${id}, while ${j.what} has values for ${months.length} month${months.length === 1 ? "" : "s"} (${listSome(months, 4)}): only some of the requested metrics are answered.`,
        rule: RULES.asked,
        fix: `Return values for every id in ${j.op.profile.bodyIdsField ?? "NonFinancialIds"}, not only the first: Reach asks for all of a company's metrics at once.`,
        pointer: `/${ctx.contract.profile.pagination.dataField}`,
        evidence: { expected: `rows of ${id} for ${listSome(months, 4)}`, actual: `no row of ${id}` },
      }),
    ];
  }
  const differ = has.filter((p) => !sameValue(mine.get(p)!, theirs.get(p)!));
  if (differ.length === 0) return [];
  const p0 = differ[0];
  return [
    makeFinding(ctx, {
      ...base,
      code: `${checkId}/values-differ`,
      severity: "fail",
      message: `The ${j.op.profile.name} of ${j.company} gives ${id} other values in ${what} than in ${j.what}: ${differ.length} of ${has.length} months differ, e.g. ${p0}: ${theirs.get(p0)} against ${mine.get(p0)} alone. An answer to several metrics mixes their rows up (values under another metric's id), or the values depend on which metrics are asked together.`,
      rule: RULES.asked,
      fix: `Label each value with the id of the metric it belongs to, whatever other ids the request holds; check how the answer is assembled when ${j.op.profile.bodyIdsField ?? "NonFinancialIds"} holds several ids (an order or index that shifts).`,
      pointer: `/${ctx.contract.profile.pagination.dataField}`,
      evidence: { expected: `${id} ${p0}: ${mine.get(p0)} (asked alone)`, actual: `${theirs.get(p0)} (asked with the others)` },
    }),
  ];
}
