/**
 * Parsers for option values. Each throws a UsageError naming the option and what it accepts.
 */
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
  return url;
}

export function parseInstant(option: string, raw: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw);
  const d = new Date(raw.length === 10 ? `${raw}T12:00:00Z` : raw);
  if (!ok || Number.isNaN(d.getTime())) {
    throw new UsageError(`${option} takes a date (YYYY-MM-DD) or an ISO 8601 time with a zone, got "${raw}"`);
  }
  return d;
}

export function parseEnvName(option: string, raw: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) {
    throw new UsageError(`${option} takes an environment variable name (letters, digits, _), got "${raw}"`);
  }
  return raw;
}

export function parseCompanyId(option: string, raw: string): string {
  if (raw.trim() === "" || raw.length > 200 || /[\u0000-\u001f]/.test(raw)) {
    throw new UsageError(`${option} takes a company id as listed by user-info, got "${raw}"`);
  }
  return raw;
}
