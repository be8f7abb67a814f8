import { operationPath } from "../../engine/shared-data.js";
import { idsOf, parentMap } from "../../engine/sync.js";
import type { Exchange } from "../../http/types.js";
import { monthNumber } from "../../util/dates.js";
import { isErrorEnvelope, successRefusal } from "../support/error-body.js";
import type { Finding, RuleRef } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { ignoredAmong } from "../support/accuracy.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { bodyFields as bodyFieldsOf } from "../support/inputs.js";
import { answerCells, monthOf, sameMetricValues } from "../support/metric-rows.js";
import { filterValues } from "../support/ranges.js";
import { refusalStatuses } from "../support/rejection.js";
import { listSome } from "../support/sync-data.js";
import { NO_COMPANY, noMetricsReason } from "../support/skips.js";

const UNKNOWN_RULE: RuleRef = {
  ref: "reach:error-handling#status-codes",
  text: "Malformed input gets 400 and an unknown resource 404, never 200. In the non-financial query ClassId means \"only values of this class\" and BudgetId \"budget values instead of actuals\": an id no list returns names no class or budget, so there are no such values to send.",
};

const RANGE_RULE: RuleRef = {
  ref: "openapi:#/components/schemas/NonFinancialValues",
  text: "Values for every requested metric and month in the range [StartDate, EndDate], whatever the filter; months outside it are not asked for.",
};

const APPLIED_RULE: RuleRef = {
  ref: "openapi:#/components/schemas/NonFinancialValuesRequest",
  text: "ClassId: only values of this class. BudgetId: budget values instead of actuals.",
};

