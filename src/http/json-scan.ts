/**
 * What JSON.parse hides about a body: how deep it nests, member names given twice in one object
 * (the parser silently keeps the last), and numbers a double cannot hold. One pass over the text
 * with an explicit stack, never recursion, so a hostile body cannot overflow the call stack here.
 * The text is assumed to be JSON that already parsed; on anything else the result is merely
 * incomplete, never an exception.
 */

import { isUtf8 } from "node:buffer";

/** Deeper bodies are not read at all: no sane API nests this far, and every tree walk stays safe. */
export const MAX_JSON_DEPTH = 512;

/** Notes kept per body, at most this many of each kind. */
const MAX_NOTES = 10;
const MAX_LITERAL = 40;

export interface JsonShape {
  /** Deepest nesting seen (stops counting past the limit). */
  depth: number;
  /** True when the body nests deeper than the limit. */
  tooDeep: boolean;
  /** JSON pointers of members whose name already occurred in the same object. */
  duplicateKeys: string[];
  /** Those of duplicateKeys whose value differs from the first one's (parsers then disagree on the data). */
  conflictingKeys: string[];
  /** Numbers a double reads differently: integers beyond 2^53, values overflowing or underflowing. */
  impreciseNumbers: { pointer: string; literal: string }[];
}

function escapeSegment(seg: string | number): string {
  return String(seg).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** End index (exclusive) of the string starting at the quote at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return text.length;
    let slashes = 0;
    for (let k = q - 1; k > start && text.charCodeAt(k) === 92; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The text of the value of the member whose name's closing quote is at `quote` (only ever called
 * for a repeated name, so a second pass over one value costs nothing that matters).
 */
function memberValue(text: string, quote: number): string {
  const n = text.length;
  let i = quote + 1;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 58) i++;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const start = i;
  const first = text.charCodeAt(i);
  if (first === 34) return text.slice(start, stringEnd(text, i));
  if (first === 123 || first === 91) {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i = stringEnd(text, i);
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) return text.slice(start, i + 1);
      i++;
    }
    return text.slice(start);
  }
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 125 || c === 93 || isSpace(c)) break;
    i++;
  }
  return text.slice(start, i);
}

/** Whether the values after two names (closing quotes at `a` and `b`) are the same JSON value. */
function sameValue(text: string, a: number, b: number): boolean {
  const x = memberValue(text, a);
  const y = memberValue(text, b);
  if (x === y) return true;
  try {
    return JSON.stringify(JSON.parse(x)) === JSON.stringify(JSON.parse(y));
  } catch {
    return false;
  }
}

function decodeKey(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function imprecise(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return true;
  if (/^-?\d+$/.test(literal)) {
    if (Number.isSafeInteger(value)) return false;
    try {
      return BigInt(value) !== BigInt(literal);
    } catch {
      return true;
    }
  }
  // A non-zero literal that reads as zero underflowed.
  return value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ""));
}

/**
 * Past this many members an object's names go into a Set; below it they are compared in place,
 * which allocates nothing (API objects have a handful of members).
 */
const LINEAR_KEYS = 16;

