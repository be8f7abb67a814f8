/**
 * What JSON.parse hides about a body: how deep it nests, member names given twice in one object
 * (the parser silently keeps the last), and numbers a double cannot hold. One pass over the text
 * with an explicit stack, never recursion, so a hostile body cannot overflow the call stack here.
 * The text is assumed to be JSON that already parsed; on anything else the result is merely
 * incomplete, never an exception.
 */

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
  /** Numbers a double reads differently: integers beyond 2^53, values overflowing or underflowing. */
  impreciseNumbers: { pointer: string; literal: string }[];
}

interface Frame {
  array: boolean;
  /** Member names seen so far (objects). */
  keys?: Set<string>;
  /** Current member name (objects) or element index (arrays). */
  at: string | number;
  expectKey: boolean;
}

function escapeSegment(seg: string | number): string {
  return String(seg).replace(/~/g, "~0").replace(/\//g, "~1");
}

function pointerOf(stack: readonly Frame[], last?: string): string {
  let out = "";
  for (const f of stack) out += `/${escapeSegment(f.at)}`;
  return last === undefined ? out : `${out}/${escapeSegment(last)}`;
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

export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonShape {
  const shape: JsonShape = { depth: 0, tooDeep: false, duplicateKeys: [], impreciseNumbers: [] };
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    switch (c) {
      case 123: // {
      case 91: // [
        stack.push(c === 91 ? { array: true, at: 0, expectKey: false } : { array: false, keys: new Set(), at: "", expectKey: true });
        if (stack.length > shape.depth) shape.depth = stack.length;
        if (stack.length > maxDepth) {
          shape.tooDeep = true;
          return shape;
        }
        i++;
        break;
      case 125: // }
      case 93: // ]
        stack.pop();
        i++;
        break;
      case 44: // ,
        if (top) {
          if (top.array) top.at = (top.at as number) + 1;
          else top.expectKey = true;
        }
        i++;
        break;
      case 34: {
        // "
        const end = stringEnd(text, i);
        if (top && !top.array && top.expectKey) {
          const key = decodeKey(text.slice(i + 1, end - 1));
          if (top.keys!.has(key)) {
            if (shape.duplicateKeys.length < MAX_NOTES) shape.duplicateKeys.push(pointerOf(stack.slice(0, -1), key));
          } else top.keys!.add(key);
          top.at = key;
          top.expectKey = false;
        }
        i = end;
        break;
      }
      case 45: // -
      case 48:
      case 49:
      case 50:
      case 51:
      case 52:
      case 53:
      case 54:
      case 55:
      case 56:
      case 57: {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if ((d >= 48 && d <= 57) || d === 46 || d === 43 || d === 45 || d === 101 || d === 69) j++;
          else break;
        }
        if (shape.impreciseNumbers.length < MAX_NOTES) {
          const literal = text.slice(i, j);
          if (literal.length > 15 || /[eE]/.test(literal)) {
            if (imprecise(literal)) {
              shape.impreciseNumbers.push({
                pointer: pointerOf(stack),
                literal: literal.length > MAX_LITERAL ? `${literal.slice(0, MAX_LITERAL - 1)}…` : literal,
              });
            }
          }
        }
        i = j;
        break;
      }
      default:
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
  impreciseNumbers?: { pointer: string; literal: string }[];
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
  const text = lenientUtf8.decode(body);
  if (text.trim() === "") return { text };
  if (body.length >= 3 && body[0] === 0x1f && body[1] === 0x8b && body[2] === 0x08 && !/gzip/i.test(contentEncoding ?? "")) {
    return { text, jsonError: "the body is gzip-compressed but the response does not say so with Content-Encoding: gzip" };
  }
  const bad = invalidUtf8At(body);
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
  return {
    text,
    json,
    ...(shape.duplicateKeys.length > 0 ? { duplicateKeys: shape.duplicateKeys } : {}),
    ...(shape.impreciseNumbers.length > 0 ? { impreciseNumbers: shape.impreciseNumbers } : {}),
  };
}
