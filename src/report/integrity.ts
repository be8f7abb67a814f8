/**
 * A report's integrity seal: the SHA-256 of its canonical JSON, so a reviewer can tell whether the
 * report attached to a ticket was edited after reach-check wrote it.
 *
 * Canonical JSON: the JSON reporter's compact output (one line, keys in the fixed report order,
 * unknown keys after the known ones in their own order) of the report without its `integrity`
 * field, without the trailing newline, encoded as UTF-8. It is not a signature: someone who edits a
 * report can also recompute the digest; it catches edits made by hand or by tools that rewrite JSON.
 */
import { createHash } from "node:crypto";
import { renderJson } from "./json.js";
import type { Report } from "./types.js";

export function canonicalJson(report: Report): string {
  const rest: Partial<Report> = { ...report };
  delete rest.integrity;
  return renderJson(rest as Report, { pretty: false }).replace(/\n$/, "");
}

export function digestOf(report: Report): string {
  return createHash("sha256").update(canonicalJson(report), "utf8").digest("hex");
}

/** The report with its seal (any earlier seal replaced). */
export function sealReport(report: Report): Report {
  return { ...report, integrity: { algorithm: "sha256", digest: digestOf(report) } };
}

export type IntegrityCheck =
  | { ok: true; digest: string }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "mismatch"; expected: string; actual: string };

/** Recomputes the digest of a parsed report and compares it with the one it carries. */
export function checkIntegrity(report: Report): IntegrityCheck {
  const seal = report.integrity;
  if (!seal || seal.algorithm !== "sha256" || typeof seal.digest !== "string") return { ok: false, reason: "missing" };
  const actual = digestOf(report);
  return actual === seal.digest ? { ok: true, digest: actual } : { ok: false, reason: "mismatch", expected: seal.digest, actual };
}
