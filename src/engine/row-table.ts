/**
 * Statement rows in compact form. A statement of a large company is hundreds of thousands of
 * `{AccountId, Period, Amount}` objects (tens of megabytes once parsed); the sync keeps them as
 * three typed columns instead, with account ids and periods interned per company, so a row costs
 * 16 bytes and two passes can be compared without holding either body.
 *
 * Rows that do not fit the three columns (not an object, a field of the wrong type, fields beyond
 * the three) keep their JSON text beside the columns, so `record(i)` gives back what the partner
 * sent, up to member order.
 */
import { giveBlock, takeBlock } from "../util/array-pool.js";

/** Index of "no value" in the id and period columns. */
const NONE = 0xffffffff;

/** Strings to small integers and back; one per company, shared by both passes of a run. */
export class Interner {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];

  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  name(i: number): string {
    return this.names[i];
  }

  /** Every string, by index. */
  all(): readonly string[] {
    return this.names;
  }

  get size(): number {
    return this.names.length;
  }
}

/** The interners of one company: account ids and periods. */
export interface RowPools {
  ids: Interner;
  periods: Interner;
}

export function newPools(): RowPools {
  return { ids: new Interner(), periods: new Interner() };
}

/** A table's columns and odd rows, as handed to another thread (see RowTable.parts and rebase). */
export interface RowTableParts {
  ids: Uint32Array;
  periods: Uint32Array;
  amounts: Float64Array;
  odd: Map<number, string>;
}

/** The profile's names of a statement row's three fields. */
export interface RowFields {
  id?: string;
  period?: string;
  amount?: string;
}

/** Read access to rows, whether compact or plain objects. */
export interface RowsLike {
  readonly length: number;
  id(i: number): string | undefined;
  period(i: number): string | undefined;
  amount(i: number): number | undefined;
}

/** An order-independent fingerprint of a set of rows: equal rows in any order give the same value. */
export interface RowDigest {
  rows: number;
  /** Two independent 32-bit sums of per-row hashes, as one string. */
  hash: string;
  /** Sum of amounts per period (what a difference is described with when the rows are gone). */
  periodSums: Record<string, number>;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** FNV-1a over a string, into a 32-bit state. */
function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit mix of 32-bit words (murmur3 finaliser steps). */
function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class RowTable implements RowsLike {
  private constructor(
    readonly pools: RowPools,
    private readonly fields: RowFields,
    private ids: Uint32Array,
    private periods: Uint32Array,
    private amounts: Float64Array,
    /** JSON text of rows that the columns cannot hold exactly. */
    private readonly odd: Map<number, string>,
  ) {}

  /** The rows of a 200 `{<dataField>: [...]}` body, or undefined when the body has no such array. */
  static from(json: unknown, dataField: string, fields: RowFields, pools: RowPools): RowTable | undefined {
    const data = json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>)[dataField] : undefined;
    if (!Array.isArray(data)) return undefined;
    const b = new RowTableBuilder(pools, fields, data.length);
    for (const r of data) b.pushValue(r);
    return b.finish();
  }

  /** @internal Used by RowTableBuilder. */
  static of(pools: RowPools, fields: RowFields, ids: Uint32Array, periods: Uint32Array, amounts: Float64Array, odd: Map<number, string>): RowTable {
    return new RowTable(pools, fields, ids, periods, amounts, odd);
  }

  get length(): number {
    return this.amounts.length;
  }

  /** Interned id of row i, or undefined. */
  idIndex(i: number): number | undefined {
    const v = this.ids[i];
    return v === NONE ? undefined : v;
  }

  periodIndex(i: number): number | undefined {
    const v = this.periods[i];
    return v === NONE ? undefined : v;
  }

  id(i: number): string | undefined {
    const v = this.ids[i];
    return v === NONE ? undefined : this.pools.ids.name(v);
  }

  period(i: number): string | undefined {
    const v = this.periods[i];
    return v === NONE ? undefined : this.pools.periods.name(v);
  }

  amount(i: number): number | undefined {
    const v = this.amounts[i];
    return Number.isNaN(v) ? undefined : v;
  }

