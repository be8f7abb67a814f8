/**
 * The row grid of one statement response: the spec model asks for one row per account and calendar
 * month of [StartDate, EndDate]. A statement is folded on arrival into a few counts and the first
 * example of each problem, through a bitmap of (account index x month of the range) that lives
 * only while the statement is read: rows whose Period lies outside the range, rows repeating an
 * (account, month) already given, and months missing for an account that has rows in the range.
 * Rows whose Period is not a `YYYY-MM` month, or that have no account id, are left to the schema
 * checks.
 */
import { monthNumber, monthNumberOfDate, periodOfMonth } from "../util/dates.js";
import { RowTable } from "./row-table.js";

/** One row of the statement, for a finding's pointer and excerpt. */
export interface GridRow {
  index: number;
  id?: string;
  period: string;
  /** The row as sent. */
  record: string;
}

export interface GridFacts {
  /** Rows with an account id and a `YYYY-MM` Period (what the rules were judged on). */
  judged: number;
  /** Months of the requested range. */
  months: number;
  /** Rows whose Period is a month outside the range. */
  outside: number;
  firstOutside?: GridRow;
  /** Rows whose (account, Period) an earlier row of the same response already gave. */
  duplicates: number;
  /** The first such row, and the index of the row it repeats. */
  firstDuplicate?: GridRow & { earlier: number };
  /**
   * (account, month) cells without a row, over accounts that have at least one row in the range,
   * from the first month any account has a row (see `leading`).
   */
  missing: number;
  /**
   * Months at the start of the range in which no account has a row at all (books that begin
   * later than the range): not counted in `missing`.
   */
  leading: number;
  /**
   * With `trailingFree`: months at the end of the range in which no account has a row (a budget
   * that ends inside the range), not counted in `missing`. Otherwise 0.
   */
  trailing: number;
  /** Accounts with at least one row in the range, and those of them missing some month. */
  accounts: number;
  accountsWithGaps: number;
  /** The first account (in row order) missing a month, and its earliest missing month. */
  firstMissing?: { id: string; period: string };
}

/** Offset of a period from the range's first month, or OUTSIDE / NOT_A_MONTH. */
const OUTSIDE = -1;
const NOT_A_MONTH = -2;

/**
 * The grid facts of a statement's rows for the range [start, end] (`YYYY-MM-DD` dates; a period is in
 * the range when its month overlaps it). Undefined when the range is not two dates in order.
 */
export function gridFacts(table: RowTable, start: string, end: string, opts: { trailingFree?: boolean } = {}): GridFacts | undefined {
  const first = monthNumberOfDate(start);
  const last = monthNumberOfDate(end);
  if (first === undefined || last === undefined || last < first) return undefined;
  const months = last - first + 1;
  const facts: GridFacts = { judged: 0, months, outside: 0, duplicates: 0, missing: 0, leading: 0, trailing: 0, accounts: 0, accountsWithGaps: 0 };
  // Interned period -> offset in the range, worked out once per distinct period.
  const periodNames = table.pools.periods;
  const offsets = new Int32Array(periodNames.size).fill(NOT_A_MONTH - 1);
  const offsetOf = (p: number): number => {
    if (p >= offsets.length) return NOT_A_MONTH;
    let o = offsets[p];
    if (o === NOT_A_MONTH - 1) {
      const m = monthNumber(periodNames.name(p));
      o = m === undefined ? NOT_A_MONTH : m < first || m > last ? OUTSIDE : m - first;
      offsets[p] = o;
    }
    return o;
  };
  const accountsCap = table.pools.ids.size;
  // One bit per (account, month of the range); one flag per account with a row in the range.
  const seen = new Uint32Array(Math.ceil((accountsCap * months) / 32));
  const hasRows = new Uint8Array(accountsCap);
  const row = (i: number, period: string): GridRow => ({ index: i, id: table.id(i), period, record: JSON.stringify(table.record(i)) });
  /** The first month of the range any account has a row in. */
  let firstWithRows = months;
  let lastWithRows = -1;
  for (let i = 0; i < table.length; i++) {
    const id = table.idIndex(i);
    const p = table.periodIndex(i);
    if (id === undefined || p === undefined || id >= accountsCap) continue;
    const o = offsetOf(p);
    if (o === NOT_A_MONTH) continue;
    facts.judged++;
    if (o === OUTSIDE) {
      facts.outside++;
      facts.firstOutside ??= row(i, periodNames.name(p));
      continue;
    }
    hasRows[id] = 1;
    if (o < firstWithRows) firstWithRows = o;
    if (o > lastWithRows) lastWithRows = o;
    const bit = id * months + o;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if ((seen[word] & mask) !== 0) {
      facts.duplicates++;
      if (!facts.firstDuplicate) facts.firstDuplicate = { ...row(i, periodNames.name(p)), earlier: earlierRow(table, i, id, p) };
    } else {
      seen[word] |= mask;
    }
  }
  if (firstWithRows < months) facts.leading = firstWithRows;
  if (opts.trailingFree && lastWithRows >= 0) facts.trailing = months - 1 - lastWithRows;
  // Accounts in the order of their first row, so the first gap named does not depend on interning order.
  for (let i = 0; i < table.length; i++) {
    const id = table.idIndex(i);
    if (id === undefined || id >= accountsCap || hasRows[id] !== 1) continue;
    hasRows[id] = 2;
    facts.accounts++;
    let gaps = 0;
    let firstGap = -1;
    for (let o = facts.leading; o < months - facts.trailing; o++) {
      const bit = id * months + o;
      if ((seen[bit >>> 5] & (1 << (bit & 31))) === 0) {
        gaps++;
        if (firstGap < 0) firstGap = o;
      }
    }
    if (gaps === 0) continue;
    facts.missing += gaps;
    facts.accountsWithGaps++;
    facts.firstMissing ??= { id: table.pools.ids.name(id), period: periodOfMonth(first + firstGap) };
  }
  return facts;
}

/** Index of the first row before `i` with the same interned account and period. */
function earlierRow(table: RowTable, i: number, id: number, period: number): number {
  for (let j = 0; j < i; j++) if (table.idIndex(j) === id && table.periodIndex(j) === period) return j;
  return -1;
}
