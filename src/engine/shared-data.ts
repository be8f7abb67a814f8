/**
 * Requests that several probes read go through here, once per run: the HTTP client caches
 * identical requests, and this module decides what "the" request for a piece of data is (which
 * page size, which date window), so that every probe asks for exactly the same thing.
 */
import type { UnopenedCompany } from "./companies.js";
import type { Exchange, HttpClient, HttpRequest } from "../http/types.js";
import type { Contract, Operation } from "../spec/types.js";
import { isoDate, monthStart } from "../util/dates.js";
import { gridFacts, type GridFacts } from "./row-grid.js";
import { newPools, RowTable, type RowPools } from "./row-table.js";
import { DEFAULT_SYNC_SETTINGS, runSyncPass, type SyncKind, type SyncPass, type SyncSettings } from "./sync.js";

/** How a body is read as it streams in (see HttpRequest.readStream and readStreamAgain). */
export type BodyReading = Pick<HttpRequest, "readStream" | "readStreamAgain">;

export interface ListWalk {
  operation: Operation;
  company: string;
  pages: Exchange[];
  /** Records of all pages that answered 200 with a `Data` array, in order. */
  records: unknown[];
  /** True when the walk reached the end of the list (see `listEnds`). */
  complete: boolean;
  /** Why the walk stopped early, when it did. */
  stoppedBecause?: string;
  /**
   * Set when --max-pages stopped a walk that was still going somewhere: every record read so far
   * distinct and Pagination.total announcing more. Such a list is longer than the run reads, which
   * is reach-check's bound and not the partner's fault (schema.reference-lists says so).
   */
  bound?: { read: number; total: number; pageSize: number };
}

/** A list record's id (`idField`), or its whole JSON when it has none: what tells records apart. */
export function idOf(record: unknown, idField: string | undefined): string {
  if (idField && record && typeof record === "object") {
    const v = (record as Record<string, unknown>)[idField];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return JSON.stringify(record);
}

/**
 * The longest list taken at its word when its walk is stopped by the page cap: 1000 pages of the
 * spec's largest page (1000 records). A total above it (a partner announcing 10^9 accounts) is no
 * list a sync could read, and the walk is reported as not ending.
 */
export const MAX_BELIEVED_TOTAL = 1_000_000;

/**
 * Whether a walk stopped by the page cap was still making progress: the last page's
 * Pagination.total is above the records read (and believable, see MAX_BELIEVED_TOTAL), and no
 * record came twice (by `idField`, or by its whole JSON without one). Undefined when the list looks
 * endless instead.
 */
export function progressingWalk(records: readonly unknown[], lastTotal: number | undefined, pages: number, idField: string | undefined): ListWalk["bound"] {
  if (lastTotal === undefined || lastTotal <= records.length || lastTotal > MAX_BELIEVED_TOTAL || pages === 0) return undefined;
  if (new Set(records.map((r) => idOf(r, idField))).size < records.length) return undefined;
  return { read: records.length, total: lastTotal, pageSize: Math.ceil(records.length / pages) };
}

/**
 * Whether a page of `length` records, asked with `limit` at `offset`, is a list's last. With a
 * Pagination.total the total says (a partner may cap its pages below the limit asked: `limit` is
 * the most records a page holds); without one, an empty page or one shorter than the limit.
 */
export function listEnds(length: number, limit: number, offset: number, total: number | undefined): boolean {
  if (length === 0) return true;
  return total !== undefined ? offset + length >= total : length < limit;
}

export interface StatementQuery {
  start: string;
  end: string;
  basis: string;
  budgetId?: string;
  classId?: string;
  departmentId?: string;
}

export function operationPath(op: Operation, company?: string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    name === "CompanyId" && company !== undefined ? encodeURIComponent(company) : `{${name}}`,
  );
}

