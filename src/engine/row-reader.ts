/**
 * Reads a statement body `{"Data": [{"AccountId": ..., "Period": ..., "Amount": ...}, ...]}`
 * straight from its bytes into a RowTable, without building an object per row. JSON.parse of a
 * 20 MB statement allocates some 100 MB of short-lived objects, and a sync reads hundreds of such
 * statements: reading the bytes keeps the run's memory flat and is about as fast.
 *
 * The reader validates the JSON it walks (RFC 8259 grammar, strict UTF-8 checked beforehand).
 * Whatever it does not expect (no data array, a byte order mark, escapes in member names, the data
 * member twice, nesting past the limit, invalid JSON) makes it return undefined, and the caller reads
 * the body the usual way, which reports what is wrong with it. A row that is not a plain
 * `{id, period, amount}` object (extra or repeated members, wrong types, nested values) is parsed
 * with JSON.parse on its own bytes, so it comes out exactly as the usual way would give it.
 */
import { isUtf8 } from "node:buffer";
import { MAX_JSON_DEPTH } from "../http/json-scan.js";
import { RowTableBuilder, type RowFields, type RowPools, type RowTable } from "./row-table.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Slots of the short-string cache (a power of two; a statement has a few dozen periods). */
const SHORT_SLOTS = 1024;

/** Powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Thrown where the bytes stop making sense, which is also where every chunk but the last ends (in
 * the middle of a row): one object, made once, so that no stack trace is taken each time.
 */
class Invalid {}
const INVALID = new Invalid();
const fail = (): never => {
  throw INVALID;
};

