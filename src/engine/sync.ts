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
 *
 * Statement responses are folded as they arrive (statement-fold.ts) and their bodies dropped, so
 * a pass holds the chart of accounts, the lists and compact unsplit statements, not hundreds of
 * split statements. Splits are fetched once the chart of accounts and the unsplit statement they
 * are compared with have been read, so each split can be judged on arrival.
 */
import { performance } from "node:perf_hooks";
import type { Exchange, LatencySample } from "../http/types.js";
import type { Operation } from "../spec/types.js";
import { remainderFromSums, topLevelIds, type Remainder } from "../probes/support/accuracy.js";
import { HashingSink, SAME_BODY, SameBodySink } from "./body-hash.js";
import { statementReader } from "./row-reader-thread.js";
import { gridFacts } from "./row-grid.js";
import { RowTable, type RowPools } from "./row-table.js";
import type { ListWalk, SharedData, StatementQuery } from "./shared-data.js";
import {
  foldAccountFacts,
  foldSplit,
  newAccountFacts,
  wholeSums,
  type AccountFacts,
  type ChartIndex,
  type SplitSums,
  type StatementFold,
} from "./statement-fold.js";
import { byCodeUnits } from "../util/compare.js";

export type SyncKind = "shared" | "fresh";

export interface SyncSettings {
  /** Requests in flight at most (Reach's own order of magnitude: 4). */
  concurrency: number;
  /** Retry on 429/503 with a Retry-After no longer than `maxRetryAfterMs`. */
  retry?: { maxRetries: number; maxRetryAfterMs: number };
  /** Months of statements and metric values a sync reads, up to and including the current month. */
  months: number;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  concurrency: 4,
  retry: { maxRetries: 5, maxRetryAfterMs: 60_000 },
  months: 24,
};

/**
 * How every request of a run treats 429 and 503: waits out a Retry-After of at most
 * `maxRetryWaitMs` (--max-retry-wait) and asks again, as Reach's sync does, a few times at most.
 */
export function retryPolicy(maxRetryWaitMs?: number): { maxRetries: number; maxRetryAfterMs: number } {
  const base = DEFAULT_SYNC_SETTINGS.retry!;
  return { maxRetries: base.maxRetries, maxRetryAfterMs: maxRetryWaitMs ?? base.maxRetryAfterMs };
}

/** Ids per metric-values request body. */
export const METRIC_IDS_PER_REQUEST = 50;

/**
 * Statement bodies of the fresh pass that may come back with other bytes than in the shared pass
 * before the pass stops hashing and reads every body as it arrives. Each one costs a request more;
 * a partner whose bodies always differ (a timestamp in the envelope, data that moves) pays a few.
 */
export const CHANGED_BODIES_BEFORE_READING = 3;

/** A statement request of the sync; `split` names the filter when it is a budget, class or department split. */
export interface StatementFetch {
  op: Operation;
  company: string;
  query: StatementQuery;
  split?: { parameter: string; id: string; list: Operation };
  /** The response's body is not kept (see `fold`); status, headers and the start of the text are. */
  exchange: Exchange;
  fold: StatementFold;
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
  /** The chart of accounts, when its walk reached the end. */
  chart?: ChartIndex;
  /**
   * The chart's walk ended (an empty page) although its Pagination.total announces more accounts
   * (pagination.walk reports it): no chart then, and the accuracy checks say why.
   */
  chartShort?: { read: number; total: number };
  /** Shared pass, chart read: accuracy facts per statement operation (key). */
  accounts: Map<string, AccountFacts>;
  /**
   * Shared pass: what the unsplit statement minus the sum of the class splits leaves, per split
   * parameter (the remainder rule), computed when the pass ends; the sums themselves are not kept.
   */
  splitRemainders: Map<string, Remainder>;
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
  // A set in insertion order: a chart of 20,000 accounts searched as an array took about 0.4 s.
  const out = new Set<string>();
  for (const r of walk.records) {
    const v = r && typeof r === "object" ? (r as Record<string, unknown>)[field] : undefined;
    if (typeof v === "string") out.add(v);
  }
  return [...out];
}

/** Tasks of a pass ready with their request beyond the requests in flight (see runSyncPass). */
const TASKS_WAITING = 2;