  /** Row i as the partner sent it (member order aside). */
  record(i: number): unknown {
    const text = this.odd.get(i);
    if (text !== undefined) return JSON.parse(text) as unknown;
    return { [this.fields.id!]: this.id(i), [this.fields.period!]: this.period(i), [this.fields.amount!]: this.amount(i) };
  }

  /** Every row as the partner sent it (for a detailed comparison; allocates one object per row). */
  records(): unknown[] {
    const out = new Array<unknown>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.record(i);
    return out;
  }

  /** The same rows in columns of their own, exactly their length (for a table kept for the whole run). */
  compact(): RowTable {
    return new RowTable(this.pools, this.fields, this.ids.slice(), this.periods.slice(), this.amounts.slice(), new Map(this.odd));
  }

  /**
   * A table over columns read by another thread (row-reader-thread.ts), whose id and period
   * indexes point into `idNames` and `periodNames`: they are interned into `pools` in place, and the
   * columns stay where they are (release() gives their block to this thread's pool, see claimBlock).
   */
  static rebase(
    pools: RowPools,
    fields: RowFields,
    parts: RowTableParts & { idNames: readonly string[]; periodNames: readonly string[] },
  ): RowTable {
    const { ids, periods, amounts } = parts;
    const idMap = Uint32Array.from(parts.idNames, (name) => pools.ids.intern(name));
    const periodMap = Uint32Array.from(parts.periodNames, (name) => pools.periods.intern(name));
    for (let i = 0; i < amounts.length; i++) {
      const id = ids[i];
      const period = periods[i];
      if (id !== NONE) ids[i] = idMap[id];
      if (period !== NONE) periods[i] = periodMap[period];
    }
    return new RowTable(pools, fields, ids, periods, amounts, parts.odd);
  }

  /** The columns and odd rows as they are (views, no copy), to hand the table to another thread. */
  parts(): RowTableParts {
    return { ids: this.ids, periods: this.periods, amounts: this.amounts, odd: this.odd };
  }

  /** Gives the columns' memory back for reuse; the table is empty afterwards. */
  release(): void {
    const block = this.amounts.buffer;
    this.ids = new Uint32Array(0);
    this.periods = new Uint32Array(0);
    this.amounts = new Float64Array(0);
    this.odd.clear();
    giveBlock(block);
  }

  digest(): RowDigest {
    let a = 0;
    let b = 0;
    // Sums per interned period in a typed array (a Map would box every partial sum).
    let perPeriod = new Float64Array(Math.max(16, this.pools.periods.size));
    let seenPeriods = new Uint8Array(perPeriod.length);
    const anyOdd = this.odd.size > 0;
    for (let i = 0; i < this.length; i++) {
      f64[0] = this.amounts[i];
      let h1 = mix(mix(mix(0x9747b28c, this.ids[i]), this.periods[i]), u32[0]);
      h1 = mix(h1, u32[1]);
      let h2 = mix(mix(mix(0x5bd1e995, u32[1]), this.ids[i] ^ 0xa5a5a5a5), this.periods[i] + u32[0]);
      const text = anyOdd ? this.odd.get(i) : undefined;
      if (text !== undefined) {
        h1 = mix(h1, hashString(0x811c9dc5, text));
        h2 = mix(h2, hashString(0x01000193, text));
      }
      a = (a + h1) >>> 0;
      b = (b + h2) >>> 0;
      const p = this.periods[i];
      const amount = this.amounts[i];
      if (p !== NONE && !Number.isNaN(amount)) {
        if (p >= perPeriod.length) {
          const grown = new Float64Array(Math.max(p + 1, perPeriod.length * 2));
          grown.set(perPeriod);
          perPeriod = grown;
          const grownSeen = new Uint8Array(grown.length);
          grownSeen.set(seenPeriods);
          seenPeriods = grownSeen;
        }
        perPeriod[p] += amount;
        seenPeriods[p] = 1;
      }
    }
    const sums: Record<string, number> = {};
    const periods: [string, number][] = [];
    for (let p = 0; p < perPeriod.length; p++) if (seenPeriods[p] === 1) periods.push([this.pools.periods.name(p), perPeriod[p]]);
    periods.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    for (const [name, v] of periods) sums[name] = Math.round(v * 100) / 100;
    return { rows: this.length, hash: `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`, periodSums: sums };
  }
}

