/**
 * The request set of one nightly sync, as Reach would run it: for each company, company info,
 * every list to its last page, 24 months of each statement in every accounting basis, the profit
 * and loss split by each budget, class and department, and the values of every non-financial
 * metric. A pass runs the whole set under a bound on requests in flight and honours Retry-After on
 * 429 and 503 (through the client's per-request retry).
 *
 * Two passes exist per run. The `shared` pass goes through the run's request cache, so the
 * accuracy and freshness checks read the very exchanges the schema checks read (each page once);
 * the `fresh` pass bypasses the cache: it is the timed rehearsal, and the second pass the stability
 * check compares with the first.
 */
import { performance } from "node:perf_hooks";
import type { Exchange, LatencySample } from "../http/types.js";
import type { Operation } from "../spec/types.js";
import type { ListWalk, SharedData, StatementQuery } from "./shared-data.js";

export type SyncKind = "shared" | "fresh";

export interface SyncSettings {
  /** Requests in flight at most (Reach's own order of magnitude: 4). */
  concurrency: number;
  /** Retry on 429/503 with a Retry-After no longer than `maxRetryAfterMs`. */
  retry?: { maxRetries: number; maxRetryAfterMs: number };
  /** Months of statements and metric values a sync reads, up to and including the current month. */
  months: number;
  /**
   * Body bytes of budget/class/department splits one pass may hold. A company with hundreds of
   * classes has hundreds of multi-megabyte split statements; past this budget the remaining splits
   * are not fetched (and said so), instead of the run running out of memory.
   */
  maxSplitBytes?: number;
}

export const DEFAULT_MAX_SPLIT_BYTES = 96 * 1024 * 1024;

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  concurrency: 4,
  retry: { maxRetries: 5, maxRetryAfterMs: 60_000 },
  months: 24,
};

/** Ids per metric-values request body. */
export const METRIC_IDS_PER_REQUEST = 50;

/** A statement request of the sync; `split` names the filter when it is a budget, class or department split. */
export interface StatementFetch {
  op: Operation;
  company: string;
  query: StatementQuery;
  split?: { parameter: string; id: string; list: Operation };
  exchange: Exchange;
}

export interface MetricFetch {
  op: Operation;
  company: string;
  /** Position of the request among the company's metric-values requests (ids in chunks). */
  chunk: number;
  ids: string[];
  exchange: Exchange;
}

export interface CompanySync {
  company: string;
  info?: Exchange;
  lists: ListWalk[];
  statements: StatementFetch[];
  metrics: MetricFetch[];
  /** Splits not fetched because the pass reached its split memory budget. */
  skippedSplits: { parameter: string; id: string }[];
}

export interface SyncPass {
  kind: SyncKind;
  window: { start: string; end: string };
  concurrency: number;
  companies: CompanySync[];
  /** Wall time of the pass. */
  durationMs: number;
  /** Every attempt sent during the pass (retries included), in sending order. */
  attempts: LatencySample[];
}

/** Every exchange of a pass (the last attempt of each request), in a stable order. */
export function passExchanges(pass: SyncPass): Exchange[] {
  const out: Exchange[] = [];
  for (const c of pass.companies) {
    if (c.info) out.push(c.info);
    for (const w of c.lists) out.push(...w.pages);
    for (const s of c.statements) out.push(s.exchange);
    for (const m of c.metrics) out.push(m.exchange);
  }
  return out;
}

/** The profit-and-loss operation the splits use (or the first statement operation). */
export function splitStatement(ops: Operation[]): Operation | undefined {
  const statements = ops.filter((o) => o.profile.role === "statement");
  return statements.find((o) => o.profile.statement === "profit-and-loss") ?? statements[0];
}

/** The basis the splits use: ACCRUAL where the spec has it. */
export function splitBasis(bases: readonly string[]): string | undefined {
  return bases.includes("ACCRUAL") ? "ACCRUAL" : bases[bases.length - 1];
}

/** Ids of a walked list, with the profile's id field. */
export function idsOf(walk: ListWalk): string[] {
  const field = walk.operation.profile.idField;
  if (!field) return [];
  const out: string[] = [];
  for (const r of walk.records) {
    const v = r && typeof r === "object" ? (r as Record<string, unknown>)[field] : undefined;
    if (typeof v === "string" && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Runs tasks with at most `limit` at a time; tasks may add more tasks while running. */
class TaskPool {
  private active = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private failure: unknown;
  private done?: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.done = resolve));

  constructor(private readonly limit: number) {}

  add(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.limit && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.active++;
      task()
        .catch((err: unknown) => {
          this.failure ??= err;
        })
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) this.done!();
        });
    }
  }

  /** Resolves when every task (including ones added later) has ended; rethrows the first crash. */
  async idle(): Promise<void> {
    if (this.active > 0 || this.queue.length > 0) await this.finished;
    if (this.failure !== undefined) throw this.failure;
  }
}

