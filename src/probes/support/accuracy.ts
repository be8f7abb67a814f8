/**
 * The accounting facts of the spec model as pure functions over plain records and rows, so each
 * rule can be tested on small hand-made data sets. The accuracy checks feed them the responses of
 * the shared sync pass and turn what they return into findings.
 */
import { newPools, RowTable, rowsOfArray, type RowPools, type RowsLike } from "../../engine/row-table.js";
import { monthNumber, periodOfMonth } from "../../util/dates.js";
import type { Row } from "./rows.js";

/** Amounts within this much of each other are equal (statements are in currency units, two decimals). */
export const CENT = 0.01;
/** Float sums of two-decimal amounts drift by far less than this. */
const EPSILON = 1e-6;

/**
 * Two totals of the same amounts, summed in another order or over other rows: equal to a cent
 * (plus rounding), or to a billionth of their size for totals too large for cents to survive.
 */
export function sameTotal(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(CENT * 1.1, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
}

/** An amount as a finding writes it: two decimals. */
export const money = (n: number): string => n.toFixed(2);

/**
 * Below this magnitude two amounts a cent apart are always two different doubles (the spacing of
 * doubles stays under a cent), so the cents an amount was written with can be read back exactly.
 */
const EXACT_BELOW = 2 ** 46;

/**
 * The whole number of cents an amount was written with, when it has at most two decimals and is
 * below about 7 * 10^13; undefined otherwise. Sums and differences of these are exact, where sums of
 * the doubles drift (41729877740149.08 + ... misses a balance by 0.014).
 */
export function exactCents(amount: number): number | undefined {
  if (!(Math.abs(amount) < EXACT_BELOW)) return undefined;
  const r = Math.round(amount * 100);
  // amount * 100 is itself rounded: the written cents are r or next to it, and the only whole
  // number whose hundredth reads back as this very double.
  if (r / 100 === amount) return r;
  if ((r - 1) / 100 === amount) return r - 1;
  if ((r + 1) / 100 === amount) return r + 1;
  return undefined;
}

/**
 * A running total of amounts, in cents. While every amount has two decimals and the total stays
 * within 2^53 cents, it is exact; otherwise it carries how far rounding may have taken it, so that
 * a comparison allows for the rounding and nothing more.
 */
export class CentTotal {
  cents = 0;
  /** The total is the exact sum of what was added. */
  exact = true;
  /** Sum of the magnitudes added (cents), for the rounding allowance once inexact. */
  private magnitude = 0;
  private count = 0;

  add(amount: number, sign = 1): void {
    let c = exactCents(amount);
    if (c === undefined) {
      this.exact = false;
      c = amount * 100;
    }
    this.cents += sign * c;
    if (this.exact && !Number.isSafeInteger(this.cents)) this.exact = false;
    this.magnitude += Math.abs(c);
    this.count++;
  }

  /**
   * Cents by which the total may be off: none when exact; else the textbook bound for summing n
   * doubles, n * 2^-53 * the sum of their magnitudes, plus the amounts' own rounding to cents.
   */
  get slack(): number {
    return this.exact ? 0 : (this.count + 2) * 2 ** -52 * this.magnitude;
  }
}

/**
 * A movement against the change of a balance (end minus start), in the cents each was written with,
 * so that 46736362835904.31 - 45992523083953.69 is 743839751950.62 and not .625 rounded up.
 * `quiet`: nothing moved (both under half a cent); `differs`: they are a cent or more apart.
 */
export function compareMovement(movement: number, end: number, start: number): { change: number; quiet: boolean; differs: boolean } {
  const [cm, ce, cb] = [exactCents(movement), exactCents(end), exactCents(start)];
  const exact = cm !== undefined && ce !== undefined && cb !== undefined;
  const m = cm ?? movement * 100;
  const e = ce ?? end * 100;
  const b = cb ?? start * 100;
  const change = e - b;
  // Amounts that are not whole cents (more decimals, or beyond 7 * 10^13) are compared with room for rounding.
  const slack = exact ? 0 : 4 * 2 ** -52 * (Math.abs(m) + Math.abs(e) + Math.abs(b));
  return { change: change / 100, quiet: Math.abs(m) < 0.5 && Math.abs(change) < 0.5, differs: Math.abs(m - change) > 0.5 + slack };
}

const fieldOf = (record: unknown, field: string): unknown =>
  record && typeof record === "object" ? (record as Record<string, unknown>)[field] : undefined;

export interface DuplicateId {
  id: string;
  /** Positions in the list (across pages) where the id appears, first included. */
  indexes: number[];
}

/** Ids that appear more than once in a list, in order of first appearance. */
export function duplicateIds(records: readonly unknown[], idField: string): DuplicateId[] {
  const seen = new Map<string, number[]>();
  records.forEach((r, i) => {
    const id = fieldOf(r, idField);
    if (typeof id !== "string") return;
    const list = seen.get(id);
    if (list) list.push(i);
    else seen.set(id, [i]);
  });
  return [...seen.entries()].filter(([, idx]) => idx.length > 1).map(([id, indexes]) => ({ id, indexes }));
}

export interface UnknownParent {
  id: string;
  parent: string;
  index: number;
}

export interface HierarchyIssues {
  /** Records whose parent id names no record of the list. */
  unknownParents: UnknownParent[];
  /** Each cycle once, as the ids along it starting from the smallest id (a self-parent is a cycle of one). */
  cycles: string[][];
}

/** Parent references that do not resolve, and cycles in the parent chain. */
export function hierarchyIssues(records: readonly unknown[], idField: string, parentField: string): HierarchyIssues {
  const parentOf = new Map<string, string | null>();
  const unknownParents: UnknownParent[] = [];
  records.forEach((r) => {
    const id = fieldOf(r, idField);
    if (typeof id !== "string" || parentOf.has(id)) return;
    const parent = fieldOf(r, parentField);
    parentOf.set(id, typeof parent === "string" && parent !== "" ? parent : null);
  });
  records.forEach((r, index) => {
    const id = fieldOf(r, idField);
    const parent = fieldOf(r, parentField);
    if (typeof id === "string" && typeof parent === "string" && parent !== "" && !parentOf.has(parent)) {
      unknownParents.push({ id, parent, index });
    }
  });

  // Follow each chain once: 1 = on the chain being followed, 2 = known to end (or already reported).
  const state = new Map<string, 1 | 2>();
  const cycles: string[][] = [];
  for (const start of parentOf.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    let cur: string | null | undefined = start;
    while (cur !== null && cur !== undefined && parentOf.has(cur) && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = parentOf.get(cur);
    }
    if (cur !== null && cur !== undefined && state.get(cur) === 1) {
      const loop = path.slice(path.indexOf(cur));
      const first = loop.indexOf([...loop].sort()[0]);
      cycles.push([...loop.slice(first), ...loop.slice(0, first)]);
    }
    for (const id of path) state.set(id, 2);
  }
  return { unknownParents, cycles };
}

export interface RowGroup {
  id: string;
  /** Rows with this id. */
  count: number;
  /** Position of the first such row in the response's data array. */
  firstIndex: number;
  /** The account's type, when the finding is about it. */
  type?: string;
}

function group(input: readonly Row[] | RowsLike, pick: (id: string) => boolean, typeOf?: ReadonlyMap<string, string>): RowGroup[] {
  const rows = asRows(input);
  const out = new Map<string, RowGroup>();
  for (let i = 0; i < rows.length; i++) {
    const id = rows.id(i);
    if (id === undefined || !pick(id)) continue;
    const g = out.get(id);
    if (g) g.count++;
    else out.set(id, { id, count: 1, firstIndex: i, ...(typeOf?.has(id) ? { type: typeOf.get(id) } : {}) });
  }
  return [...out.values()];
}

/** Statement rows whose account id is not in the chart of accounts, grouped by id. */
export function unknownAccountRows(rows: readonly Row[] | RowsLike, known: ReadonlySet<string>): RowGroup[] {
  return group(rows, (id) => !known.has(id));
}

/**
 * Statement rows of accounts whose type does not belong on the statement, grouped by id. Rows of
 * unknown accounts are left to `unknownAccountRows`; an empty `allowed` list allows every type.
 */
export function misplacedAccountRows(rows: readonly Row[] | RowsLike, typeOf: ReadonlyMap<string, string>, allowed: readonly string[]): RowGroup[] {
  if (allowed.length === 0) return [];
  return group(rows, (id) => typeOf.has(id) && !allowed.includes(typeOf.get(id)!), typeOf);
}

export interface PeriodDifference {
  period: string;
  /** Debit-normal minus credit-normal balances (assets − liabilities − equity), rounded to cents. */
  difference: number;
}

export interface BalanceRules {
  /** Account types that belong on the balance sheet (rows of other types are not summed). */
  types: readonly string[];
  /** Types whose positive amounts are debits; every other summed type is credit-normal. */
  debitNormal: readonly string[];
}

/**
 * Periods whose balance sheet does not balance: per period, the sum of debit-normal balances must
 * equal the sum of credit-normal ones (assets = liabilities + equity) to within a cent. Rows of
 * unknown accounts, or of types that are not balance-sheet types, are not summed.
 */
export function unbalancedPeriods(input: readonly Row[] | RowsLike, typeOf: ReadonlyMap<string, string>, rules: BalanceRules): PeriodDifference[] {
  const rows = asRows(input);
  // In cents: the doubles of a large company's balances (10^13 with cents) do not add up exactly.
  const sums = new Map<string, CentTotal>();
  for (let i = 0; i < rows.length; i++) {
    const id = rows.id(i);
    const period = rows.period(i);
    const amount = rows.amount(i);
    if (id === undefined || period === undefined || amount === undefined) continue;
    const type = typeOf.get(id);
    if (type === undefined || !rules.types.includes(type)) continue;
    let total = sums.get(period);
    if (!total) sums.set(period, (total = new CentTotal()));
    total.add(amount, rules.debitNormal.includes(type) ? 1 : -1);
  }
  return [...sums.entries()]
    .filter(([, t]) => Math.abs(t.cents) > 1 + 1e-4 + t.slack)
    .map(([period, t]) => ({ period, difference: Math.round(t.cents) / 100 }))
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/**
 * Amounts per account and period. Account ids and periods are interned (see engine/row-table.ts);
 * a grid of `idCap` x `periodCap` cells holds the usual ones in a typed array, a map the rest.
 * A cell never written reads 0, which is what a missing row means in every comparison here.
 * Cells hold cents (see exactCents): exact for two-decimal amounts, so a large company's splits add
 * up to its whole to the cent; `exact` turns false once an amount or a cell is not whole cents.
 */
export class CellSums {
  private readonly grid: Float64Array;
  private readonly extra = new Map<number, number>();
  /** Every cell is a whole number of cents, exactly the sum of what was added. */
  exact = true;

  constructor(
    readonly pools: RowPools,
    private readonly idCap = 0,
    private readonly periodCap = 0,
  ) {
    this.grid = new Float64Array(idCap * periodCap);
  }

  /** Back to all zero. */
  clear(): void {
    this.grid.fill(0);
    this.extra.clear();
    this.exact = true;
  }

  /** A sum of the same shape (same pools and grid), all zero. */
  empty(): CellSums {
    return new CellSums(this.pools, this.idCap, this.periodCap);
  }

  add(id: number, period: number, v: number): void {
    const c = exactCents(v);
    if (c === undefined) this.exact = false;
    this.addCents(id, period, c ?? v * 100);
  }

  private addCents(id: number, period: number, c: number): void {
    let cell: number;
    if (id < this.idCap && period < this.periodCap) {
      const i = id * this.periodCap + period;
      cell = this.grid[i] += c;
    } else {
      const k = id * PERIOD_SPAN + period;
      cell = (this.extra.get(k) ?? 0) + c;
      this.extra.set(k, cell);
    }
    if (this.exact && !Number.isSafeInteger(cell)) this.exact = false;
  }

  /** The amount of a cell, in cents. */
  centsAt(id: number, period: number): number {
    if (id < this.idCap && period < this.periodCap) return this.grid[id * this.periodCap + period];
    return this.extra.get(id * PERIOD_SPAN + period) ?? 0;
  }

  /** Adds `sign` times another sum of the same shape. */
  addAll(other: CellSums, sign = 1): void {
    if (!other.exact) this.exact = false;
    if (other.grid.length === this.grid.length) {
      // Sums of whole cents stay whole; they stop being exact only past 2^53.
      let big = false;
      for (let i = 0; i < this.grid.length; i++) {
        const v = (this.grid[i] += sign * other.grid[i]);
        if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) big = true;
      }
      if (big) this.exact = false;
    } else {
      other.forEachGrid((id, period, c) => this.addCents(id, period, sign * c));
    }
    for (const [k, c] of other.extra) this.addCents(Math.floor(k / PERIOD_SPAN), k % PERIOD_SPAN, sign * c);
  }

  private forEachGrid(fn: (id: number, period: number, cents: number) => void): void {
    const pc = this.periodCap;
    for (let i = 0; i < this.grid.length; i++) if (this.grid[i] !== 0) fn(Math.floor(i / pc), i % pc, this.grid[i]);
  }

  /** Every cell that was written (grid cells only when not zero), in cents. */
  forEachCents(fn: (id: number, period: number, cents: number) => void): void {
    this.forEachGrid(fn);
    for (const [k, c] of this.extra) fn(Math.floor(k / PERIOD_SPAN), k % PERIOD_SPAN, c);
  }

  /**
   * Whether another sum holds the same amount in every cell, to `tolerance` (currency units). When
   * either sum is not exact, rounding is allowed for too (a trillionth of the amounts compared).
   */
  sameAs(other: CellSums, tolerance: number): boolean {
    const t = tolerance * 100;
    const exact = this.exact && other.exact;
    const differ = (a: number, b: number) => Math.abs(a - b) > (exact ? t : t + 1e-12 * (Math.abs(a) + Math.abs(b)));
    if (other.grid.length === this.grid.length) {
      for (let i = 0; i < this.grid.length; i++) if (differ(this.grid[i], other.grid[i])) return false;
    } else {
      let same = true;
      this.forEachGrid((id, p, c) => (same &&= !differ(c, other.centsAt(id, p))));
      other.forEachGrid((id, p, c) => (same &&= !differ(c, this.centsAt(id, p))));
      if (!same) return false;
    }
    for (const [k, c] of this.extra) if (differ(c, other.centsAt(Math.floor(k / PERIOD_SPAN), k % PERIOD_SPAN))) return false;
    for (const [k, c] of other.extra) if (differ(c, this.centsAt(Math.floor(k / PERIOD_SPAN), k % PERIOD_SPAN))) return false;
    return true;
  }

  /** Whether some cell holds more than a cent either way. */
  active(): boolean {
    let found = false;
    this.forEachCents((_id, _p, c) => (found ||= Math.abs(c) > 1));
    return found;
  }
}

/** Periods per account id in the map keys of CellSums (far more than any statement has). */
const PERIOD_SPAN = 2 ** 20;

/**
 * Adds rows with an id, a period and an amount to a sum; `keep` filters by interned account id.
 * A RowTable built with the same pools is read by index, anything else by interning its strings.
 */
export function addRows(sums: CellSums, rows: RowsLike, keep?: (id: number) => boolean): number {
  let added = 0;
  const table = rows instanceof RowTable && rows.pools === sums.pools ? rows : undefined;
  for (let i = 0; i < rows.length; i++) {
    const amount = rows.amount(i);
    if (amount === undefined) continue;
    let id: number | undefined;
    let period: number | undefined;
    if (table) {
      id = table.idIndex(i);
      period = table.periodIndex(i);
    } else {
      const ids = rows.id(i);
      const p = rows.period(i);
      id = ids === undefined ? undefined : sums.pools.ids.intern(ids);
      period = p === undefined ? undefined : sums.pools.periods.intern(p);
    }
    if (id === undefined || period === undefined || (keep && !keep(id))) continue;
    sums.add(id, period, amount);
    added++;
  }
  return added;
}

function cellsOf(rows: RowsLike, pools: RowPools): CellSums {
  const sums = new CellSums(pools);
  addRows(sums, rows);
  return sums;
}

const asRows = (rows: RowsLike | readonly Row[]): RowsLike => (Array.isArray(rows) ? rowsOfArray(rows as readonly Row[]) : (rows as RowsLike));

/** Whether two statements hold the same amount for every account and period (missing counts as 0). */
export function sameAmounts(a: readonly Row[] | RowsLike, b: readonly Row[] | RowsLike): boolean {
  const pools = newPools();
  return cellsOf(asRows(a), pools).sameAs(cellsOf(asRows(b), pools), SAME_TOLERANCE);
}

/** Two amounts are the same figure when they round to the same cent. */
export const SAME_TOLERANCE = CENT / 2 + EPSILON;

export interface Split {
  /** The filter value, e.g. a ClassId. */
  id: string;
  rows: readonly Row[] | RowsLike;
}

export interface Remainder {
  /** Unsplit minus the sum of the splits, per period (periods with no remainder left out). */
  byPeriod: PeriodDifference[];
  /** Account-and-period cells whose remainder is more than a cent. */
  cells: number;
  /** The same, by period (`YYYY-MM`). */
  cellsByPeriod: Record<string, number>;
  /** Which splits were summed: every one, or only the top-level ones (parents that include their children). */
  summed: "all" | "top-level";
}

function remainderOf(whole: CellSums, summed: CellSums, kind: Remainder["summed"]): Remainder & { total: number } {
  const rest = whole.empty();
  rest.addAll(whole);
  rest.addAll(summed, -1);
  const perPeriod = new Map<number, number>();
  const cellsByPeriod: Record<string, number> = {};
  let count = 0;
  let total = 0;
  // In cents, as the sums are; a cell off by rounding only (inexact sums) is no remainder.
  const slack = rest.exact ? 0 : 1e-12;
  rest.forEachCents((id, period, c) => {
    if (Math.abs(c) <= 1 + 1e-4 + slack * Math.abs(whole.centsAt(id, period))) return;
    count++;
    total += Math.abs(c);
    perPeriod.set(period, (perPeriod.get(period) ?? 0) + c);
    const name = whole.pools.periods.name(period);
    cellsByPeriod[name] = (cellsByPeriod[name] ?? 0) + 1;
  });
  const byPeriod = [...perPeriod.entries()]
    .map(([period, d]) => ({ period: whole.pools.periods.name(period), difference: Math.round(d) / 100 }))
    .filter((p) => p.difference !== 0)
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return { byPeriod, cells: count, cellsByPeriod, summed: kind, total };
}

/**
 * What the splits leave out of the unsplit statement, from sums already made: `all` is every
 * split added up, `top` only the top-level ones (undefined when every split is top-level). The
 * smaller remainder of the two readings is returned.
 */
export function remainderFromSums(whole: CellSums, all: CellSums, top?: CellSums): Remainder {
  const a = remainderOf(whole, all, "all");
  if (a.cells === 0 || !top) return stripTotal(a);
  const t = remainderOf(whole, top, "top-level");
  return stripTotal(t.total < a.total ? t : a);
}

/** Splits that count in the top-level reading: those whose parent is not itself among the splits. */
export function topLevelIds(ids: readonly string[], parentOf: ReadonlyMap<string, string | null>): Set<string> {
  const all = new Set(ids);
  return new Set(ids.filter((id) => {
    const p = parentOf.get(id);
    return p === undefined || p === null || !all.has(p);
  }));
}

/**
 * What the class splits leave out of the unsplit statement. A filter by a parent class may hold
 * only its own postings or include its children's; both readings are tried (the sum of every
 * class, and the sum of the top-level classes), and the smaller remainder is returned.
 */
export function splitRemainder(unsplit: readonly Row[] | RowsLike, splits: readonly Split[], parentOf: ReadonlyMap<string, string | null> = new Map()): Remainder {
  const pools = newPools();
  const whole = cellsOf(asRows(unsplit), pools);
  const all = new CellSums(pools);
  const tops = topLevelIds(splits.map((s) => s.id), parentOf);
  const top = tops.size === splits.length ? undefined : new CellSums(pools);
  for (const s of splits) {
    addRows(all, asRows(s.rows));
    if (top && tops.has(s.id)) addRows(top, asRows(s.rows));
  }
  return remainderFromSums(whole, all, top);
}

function stripTotal(r: Remainder & { total: number }): Remainder {
  const { total: _total, ...rest } = r;
  return rest;
}

/** Whether `a` is an ancestor of `b` in a parent map (cycles end the walk). */
/** Whether `a` is an ancestor of `b` by the parent map (cycles end the walk). */
export function isAncestor(a: string, b: string, parentOf: ReadonlyMap<string, string | null>): boolean {
  const seen = new Set<string>();
  let cur = parentOf.get(b) ?? null;
  while (cur !== null && !seen.has(cur)) {
    if (cur === a) return true;
    seen.add(cur);
    cur = parentOf.get(cur) ?? null;
  }
  return false;
}

/**
 * Of the split ids whose statement equals the unsplit one, those that show the filter was
 * ignored: at least two of them are unrelated (neither is the other's ancestor), so they cannot
 * both hold all of the company's activity. Undefined when nothing points to an ignored filter.
 * The caller has already checked that the unsplit statement has activity.
 */
export function ignoredAmong(same: readonly string[], parentOf: ReadonlyMap<string, string | null> = new Map()): string[] | undefined {
  for (let i = 0; i < same.length; i++) {
    for (let j = i + 1; j < same.length; j++) {
      if (!isAncestor(same[i], same[j], parentOf) && !isAncestor(same[j], same[i], parentOf)) return [...same];
    }
  }
  return undefined;
}

/**
 * A split id whose statement equals the unsplit one although another split, neither its ancestor
 * nor its descendant, has activity of its own: segments that do not hold each other cannot be all
 * of the activity and part of it at once, so that one id's filter is ignored. Undefined when no
 * such pair exists. The caller has already checked that the unsplit statement has activity.
 */
export function ignoredBeside(
  same: readonly string[],
  active: readonly string[],
  parentOf: ReadonlyMap<string, string | null> = new Map(),
): { id: string; other: string } | undefined {
  for (const id of same) {
    const other = active.find((o) => o !== id && !isAncestor(id, o, parentOf) && !isAncestor(o, id, parentOf));
    if (other !== undefined) return { id, other };
  }
  return undefined;
}

/**
 * Split ids whose statement equals the unsplit one when that can only mean the filter was ignored:
 * the unsplit statement has activity, and at least two of the matching ids are unrelated (neither
 * is the other's ancestor), so they cannot both hold all of it. Undefined when nothing points to
 * an ignored filter.
 */
export function ignoredFilter(unsplit: readonly Row[] | RowsLike, splits: readonly Split[], parentOf: ReadonlyMap<string, string | null> = new Map()): string[] | undefined {
  const pools = newPools();
  const whole = cellsOf(asRows(unsplit), pools);
  if (!whole.active()) return undefined;
  const same = splits.filter((s) => s.rows.length > 0 && whole.sameAs(cellsOf(asRows(s.rows), pools), SAME_TOLERANCE)).map((s) => s.id);
  return ignoredAmong(same, parentOf);
}

/**
 * Whether most cash-flow rows equal the balance sheet's change of the month after (`by` 1) or
 * before (-1) instead of their own month: the two statements label their months differently
 * (opening balances on the balance sheet, say). Judged over three or more account-months with a
 * movement; months `skip` names (still open for postings) are left out. Both tables are one
 * company's, interned in the same pools.
 */
export function cashFlowShift(cf: RowTable, bs: RowTable, skip: (period: string) => boolean = () => false): { by: 1 | -1; same: number; judged: number } | undefined {
  const pools = bs.pools;
  if (cf.pools !== pools) return undefined;
  const periods = pools.periods.size;
  const names = pools.periods.all();
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const open = names.map((name) => skip(name));
  const balances = new Float64Array(pools.ids.size * periods).fill(Number.NaN);
  for (let i = 0; i < bs.length; i++) {
    const id = bs.idIndex(i);
    const p = bs.periodIndex(i);
    const amount = bs.amount(i);
    if (id !== undefined && p !== undefined && amount !== undefined && id < pools.ids.size && p < periods) balances[id * periods + p] = amount;
  }
  for (const by of [1, -1] as const) {
    let judged = 0;
    let same = 0;
    for (let i = 0; i < cf.length; i++) {
      const id = cf.idIndex(i);
      const p = cf.periodIndex(i);
      const amount = cf.amount(i);
      if (id === undefined || p === undefined || amount === undefined || id >= pools.ids.size || p >= periods || open[p]) continue;
      const n = monthNumber(names[p]);
      if (n === undefined) continue;
      const endAt = indexOf.get(periodOfMonth(n + by));
      const startAt = indexOf.get(periodOfMonth(n + by - 1));
      if (endAt === undefined || startAt === undefined || open[endAt]) continue;
      const end = balances[id * periods + endAt];
      const start = balances[id * periods + startAt];
      if (Number.isNaN(end) || Number.isNaN(start)) continue;
      const r = compareMovement(amount, end, start);
      if (r.quiet) continue;
      judged++;
      if (!r.differs) same++;
    }
    if (judged >= 3 && same >= 0.8 * judged) return { by, same, judged };
  }
  return undefined;
}

/** Whether every amount of a statement (20 rows or more) is a whole number: amounts rounded to units. */
export function wholeUnits(rows: RowTable): boolean {
  if (rows.length < 20) return false;
  for (let i = 0; i < rows.length; i++) {
    const a = rows.amount(i);
    if (a !== undefined && !Number.isInteger(a)) return false;
  }
  return true;
}
