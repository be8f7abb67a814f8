/**
 * The body scan (repeated member names, numbers a double misreads, nesting depth) against a small
 * recursive reader written for this test only: on generated bodies (fixed seed) both must report
 * the same notes in the same order. Plus a few bodies spelled out by hand.
 */
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, readBody, scanJson, type JsonShape } from "../../../src/http/json-scan.js";

const MAX_NOTES = 10;

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

const seg = (s: string | number) => String(s).replace(/~/g, "~0").replace(/\//g, "~1");

function misread(literal: string): boolean {
  const v = Number(literal);
  if (!Number.isFinite(v)) return true;
  if (/^-?\d+$/.test(literal)) return !Number.isSafeInteger(v) && BigInt(v) !== BigInt(literal);
  return v === 0 && /[1-9]/.test(literal.split(/[eE]/)[0]);
}

/** A plain recursive reader of valid JSON text that notes what the scan must note. */
function oracle(text: string): Omit<JsonShape, "tooDeep"> {
  const out: Omit<JsonShape, "tooDeep"> = { depth: 0, duplicateKeys: [], conflictingKeys: [], impreciseNumbers: [] };
  /** Repeated names whose value differs from the first one's, with their place among duplicateKeys. */
  const conflicts: [number, string][] = [];
  const canonical = (t: string) => JSON.stringify(JSON.parse(t));
  let i = 0;
  const ws = () => {
    while (text[i] === " " || text[i] === "\n") i++;
  };
  const STRING = /"(?:[^"\\]|\\.)*"/y;
  const NUMBER = /-?[0-9][0-9.eE+-]*/y;
  const WORD = /true|false|null/y;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m) i += m[0].length;
    return m?.[0];
  };
  const str = (): string => JSON.parse(at(STRING)!) as string;
  const value = (ptr: string, depth: number): void => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      out.depth = Math.max(out.depth, depth + 1);
      i++;
      const seen = new Map<string, string>();
      let index = 0;
      for (;;) {
        ws();
        if (text[i] === "}" || text[i] === "]") {
          i++;
          return;
        }
        if (text[i] === ",") {
          i++;
          ws();
        }
        if (c === "{") {
          const key = str();
          const repeated = seen.has(key);
          const noted = repeated && out.duplicateKeys.length < MAX_NOTES ? out.duplicateKeys.push(`${ptr}/${seg(key)}`) - 1 : -1;
          ws();
          i++; // :
          ws();
          const from = i;
          value(`${ptr}/${seg(key)}`, depth + 1);
          const v = canonical(text.slice(from, i));
          if (!repeated) seen.set(key, v);
          else if (noted >= 0 && seen.get(key) !== v) conflicts.push([noted, `${ptr}/${seg(key)}`]);
        } else {
          value(`${ptr}/${index++}`, depth + 1);
        }
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const lit = at(NUMBER);
    if (lit !== undefined) {
      if ((lit.length > 15 || /[eE]/.test(lit)) && misread(lit) && out.impreciseNumbers.length < MAX_NOTES) {
        out.impreciseNumbers.push({ pointer: ptr, literal: lit.length > 40 ? `${lit.slice(0, 39)}…` : lit });
      }
      return;
    }
    at(WORD);
  };
  value("", 0);
  out.conflictingKeys = conflicts.sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  return out;
}

const NAMES = ['"a"', '"\\u0061"', '"b"', '"x/y"', '"t~1"', '"q\\"uote"', '"back\\\\"', '"Amount"', '"\\u0041mount"', '"é"', '"\\u00e9"', '""'];
const NUMBERS = ["0", "-1", "12.5", "9007199254740993", "9007199254740992", "123456789012345678901234567890", "1e400", "-1e400", "1e-400", "0e5", "0.0000000000000000", "1.5e3", "2E-3", "0.1000000000000000055511151231257827"];

function generate(r: ReturnType<typeof rng>, depth: number): string {
  const roll = r.next();
  if (depth > 5 || roll < 0.35) {
    const leaf = r.int(4);
    if (leaf === 0) return r.pick(NUMBERS);
    if (leaf === 1) return r.pick(['"plain"', '"with \\"quote\\""', '"ends with backslash \\\\"', '"{not [structure], \\"x\\": 1}"']);
    return r.pick(["true", "false", "null"]);
  }
  const sp = () => (r.next() < 0.2 ? " \n " : "");
  if (roll < 0.6) return `[${sp()}${Array.from({ length: r.int(5) }, () => generate(r, depth + 1)).join(`,${sp()}`)}${sp()}]`;
  // Some objects are large enough for the scan to switch to its Set.
  const members = r.next() < 0.2 ? 15 + r.int(30) : r.int(6);
  const names = Array.from({ length: members }, (_, k) => (r.next() < 0.6 ? r.pick(NAMES) : `"m${k % 20}"`));
  // Members of a large object stay shallow, so bodies stay small.
  const below = members > 6 ? depth + 4 : depth + 1;
  return `{${sp()}${names.map((n) => `${n}${sp()}:${sp()}${generate(r, below)}`).join(`,${sp()}`)}${sp()}}`;
}