/** Builds a RowTable row by row, growing its columns as needed. */
export class RowTableBuilder {
  private block!: ArrayBuffer;
  private ids!: Uint32Array;
  private periods!: Uint32Array;
  private amounts!: Float64Array;
  private readonly odd = new Map<number, string>();
  private n = 0;
  private readonly known: string[];

  /** `block`: memory for the columns, used when it holds `capacity` rows (else taken from the pool). */
  constructor(
    readonly pools: RowPools,
    private readonly fields: RowFields,
    capacity = 1024,
    block?: ArrayBuffer,
  ) {
    this.allocate(Math.max(16, capacity), block);
    this.known = [fields.id, fields.period, fields.amount].filter((f): f is string => f !== undefined);
  }

  /** The three columns in one pooled block: amounts first (8-byte aligned), then ids, then periods. */
  private allocate(cap: number, given?: ArrayBuffer): void {
    const block = given !== undefined && given.byteLength >= cap * 16 ? given : takeBlock(cap * 16);
    const ids = new Uint32Array(block, cap * 8, cap);
    const periods = new Uint32Array(block, cap * 12, cap);
    const amounts = new Float64Array(block, 0, cap);
    if (this.block) {
      ids.set(this.ids.subarray(0, this.n));
      periods.set(this.periods.subarray(0, this.n));
      amounts.set(this.amounts.subarray(0, this.n));
      giveBlock(this.block);
    }
    this.block = block;
    this.ids = ids;
    this.periods = periods;
    this.amounts = amounts;
  }

  private grow(): void {
    this.allocate(this.amounts.length * 2);
  }

  /** A row with exactly the three fields, of the right types (interned id and period). */
  push(id: number, period: number, amount: number): void {
    if (this.n === this.amounts.length) this.grow();
    this.ids[this.n] = id;
    this.periods[this.n] = period;
    this.amounts[this.n] = amount;
    this.n++;
  }

  /** Any row value as JSON.parse gives it. */
  pushValue(r: unknown): void {
    if (this.n === this.amounts.length) this.grow();
    const i = this.n++;
    if (!r || typeof r !== "object" || Array.isArray(r)) {
      this.ids[i] = NONE;
      this.periods[i] = NONE;
      this.amounts[i] = NaN;
      this.odd.set(i, JSON.stringify(r) ?? "null");
      return;
    }
    const { fields, pools } = this;
    const o = r as Record<string, unknown>;
    const id = fields.id !== undefined ? o[fields.id] : undefined;
    const period = fields.period !== undefined ? o[fields.period] : undefined;
    const amount = fields.amount !== undefined ? o[fields.amount] : undefined;
    this.ids[i] = typeof id === "string" ? pools.ids.intern(id) : NONE;
    this.periods[i] = typeof period === "string" ? pools.periods.intern(period) : NONE;
    this.amounts[i] = typeof amount === "number" ? amount : NaN;
    // Anything the columns would lose: a missing or mistyped field, or fields beyond the three.
    let exact = typeof id === "string" && typeof period === "string" && typeof amount === "number";
    if (exact) {
      let count = 0;
      for (const key in o) {
        count++;
        if (count > this.known.length || !this.known.includes(key)) {
          exact = false;
          break;
        }
      }
    }
    if (!exact) this.odd.set(i, JSON.stringify(o));
  }

  /**
   * The table; its columns are views of the builder's pooled block (no copy). Give the block back
   * with RowTable.release once the table has been read, or keep a compact() copy.
   */
  finish(): RowTable {
    const n = this.n;
    return RowTable.of(this.pools, this.fields, this.ids.subarray(0, n), this.periods.subarray(0, n), this.amounts.subarray(0, n), this.odd);
  }
}

/** Plain row objects seen through the same interface. */
export function rowsOfArray(rows: readonly { id?: string; period?: string; amount?: number }[]): RowsLike {
  return {
    length: rows.length,
    id: (i) => rows[i].id,
    period: (i) => rows[i].period,
    amount: (i) => rows[i].amount,
  };
}