/** What the run has fetched and worked out so far: one per run, shared by every check's SharedData. */
interface SharedState {
  readonly walks: Map<string, Promise<ListWalk>>;
  /** Sync exchanges without their parsed bodies (see lite). */
  readonly sync: Exchange[];
  readonly syncIds: Set<number>;
  readonly notes: Map<string, string>;
  readonly passes: Map<SyncKind, Promise<SyncPass>>;
  readonly rowPools: Map<string, RowPools>;
  /** Passes that have ended. */
  readonly ended: Map<SyncKind, SyncPass>;
  /** Row-grid facts of the statements read outside the sync, in arrival order. */
  readonly grids: StatementGrid[];
  /** Told of each list walked to its end for the run's cache (once per list and company). */
  readonly walkListeners: ((walk: ListWalk) => void)[];
  /** Listed companies the run left out because the token cannot open them (see unopenedCompanies). */
  readonly leftOut: UnopenedCompany[];
}

/** The row-grid facts of one statement response read outside the sync (see row-grid.ts). */
export interface StatementGrid {
  op: Operation;
  company: string;
  query: StatementQuery;
  /** Without its parsed body. */
  exchange: Exchange;
  grid: GridFacts;
  /** Per period (YYYY-MM): the sum of the amounts and the number of rows, for comparing ranges. */
  periods: Map<string, PeriodTotal>;
}

function newState(): SharedState {
  return { walks: new Map(), sync: [], syncIds: new Set(), notes: new Map(), passes: new Map(), rowPools: new Map(), ended: new Map(), grids: [], walkListeners: [], leftOut: [] };
}

export class SharedData {
  constructor(
    private readonly contract: Contract,
    private readonly http: HttpClient,
    private readonly now: Date,
    private readonly limits: { pageSize: number; maxPages: number },
    /** The nightly sync's concurrency, retry policy and months (see sync.ts). */
    private readonly syncSettings: SyncSettings = DEFAULT_SYNC_SETTINGS,
    private readonly state: SharedState = newState(),
  ) {}

  /**
   * The same shared data seen by one check: what this check is first to ask for is fetched through
   * `http` (its own view of the client, HttpClient.forCheck), so those requests count for it; what
   * is fetched and worked out is the run's, shared with every other check.
   */
  forCheck(http: HttpClient): SharedData {
    return new SharedData(this.contract, http, this.now, this.limits, this.syncSettings, this.state);
  }

  /** Records the listed companies the run leaves out (engine), for schema.user-info to report. */
  leaveOut(companies: readonly UnopenedCompany[]): void {
    this.state.leftOut.push(...companies);
  }

  /** Listed companies the run left out because the token cannot open them. */
  leftOutCompanies(): readonly UnopenedCompany[] {
    return this.state.leftOut;
  }

  /** The run's page size (within the spec's range) and page cap (--page-size, --max-pages). */
  pageLimits(): { pageSize: number; maxPages: number } {
    return { ...this.limits };
  }

  /**
   * Exchanges of the requests that a sync would make (valid parameters, the run's token), for the
   * checks that read headers, statuses and timing across the whole run. Their parsed bodies are not
   * kept here (the start of the text is): the run would otherwise hold every body it ever read.
   */
  syncExchanges(): readonly Exchange[] {
    return this.state.sync;
  }

  /** Count an exchange a check sent itself as a valid request of a sync (e.g. the refresh grant) for coverage. */
  recordSyncExchange(ex: Exchange): void {
    if (!ex.fromCache) this.keep(ex);
  }

  private keep(ex: Exchange): void {
    if (this.state.syncIds.has(ex.id)) return;
    this.state.syncIds.add(ex.id);
    this.state.sync.push(lite(ex));
  }

  /** Say why an operation could not be exercised (shown in the report's coverage). First note wins. */
  noteNotExercised(op: Operation, reason: string): void {
    if (!this.state.notes.has(op.key)) this.state.notes.set(op.key, reason);
  }

  notExercisedReason(op: Operation): string | undefined {
    return this.state.notes.get(op.key);
  }

  op(role: Operation["profile"]["role"]): Operation | undefined {
    return this.contract.operations.find((o) => o.profile.role === role);
  }

  ops(role: Operation["profile"]["role"]): Operation[] {
    return this.contract.operations.filter((o) => o.profile.role === role);
  }

