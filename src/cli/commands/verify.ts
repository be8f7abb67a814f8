/**
 * `reach-check verify <report.json>`: recomputes the SHA-256 of a JSON report's canonical form and
 * compares it with the digest the report carries. Exit 0: intact; 1: edited (or no seal to check);
 * 2: unreadable, not JSON, or not a reach-check report.
 */
import { readFileSync } from "node:fs";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "../main.js";

export default async function verify(file: string, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`verify: cannot read "${file}"${code ? ` (${code})` : ""}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`verify: "${file}" is not JSON; verify takes a report written with --format json or --report json=<path>`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || !("reportVersion" in value) || !("checks" in value)) {
    throw new UsageError(`verify: "${file}" is not a reach-check report`);
  }
  const { checkIntegrity } = await import("../../report/integrity.js");
  const { validateReport } = await import("../../report/report-schema.js");
  const report = value as import("../../report/types.js").Report;
  const result = checkIntegrity(report);
  if (!result.ok) {
    if (result.reason === "missing") {
      io.stdout(`${file}: NOT VERIFIED: the report carries no integrity seal, so whether it was edited cannot be told\n`);
    } else {
      io.stdout(`${file}: EDITED: its content does not match the SHA-256 it carries (carries ${result.expected}, content hashes to ${result.actual})\n`);
    }
    return EXIT.notReady;
  }
  const problems = validateReport(report);
  if (problems.length > 0) throw new UsageError(`verify: "${file}" is not a valid report v${String(report.reportVersion)}: ${problems[0]}`);
  io.stdout(
    `${file}: intact (sha256 ${result.digest}); ${report.verdict} for ${report.target.baseUrl}, started ${report.startedAt}, ${report.tool.name} ${report.tool.version}\n`,
  );
  return EXIT.ready;
}
