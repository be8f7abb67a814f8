/**
 * Reads and validates an allowlist file (`--allowlist <file>`): known failures a team has accepted
 * for a while. Every problem is one line naming the file, the entry and the field.
 *
 *   { "entries": [ { "check": "freshness.balance-sheet", "operation": "GET /companies/{CompanyId}/balance-sheet",
 *                    "reason": "month-end close runs on the 5th", "expires": "2026-12-31" } ] }
 *
 * A bare array of entries is accepted too.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../cli/errors.js";
import type { Allowlist, AllowlistEntry } from "../report/allowlist.js";

const ENTRY_KEYS = ["check", "operation", "reason", "expires"] as const;
const TOP_KEYS = ["$schema", "$comment", "entries"];
const CHECK_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;
const OPERATION = /^[A-Za-z]+ \/\S*$/;

/** A real calendar day written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function parseAllowlist(text: string, source: string): Allowlist {
  const fail = (msg: string): never => {
    throw new UsageError(`--allowlist ${source}: ${msg}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  let list: unknown;
  if (Array.isArray(doc)) list = doc;
  else if (doc && typeof doc === "object") {
    const unknown = Object.keys(doc).filter((k) => !TOP_KEYS.includes(k));
    if (unknown.length > 0) fail(`unknown key "${unknown[0]}"; the file holds {"entries": [...]}`);
    list = (doc as Record<string, unknown>).entries;
    if (!Array.isArray(list)) fail(`"entries" must be an array of entries`);
  } else fail(`must be a JSON object {"entries": [...]} or an array of entries`);

  const entries = (list as unknown[]).map((raw, i): AllowlistEntry => {
    const at = `entry ${i + 1}`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail(`${at} must be an object with check, reason and expires`);
    const e = raw as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) fail(`${at}: unknown key "${unknown[0]}" (allowed: ${ENTRY_KEYS.join(", ")})`);
    if (typeof e.check !== "string" || !CHECK_ID.test(e.check)) {
      fail(`${at}: "check" must be a check id such as "schema.reference-lists", got ${JSON.stringify(e.check) ?? "nothing"}`);
    }
    if (e.operation !== undefined && (typeof e.operation !== "string" || !OPERATION.test(e.operation.trim()))) {
      fail(`${at}: "operation" must be "METHOD /path" as in the spec, e.g. "GET /companies/{CompanyId}/budgets", got ${JSON.stringify(e.operation)}`);
    }
    if (typeof e.reason !== "string" || e.reason.trim() === "") fail(`${at}: "reason" must say why the failure is accepted`);
    if (typeof e.expires !== "string" || !isDate(e.expires)) {
      fail(`${at}: "expires" must be a date YYYY-MM-DD (the last day the entry holds), got ${JSON.stringify(e.expires) ?? "nothing"}`);
    }
    return {
      check: e.check as string,
      ...(e.operation !== undefined ? { operation: (e.operation as string).trim() } : {}),
      reason: (e.reason as string).trim(),
      expires: e.expires as string,
    };
  });
  return { source, entries };
}

export function readAllowlist(path: string): Allowlist {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--allowlist ${path}: cannot read the file${code ? ` (${code})` : ""}`);
  }
  return parseAllowlist(text, path);
}

/** Entries naming a check this reach-check does not have: a typo would otherwise never match. */
export function assertKnownChecks(allowlist: Allowlist, known: readonly string[]): void {
  allowlist.entries.forEach((e, i) => {
    if (!known.includes(e.check)) {
      throw new UsageError(`--allowlist ${allowlist.source}: entry ${i + 1}: no check named "${e.check}" (the README lists the checks)`);
    }
  });
}