export interface SyncSource {
  data: SharedData;
  operations: Operation[];
  bases: readonly string[];
  parameters: { startDate: string; endDate: string; budgetId: string; classId: string; departmentId: string };
  companies: readonly string[];
  samples(): readonly LatencySample[];
  settings: SyncSettings;
  window: { start: string; end: string };
}

/** Runs one pass of the sync over every company. */
export async function runSyncPass(src: SyncSource, kind: SyncKind): Promise<SyncPass> {
  const fresh = kind === "fresh";
  const { data, operations } = src;
  const concurrency = Math.max(1, Math.floor(src.settings.concurrency));
  const pool = new TaskPool(concurrency);
  const before = src.samples().length;
  const t0 = performance.now();
  const companies: CompanySync[] = [];
  const byRole = (role: Operation["profile"]["role"]) => operations.filter((o) => o.profile.role === role);
  const infoOp = byRole("company-info")[0];
  const lists = byRole("list");
  const statements = byRole("statement");
  const metricOp = byRole("metric-values")[0];
  const splitOp = splitStatement(operations);
  const basisOfSplits = splitBasis(src.bases);
  const splitParams = new Set([src.parameters.budgetId, src.parameters.classId, src.parameters.departmentId]);
  const declares = (op: Operation, name: string) => op.parameters.some((p) => p.name === name && p.in === "query");
  const splitBudget = src.settings.maxSplitBytes ?? DEFAULT_MAX_SPLIT_BYTES;
  let splitBytes = 0;

  for (const company of src.companies) {
    const c: CompanySync = { company, lists: [], statements: [], metrics: [], skippedSplits: [] };
    companies.push(c);
    if (infoOp) {
      pool.add(async () => {
        c.info = await data.companyInfo(company, fresh);
      });
    }
    for (const op of statements) {
      for (const basis of src.bases) {
        pool.add(async () => {
          const query: StatementQuery = { start: src.window.start, end: src.window.end, basis };
          c.statements.push({ op, company, query, exchange: await data.statement(op, company, query, fresh) });
        });
      }
    }
    for (const op of lists) {
      pool.add(async () => {
        const walk = fresh ? await data.listFresh(op, company) : await data.listAll(op, company);
        c.lists.push(walk);
        const ids = idsOf(walk);
        const param = op.profile.feedsParameter;
        // Budget, class and department splits of the profit and loss.
        if (param && splitParams.has(param) && splitOp && basisOfSplits && declares(splitOp, param)) {
          for (const id of ids) {
            pool.add(async () => {
              if (splitBytes >= splitBudget) {
                c.skippedSplits.push({ parameter: param, id });
                return;
              }
              const query: StatementQuery = { start: src.window.start, end: src.window.end, basis: basisOfSplits };
              if (param === src.parameters.budgetId) query.budgetId = id;
              else if (param === src.parameters.classId) query.classId = id;
              else query.departmentId = id;
              const exchange = await data.statement(splitOp, company, query, fresh);
              splitBytes += exchange.response?.bytes ?? 0;
              c.statements.push({ op: splitOp, company, query, split: { parameter: param, id, list: op }, exchange });
            });
          }
        }
        // Values of every metric the company defines, a chunk of ids per request.
        if (metricOp && metricOp.profile.idsFrom === op.key) {
          for (let i = 0; i * METRIC_IDS_PER_REQUEST < ids.length; i++) {
            const chunk = ids.slice(i * METRIC_IDS_PER_REQUEST, (i + 1) * METRIC_IDS_PER_REQUEST);
            pool.add(async () => {
              const body = metricBody(metricOp, chunk, src);
              c.metrics.push({ op: metricOp, company, chunk: i, ids: chunk, exchange: await data.metricValues(metricOp, company, body, fresh) });
            });
          }
        }
      });
    }
  }
  await pool.idle();
  const durationMs = performance.now() - t0;
  for (const c of companies) {
    c.lists.sort((a, b) => a.operation.key.localeCompare(b.operation.key));
    c.statements.sort((a, b) => statementKey(a).localeCompare(statementKey(b)));
    c.metrics.sort((a, b) => a.chunk - b.chunk);
  }
  return { kind, window: src.window, concurrency, companies, durationMs, attempts: src.samples().slice(before) };
}

export function metricBody(op: Operation, ids: string[], src: Pick<SyncSource, "parameters" | "window">): Record<string, unknown> {
  return { [op.profile.bodyIdsField ?? "NonFinancialIds"]: ids, [src.parameters.startDate]: src.window.start, [src.parameters.endDate]: src.window.end };
}

/** Identifies a statement request within a company: operation, basis and split. */
export function statementKey(s: Pick<StatementFetch, "op" | "query" | "split">): string {
  return `${s.op.key}|${s.query.basis}|${s.split ? `${s.split.parameter}=${s.split.id}` : ""}`;
}
