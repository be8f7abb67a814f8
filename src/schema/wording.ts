/**
 * How issues are worded: subjects, articles, type and enum lists, format phrases.
 * Pure string helpers, kept apart from the error plumbing in issues.ts.
 */
import type { ErrorObject } from "ajv";
import { isPlainObject } from "./convert.js";
import { boundedJson, redactedValue } from "./render.js";

/** How a message names the value at a pointer: `FiscalMonthEnd`, `Data[3]`, `The value`. */
export function subjectOf(segs: readonly string[]): string {
  if (segs.length === 0) return "The value";
  let i = segs.length - 1;
  let indices = "";
  while (i >= 0 && /^\d+$/.test(segs[i])) {
    indices = `[${segs[i]}]` + indices;
    i--;
  }
  return i < 0 ? `Item ${indices}` : segs[i] + indices;
}

/** The field name that decides whether a value is a credential (last non-index segment). */
export function fieldName(segs: readonly string[]): string {
  for (let i = segs.length - 1; i >= 0; i--) if (!/^\d+$/.test(segs[i])) return segs[i];
  return "";
}

export function withArticle(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function typeList(types: unknown): string[] {
  if (Array.isArray(types)) return types.map(String);
  if (typeof types === "string") return types.split(",");
  return [];
}

/** `string`, `string or null`, `integer, number or null`. */
export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

export function orderTypes(types: Iterable<string>): string[] {
  const list = [...new Set(types)];
  // null reads best last: "an object or null".
  return [...list.filter((t) => t !== "null"), ...list.filter((t) => t === "null")];
}

export function enumItem(v: unknown): string {
  return typeof v === "string" ? v : boundedJson(v, 40).text;
}

export function enumList(values: unknown): string {
  const list = Array.isArray(values) ? values : [];
  const shown = list.slice(0, 12).map(enumItem).join(", ");
  return list.length > 12 ? `${shown}, ...` : shown;
}

export function shortJson(v: unknown, sensitive: boolean): string {
  if (sensitive) return redactedValue(v);
  if (v === undefined) return "missing";
  const { text, truncated } = boundedJson(v, 60);
  return truncated ? `${text}…` : text;
}

const FORMAT_PHRASES: Record<string, string> = {
  date: "a date (YYYY-MM-DD)",
  "date-time": "a date-time (RFC 3339, e.g. 2024-01-31T00:00:00Z)",
  time: "a time (HH:MM:SS with a UTC offset)",
  duration: "an ISO 8601 duration",
  email: "an email address",
  hostname: "a host name",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  uri: "an absolute URI",
  "uri-reference": "a URI reference",
  url: "a URL",
  uuid: "a UUID",
  regex: "a regular expression",
  int32: "a 32-bit integer",
  int64: "a 64-bit integer",
  float: "a 32-bit float",
  double: "a double",
  byte: "base64-encoded data",
};

export function formatPhrase(format: unknown): string {
  const f = String(format);
  return FORMAT_PHRASES[f] ?? `a value of format "${f}"`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function rangeWords(
  keyword: string,
  p: Record<string, unknown>,
  data: unknown,
): { expected: string; measured: string; verb: string; unit: string } {
  const limit = Number(p.limit);
  const bound = keyword.startsWith("min") ? "at least" : "at most";
  switch (keyword) {
    case "multipleOf":
      return { expected: `a multiple of ${String(p.multipleOf)}`, measured: String(data), verb: "be", unit: "" };
    case "minLength":
    case "maxLength":
      return {
        expected: `${bound} ${plural(limit, "character", "characters")}`,
        measured: typeof data === "string" ? plural([...data].length, "character", "characters") : "?",
        verb: "be",
        unit: " long",
      };
    case "minItems":
    case "maxItems":
      return {
        expected: `${bound} ${plural(limit, "item", "items")}`,
        measured: Array.isArray(data) ? plural(data.length, "item", "items") : "?",
        verb: "have",
        unit: "",
      };
    case "minProperties":
    case "maxProperties":
      return {
        expected: `${bound} ${plural(limit, "property", "properties")}`,
        measured: isPlainObject(data) ? plural(Object.keys(data).length, "property", "properties") : "?",
        verb: "have",
        unit: "",
      };
    default:
      return { expected: `${String(p.comparison)} ${String(p.limit)}`, measured: String(data), verb: "be", unit: "" };
  }
}

export function otherMessage(e: ErrorObject, subject: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "false schema":
      return `${subject} is not allowed here`;
    case "not":
      return `${subject} matches a schema it must not match`;
    case "uniqueItems":
      return `${subject} must not contain duplicate items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    default:
      return `${subject} ${e.message ?? `fails the ${e.keyword} rule`}`;
  }
}

export function otherExpected(e: ErrorObject): string {
  switch (e.keyword) {
    case "false schema":
      return "no value";
    case "not":
      return "a value not matching the excluded schema";
    case "uniqueItems":
      return "unique items";
    default:
      return e.message ?? e.keyword;
  }
}