describe("scanJson", () => {
  it("notes what a plain recursive reader notes, on generated bodies", () => {
    const r = rng(8_2026);
    let dups = 0;
    let conflicts = 0;
    let imprecise = 0;
    for (let n = 0; n < 1000; n++) {
      const text = generate(r, 0);
      JSON.parse(text); // the generator writes valid JSON
      const shape = scanJson(text);
      const expected = oracle(text);
      expect({ depth: shape.depth, duplicateKeys: shape.duplicateKeys, conflictingKeys: shape.conflictingKeys, impreciseNumbers: shape.impreciseNumbers }, text).toEqual(expected);
      expect(shape.tooDeep).toBe(false);
      dups += shape.duplicateKeys.length;
      conflicts += shape.conflictingKeys.length;
      imprecise += shape.impreciseNumbers.length;
    }
    // The generator did exercise both kinds of notes.
    expect(dups).toBeGreaterThan(100);
    // Repeats with the same value and with another value, both.
    expect(conflicts).toBeGreaterThan(50);
    expect(dups - conflicts).toBeGreaterThan(20);
    expect(imprecise).toBeGreaterThan(100);
  });

  it("names repeated members, escaped spellings included, with their pointers", () => {
    const shape = scanJson('{"Data":[{"Id":1,"Name":"x","Id":2},{"Id":3,"\\u0049d":4}],"a/b":{"~":1,"~":2}}');
    expect(shape.duplicateKeys).toEqual(["/Data/0/Id", "/Data/1/Id", "/a~1b/~0"]);
  });

  it("tells a repeat with another value from one with the same value, whatever its spelling", () => {
    const shape = scanJson('{"a":1,"a":1.0,"b":"x","b":"y","c":{"k":[1, 2]},"c":{"k":[1,2]},"d":{"k":1},"d":{"k":2},"e":"\\u0041","e":"A"}');
    expect(shape.duplicateKeys).toEqual(["/a", "/b", "/c", "/d", "/e"]);
    expect(shape.conflictingKeys).toEqual(["/b", "/d"]);
    const members = Array.from({ length: 40 }, (_, k) => `"k${k}":${k}`);
    expect(scanJson(`{"big":{${members.join(",")},"k7":7,"k8":0}}`).conflictingKeys).toEqual(["/big/k8"]);
  });

  it("finds a repeat in an object with many members", () => {
    const members = Array.from({ length: 40 }, (_, k) => `"k${k}":${k}`);
    const shape = scanJson(`{"big":{${members.join(",")},"k7":0,"\\u006b8":0}}`);
    expect(shape.duplicateKeys).toEqual(["/big/k7", "/big/k8"]);
  });

  it("notes numbers a double cannot hold, and only those", () => {
    const shape = scanJson('{"ok":[12.5,9007199254740992,1.5e3],"big":9007199254740993,"over":[1e400],"under":1e-400,"zero":0e10}');
    expect(shape.impreciseNumbers).toEqual([
      { pointer: "/big", literal: "9007199254740993" },
      { pointer: "/over/0", literal: "1e400" },
      { pointer: "/under", literal: "1e-400" },
    ]);
  });

  it("stops at the depth limit", () => {
    const deep = `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`;
    expect(scanJson(deep).tooDeep).toBe(true);
    expect(scanJson("[[1]]").depth).toBe(2);
  });
});

describe("readBody", () => {
  it("parses a UTF-8 body and keeps its notes", () => {
    const read = readBody(Buffer.from('{"é":1,"é":9007199254740993}'), undefined);
    expect(read.json).toEqual({ "é": 9007199254740992 });
    expect(read.duplicateKeys).toEqual(["/é"]);
    expect(read.impreciseNumbers).toEqual([{ pointer: "/é", literal: "9007199254740993" }]);
  });

  it("names the first byte that is not UTF-8", () => {
    const read = readBody(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), undefined);
    expect(read.json).toBeUndefined();
    expect(read.jsonError).toMatch(/not valid UTF-8 \(first bad byte at offset 6\)/);
  });
});
