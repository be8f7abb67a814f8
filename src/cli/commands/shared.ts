import { readFileSync } from "node:fs";
import type { Report } from "../../report/types.js";
import type { Contract } from "../../spec/types.js";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { assertExclusive, type Format } from "../options.js";
import { createProgress, currentOutputEnv, useColor } from "../output.js";
import { loadSpec, runPipeline, type PipelineInput } from "../pipeline.js";
import { packageInfo } from "../../util/package-info.js";

export async function contractFrom(opts: Record<string, unknown>): Promise<Contract> {
  assertExclusive(opts, "--spec", "--spec-version");
  const { SpecError } = await import("../../spec/errors.js");
  try {
    return await loadSpec({ specVersion: opts.specVersion as string | undefined, spec: opts.spec as string | undefined });
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(err.message.split("\n")[0]);
    throw err;
  }
}

/** Options shared by run and demo, turned into pipeline settings. */
export function runSettings(opts: Record<string, unknown>) {
  return {
    strict: opts.strict === true,
    concurrency: opts.concurrency as number,
    timeoutMs: opts.timeout as number,
    connectTimeoutMs: opts.connectTimeout as number,
    bodyTimeoutMs: opts.bodyTimeout as number,
    maxBodyBytes: opts.maxBody as number,
    pageSize: opts.pageSize as number,
    maxPages: opts.maxPages as number,
    maxRequests: opts.maxRequests as number,
    slowMs: opts.slowMs as number,
    now: opts.now ? new Date(opts.now as string) : new Date(),
    toolVersion: packageInfo().version,
  };
}

export function readCa(path: unknown): string | undefined {
  if (path === undefined) return undefined;
  try {
    const pem = readFileSync(String(path), "utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("not PEM");
    return pem;
  } catch {
    throw new UsageError(`--ca takes a readable PEM certificate file, got "${String(path)}"`);
  }
}

export function exitCodeFor(report: Report): number {
  return report.verdict === "not-ready" ? EXIT.notReady : EXIT.ready;
}

/** Run the pipeline with progress on a terminal, print the report, return the exit code. */
export async function runAndPrint(
  input: Omit<PipelineInput, "onProgress">,
  opts: Record<string, unknown>,
  io: Io,
): Promise<number> {
  const out = currentOutputEnv();
  const outEnv = { ...out, env: io.env };
  const progress = await createProgress(outEnv);
  let report: Report;
  try {
    report = await runPipeline({ ...input, onProgress: (e) => progress.onProgress(e) });
  } finally {
    progress.stop();
  }
  const { renderReport } = await import("../../report/index.js");
  const format = opts.format as Format;
  const text = renderReport(format, report, { color: useColor(outEnv, opts.color as boolean | undefined), verbose: opts.verbose === true });
  io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  return exitCodeFor(report);
}
