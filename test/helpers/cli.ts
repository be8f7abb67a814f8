/**
 * Spawns the built CLI (bin/reach-check.js → dist/) the way a user or CI would.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { validateReport } from "../../src/report/report-schema.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "reach-check.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", CI: "1", ...opts.env })) {
    if (v !== undefined) env[k] = v;
  }
  // A token inherited from the developer's shell must not leak into tests.
  if (!opts.env || !("REACH_ACCESS_TOKEN" in opts.env)) delete env.REACH_ACCESS_TOKEN;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: opts.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`reach-check ${args.join(" ")} did not finish within ${opts.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** Parse a JSON report from stdout, with the output in the error when it is not JSON; it must match the report schema. */
export function parseReport(r: CliResult): import("../../src/report/types.js").Report {
  let report: import("../../src/report/types.js").Report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`);
  }
  const problems = validateReport(report);
  if (problems.length > 0) throw new Error(`the JSON report does not match its schema:\n${problems.slice(0, 10).join("\n")}`);
  return report;
}

export function check(report: import("../../src/report/types.js").Report, id: string) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in report; checks: ${report.checks.map((x) => x.id).join(", ")}`);
  return c;
}

/** A fixed clock for reproducible runs: the reference partner and the checker agree on "now". */
export const NOW = "2026-11-15T12:00:00Z";