  /**
   * The window every probe uses for "recent" data: from the first day of the month two months
   * back to today. It covers the current and the previous month, which the freshness rules need.
   */
  recentWindow(): { start: string; end: string } {
    return { start: isoDate(monthStart(this.now, -2)), end: isoDate(this.now) };
  }

  /** `fresh`: bypass the run's request cache (the rehearsal's own pass). 429/503 are retried as Reach does. */
  private async get(op: Operation, path: string, query?: Record<string, string | number | undefined>, fresh = false, reading?: BodyReading): Promise<Exchange> {
    const ex = await this.http.send({
      method: op.method as "GET",
      path,
      query,
      operation: { method: op.method, path: op.path },
      cache: !fresh,
      retry: this.syncSettings.retry,
      confirmServerError: !fresh,
      ...(reading?.readStream ? { readStream: reading.readStream } : {}),
      ...(reading?.readStreamAgain ? { readStreamAgain: reading.readStreamAgain } : {}),
    });
    if (!ex.fromCache) this.keep(ex);
    return ex;
  }

  /** The discovery document, fetched without a token as the spec declares no security for it. */
  async discovery(): Promise<Exchange | undefined> {
    const op = this.op("discovery");
    if (!op) return undefined;
    const ex = await this.http.send({ method: "GET", path: op.path, auth: "none", operation: { method: op.method, path: op.path }, cache: true });
    if (!ex.fromCache) this.keep(ex);
    return ex;
  }

  async userInfo(): Promise<Exchange | undefined> {
    const op = this.op("user-info");
    if (!op) return undefined;
    return this.get(op, op.path);
  }

  async companyInfo(company: string, fresh = false): Promise<Exchange | undefined> {
    const op = this.op("company-info");
    if (!op) return undefined;
    return this.get(op, operationPath(op, company), undefined, fresh);
  }

  /** Walk a list to its end with the run's page size. Cached per operation and company. */
  listAll(op: Operation, company: string): Promise<ListWalk> {
    const key = `${op.key}|${company}`;
    let walk = this.state.walks.get(key);
    if (!walk) {
      walk = this.walk(op, company);
      this.state.walks.set(key, walk);
      walk.then((w) => this.state.walkListeners.forEach((l) => l(w)), () => undefined);
    }
    return walk;
  }

  /** Calls `listener` with each list walked for the run's cache (once per list and company). */
  onListWalked(listener: (walk: ListWalk) => void): void {
    this.state.walkListeners.push(listener);
  }

  /** Walk a list to its end again, bypassing the cache (the rehearsal's own pass). */
  listFresh(op: Operation, company: string): Promise<ListWalk> {
    return this.walk(op, company, true);
  }

  private async walk(op: Operation, company: string, fresh = false): Promise<ListWalk> {
    const p = this.contract.profile.pagination;
    const result: ListWalk = { operation: op, company, pages: [], records: [], complete: false };
    const limit = this.limits.pageSize;
    let offset = 0;
    let lastTotal: number | undefined;
    for (let page = 0; ; page++) {
      if (page >= this.limits.maxPages) {
        const bound = progressingWalk(result.records, lastTotal, page, op.profile.idField);
        if (bound) {
          result.bound = bound;
          result.stoppedBecause = `stopped after ${this.limits.maxPages} pages (--max-pages) with ${bound.read} of the ${bound.total} records Pagination.total announces`;
        } else {
          result.stoppedBecause = `stopped after ${this.limits.maxPages} pages (--max-pages); the list did not end`;
        }
        return result;
      }
      const ex = await this.get(op, operationPath(op, company), { [p.offsetParam]: offset, [p.limitParam]: limit }, fresh);
      result.pages.push(ex);
      if (ex.error) {
        result.stoppedBecause = `request failed: ${ex.error.message}`;
        return result;
      }
      const res = ex.response!;
      if (res.status === 204) {
        result.complete = true;
        return result;
      }
      if (res.status !== 200) {
        result.stoppedBecause = `page at offset ${offset} answered ${res.status}`;
        return result;
      }
      const body = res.json as Record<string, unknown> | undefined;
      const data = body && typeof body === "object" ? body[p.dataField] : undefined;
      if (!Array.isArray(data)) {
        result.stoppedBecause = `page at offset ${offset} has no ${p.dataField} array`;
        return result;
      }
      for (const r of data) result.records.push(r);
      const pag = body![p.paginationField] as Record<string, unknown> | undefined;
      const total = pag && typeof pag[p.totalField] === "number" ? (pag[p.totalField] as number) : undefined;
      lastTotal = total;
      if (listEnds(data.length, limit, offset, total)) {
        result.complete = true;
        return result;
      }
      // A page shorter than the limit is not the end while Pagination.total says more follow (a
      // partner with a page-size cap of its own). The offset moves on by the records returned, so
      // the walk still ends at the total, whatever the pages hold.
      offset += data.length;
    }
  }

