/**
 * The accounting facts of the spec model as pure functions over plain records and rows, so each
 * rule can be tested on small hand-made data sets. The accuracy checks feed them the responses of
 * the shared sync pass and turn what they return into findings.
 */
import type { Row } from "./rows.js";

/** Amounts within this much of each other are equal (statements are in currency units, two decimals). */
export const CENT = 0.01;
/** Float sums of two-decimal amounts drift by far less than this. */
const EPSILON = 1e-6;

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

function group(rows: readonly Row[], pick: (r: Row) => boolean, typeOf?: ReadonlyMap<string, string>): RowGroup[] {
  const out = new Map<string, RowGroup>();
  rows.forEach((r, i) => {
    if (r.id === undefined || !pick(r)) return;
    const g = out.get(r.id);
    if (g) g.count++;
    else out.set(r.id, { id: r.id, count: 1, firstIndex: i, ...(typeOf?.has(r.id) ? { type: typeOf.get(r.id) } : {}) });
  });
  return [...out.values()];
}

/** Statement rows whose account id is not in the chart of accounts, grouped by id. */
export function unknownAccountRows(rows: readonly Row[], known: ReadonlySet<string>): RowGroup[] {
  return group(rows, (r) => !known.has(r.id!));
}

/**
 * Statement rows of accounts whose type does not belong on the statement, grouped by id. Rows of
 * unknown accounts are left to `unknownAccountRows`; an empty `allowed` list allows every type.
 */
export function misplacedAccountRows(rows: readonly Row[], typeOf: ReadonlyMap<string, string>, allowed: readonly string[]): RowGroup[] {
  if (allowed.length === 0) return [];
  return group(rows, (r) => typeOf.has(r.id!) && !allowed.includes(typeOf.get(r.id!)!), typeOf);
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
export function unbalancedPeriods(rows: readonly Row[], typeOf: ReadonlyMap<string, string>, rules: BalanceRules): PeriodDifference[] {
  const sums = new Map<string, number>();
  for (const r of rows) {
    if (r.id === undefined || r.period === undefined || r.amount === undefined) continue;
    const type = typeOf.get(r.id);
    if (type === undefined || !rules.types.includes(type)) continue;
    const signed = rules.debitNormal.includes(type) ? r.amount : -r.amount;
    sums.set(r.period, (sums.get(r.period) ?? 0) + signed);
  }
  return [...sums.entries()]
    .filter(([, d]) => Math.abs(d) > CENT + EPSILON)
    .map(([period, d]) => ({ period, difference: Math.round(d * 100) / 100 }))
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/** Rows as a map `id|period` -> amount (amounts of repeated keys add up). */
function cells(rows: readonly Row[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    if (r.id === undefined || r.period === undefined || r.amount === undefined) continue;
    const key = `${r.id}|${r.period}`;
    out.set(key, (out.get(key) ?? 0) + r.amount);
  }
  return out;
}

/** Whether two statements hold the same amount for every account and period (missing counts as 0). */
export function sameAmounts(a: readonly Row[], b: readonly Row[]): boolean {
  const x = cells(a);
  const y = cells(b);
  for (const key of new Set([...x.keys(), ...y.keys()])) {
    if (Math.abs((x.get(key) ?? 0) - (y.get(key) ?? 0)) > CENT / 2 + EPSILON) return false;
  }
  return true;
}

export interface Split {
  /** The filter value, e.g. a ClassId. */
  id: string;
  rows: readonly Row[];
}

export interface Remainder {
  /** Unsplit minus the sum of the splits, per period (periods with no remainder left out). */
  byPeriod: PeriodDifference[];
  /** Account-and-period cells whose remainder is more than a cent. */
  cells: number;
  /** Which splits were summed: every one, or only the top-level ones (parents that include their children). */
  summed: "all" | "top-level";
}

function remainderOf(unsplit: readonly Row[], splits: readonly Split[], summed: Remainder["summed"]): Remainder & { total: number } {
  const rest = cells(unsplit);
  for (const s of splits) for (const [key, v] of cells(s.rows)) rest.set(key, (rest.get(key) ?? 0) - v);
  const perPeriod = new Map<string, number>();
  let count = 0;
  let total = 0;
  for (const [key, v] of rest) {
    if (Math.abs(v) <= CENT + EPSILON) continue;
    count++;
    total += Math.abs(v);
    const period = key.slice(key.lastIndexOf("|") + 1);
    perPeriod.set(period, (perPeriod.get(period) ?? 0) + v);
  }
  const byPeriod = [...perPeriod.entries()]
    .map(([period, d]) => ({ period, difference: Math.round(d * 100) / 100 }))
    .filter((p) => p.difference !== 0)
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return { byPeriod, cells: count, summed, total };
}

/**
 * What the class splits leave out of the unsplit statement. A filter by a parent class may hold
 * only its own postings or include its children's; both readings are tried (the sum of every
 * class, and the sum of the top-level classes), and the smaller remainder is returned.
 */
export function splitRemainder(unsplit: readonly Row[], splits: readonly Split[], parentOf: ReadonlyMap<string, string | null> = new Map()): Remainder {
  const all = remainderOf(unsplit, splits, "all");
  if (all.cells === 0) return stripTotal(all);
  const ids = new Set(splits.map((s) => s.id));
  const roots = splits.filter((s) => {
    const p = parentOf.get(s.id);
    return p === undefined || p === null || !ids.has(p);
  });
  if (roots.length === splits.length) return stripTotal(all);
  const top = remainderOf(unsplit, roots, "top-level");
  return stripTotal(top.total < all.total ? top : all);
}

function stripTotal(r: Remainder & { total: number }): Remainder {
  const { total: _total, ...rest } = r;
  return rest;
}

/** Whether `a` is an ancestor of `b` in a parent map (cycles end the walk). */
function isAncestor(a: string, b: string, parentOf: ReadonlyMap<string, string | null>): boolean {
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
 * Split ids whose statement equals the unsplit one when that can only mean the filter was ignored:
 * the unsplit statement has activity, and at least two of the matching ids are unrelated (neither
 * is the other's ancestor), so they cannot both hold all of it. Undefined when nothing points to
 * an ignored filter.
 */
export function ignoredFilter(unsplit: readonly Row[], splits: readonly Split[], parentOf: ReadonlyMap<string, string | null> = new Map()): string[] | undefined {
  if (!unsplit.some((r) => r.amount !== undefined && Math.abs(r.amount) > CENT)) return undefined;
  const same = splits.filter((s) => s.rows.length > 0 && sameAmounts(unsplit, s.rows)).map((s) => s.id);
  for (let i = 0; i < same.length; i++) {
    for (let j = i + 1; j < same.length; j++) {
      if (!isAncestor(same[i], same[j], parentOf) && !isAncestor(same[j], same[i], parentOf)) return same;
    }
  }
  return undefined;
}
