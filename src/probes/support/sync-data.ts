/**
 * What the accuracy checks read from the shared sync pass: each company's chart of accounts (ids and
 * types) and the rows of each statement response. Nothing here sends a request of its own.
 */
import type { Exchange } from "../../http/types.js";
import type { ListWalk } from "../../engine/shared-data.js";
import { idsOf, metricBody, METRIC_IDS_PER_REQUEST, type CompanySync, type StatementFetch, type SyncPass } from "../../engine/sync.js";
import type { Operation, ProbeContext } from "../types.js";
import { rowsOf, type Row } from "./rows.js";

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
  const statement = ctx.contract.operations.find((o) => o.profile.role === "statement" && o.profile.rowIdField);
  const rowId = statement?.profile.rowIdField;
  return ctx.contract.operations.find((o) => o.profile.role === "list" && o.profile.idField !== undefined && o.profile.idField === rowId);
}

export interface Chart {
  op: Operation;
  walk: ListWalk;
  ids: Set<string>;
  /** Account id -> account type (first record of an id wins). */
  typeOf: Map<string, string>;
}

/** The company's chart of accounts from the pass, when the walk reached its end. */
export function chartOf(ctx: ProbeContext, c: CompanySync): Chart | undefined {
  const op = chartOperation(ctx);
  const walk = op && c.lists.find((w) => w.operation.key === op.key);
  if (!op || !walk || !walk.complete) return undefined;
  const idField = op.profile.idField!;
  const typeField = ctx.contract.profile.accounting.accountTypeField;
  const ids = new Set<string>();
  const typeOf = new Map<string, string>();
  for (const r of walk.records) {
    if (!r || typeof r !== "object") continue;
    const rec = r as Record<string, unknown>;
    const id = rec[idField];
    if (typeof id !== "string") continue;
    ids.add(id);
    const type = rec[typeField];
    if (typeof type === "string" && !typeOf.has(id)) typeOf.set(id, type);
  }
  return { op, walk, ids, typeOf };
}

/** Rows of a statement response (200 with a data array), or undefined. */
export function statementRows(ctx: ProbeContext, op: Operation, ex: Exchange | undefined): Row[] | undefined {
  return rowsOf(ex, ctx.contract.profile.pagination.dataField, {
    id: op.profile.rowIdField,
    period: op.profile.periodField,
    amount: op.profile.amountField,
  });
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