  /** `reading`: read the body as it arrives instead of parsing it (the sync's statements, see HttpRequest.readStream). */
  async statement(op: Operation, company: string, q: StatementQuery, fresh = false, reading?: BodyReading): Promise<Exchange> {
    const n = this.contract.profile.parameters;
    const ex = await this.get(op, operationPath(op, company), {
      [n.startDate]: q.start,
      [n.endDate]: q.end,
      [n.accountingBasis]: q.basis,
      [n.budgetId]: q.budgetId,
      [n.classId]: q.classId,
      [n.departmentId]: q.departmentId,
    }, fresh, reading);
    if (!reading && !fresh && !ex.fromCache) this.foldGrid(op, company, q, ex);
    return ex;
  }

  /**
   * Statements read outside the sync (other date ranges, filters), folded into their row-grid facts
   * when they arrive, so the row-grid check judges them without asking again or keeping the body.
   */
  otherStatementGrids(): readonly StatementGrid[] {
    return this.state.grids;
  }

  private foldGrid(op: Operation, company: string, q: StatementQuery, ex: Exchange): void {
    const res = ex.response;
    if (res?.status !== 200 || res.json === undefined) return;
    const fields = { id: op.profile.rowIdField, period: op.profile.periodField, amount: op.profile.amountField };
    if (!fields.id || !fields.period) return;
    const table = RowTable.from(res.json, this.contract.profile.pagination.dataField, fields, newPools());
    if (!table) return;
    const grid = gridFacts(table, q.start, q.end, { trailingFree: q.budgetId !== undefined });
    const periods = periodTotals(table);
    table.release();
    if (grid) this.state.grids.push({ op, company, query: q, exchange: lite(ex), grid, periods });
  }

  async metricValues(op: Operation, company: string, body: Record<string, unknown>, fresh = false): Promise<Exchange> {
    const ex = await this.http.send({
      method: "POST",
      path: operationPath(op, company),
      body: { json: body },
      operation: { method: op.method, path: op.path },
      cache: !fresh,
      retry: this.syncSettings.retry,
      confirmServerError: !fresh,
    });
    if (!ex.fromCache) this.keep(ex);
    return ex;
  }

  /** The window a nightly sync reads: the first day of the month 23 months back to today (24 months). */
  syncWindow(): { start: string; end: string } {
    return { start: isoDate(monthStart(this.now, -(this.syncSettings.months - 1))), end: isoDate(this.now) };
  }

  /** Concurrency, retry policy and months of the nightly sync. */
  syncOptions(): SyncSettings {
    return this.syncSettings;
  }

