/**
 * Parsers for option values. Each throws a UsageError naming the option and what it accepts.
 */
import { statSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, resolve } from "node:path";
import { UsageError } from "../cli/errors.js";

export function parseInteger(option: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${option} takes a whole number from ${min} to ${max}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${option} takes a whole number from ${min} to ${max}, got ${raw}`);
  return n;
}

export function parseChoice<T extends string>(option: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`${option} takes one of ${choices.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

export function parseBaseUrl(option: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${option} takes an absolute http or https URL such as https://api.example.com, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${option} takes an http or https URL, got the scheme "${url.protocol.replace(/:$/, "")}"`);
  }
  if (url.username || url.password) {
    throw new UsageError(`${option} must not carry credentials; pass the token with an environment variable or a file`);
  }
  if (url.search || url.hash) {
    throw new UsageError(`${option} must not carry a query string or fragment, got "${raw}"`);
  }
  // RFC 1035 s2.3.4: a name has at most 253 characters (255 octets on the wire), a label at most
  // 63. No resolver finds a longer one, and it would be repeated in every line of the report.
  const host = url.hostname;
  if (isIP(host.replace(/^\[|\]$/g, "")) === 0) {
    const name = host.replace(/\.$/, "");
    if (name.length > 253) throw new UsageError(`${option}: the host name has ${name.length} characters; a DNS name has at most 253 (RFC 1035)`);
    const long = name.split(".").find((label) => label.length > 63);
    if (long !== undefined) throw new UsageError(`${option}: the host name has a label of ${long.length} characters; a DNS label has at most 63 (RFC 1035)`);
  }
  return url;
}

export function parseInstant(option: string, raw: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw);
  const d = new Date(raw.length === 10 ? `${raw}T12:00:00Z` : raw);
  if (!ok || Number.isNaN(d.getTime())) {
    throw new UsageError(`${option} takes a date (YYYY-MM-DD) or an ISO 8601 time with a zone, got "${raw}"`);
  }
  // A day the calendar does not have (2026-02-30) would roll over to another date unnoticed.
  const [y, m, day] = raw.slice(0, 10).split("-").map(Number) as [number, number, number];
  // Request dates are written with four-digit years: the run's 24 months must stay within them.
  if (y < 1900 || y > 9999) throw new UsageError(`${option} takes a year from 1900 to 9999, got ${raw.slice(0, 4)}`);
  const check = new Date(Date.UTC(y, m - 1, day));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day) {
    throw new UsageError(`${option}: ${raw.slice(0, 10)} is not a day of the calendar`);
  }
  return d;
}

export function parseEnvName(option: string, raw: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) {
    // The value is not echoed: what lands here by mistake is most often the token itself.
    throw new UsageError(`${option} takes the name of an environment variable (letters, digits, _), such as REACH_ACCESS_TOKEN; the value given is not one (if it is the token itself, put it in such a variable and name the variable here)`);
  }
  return raw;
}

export function parseCompanyId(option: string, raw: string): string {
  if (raw.trim() === "" || raw.length > 200 || /[\u0000-\u001f]/.test(raw)) {
    throw new UsageError(`${option} takes a company id as listed by user-info, got "${raw}"`);
  }
  if (raw === "." || raw === "..") {
    throw new UsageError(`${option} "${raw}" cannot be checked: URL resolution removes a path segment of . or .. (RFC 3986 section 5.2.4), so no request can name that company`);
  }
  return raw;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: `90000` (ms), or with a unit: `500ms`, `90s`, `15m`, `1h`. */
export function parseDuration(option: string, raw: string, minMs: number, maxMs: number): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2] ?? "ms"] : NaN;
  if (!Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) {
    throw new UsageError(
      `${option} takes a duration from ${minMs / 1000} s to ${maxMs / 3_600_000} h: milliseconds (90000) or a number with s, m or h (90s, 15m, 1h), got "${raw}"`,
    );
  }
  return ms;
}

/** An address to listen on: an IPv4 or IPv6 literal, or a host name. */
export function parseHost(option: string, raw: string): string {
  const v = raw.trim();
  const hostname = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
  if (isIP(v) === 0 && !hostname.test(v)) {
    throw new UsageError(`${option} takes an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name, got "${raw}"`);
  }
  return v;
}

/** OAuth scopes: space-separated scope tokens (RFC 6749 section 3.3: printable ASCII but " and \). */
export function parseScopes(option: string, raw: string): string {
  const tokens = raw.trim().split(/ +/);
  if (raw.trim() === "" || !tokens.every((t) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(t))) {
    throw new UsageError(`${option} takes space-separated OAuth scopes such as "openid read:company" (printable ASCII, no quotes or backslashes), got "${raw}"`);
  }
  return tokens.join(" ");
}

/** A file to create: its folder must exist. */
export function parseNewFile(option: string, raw: string): string {
  const dir = dirname(resolve(raw));
  let ok = raw.trim() !== "";
  try {
    ok = ok && statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`${option} takes a path to a file in an existing folder, got "${raw}"`);
  // Said now, not after the sign-in the file was meant to keep the tokens of.
  let folder = false;
  try {
    folder = statSync(raw).isDirectory();
  } catch {
    // Not there yet: it will be created.
  }
  if (folder) throw new UsageError(`${option} names a folder ("${raw}"); give the path of a file in it`);
  return raw;
}

/** A file path or an http(s) URL, as --spec takes it; only an empty value is refused here. */
export function parseLocation(option: string, raw: string): string {
  if (raw.trim() === "") throw new UsageError(`${option} takes a file path or an http(s) URL, got an empty value`);
  return raw;
}

/** A check id (`family.name`) or a family; whether it exists is decided against the registry later. */
export function parseCheckName(option: string, raw: string): string {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/.test(raw)) {
    throw new UsageError(`${option} takes a check id such as schema.statements or a family such as auth, got "${raw}"`);
  }
  return raw;
}
