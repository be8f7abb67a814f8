/**
 * Small, dependency-free helpers for showing values and addressing them with JSON pointers.
 * Other modules (probes, reporters) use these too, so they never throw and never expose secrets.
 */

/** Escape one JSON pointer segment (RFC 6901): `~` becomes `~0`, `/` becomes `~1`. */
export function escapePointerSegment(segment: string | number): string {
  const s = String(segment);
  // Fast path: most segments are plain names or indices.
  if (!s.includes("~") && !s.includes("/")) return s;
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Undo `escapePointerSegment`. `~1` is decoded before `~0` would be wrong, so order matters. */
export function unescapePointerSegment(segment: string): string {
  if (!segment.includes("~")) return segment;
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Build a JSON pointer from raw segments; `[]` is the root, `""`. */
export function jsonPointer(segments: readonly (string | number)[]): string {
  let out = "";
  for (const seg of segments) out += "/" + escapePointerSegment(seg);
  return out;
}

/** Split a JSON pointer (with or without a leading `#`) into raw segments. */
export function splitPointer(pointer: string): string[] {
  const p = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (p === "") return [];
  return p.slice(1).split("/").map(unescapePointerSegment);
}

/**
 * Field names whose values are credentials. Their values are never rendered, whatever the
 * caller does with the result: a token response with a wrong field type must not leak the token.
 */
const SENSITIVE_NAME = /token$|secret|passw(or)?d|authorization|api[-_]?key|^code$|cookie/i;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** Rendering of a hidden value; keeps the type and size, which is what a reader needs. */
export function redactedValue(v: unknown): string {
  if (typeof v === "string") return `[redacted string of ${v.length} characters]`;
  return `[redacted ${jsonTypeOf(v)}]`;
}

/** JSON type name of a value as a reader would say it (`integer` is a number here). */
export function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
    case "bigint":
      return "number";
    case "boolean":
      return "boolean";
    case "object":
      return "object";
    case "undefined":
      return "missing";
    default:
      // functions and symbols cannot come from JSON; name them honestly.
      return typeof v;
  }
}

const MAX_DEPTH = 20;

/**
 * Serialise at most about `limit` characters of a value as JSON. Stops early instead of
 * stringifying a huge body, survives cycles and deep nesting, and hides credential fields.
 */
export function boundedJson(v: unknown, limit: number): { text: string; truncated: boolean } {
  const parts: string[] = [];
  let length = 0;
  let truncated = false;
  const seen = new Set<object>();

  const push = (s: string): boolean => {
    if (length >= limit) {
      truncated = true;
      return false;
    }
    parts.push(s);
    length += s.length;
    return true;
  };

  const walk = (x: unknown, depth: number): boolean => {
    if (x === null || typeof x !== "object") return push(scalarJson(x));
    if (seen.has(x) || depth >= MAX_DEPTH) return push(Array.isArray(x) ? "[…]" : "{…}");
    seen.add(x);
    try {
      if (Array.isArray(x)) {
        if (!push("[")) return false;
        for (let i = 0; i < x.length; i++) {
          if (i > 0 && !push(",")) return false;
          if (!walk(x[i], depth + 1)) return false;
        }
        return push("]");
      }
      if (!push("{")) return false;
      let first = true;
      for (const key of Object.keys(x)) {
        const val = (x as Record<string, unknown>)[key];
        if (val === undefined) continue;
        if (!first && !push(",")) return false;
        first = false;
        if (!push(JSON.stringify(key) + ":")) return false;
        if (isSensitiveName(key)) {
          if (!push(JSON.stringify(redactedValue(val)))) return false;
        } else if (!walk(val, depth + 1)) return false;
      }
      return push("}");
    } finally {
      seen.delete(x);
    }
  };

  walk(v, 0);
  let text = parts.join("");
  if (text.length > limit) {
    text = text.slice(0, limit);
    truncated = true;
  }
  return { text, truncated };
}

function scalarJson(x: unknown): string {
  switch (typeof x) {
    case "string":
      return JSON.stringify(x);
    case "number":
      // NaN and Infinity are not JSON; show them as JavaScript would rather than as `null`.
      return Number.isFinite(x) ? JSON.stringify(x) : String(x);
    case "boolean":
      return String(x);
    case "bigint":
      return x.toString();
    case "undefined":
      return "undefined";
    default:
      return x === null ? "null" : `<${typeof x}>`;
  }
}

/**
 * A short display of a value with its JSON type, at most `max` characters, e.g. `"12" (string)`,
 * `13 (number)`, `null`, `missing`, `[{"AccountId":"1"},… (array of 120)`.
 */
export function renderValue(v: unknown, max = 80): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  const type = jsonTypeOf(v);
  const suffix = Array.isArray(v) ? ` (array of ${v.length})` : ` (${type})`;
  const room = Math.max(8, max - suffix.length);
  const { text, truncated } = boundedJson(v, room);
  const shown = truncated ? text.slice(0, Math.max(0, room - 1)) + "…" : text;
  return shown + suffix;
}

/** A value as it reads inside a sentence: `a string "12"`, `the number 13`, `an object`, `null`. */
export function describeValue(v: unknown, sensitive = false): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (sensitive) return `a ${redactedValue(v).slice(1, -1)}`;
  if (Array.isArray(v)) return v.length === 0 ? "an empty array" : `an array of ${v.length} item${v.length === 1 ? "" : "s"}`;
  switch (typeof v) {
    case "string": {
      const { text, truncated } = boundedJson(v, 60);
      return `a string ${truncated ? text + "…" : text}`;
    }
    case "number":
    case "bigint":
      return `the number ${scalarJson(v)}`;
    case "boolean":
      return `the boolean ${String(v)}`;
    case "object":
      return "an object";
    default:
      return `a ${typeof v}`;
  }
}