  /**
   * One pass of the nightly sync over the run's companies, run once per kind: `shared` through the
   * request cache (what the accuracy checks read), `fresh` bypassing it (the timed rehearsal).
   */
  syncPass(kind: SyncKind, companies: readonly string[]): Promise<SyncPass> {
    let pass = this.state.passes.get(kind);
    if (!pass) {
      const n = this.contract.profile.parameters;
      pass = runSyncPass(
        {
          data: this,
          operations: this.contract.operations,
          bases: n.accountingBases,
          parameters: n,
          companies,
          samples: () => this.http.samples(),
          settings: this.syncSettings,
          window: this.syncWindow(),
          dataField: this.contract.profile.pagination.dataField,
          paginationField: this.contract.profile.pagination.paginationField,
          totalField: this.contract.profile.pagination.totalField,
          accountTypeField: this.contract.profile.accounting.accountTypeField,
          pools: (company) => this.poolsOf(company),
          // Only the fresh pass may leave rows to the other: the shared pass's are what the accuracy checks read.
          peer: (company) => (kind === "fresh" ? this.state.ended.get("shared")?.companies.find((c) => c.company === company) : undefined),
        },
        kind,
      );
      this.state.passes.set(kind, pass);
      pass.then(
        (p) => this.state.ended.set(kind, p),
        () => undefined,
      );
    }
    return pass;
  }

  /** A sync pass of this kind that has already ended, else undefined (never starts one). */
  endedPass(kind: SyncKind): SyncPass | undefined {
    return this.state.ended.get(kind);
  }

  /** Interned account ids and periods of a company's statement rows (one set per run, both passes share it). */
  poolsOf(company: string): RowPools {
    let pools = this.state.rowPools.get(company);
    if (!pools) this.state.rowPools.set(company, (pools = newPools()));
    return pools;
  }

  /** Ids a list returns (first `max`), using the profile's id field. */
  async ids(op: Operation, company: string, max = Infinity): Promise<string[]> {
    const walk = await this.listAll(op, company);
    const field = op.profile.idField;
    if (!field) return [];
    const out: string[] = [];
    for (const r of walk.records) {
      if (out.length >= max) break;
      const v = r && typeof r === "object" ? (r as Record<string, unknown>)[field] : undefined;
      if (typeof v === "string") out.push(v);
    }
    return out;
  }

  /** The operation of a list whose ids feed a parameter (e.g. `BudgetId`). */
  feeder(parameter: string): Operation | undefined {
    return this.contract.operations.find((o) => o.profile.role === "list" && o.profile.feedsParameter === parameter);
  }

  /** Build a valid body for the metric-values operation: ids from its feeding list, the recent window. */
  async metricValuesBody(op: Operation, company: string, maxIds = 50): Promise<Record<string, unknown> | undefined> {
    const source = op.profile.idsFrom ? this.contract.operations.find((o) => o.key === op.profile.idsFrom) : undefined;
    if (!source) return undefined;
    const ids = await this.ids(source, company, maxIds);
    if (ids.length === 0) return undefined;
    const n = this.contract.profile.parameters;
    const w = this.recentWindow();
    return { [op.profile.bodyIdsField ?? "NonFinancialIds"]: ids, [n.startDate]: w.start, [n.endDate]: w.end };
  }
}

/** A period's rows in one statement answer: the sum of the amounts that are numbers, the rows, and the rows whose amount is not a number (left out of the sum). */
export interface PeriodTotal {
  sum: number;
  rows: number;
  unreadable: number;
}

/** Per period of a statement table: the sum of its amounts and how many rows it has. */
export function periodTotals(table: RowTable): Map<string, PeriodTotal> {
  const out = new Map<string, PeriodTotal>();
  for (let i = 0; i < table.length; i++) {
    const period = table.period(i);
    const amount = table.amount(i);
    if (period === undefined) continue;
    let t = out.get(period);
    if (!t) out.set(period, (t = { sum: 0, rows: 0, unreadable: 0 }));
    t.rows++;
    if (amount !== undefined && !Number.isNaN(amount)) t.sum += amount;
    else t.unreadable++;
  }
  return out;
}

/** An exchange without its parsed body (status, headers, the start of the text and timing stay). */
function lite(ex: Exchange): Exchange {
  const res = ex.response;
  if (!res || (res.json === undefined && res.read === undefined)) return ex;
  const { json: _json, read: _read, ...rest } = res;
  return { ...ex, response: { ...rest, ...(res.json !== undefined ? { folded: true } : {}) } };
}