/** Where the string content from `i` ends (its closing quote), or -1 at an escape, a control byte or the end of the bytes. */
function plainStringEnd(b: Uint8Array, i: number, n: number): number {
  for (; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c < 0x20 || c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Fixed bytes of a row (a member name with its quotes and colon) as 32-bit words to compare four
 * bytes at a time: words at 0, 4, 8, … and, when the length is not a multiple of four, one more
 * ending at the last byte (overlapping the one before). A piece is at least 5 bytes (`{"x":"`).
 */
interface Piece {
  length: number;
  at: Int32Array;
  words: Int32Array;
}

function piece(text: string): Piece {
  const bytes = Buffer.from(text, "utf8");
  const at: number[] = [];
  for (let o = 0; o + 4 <= bytes.length; o += 4) at.push(o);
  if (bytes.length % 4 !== 0) at.push(bytes.length - 4);
  return { length: bytes.length, at: Int32Array.from(at), words: Int32Array.from(at, (o) => bytes.readInt32LE(o)) };
}

/** Whether the bytes from `i` are the piece's (the caller checked that they are all there). */
function matches(view: DataView, i: number, p: Piece): boolean {
  const { at, words } = p;
  for (let k = 0; k < at.length; k++) if (view.getInt32(i + at[k], true) !== words[k]) return false;
  return true;
}

/** Whether `length` bytes from `a` and from `b` are the same (four at a time, the rest one by one). */
function sameBytes(view: DataView, bytes: Uint8Array, a: number, b: number, length: number): boolean {
  let k = 0;
  for (; k + 4 <= length; k += 4) if (view.getInt32(a + k, true) !== view.getInt32(b + k, true)) return false;
  for (; k < length; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Bytes of one unfinished piece (the part before the data array, a row, the part after) held at most. */
const MAX_HELD = 4 * 1024 * 1024;
/** A parse that fails this close to the end of the bytes so far may just need the next chunk. */
const NEAR_END = 8;

/**
 * Rows a body of this many bytes is read into before the columns have to grow: a row of the three
 * members takes at least about 45 bytes (16 bytes of columns each).
 */
export function rowCapacity(expectedBytes: number | undefined): number {
  return Math.max(16, Math.min(1 << 22, Math.ceil((expectedBytes ?? 46080) / 45)));
}

/**
 * Reads a statement body chunk by chunk as it arrives: only the unfinished row between two chunks
 * is held, never the body. `write` returns false once the reader has declined the body (the caller
 * then reads it the usual way, from the start); `end` gives the table, or undefined when declined.
 */
export class StatementReader {
  private readonly reader: Reader;
  private declined = false;
  private finished = false;

  /** `block`: memory for the table's columns (see rowCapacity), used when large enough. */
  constructor(dataField: string, fields: RowFields, pools: RowPools, expectedBytes?: number, block?: ArrayBuffer) {
    this.reader = new Reader(dataField, fields, pools, expectedBytes, block);
  }

  write(chunk: Buffer): boolean {
    if (this.declined) return false;
    if (chunk.length > 0 && !this.reader.feed(chunk, false)) this.declined = true;
    return !this.declined;
  }

  /** The body will not be read to its end: the rows read so far are let go. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.reader.abandon();
  }

  end(): RowTable | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    if (this.declined || !this.reader.feed(undefined, true)) {
      this.declined = true;
      this.reader.abandon();
      return undefined;
    }
    return this.reader.table();
  }
}

/**
 * Where a reader puts its unfinished piece and the next chunk together, shared by all readers of
 * the thread: it is read only within one feed, and what is left over is copied out before it returns.
 */
let scratch: Buffer = Buffer.alloc(0);

class Reader {
  private i = 0;
  private n = 0;
  private b: Buffer = Buffer.alloc(0);
  private readonly data: Buffer;
  private readonly idKey: Buffer | undefined;
  private readonly periodKey: Buffer | undefined;
  private readonly amountKey: Buffer | undefined;
  /** The usual spelling of a row, in three pieces around its values: `{"id":"`, `","period":"`, `","amount":`. */
  private readonly compact: [Piece, Piece, Piece] | undefined;
  /** The bytes being read, for reading four of them at once. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private readonly builder: RowTableBuilder;
  /** The previous row's id bytes and index: rows of one account usually follow each other. */
  private lastId = { start: -1, end: -1, index: 0 };
  private lastPeriod = { start: -1, end: -1, index: 0 };
  /** The short-string cache of shortIntern: per slot three words of bytes and a "used" flag; the index apart. */
  private readonly shortCache = new Int32Array(SHORT_SLOTS * 4);
  private readonly shortIndex = new Uint32Array(SHORT_SLOTS);
  /** Where the body is: before the data array, in it, after it. */
  private phase: "start" | "rows" | "rest" = "start";
  /** In the data array, a comma was read: a row must follow. */
  private afterComma = false;
  /** Bytes not read yet (an unfinished piece), copied from the last chunk. */
  private tail: Buffer | undefined;
  /** The row read by plainRow, pushed once its separator is there. */
  private rowId = 0;
  private rowPeriod = 0;
  private rowAmount = 0;

  constructor(
    dataField: string,
    fields: RowFields,
    private readonly pools: RowPools,
    expectedBytes?: number,
    block?: ArrayBuffer,
  ) {
    this.data = Buffer.from(dataField, "utf8");
    this.idKey = fields.id !== undefined ? Buffer.from(fields.id, "utf8") : undefined;
    this.periodKey = fields.period !== undefined ? Buffer.from(fields.period, "utf8") : undefined;
    this.amountKey = fields.amount !== undefined ? Buffer.from(fields.amount, "utf8") : undefined;
    if (fields.id !== undefined && fields.period !== undefined && fields.amount !== undefined) {
      const name = (s: string) => JSON.stringify(s);
      this.compact = [piece(`{${name(fields.id)}:"`), piece(`",${name(fields.period)}:"`), piece(`",${name(fields.amount)}:`)];
    }
    this.builder = new RowTableBuilder(pools, fields, rowCapacity(expectedBytes), block);
  }

  table(): RowTable {
    return this.builder.finish();
  }

  /** Gives the builder's memory back (a declined body). */
  abandon(): void {
    this.builder.finish().release();
  }

  /**
   * Reads what `chunk` completes (`final`: the body has ended). Returns false when the body is
   * declined: not the expected shape, not valid, or a piece too large to hold.
   */
  feed(chunk: Buffer | undefined, final: boolean): boolean {
    // The unfinished piece and the new chunk side by side in one reused buffer (no allocation per chunk).
    const held = this.tail;
    let buf: Buffer;
    if (held && held.length > 0 && chunk) {
      const need = held.length + chunk.length;
      if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      held.copy(scratch, 0);
      chunk.copy(scratch, held.length);
      buf = scratch.subarray(0, need);
    } else {
      buf = held && held.length > 0 ? held : (chunk ?? Buffer.alloc(0));
    }
    this.b = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.n = buf.length;
    this.i = 0;
    // The previous row's offsets belong to the previous buffer.
    this.lastId.start = -1;
    this.lastPeriod.start = -1;
    let keepFrom = 0;
    try {
      if (this.phase === "start") {
        if (!this.prefix()) return false;
        this.phase = "rows";
        keepFrom = this.i;
      }
      if (this.phase === "rows") {
        keepFrom = this.i;
        for (;;) {
          if (!this.row()) return false;
          keepFrom = this.i;
          if (this.phase !== "rows") break;
        }
      }
      if (this.phase === "rest") {
        if (final) {
          if (!this.rest()) return false;
          keepFrom = this.n;
        } else {
          keepFrom = this.i;
        }
      }
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      // Ran out of bytes in the middle of a piece: wait for the next chunk. Anything else is invalid.
      if (final || this.i < this.n - NEAR_END) return false;
    }
    if (final && keepFrom < this.n) return false;
    // Strict UTF-8 over what was read: it ends at a boundary between rows, which is ASCII.
    if (!isUtf8(buf.subarray(0, keepFrom))) return false;
    this.tail = keepFrom < this.n ? Buffer.from(buf.subarray(keepFrom)) : undefined;
    return !this.tail || this.tail.length <= MAX_HELD;
  }

  /** `{` and the members before the data array, up to its `[`. False: not the expected shape. */
  private prefix(): boolean {
    const b = this.b;
    this.ws();
    if (this.i >= this.n) fail();
    if (b[this.i] !== LBRACE) return false;
    this.i++;
    for (;;) {
      this.ws();
      if (b[this.i] === RBRACE) return false; // no data array
      const ks = this.stringSpan();
      const ke = this.spanEnd;
      if (this.hasEscape(ks, ke)) return false;
      this.ws();
      this.expect(COLON);
      this.ws();
      if (this.equals(ks, ke, this.data)) {
        if (this.i >= this.n) fail();
        if (b[this.i] !== LBRACKET) return false;
        this.i++;
        this.afterComma = false;
        return true;
      }
      this.skipValue();
      this.ws();
      const c = b[this.i++];
      if (c !== COMMA) return c === undefined ? fail() : false;
    }
  }

  /** One row and its separator, or the end of the array. False: declined. */
  private row(): boolean {
    const b = this.b;
    this.ws();
    if (this.i >= this.n) fail();
    if (b[this.i] === RBRACKET && !this.afterComma) {
      this.i++;
      this.phase = "rest";
      return true;
    }
    const start = this.i;
    let plain = b[start] === LBRACE && this.plainRow();
    let end = this.i;
    if (!plain) {
      // Not a plain row: validate it; JSON.parse reads exactly those bytes once the separator is there.
      this.i = start;
      this.skipValue();
      end = this.i;
      plain = false;
    }
    this.ws();
    if (this.i >= this.n) fail();
    const c = b[this.i++];
    if (c !== COMMA && c !== RBRACKET) fail();
    if (plain) this.builder.push(this.rowId, this.rowPeriod, this.rowAmount);
    else this.builder.pushValue(JSON.parse(b.toString("utf8", start, end)) as unknown);
    this.afterComma = c === COMMA;
    if (c === RBRACKET) this.phase = "rest";
    return true;
  }

  /** After the data array: other members and the closing `}`, then nothing. False: declined. */
  private rest(): boolean {
    const b = this.b;
    for (;;) {
      this.ws();
      const c = b[this.i++];
      if (c === RBRACE) break;
      if (c !== COMMA) return false;
      this.ws();
      const ks = this.stringSpan();
      const ke = this.spanEnd;
      // A second data array, or a name with escapes that might spell it: the usual reading decides.
      if (this.hasEscape(ks, ke) || this.equals(ks, ke, this.data)) return false;
      this.ws();
      this.expect(COLON);
      this.skipValue();
    }
    this.ws();
    return this.i === this.n;
  }

  private ws(): void {
    const b = this.b;
    while (this.i < this.n && isWs(b[this.i])) this.i++;
  }

  private expect(c: number): void {
    if (this.b[this.i] !== c) fail();
    this.i++;
  }

  private equals(start: number, end: number, key: Buffer): boolean {
    if (end - start !== key.length) return false;
    for (let k = 0; k < key.length; k++) if (this.b[start + k] !== key[k]) return false;
    return true;
  }

  private hasEscape(start: number, end: number): boolean {
    for (let k = start; k < end; k++) if (this.b[k] === BACKSLASH) return true;
    return false;
  }

  /** End (exclusive) of the content of the last string read by stringSpan. */
  private spanEnd = 0;

  /**
   * At a quote: returns where the string's content starts (its end is left in `spanEnd`, quotes
   * excluded) and leaves `i` after the closing quote. No array per string: a statement has millions.
   */
  private stringSpan(): number {
    const b = this.b;
    if (b[this.i] !== QUOTE) fail();
    const start = ++this.i;
    for (;;) {
      if (this.i >= this.n) fail();
      const c = b[this.i];
      if (c === QUOTE) break;
      if (c < 0x20) fail();
      if (c === BACKSLASH) {
        const e = b[this.i + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[this.i + k];
            if (!((h >= ZERO && h <= NINE) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) fail();
          }
          this.i += 6;
          continue;
        }
        if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          this.i += 2;
          continue;
        }
        fail();
      }
      this.i++;
    }
    this.spanEnd = this.i;
    this.i++;
    return start;
  }

  /** The decoded string of a span. */
  private text(start: number, end: number): string {
    if (this.hasEscape(start, end)) return JSON.parse(this.b.toString("utf8", start - 1, end + 1)) as string;
    return this.b.toString("utf8", start, end);
  }

  /** At a number: validates it, leaves `i` after it and returns its value. */
  private number(): number {
    // A local index (this.i only at the end, or where it fails: feed tells a number cut off by the
    // end of a chunk from an invalid one by where reading stopped).
    const b = this.b;
    const n = this.n;
    const start = this.i;
    let i = start;
    let negative = false;
    if (b[i] === MINUS) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let c = b[i];
    if (c === ZERO) {
      i++;
    } else if (c > ZERO && c <= NINE) {
      while (i < n && (c = b[i]) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        i++;
      }
    } else {
      this.i = i;
      fail();
    }
    let fraction = 0;
    if (b[i] === DOT) {
      i++;
      const from = i;
      while (i < n && (c = b[i]) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        i++;
      }
      fraction = i - from;
      if (fraction === 0) {
        this.i = i;
        fail();
      }
    }
    c = b[i];
    let exponent = false;
    if (c === 0x65 || c === 0x45) {
      exponent = true;
      i++;
      c = b[i];
      if (c === PLUS || c === MINUS) i++;
      const from = i;
      while (i < n && (c = b[i]) >= ZERO && c <= NINE) i++;
      if (i === from) {
        this.i = i;
        fail();
      }
    }
    this.i = i;
    // An integer of at most 15 digits over an exact power of ten is the correctly rounded value.
    if (!exponent && digits <= 15 && fraction <= 22) {
      const v = fraction === 0 ? mantissa : mantissa / POW10[fraction];
      return negative ? -v : v;
    }
    return Number(b.toString("latin1", start, i));
  }


  /** Skips any JSON value, validating it, without recursion. */
  private skipValue(): void {
    const b = this.b;
    // Closers expected, innermost last.
    const stack: number[] = [];
    for (;;) {
      this.ws();
      const c = b[this.i];
      if (c === LBRACE || c === LBRACKET) {
        if (stack.length >= MAX_JSON_DEPTH) fail();
        this.i++;
        this.ws();
        const close = c === LBRACE ? RBRACE : RBRACKET;
        if (b[this.i] === close) {
          this.i++;
        } else {
          stack.push(close);
          if (close === RBRACE) this.memberName();
          continue;
        }
      } else if (c === QUOTE) {
        this.stringSpan();
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        this.number();
      } else if (!this.literal()) {
        fail();
      }
      // After a value: close containers or move to the next element.
      for (;;) {
        if (stack.length === 0) return;
        this.ws();
        const d = b[this.i++];
        const close = stack[stack.length - 1];
        if (d === close) {
          stack.pop();
          continue;
        }
        if (d !== COMMA) fail();
        this.ws();
        if (close === RBRACE) this.memberName();
        break;
      }
    }
  }

  /** A member name and its colon. */
  private memberName(): void {
    this.stringSpan();
    this.ws();
    this.expect(COLON);
  }

  private literal(): boolean {
    const b = this.b;
    const i = this.i;
    if (b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) this.i += 4;
    else if (b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) this.i += 5;
    else if (b[i] === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) this.i += 4;
    else return false;
    return true;
  }

  /**
   * At `{`: reads a row with exactly the three members (string id, string period, number amount)
   * in any order into rowId/rowPeriod/rowAmount. Returns false for any other row.
   */
  private plainRow(): boolean {
    const b = this.b;
    const { idKey, periodKey, amountKey } = this;
    if (!idKey || !periodKey || !amountKey) return false;
    const at = this.i;
    if (this.compactRow()) return true;
    this.i = at + 1;
    let idStart = -1;
    let idEnd = -1;
    let periodStart = -1;
    let periodEnd = -1;
    let amount = NaN;
    let members = 0;
    for (;;) {
      this.ws();
      if (b[this.i] !== QUOTE) return false;
      const ks = this.stringSpan();
      const ke = this.spanEnd;
      this.ws();
      if (b[this.i] !== COLON) return false;
      this.i++;
      this.ws();
      members++;
      if (members > 3) return false;
      if (this.equals(ks, ke, idKey)) {
        if (idStart !== -1 || b[this.i] !== QUOTE) return false;
        idStart = this.stringSpan();
        idEnd = this.spanEnd;
      } else if (this.equals(ks, ke, periodKey)) {
        if (periodStart !== -1 || b[this.i] !== QUOTE) return false;
        periodStart = this.stringSpan();
        periodEnd = this.spanEnd;
      } else if (this.equals(ks, ke, amountKey)) {
        const c = b[this.i];
        if (!Number.isNaN(amount) || !(c === MINUS || (c >= ZERO && c <= NINE))) return false;
        amount = this.number();
      } else {
        return false;
      }
      this.ws();
      const c = b[this.i++];
      if (c === COMMA) continue;
      if (c === RBRACE) break;
      return false;
    }
    if (idStart === -1 || periodStart === -1 || Number.isNaN(amount)) return false;
    this.rowId = this.intern(idStart, idEnd, this.lastId, this.pools.ids);
    this.rowPeriod = this.shortIntern(periodStart, periodEnd);
    this.rowAmount = amount;
    return true;
  }

  /**
   * The row as most partners write it, `{"AccountId":"…","Period":"…","Amount":…}` with no spaces or
   * escapes, matched piece by piece with no member lookup. False (with `i` anywhere) for any other
   * spelling, which plainRow then reads member by member; the result is the same either way.
   */
  private compactRow(): boolean {
    const pieces = this.compact;
    if (!pieces) return false;
    const b = this.b;
    const view = this.view;
    const n = this.n;
    let i = this.i;
    const [open, middle, close] = pieces;
    if (i + open.length > n || !matches(view, i, open)) return false;
    i += open.length;
    const idStart = i;
    // Rows of one account follow each other: the previous row's id, then a quote, is that id again.
    // (The quote is matched again with the next piece; testing it first keeps an id that extends the
    // previous one, acc-1 then acc-10, on this path instead of the member-by-member reading.)
    const last = this.lastId;
    const lastLength = last.end - last.start;
    let rowId = -1;
    if (last.start !== -1 && i + lastLength < n && b[i + lastLength] === QUOTE && sameBytes(view, b, i, last.start, lastLength)) {
      rowId = last.index;
      i += lastLength;
    } else {
      i = plainStringEnd(b, i, n);
    }
    const idEnd = i;
    if (i < 0 || i + middle.length > n || !matches(view, i, middle)) return false;
    i += middle.length;
    const periodStart = i;
    i = plainStringEnd(b, i, n);
    const periodEnd = i;
    if (i < 0 || i + close.length >= n || !matches(view, i, close)) return false;
    i += close.length;
    const c = b[i];
    if (!(c === MINUS || (c >= ZERO && c <= NINE))) return false;
    this.i = i;
    const amount = this.number();
    if (this.i >= n || b[this.i] !== RBRACE) return false;
    this.i++;
    if (rowId === -1) {
      this.rowId = this.intern(idStart, idEnd, last, this.pools.ids);
    } else {
      this.rowId = rowId;
      last.start = idStart;
      last.end = idEnd;
    }
    this.rowPeriod = this.shortIntern(periodStart, periodEnd);
    this.rowAmount = amount;
    return true;
  }

  /**
   * Interned index of a string span of up to 8 bytes (a period, "2026-11"), found by its bytes in a
   * small direct-mapped cache: the many rows naming one of a few periods neither allocate a string
   * nor look one up. A miss (or a longer string) goes through intern().
   */
  private shortIntern(start: number, end: number): number {
    const len = end - start;
    if (len > 8) return this.intern(start, end, this.lastPeriod, this.pools.periods);
    // The bytes as two words and the length: from 4 bytes on, the first four and the last four
    // (overlapping for fewer than 8) hold every byte; fewer than 4 are read one by one.
    let w0 = 0;
    let w1 = 0;
    const w2 = len;
    if (len >= 4) {
      w0 = this.view.getInt32(start, true);
      w1 = this.view.getInt32(end - 4, true);
    } else {
      const b = this.b;
      for (let k = 0; k < len; k++) w0 |= b[start + k] << (8 * k);
    }
    // Every byte must reach the slot bits: "2025-01" and "2025-11" differ in one middle byte.
    let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca77) ^ Math.imul(w2, 0xc2b2ae3d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    const slot = (h >>> 0) & (SHORT_SLOTS - 1);
    const cache = this.shortCache;
    const o = slot * 4;
    if (cache[o + 3] === 1 && cache[o] === w0 && cache[o + 1] === w1 && cache[o + 2] === w2) return this.shortIndex[slot];
    const index = this.intern(start, end, this.lastPeriod, this.pools.periods);
    cache[o] = w0;
    cache[o + 1] = w1;
    cache[o + 2] = w2;
    cache[o + 3] = 1;
    this.shortIndex[slot] = index;
    return index;
  }

  /** Interned index of a string span, reusing the previous row's when the bytes are the same. */
  private intern(start: number, end: number, last: { start: number; end: number; index: number }, pool: RowPools["ids"]): number {
    const b = this.b;
    const len = end - start;
    if (last.start !== -1 && last.end - last.start === len) {
      let same = true;
      for (let k = 0; k < len; k++) {
        if (b[start + k] !== b[last.start + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        last.start = start;
        last.end = end;
        return last.index;
      }
    }
    const index = pool.intern(this.text(start, end));
    last.start = start;
    last.end = end;
    last.index = index;
    return index;
  }
}