/** Runs tasks with at most `limit` at a time; tasks may add more tasks while running. */
class TaskPool {
  private active = 0;
  private waiting = 0;
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
          this.checkDone();
        });
    }
  }

  /** Runs `fn` (outside the pool's limit) once `ready` settles; the pool is not idle until it has run. */
  after<T>(ready: Promise<T>, fn: (value: T) => void): void {
    this.waiting++;
    ready
      .then(fn)
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.waiting--;
        this.checkDone();
      });
  }

  private checkDone(): void {
    if (this.active === 0 && this.queue.length === 0 && this.waiting === 0) this.done!();
  }

  /** Resolves when every task (including ones added later) has ended; rethrows the first crash. */
  async idle(): Promise<void> {
    if (this.active > 0 || this.queue.length > 0 || this.waiting > 0) await this.finished;
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
  /** The profile's name of the array a data response carries (`Data`) and of an account's type field. */
  dataField: string;
  accountTypeField: string;
  /** The profile's names of the paging object and of its total (`Pagination`, `total`). */
  paginationField: string;
  totalField: string;
  /** Interned account ids and periods of a company, shared by both passes. */
  pools(company: string): RowPools;
  /** The other pass's result for a company, when that pass has already ended. */
  peer?(company: string): CompanySync | undefined;
}

/**
 * A walk that ended (an empty page) while every page that gave a total announced more records than
 * were read: what was read may be only part of the list, or the total overstates it; either way the
 * records cannot be trusted to be the whole list.
 */
export function shortWalk(walk: ListWalk, paginationField: string, totalField: string): { read: number; total: number } | undefined {
  if (!walk.complete) return undefined;
  const totals = new Set<number>();
  for (const ex of walk.pages) {
    const pag = ex.response?.status === 200 && ex.response.json && typeof ex.response.json === "object" ? (ex.response.json as Record<string, unknown>)[paginationField] : undefined;
    const total = pag && typeof pag === "object" ? (pag as Record<string, unknown>)[totalField] : undefined;
    if (typeof total === "number") totals.add(total);
  }
  const total = totals.size === 1 ? [...totals][0] : undefined;
  return total !== undefined && total > walk.records.length ? { read: walk.records.length, total } : undefined;
}

/** The list whose ids statement rows refer to (the chart of accounts). */
export function chartOperation(ops: readonly Operation[]): Operation | undefined {
  const statement = ops.find((o) => o.profile.role === "statement" && o.profile.rowIdField);
  const rowId = statement?.profile.rowIdField;
  return ops.find((o) => o.profile.role === "list" && o.profile.idField !== undefined && o.profile.idField === rowId);
}

/**
 * The chart of accounts of a complete walk: ids and each account's type, also by interned id (the
 * chart's ids are interned here first, which also puts them in the split sums' grid).
 */
export function chartIndex(op: Operation, walk: ListWalk, typeField: string, pools: RowPools): ChartIndex | undefined {
  if (!walk.complete) return undefined;
  const idField = op.profile.idField!;
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
  const indexes = [...ids].map((id) => pools.ids.intern(id));
  const listed = new Uint8Array(pools.ids.size);
  const typeAt: (string | undefined)[] = new Array(pools.ids.size);
  for (const i of indexes) {
    listed[i] = 1;
    typeAt[i] = typeOf.get(pools.ids.name(i));
  }
  return { op, ids, typeOf, listed, typeAt };
}

