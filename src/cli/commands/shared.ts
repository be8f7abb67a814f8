import { readFileSync } from "node:fs";
import type { Report } from "../../report/types.js";
import type { Contract } from "../../spec/types.js";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { assertExclusive, type Format } from "../options.js";
import { createProgress, currentOutputEnv, useColor } from "../output.js";
import { loadSpec, runPipeline, type PipelineInput } from "../pipeline.js";
import type { ReportTarget } from "../report-files.js";
import { packageInfo } from "../../util/package-info.js";

export async function contractFrom(opts: Record<string, unknown>): Promise<Contract> {
  assertExclusive(opts, "--spec", "--spec-version");
  const { SpecError } = await import("../../spec/errors.js");
  try {
    return await loadSpec({ specVersion: opts.specVersion as string | undefined, spec: opts.spec as string | undefined });
  } catch (err) {
    if (err instanceof SpecError) {
      // Name the option the user gave, so the line says where the problem came from.
      const option = opts.spec !== undefined ? "--spec" : opts.specVersion !== undefined ? "--spec-version" : undefined;
      throw new UsageError(`${option ? `${option}: ` : ""}${err.message.split("\n")[0]}`);
    }
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
    maxRequests: typeof opts.maxRequests === "number" ? opts.maxRequests : undefined,
    deadlineMs: typeof opts.deadline === "number" ? opts.deadline : undefined,
    slowMs: opts.slowMs as number,
    maxRetryWaitMs: typeof opts.maxRetryWait === "number" ? opts.maxRetryWait * 1000 : undefined,
    sampleSize: opts.sampleSize as number,
    only: opts.check as string[] | undefined,
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

/** 1 when not ready; with `--fail-on warn`, also when ready with warnings. */
export function exitCodeFor(report: Report, failOn: "fail" | "warn" = "fail"): number {
  if (report.verdict === "not-ready") return EXIT.notReady;
  return failOn === "warn" && report.verdict === "ready-with-warnings" ? EXIT.notReady : EXIT.ready;
}

/** Run the pipeline with progress on a terminal, print the report, return the exit code. */
export async function runAndPrint(
  input: Omit<PipelineInput, "onProgress">,
  opts: Record<string, unknown>,
  io: Io,
): Promise<number> {
  // Report files and the allowlist are checked before the run: a typo must not cost a whole run.
  const { prepareReportTargets, writeReportFile } = await import("../report-files.js");
  // The run's own input files are never a report's target (a report replaces its file whole).
  const inputs = [opts.tokenFile, opts.allowlist, opts.ca, opts.config, typeof opts.spec === "string" && !/^https?:/i.test(opts.spec) ? opts.spec : undefined].filter((p): p is string => typeof p === "string");
  const targets = prepareReportTargets((opts.report as ReportTarget[] | undefined) ?? [], inputs);
  const allowlist = opts.allowlist !== undefined ? await loadAllowlist(String(opts.allowlist)) : undefined;
  const failOn = (opts.failOn as "fail" | "warn" | undefined) ?? "fail";

  const out = currentOutputEnv();
  const outEnv = { ...out, env: io.env };
  const progress = await createProgress(outEnv);
  let report: Report;
  try {
    report = await runPipeline({ ...input, onProgress: (e) => progress.onProgress(e) });
  } finally {
    progress.stop();
  }
  const format = opts.format as Format;
  const [{ applyAllowlist, allowlistNotices }, { sealReport }, renderers] = await Promise.all([
    import("../../report/allowlist.js"),
    import("../../report/integrity.js"),
    // Only the reporters of the formats written.
    import("../../report/renderers.js").then((m) => m.loadRenderers([format, ...targets.map((t) => t.format)])),
  ]);
  if (allowlist) report = applyAllowlist(report, allowlist, report.startedAt.slice(0, 10));
  report = sealReport(report);

  const common = { verbose: opts.verbose === true, failOn };
  const text = renderers.get(format)!(report, { ...common, color: useColor(outEnv, opts.color as boolean | undefined) });
  io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  for (const t of targets) writeReportFile(t, renderers.get(t.format)!(report, { ...common, color: false }));
  for (const notice of allowlistNotices(report)) io.stderr(`reach-check: warning: ${notice}\n`);
  return exitCodeFor(report, failOn);
}

async function loadAllowlist(path: string) {
  const [{ readAllowlist, assertKnownChecks }, { probes }] = await Promise.all([import("../../config/allowlist.js"), import("../../probes/index.js")]);
  const allowlist = readAllowlist(path);
  assertKnownChecks(allowlist, probes.map((p) => p.id));
  return allowlist;
}