/**
 * The scan keeps no object per nesting level and no string per member name: each level is a few
 * slots in parallel arrays, and a name is a range of the text (start and end of its content),
 * compared with the earlier names of its object character by character. Names holding an escape
 * are compared decoded, so `"a"` and `"\u0061"` count as the same name, as JSON.parse sees them.
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonShape {
  const shape: JsonShape = { depth: 0, tooDeep: false, duplicateKeys: [], conflictingKeys: [], impreciseNumbers: [] };
  // Per level: 1 for an object, 0 for an array; the element index (arrays); whether a name comes next.
  const isObject: number[] = [];
  const index: number[] = [];
  const expectKey: boolean[] = [];
  // Per level: where its names start in `names`, and the range of its current name.
  const namesFrom: number[] = [];
  const atStart: number[] = [];
  const atEnd: number[] = [];
  /** Names seen so far in every open object, three slots each: start and end of the content, 1 when it holds an escape. */
  const names: number[] = [];
  /** Decoded names of open objects too large to compare in place, by level, with where each name's closing quote is. */
  const bigObjects = new Map<number, Map<string, number>>();
  let depth = 0;
  const n = text.length;

  const hasEscape = (from: number, to: number): boolean => {
    for (let k = from; k < to; k++) if (text.charCodeAt(k) === 92) return true;
    return false;
  };
  /** Whether the names a..b and c..d are the same; `escaped` says whether either holds an escape. */
  const sameName = (a: number, b: number, c: number, d: number, escaped: boolean): boolean => {
    if (b - a === d - c) {
      let k = 0;
      while (k < b - a && text.charCodeAt(a + k) === text.charCodeAt(c + k)) k++;
      if (k === b - a) return true;
    }
    // Spelled differently: the same name only if an escape is involved.
    return escaped && decodeKey(text.slice(a, b)) === decodeKey(text.slice(c, d));
  };
  const segment = (level: number): string =>
    escapeSegment(isObject[level] === 1 ? decodeKey(text.slice(atStart[level], atEnd[level])) : index[level]);
  /** Pointer of the value at the current position, through the first `levels` levels. */
  const pointer = (levels: number): string => {
    let out = "";
    for (let l = 0; l < levels; l++) out += `/${segment(l)}`;
    return out;
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // "
      const end = stringEnd(text, i);
      const level = depth - 1;
      if (level >= 0 && isObject[level] === 1 && expectKey[level]) {
        const a = i + 1;
        const b = end - 1;
        const from = namesFrom[level];
        const count = (names.length - from) / 3;
        /** Where the earlier same name's closing quote is, or -1. */
        let earlier = -1;
        let esc = 0;
        let big = bigObjects.get(level);
        if (big === undefined && count >= LINEAR_KEYS) {
          big = new Map();
          for (let k = from; k < names.length; k += 3) {
            const key = decodeKey(text.slice(names[k], names[k + 1]));
            if (!big.has(key)) big.set(key, names[k + 1]);
          }
          bigObjects.set(level, big);
        }
        if (big !== undefined) {
          const key = decodeKey(text.slice(a, b));
          earlier = big.get(key) ?? -1;
          if (earlier < 0) big.set(key, b);
        } else {
          const escaped = hasEscape(a, b);
          esc = escaped ? 1 : 0;
          for (let k = from; k < names.length; k += 3) {
            if (sameName(names[k], names[k + 1], a, b, escaped || names[k + 2] === 1)) {
              earlier = names[k + 1];
              break;
            }
          }
        }
        if (earlier >= 0) {
          if (shape.duplicateKeys.length < MAX_NOTES) {
            const at = `${pointer(level)}/${escapeSegment(decodeKey(text.slice(a, b)))}`;
            shape.duplicateKeys.push(at);
            if (!sameValue(text, earlier, b)) shape.conflictingKeys.push(at);
          }
        } else {
          names.push(a, b, esc);
        }
        atStart[level] = a;
        atEnd[level] = b;
        expectKey[level] = false;
      }
      i = end;
    } else if (c === 123 || c === 91) {
      // { or [
      isObject[depth] = c === 123 ? 1 : 0;
      index[depth] = 0;
      expectKey[depth] = c === 123;
      namesFrom[depth] = names.length;
      atStart[depth] = 0;
      atEnd[depth] = 0;
      depth++;
      if (depth > shape.depth) shape.depth = depth;
      if (depth > maxDepth) {
        shape.tooDeep = true;
        return shape;
      }
      i++;
    } else if (c === 125 || c === 93) {
      // } or ]
      if (depth > 0) {
        depth--;
        names.length = namesFrom[depth];
        if (bigObjects.size > 0) bigObjects.delete(depth);
      }
      i++;
    } else if (c === 44) {
      // ,
      if (depth > 0) {
        if (isObject[depth - 1] === 1) expectKey[depth - 1] = true;
        else index[depth - 1]++;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      // - or a digit
      let j = i + 1;
      let exponent = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if ((d >= 48 && d <= 57) || d === 46 || d === 43 || d === 45) j++;
        else if (d === 101 || d === 69) {
          exponent = true;
          j++;
        } else break;
      }
      // Only long literals and exponents can fail to fit a double; the rest need no string at all.
      if ((j - i > 15 || exponent) && shape.impreciseNumbers.length < MAX_NOTES) {
        const literal = text.slice(i, j);
        if (imprecise(literal)) {
          shape.impreciseNumbers.push({
            pointer: pointer(depth),
            literal: literal.length > MAX_LITERAL ? `${literal.slice(0, MAX_LITERAL - 1)}…` : literal,
          });
        }
      }
      i = j;
    } else {
      i++;
    }
  }
  return shape;
}

