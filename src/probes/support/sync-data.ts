/**
 * What the accuracy checks read from the shared sync pass: each company's chart of accounts (ids and
 * types) and what the pass folded out of each statement response (see engine/statement-fold.ts).
 * Nothing here sends a request of its own.
 */
import type { AccountFacts } from "../../engine/statement-fold.js";
import {
  chartOperation as chartOfOperations,
  idsOf,
  metricBody,
  METRIC_IDS_PER_REQUEST,
  statementKey,
  type CompanySync,
  type StatementFetch,
  type SyncPass,
} from "../../engine/sync.js";
import type { Operation, ProbeContext } from "../types.js";
import { byCodeUnits } from "../../util/compare.js";

export function sharedSync(ctx: ProbeContext): Promise<SyncPass> {
  return ctx.data.syncPass("shared", ctx.companies);
}

/**
 * The body of the sync's first metric-values request for a company (the first chunk of ids, 24
 * months), or undefined when the company defines no metric.
 */
export async function syncMetricBody(ctx: ProbeContext, op: Operation, company: string): Promise<Record<string, unknown> | undefined> {
  const source = ctx.contract.operations.find((o) => o.key === op.profile.idsFrom);
  if (!source) return undefined;
  const ids = idsOf(await ctx.data.listAll(source, company)).slice(0, METRIC_IDS_PER_REQUEST);
  if (ids.length === 0) return undefined;
  return metricBody(op, ids, { parameters: ctx.contract.profile.parameters, window: ctx.data.syncWindow() });
}

/** The list whose ids the statement rows refer to (the chart of accounts). */
export function chartOperation(ctx: ProbeContext): Operation | undefined {
  return chartOfOperations(ctx.contract.operations);
}

/** A company's account facts per statement operation, in operation-key order (as the responses are listed). */
export function accountFacts(ctx: ProbeContext, c: CompanySync): { op: Operation; facts: AccountFacts }[] {
  return [...c.accounts.entries()]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .flatMap(([key, facts]) => {
      const op = ctx.contract.operations.find((o) => o.key === key);
      return op ? [{ op, facts }] : [];
    });
}

/** The statement request of a company with this key (see statementKey), e.g. the first response a fact names. */
export function statementFetch(c: CompanySync, key: string): StatementFetch | undefined {
  return c.statements.find((s) => statementKey(s) === key);
}

/** The unsplit statement requests of a company (one per operation and basis). */
export function unsplit(c: CompanySync): StatementFetch[] {
  return c.statements.filter((s) => !s.split);
}

/** `/Data/12/AccountId`: where a row's field sits in the response. */
export function rowPointer(ctx: ProbeContext, index: number, field: string | undefined): string {
  return `/${ctx.contract.profile.pagination.dataField}/${index}${field ? `/${field}` : ""}`;
}

/** `a, b, c and 4 more` */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/**
 * The skip of an accuracy check that needs the chart of accounts: when the chart's walk ended short
 * of its announced total (pagination.walk's finding), say so and mark the check blocked by it;
 * else `fallback`.
 */
export function chartSkip(pass: SyncPass, fallback: string): { findings: never[]; skip: string; blockedBy?: string } {
  const short = pass.companies.filter((c) => c.chartShort);
  if (short.length === 0) return { findings: [], skip: fallback };
  const said = short.map((c) => `${c.company}: ${c.chartShort!.read} of the ${c.chartShort!.total} accounts its Pagination.total announces`).join("; ");
  return {
    findings: [],
    skip: `The chart of accounts was read only in part (${said}; its pages end before the total they announce, see pagination.walk): rows of accounts not read cannot be judged.`,
    blockedBy: "pagination.walk found the chart of accounts cut short",
  };
}
