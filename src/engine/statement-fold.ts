/**
 * What the sync keeps of a statement response once it has read it. A large company's statement is
 * tens of megabytes and a pass fetches hundreds of them (every budget, class and department split),
 * so no body outlives its arrival: each is folded into
 *   - a digest (row count, order-independent hash, amount per period) for the stability check;
 *   - for the unsplit statements only, the rows in compact columns (RowTable), which the balance
 *     and freshness rules and the split comparisons read;
 *   - in the shared pass, the accuracy facts: rows whose account the chart does not list or whose
 *     type does not belong on the statement (per company and operation), and for each split
 *     whether it equals the unsplit statement and what it adds to the split sums.
 * Memory then grows with the chart of accounts and the number of months, not with the number of
 * splits or the size of their responses.
 */
import { addRows, CellSums, SAME_TOLERANCE } from "../probes/support/accuracy.js";
import type { Operation } from "../spec/types.js";
import type { GridFacts } from "./row-grid.js";
import { RowTable, type RowDigest, type RowPools } from "./row-table.js";

/** The company's chart of accounts as the accuracy rules read it. */
export interface ChartIndex {
  op: Operation;
  ids: Set<string>;
  /** Account id -> account type (first record of an id wins). */
  typeOf: Map<string, string>;
  /** The same by interned id (the company's pools): 1 for a listed account, and its type. */
  listed: Uint8Array;
  typeAt: (string | undefined)[];
}

export interface StatementFold {
  /** The response was 200 with a data array. */
  usable: boolean;
  digest?: RowDigest;
  /** Unsplit statements only: the rows, compact. */
  table?: RowTable;
  /** Shared pass, splits: the split holds the same amounts as the unsplit statement (listed accounts only). */
  sameAsWhole?: boolean;
  /** Shared pass, splits: some account-month of a listed account holds more than a cent. */
  active?: boolean;
  /** SHA-256 (base64) of the body the rows were read from as it streamed in (see body-hash.ts). */
  bodyHash?: string;
  /** Shared pass: rows outside the range, repeated and missing (see row-grid.ts). */
  grid?: GridFacts;
}

/** The first row of a kind seen in a company's responses of one operation (in statement order). */
export interface FirstRow {
  /** statementKey of the response. */
  key: string;
  index: number;
  /** The row as sent, for the finding's excerpt. */
  record: string;
}

/** Rows of one statement operation whose account is not listed, or listed with a type that does not belong. */
export interface AccountFacts {
  /** Usable responses of the operation (what the rules were judged on). */
  responses: number;
  /** Unlisted account id -> rows. */
  unknown: Map<string, number>;
  firstUnknown?: FirstRow;
  /** Account id -> its type, for accounts whose type does not belong on the statement. */
  misplaced: Map<string, string>;
  firstMisplaced?: FirstRow;
}

/** Sums of one split parameter's statements, for the remainder rule. */
export interface SplitSums {
  /** The unsplit statement over listed accounts. */
  whole: CellSums;
  /** Every split added up. */
  all: CellSums;
  /** Only the top-level splits (parents not among the splits); undefined when every split is top-level. */
  top?: CellSums;
}

const firstOf = (cur: FirstRow | undefined, key: string, index: number): boolean =>
  cur === undefined || key < cur.key || (key === cur.key && index < cur.index);

/** Records the accuracy facts of one usable statement response. */
export function foldAccountFacts(facts: AccountFacts, table: RowTable, chart: ChartIndex, allowed: readonly string[], key: string): void {
  facts.responses++;
  const { listed, typeAt } = chart;
  for (let i = 0; i < table.length; i++) {
    const idx = table.idIndex(i);
    if (idx === undefined) continue;
    if (idx >= listed.length || listed[idx] !== 1) {
      const id = table.id(i)!;
      facts.unknown.set(id, (facts.unknown.get(id) ?? 0) + 1);
      if (firstOf(facts.firstUnknown, key, i)) facts.firstUnknown = { key, index: i, record: JSON.stringify(table.record(i)) };
      continue;
    }
    const type = typeAt[idx];
    if (allowed.length > 0 && type !== undefined && !allowed.includes(type)) {
      const id = table.id(i)!;
      if (!facts.misplaced.has(id)) facts.misplaced.set(id, type);
      if (firstOf(facts.firstMisplaced, key, i)) facts.firstMisplaced = { key, index: i, record: JSON.stringify(table.record(i)) };
    }
  }
}

export function newAccountFacts(): AccountFacts {
  return { responses: 0, unknown: new Map(), misplaced: new Map() };
}

/**
 * The unsplit statement's sums over listed accounts, shaped so that splits add into a grid of
 * (accounts seen so far + slack) x (periods seen so far + slack).
 */
export function wholeSums(table: RowTable, pools: RowPools, known: ((id: number) => boolean) | undefined): CellSums {
  const sums = new CellSums(pools, pools.ids.size + 64, pools.periods.size + 4);
  addRows(sums, table, known);
  return sums;
}

/**
 * Folds one usable split into its parameter's sums: returns whether it equals the unsplit statement
 * (over listed accounts, with at least one such row) and whether it has activity of its own, and
 * adds (when `sums` is given) its amounts into the all/top-level totals.
 */
export function foldSplit(
  table: RowTable,
  whole: CellSums,
  known: ((id: number) => boolean) | undefined,
  sums: { all: CellSums; top?: CellSums; topLevel: boolean } | undefined,
  /** A sum of the whole's shape to work in (cleared here), so that a pass does not allocate one per split. */
  scratch: CellSums = whole.empty(),
): { sameAsWhole: boolean; active: boolean } {
  const cells = scratch;
  cells.clear();
  const knownRows = addRows(cells, table, known);
  const sameAsWhole = knownRows > 0 && whole.sameAs(cells, SAME_TOLERANCE);
  if (sums) {
    sums.all.addAll(cells);
    if (sums.top && sums.topLevel) sums.top.addAll(cells);
  }
  return { sameAsWhole, active: knownRows > 0 && hasActiveRow(table, known) };
}

/** Whether a row of a listed account holds more than a cent (the first one found ends the scan). */
function hasActiveRow(table: RowTable, known: ((id: number) => boolean) | undefined): boolean {
  for (let i = 0; i < table.length; i++) {
    const amount = table.amount(i);
    if (amount === undefined || !(Math.abs(amount) > 0.01)) continue;
    const id = table.idIndex(i);
    if (id !== undefined && (!known || known(id))) return true;
  }
  return false;
}