export interface BodyReading {
  /** The body as UTF-8 text (invalid bytes replaced). */
  text: string;
  json?: unknown;
  /** Why the body is not taken as JSON, when it is not empty and was not taken. */
  jsonError?: string;
  duplicateKeys?: string[];
  conflictingKeys?: string[];
  impreciseNumbers?: { pointer: string; literal: string }[];
  /** The body starts with a UTF-8 byte order mark, which RFC 8259 forbids senders to add. */
  byteOrderMark?: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

/** Offset of the first byte that is not valid UTF-8, or -1. */
function invalidUtf8At(body: Uint8Array): number {
  try {
    strictUtf8.decode(body);
    return -1;
  } catch {
    // Narrow down by halves is not exact for split sequences; a linear check is simple and rare.
    let i = 0;
    while (i < body.length) {
      const b = body[i];
      const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
      if (len === 0 || i + len > body.length) return i;
      try {
        strictUtf8.decode(body.subarray(i, i + len));
      } catch {
        return i;
      }
      i += len;
    }
    return 0;
  }
}

/**
 * Reads a (decoded) body the way Reach's rules see it: JSON must be UTF-8 (RFC 8259 section 8.1),
 * must not nest absurdly, and is parsed without losing what the parser would hide.
 * `contentEncoding` is the header as received, used only to explain a compressed body sent without it.
 */
export function readBody(body: Uint8Array, contentEncoding: string | undefined): BodyReading {
  // One validation pass in native code; the slow search for the bad byte runs only when there is one.
  const valid = isUtf8(body);
  const text = lenientUtf8.decode(body);
  if (text.trim() === "") return { text };
  if (body.length >= 3 && body[0] === 0x1f && body[1] === 0x8b && body[2] === 0x08 && !/gzip/i.test(contentEncoding ?? "")) {
    return { text, jsonError: "the body is gzip-compressed but the response does not say so with Content-Encoding: gzip" };
  }
  const bad = valid ? -1 : invalidUtf8At(body);
  if (bad >= 0) {
    return { text, jsonError: `the body is not valid UTF-8 (first bad byte at offset ${bad}); JSON must be UTF-8` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    return { text, jsonError: err instanceof Error ? err.message : String(err) };
  }
  const shape = scanJson(text);
  if (shape.tooDeep) return { text, jsonError: `JSON nested more than ${MAX_JSON_DEPTH} levels deep; reach-check does not read it further` };
  // The decoder drops a leading BOM, as a lenient parser would; a strict one fails on it.
  const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  return {
    text,
    json,
    ...(bom ? { byteOrderMark: true } : {}),
    ...(shape.duplicateKeys.length > 0 ? { duplicateKeys: shape.duplicateKeys } : {}),
    ...(shape.conflictingKeys.length > 0 ? { conflictingKeys: shape.conflictingKeys } : {}),
    ...(shape.impreciseNumbers.length > 0 ? { impreciseNumbers: shape.impreciseNumbers } : {}),
  };
}