export const probe: Probe = {
  id: "accuracy.metric-filters",
  family: "accuracy",
  step: 4,
  title: "Non-financial BudgetId and ClassId are applied, unknown ones refused",
  description:
    "Posts each company's non-financial values query with a BudgetId and a ClassId that no list returns (400 or 404 expected, never values; a warning, since SPEC_MODEL decides the refusal for statements), and compares the answers for the listed budgets and classes (up to --sample-size of each) with the unfiltered one: when every one repeats the unfiltered values exactly, the filter looks ignored (a warning, since a class may hold everything and a budget may copy actuals); a filtered answer with months outside [StartDate, EndDate] fails.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const n = ctx.contract.profile.parameters;
    const bodyFields = bodyFieldsOf(ctx, op);
    // Only the filters the body has (the observed body has BudgetId and ClassId, no DepartmentId).
    const params = [n.budgetId, n.classId].filter((f) => bodyFields.includes(f) && ctx.data.feeder(f) !== undefined);
    if (params.length === 0) return { findings: [], skip: `${op.method} ${op.path} takes no BudgetId or ClassId the lists feed.` };
    let companies = 0;
    let refused = 0;
    let compared = 0;
    const perCompany = await Promise.all(
      ctx.companies.map(async (company) => {
        const body = await ctx.data.metricValuesBody(op, company);
        if (!body) return [];
        companies++;
        const found: Finding[] = [];
        const whole = await ctx.data.metricValues(op, company, body);
        const wholeCells = answerCells(ctx, op, whole);
        for (const param of params) {
          const feeder = ctx.data.feeder(param)!;
          const walk = await ctx.data.listAll(feeder, company);
          // An id no list returns: must be refused. A partial list cannot tell which ids are unknown.
          if (walk.complete) {
            const out = await unknownId(ctx, this.id, op, company, body, param, new Set(idsOf(walk)), feeder);
            if (out.refused) refused++;
            found.push(...out.findings);
          }
          if (!wholeCells) continue;
          const values = (await filterValues(ctx, company, [param])).map((f) => f.value);
          if (values.length === 0) continue;
          const answers = await Promise.all(values.map(async (value) => ({ value, exchange: await ctx.data.metricValues(op, company, { ...body, [param]: value }) })));
          const cells = answers.map((a) => answerCells(ctx, op, a.exchange));
          // A filtered answer holds the months asked for and no others, as the unfiltered one must.
          // A Period that is not a YYYY-MM month is the schema check's finding, not a month outside.
          const first = monthOf(body[n.startDate]);
          const last = monthOf(body[n.endDate]);
          const outside = first && last ? answers.map((a, i) => ({ a, periods: [...new Set((cells[i] ?? []).map((x) => x.period).filter((pd) => monthNumber(pd) !== undefined && (pd < first || pd > last)))].sort() })).find((x) => x.periods.length > 0) : undefined;
          if (outside) {
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/outside-range`,
                severity: "fail",
                message: `The ${op.profile.name} of ${company} with ${param} = ${outside.a.value} answered ${first}..${last} with values for months outside it: ${listSome(outside.periods)}.`,
                rule: RANGE_RULE,
                fix: "Apply StartDate and EndDate to filtered queries too: return values only for the calendar months from StartDate's month to EndDate's month (budgets for later months are asked for with a later EndDate).",
                operation: op,
                company,
                exchange: outside.a.exchange,
                evidence: { expected: `Period within ${first}..${last}`, actual: listSome(outside.periods) },
              }),
            );
          }
          // Unreadable answers are the schema checks' findings; a judgement needs every one.
          if (cells.some((c) => c === undefined)) continue;
          compared += values.length;
          if (!cells.every((c) => sameMetricValues(wholeCells, c!))) continue;
          // Several classes cannot each hold everything unless one contains the other.
          if (param === n.classId && !ignoredAmong(values, parentMap(feeder, walk))) continue;
          found.push(ignoredFinding(ctx, this.id, op, company, param, values, answers[0].exchange, walk.records.length));
        }
        return found;
      }),
    );
    if (companies === 0) return { findings: [], skip: await noMetricsReason(ctx, op, "there is nothing to request") };
    const findings = perCompany.flat();
    return {
      findings,
      summary: findings.length === 0 ? `${refused} unknown ${params.join("/")} values refused; ${compared} filtered answers compared with the unfiltered ones, none repeats them throughout.` : undefined,
    };
  },
};

async function unknownId(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  company: string,
  body: Record<string, unknown>,
  param: string,
  listed: ReadonlySet<string>,
  list: Operation,
): Promise<{ refused: boolean; findings: Finding[] }> {
  let unknown = `reach-check-unknown-${param.replace(/Id$/, "").toLowerCase()}`;
  while (listed.has(unknown)) unknown += "-x";
  const ex = await ctx.http.send({
    method: "POST",
    path: operationPath(op, company),
    body: { json: { ...body, [param]: unknown } },
    operation: { method: op.method, path: op.path },
    retry: ctx.data.syncOptions().retry,
  });
  if (ex.error) return { refused: false, findings: [transportFinding(ctx, checkId, ex, op, company)] };
  const status = ex.response!.status;
  const accept = refusalStatuses(op);
  if (accept.includes(status)) return { refused: true, findings: [] };
  // Throttled or down (429, 503): says nothing about the filter (reliability.rehearsal reports those).
  if (status === 429 || status === 503) return { refused: false, findings: [] };
  const data = ex.response!.json && typeof ex.response!.json === "object" ? (ex.response!.json as Record<string, unknown>)[ctx.contract.profile.pagination.dataField] : undefined;
  const ok = status >= 200 && status < 300;
  const empty = ok && (status === 204 || (Array.isArray(data) && data.length === 0));
  const base = { operation: op, company, exchange: ex, rule: UNKNOWN_RULE, evidence: { expected: accept.join(" or "), actual: String(status) } };
  const fix = `Look ${param} up among the company's ${list.profile.name} and answer 400 (or 404) in Reach's error envelope when it is not there.`;
  if (empty) {
    return {
      refused: false,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/unknown-empty`,
          severity: "warn",
          message: `The ${op.profile.name} of ${company} answered ${status} with no values to ${param}=${unknown}, which no list returns: Reach cannot tell a wrong or deleted id from a filter with no values yet.`,
          fix,
        }),
      ],
    };
  }
  // SPEC_MODEL makes an unknown id 400 or 404 for statements; for the values body the same is
  // inferred: figures for an unknown id, or a refusal with another 4xx, warn. A server error or a
  // redirect is no refusal at all.
  const failing = status >= 500 || (status >= 300 && status < 400);
  // An error body with a success status: refused, but a client reads the 2xx as data (an observed
  // rule: never an error with 200), so it fails whatever the refusal's own ground.
  if (ok && isErrorEnvelope(ctx, ex.response!.json)) {
    const refusal = successRefusal(status, "400 (or 404)");
    return {
      refused: false,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/unknown-accepted`,
          severity: "fail",
          message: `The ${op.profile.name} of ${company} refused ${param}=${unknown}, which no list returns, in its body (an error envelope) but with status ${status}: Reach reads a 2xx as data, so the refusal is lost; expected ${accept.join(" or ")}.`,
          fix: refusal.fix,
          evidence: { expected: accept.join(" or "), actual: refusal.actual },
        }),
      ],
    };
  }
  return {
    refused: false,
    findings: [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/${ok ? "unknown-accepted" : "status"}`,
        severity: failing ? "fail" : "warn",
        message: ok
          ? `The ${op.profile.name} of ${company} answered ${status} with values to ${param}=${unknown}, which no list returns: the filter is not checked, so a wrong id gets figures that belong to no ${param.replace(/Id$/, "").toLowerCase()}. SPEC_MODEL decides the refusal for statements; for these values it is inferred, so this is a warning.`
          : `The ${op.profile.name} of ${company} answered ${status} to ${param}=${unknown}, which no list returns; expected ${accept.join(" or ")}.`,
        fix,
      }),
    ],
  };
}

function ignoredFinding(ctx: ProbeContext, checkId: string, op: Operation, company: string, param: string, values: string[], exchange: Exchange, listSize: number): Finding {
  const isClass = param === ctx.contract.profile.parameters.classId;
  const legal = isClass
    ? "One class holding everything is legal, but some of these classes are unrelated (neither contains the other) and cannot each hold it all."
    : "A budget copied from actuals would look the same; if it is not one, the filter is ignored.";
  return makeFinding(ctx, {
    code: `${checkId}/filter-ignored`,
    severity: "warn",
    message: `The ${op.profile.name} of ${company} with ${param} = ${listSome(values, 4)} (${values.length} of ${listSize} listed) repeat the unfiltered values exactly, every metric and month: ${param} looks ignored. ${legal}`,
    rule: APPLIED_RULE,
    fix: isClass
      ? "Apply ClassId: return only the values that belong to that class."
      : "Apply BudgetId: return the budget's planned values instead of the actuals.",
    operation: op,
    company,
    exchange,
    evidence: { expected: `values of ${param}=${values[0]} only`, actual: "the unfiltered values" },
  });
}