/** A promise with its resolver. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Runs one pass of the sync over every company. */
export async function runSyncPass(src: SyncSource, kind: SyncKind): Promise<SyncPass> {
  const fresh = kind === "fresh";
  const { data, operations } = src;
  const concurrency = Math.max(1, Math.floor(src.settings.concurrency));
  // The client holds requests in flight to `concurrency`, and gives a request's slot to the next
  // one as soon as its body is in. A statement's task goes on a while after that (a worker finishing
  // its rows, the folds): with only `concurrency` tasks, a slot would stay empty meanwhile. Tasks
  // beyond it wait at the client for a slot, so the partner always has `concurrency` requests.
  const pool = new TaskPool(concurrency + TASKS_WAITING);
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
  const chartOp = chartOperation(operations);
  const fieldsOf = (op: Operation) => ({ id: op.profile.rowIdField, period: op.profile.periodField, amount: op.profile.amountField });
  // The split sums of each company, for the remainders computed when the pass ends.
  const sumsOf = new Map<CompanySync, Map<string, SplitSums>>();
  // Fresh pass: bodies that came back with other bytes (each one asked for again).
  let changedBodies = 0;

  for (const company of src.companies) {
    const c: CompanySync = { company, lists: [], statements: [], metrics: [], accounts: new Map(), splitRemainders: new Map() };
    const splitSums = new Map<string, SplitSums>();
    sumsOf.set(c, splitSums);
    companies.push(c);
    const pools = src.pools(company);
    // Splits wait for the chart of accounts and for the unsplit statement they are compared with.
    const chartRead = deferred<ChartIndex | undefined>();
    const wholeRead = deferred<RowTable | undefined>();
    if (!chartOp || !lists.includes(chartOp)) chartRead.resolve(undefined);
    if (!splitOp || !basisOfSplits || !statements.includes(splitOp)) wholeRead.resolve(undefined);
    let whole: { sums: ReturnType<typeof wholeSums>; scratch: ReturnType<typeof wholeSums> } | undefined;
    // Listed accounts by interned id, once the chart is read (without a chart every row counts).
    const known = () => {
      const flags = c.chart?.listed;
      return flags ? (id: number) => id < flags.length && flags[id] === 1 : undefined;
    };

    // The shared pass's statements by key, for the fresh pass (looked up once it has ended).
    let peerStatements: Map<string, StatementFetch> | undefined;
    const peerStatement = (key: string): StatementFetch | undefined => {
      if (!fresh) return undefined;
      if (!peerStatements) {
        const peer = src.peer?.(company);
        if (!peer) return undefined;
        peerStatements = new Map(peer.statements.map((x) => [statementKey(x), x]));
      }
      return peerStatements.get(key);
    };

    /** Reads a statement response into its fold and lets go of the body. */
    const fetchStatement = async (op: Operation, query: StatementQuery, split?: StatementFetch["split"]): Promise<{ fetch: StatementFetch; table?: RowTable }> => {
      // Read as it streams in (a request with a reader never goes through the request cache). The
      // body's hash is kept; in the fresh pass a body the shared pass read is only hashed, and read
      // (asked for once more) only when its bytes changed.
      let hashing: HashingSink | undefined;
      const reader = (expected: number | undefined) => (hashing = new HashingSink(statementReader(src.dataField, fieldsOf(op), pools, expected)));
      const before = peerStatement(statementKey({ op, query, split }));
      const known = before?.fold.usable && changedBodies < CHANGED_BODIES_BEFORE_READING ? before.fold.bodyHash : undefined;
      const exchange = await data.statement(
        op,
        company,
        query,
        fresh,
        known !== undefined ? { readStream: () => new SameBodySink(known), readStreamAgain: reader } : { readStream: reader },
      );
      const res = exchange.response;
      if (res?.status === 200 && res.read === SAME_BODY && before) {
        delete res.read;
        const fold: StatementFold = { usable: true, digest: before.fold.digest, bodyHash: known };
        const fetch: StatementFetch = { op, company, query, ...(split ? { split } : {}), exchange, fold };
        c.statements.push(fetch);
        // The unsplit statement only holds splits back in this pass; nothing here reads its rows.
        if (!split && op === splitOp && query.basis === basisOfSplits) wholeRead.resolve(undefined);
        return { fetch };
      }
      if (known !== undefined && res?.status === 200) changedBodies++;
      let table: RowTable | undefined;
      const read = res?.read instanceof RowTable ? res.read : undefined;
      if (res?.status === 200) table = read ?? RowTable.from(res.json, src.dataField, fieldsOf(op), pools);
      else read?.release();
      const bodyHash = read !== undefined && hashing?.value === read ? hashing.digest : undefined;
      if (res) {
        // A 200 read as it streamed in, or parsed and now in the table: either way no body outlives this point.
        delete res.read;
        if (res.status === 200 && res.json !== undefined) {
          delete res.json;
          res.folded = true;
        }
      }
      const fold: StatementFold = { usable: table !== undefined, ...(table ? { digest: table.digest() } : {}), ...(table && bodyHash ? { bodyHash } : {}) };
      // The row grid rules (accuracy.row-grid) read the shared pass's responses.
      if (!fresh && table) {
        const grid = gridFacts(table, query.start, query.end, { trailingFree: query.budgetId !== undefined });
        if (grid) fold.grid = grid;
      }
      if (table && !split) {
        // Kept for the whole run in columns of its own; the pooled ones go back for the next body. A
        // second pass keeps no copy of rows the first pass already holds unchanged (same digest).
        const unchanged = before?.fold.digest?.hash === fold.digest!.hash && before?.fold.digest?.rows === fold.digest!.rows;
        const kept = unchanged ? undefined : table.compact();
        table.release();
        table = kept;
        if (kept) fold.table = kept;
      }
      const fetch: StatementFetch = { op, company, query, ...(split ? { split } : {}), exchange, fold };
      c.statements.push(fetch);
      if (!split && op === splitOp && query.basis === basisOfSplits) wholeRead.resolve(table);
      if (!fresh && table) {
        const foldFacts = (chart: ChartIndex | undefined) => {
          if (!chart) return;
          let facts = c.accounts.get(op.key);
          if (!facts) c.accounts.set(op.key, (facts = newAccountFacts()));
          foldAccountFacts(facts, table!, chart, op.profile.accountTypes ?? [], statementKey(fetch));
        };
        // Splits are only fetched after the chart was read; an unsplit statement may come first.
        if (split) foldFacts(c.chart);
        else pool.after(chartRead.promise, foldFacts);
      }
      return { fetch, table };
    };

    if (infoOp) {
      pool.add(async () => {
        c.info = await data.companyInfo(company, fresh);
      });
    }
    for (const op of statements) {
      for (const basis of src.bases) {
        pool.add(async () => {
          try {
            await fetchStatement(op, { start: src.window.start, end: src.window.end, basis });
          } finally {
            if (op === splitOp && basis === basisOfSplits) wholeRead.resolve(undefined);
          }
        });
      }
    }
    // An unsplit statement that is never fetched (no such basis) must not hold the splits back.
    if (!src.bases.includes(basisOfSplits ?? "")) wholeRead.resolve(undefined);
    for (const op of lists) {
      pool.add(async () => {
        let walk: ListWalk;
        try {
          walk = fresh ? await data.listFresh(op, company) : await data.listAll(op, company);
        } catch (err) {
          // Whatever happened to the walk, the splits waiting for the chart go ahead.
          if (op === chartOp) chartRead.resolve(undefined);
          throw err;
        }
        c.lists.push(walk);
        if (op === chartOp) {
          const short = shortWalk(walk, src.paginationField, src.totalField);
          if (short) c.chartShort = short;
          c.chart = short ? undefined : chartIndex(op, walk, src.accountTypeField, pools);
          chartRead.resolve(c.chart);
        }
        const ids = idsOf(walk);
        const param = op.profile.feedsParameter;
        // Budget, class and department splits of the profit and loss.
        if (param && splitParams.has(param) && splitOp && basisOfSplits && declares(splitOp, param)) {
          const tops = topLevelIds(ids, parentMap(op, walk));
          pool.after(Promise.all([chartRead.promise, wholeRead.promise]), ([, wholeTable]) => {
            // The remainder rule sums the class and department splits; budgets are only compared with the whole.
            let sums: SplitSums | undefined;
            if (!fresh && wholeTable) {
              whole ??= (() => {
                const w = wholeSums(wholeTable, pools, known());
                return { sums: w, scratch: w.empty() };
              })();
              if (param === src.parameters.classId || param === src.parameters.departmentId) {
                sums = { whole: whole.sums, all: whole.sums.empty(), ...(tops.size < ids.length ? { top: whole.sums.empty() } : {}) };
                splitSums.set(param, sums);
              }
            }
            for (const id of ids) {
              pool.add(async () => {
                const query: StatementQuery = { start: src.window.start, end: src.window.end, basis: basisOfSplits };
                if (param === src.parameters.budgetId) query.budgetId = id;
                else if (param === src.parameters.classId) query.classId = id;
                else query.departmentId = id;
                const { fetch, table } = await fetchStatement(splitOp, query, { parameter: param, id, list: op });
                if (!fresh && whole && table) {
                  const folded = foldSplit(table, whole.sums, known(), sums ? { all: sums.all, top: sums.top, topLevel: tops.has(id) } : undefined, whole.scratch);
                  fetch.fold.sameAsWhole = folded.sameAsWhole;
                  fetch.fold.active = folded.active;
                }
                // A split is folded by now: its rows go.
                table?.release();
              });
            }
          });
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
    for (const [param, sums] of sumsOf.get(c) ?? []) c.splitRemainders.set(param, remainderFromSums(sums.whole, sums.all, sums.top));
    c.lists.sort((a, b) => byCodeUnits(a.operation.key, b.operation.key));
    c.statements.sort((a, b) => byCodeUnits(statementKey(a), statementKey(b)));
    c.metrics.sort((a, b) => a.chunk - b.chunk);
  }
  return { kind, window: src.window, concurrency, companies, durationMs, attempts: src.samples().slice(before) };
}

/** Id -> parent id of a walked list (null for a top-level record, or when the list has no parent field). */
export function parentMap(op: Operation, walk: ListWalk): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const idField = op.profile.idField;
  const parentField = op.profile.parentField;
  if (!idField) return out;
  for (const r of walk.records) {
    if (!r || typeof r !== "object") continue;
    const rec = r as Record<string, unknown>;
    const id = rec[idField];
    const parent = parentField ? rec[parentField] : null;
    if (typeof id === "string") out.set(id, typeof parent === "string" ? parent : null);
  }
  return out;
}

export function metricBody(op: Operation, ids: string[], src: Pick<SyncSource, "parameters" | "window">): Record<string, unknown> {
  return { [op.profile.bodyIdsField ?? "NonFinancialIds"]: ids, [src.parameters.startDate]: src.window.start, [src.parameters.endDate]: src.window.end };
}

/** Identifies a statement request within a company: operation, basis and split. */
export function statementKey(s: Pick<StatementFetch, "op" | "query" | "split">): string {
  return `${s.op.key}|${s.query.basis}|${s.split ? `${s.split.parameter}=${s.split.id}` : ""}`;
}
