/**
 * From validated options to a report: load the spec, build the client and validator, run the
 * checks. Shared by `run` and `demo`. Heavy modules are imported here, not by the CLI entry, so
 * `--help` stays fast.
 */
import type { Report } from "../report/types.js";
import type { ProgressEvent } from "../engine/run.js";
import { startDeadline } from "../engine/deadline.js";
import type { Contract } from "../spec/types.js";
import type { HttpClient } from "../http/types.js";
import type { ClientCredentials, Probe, ScopedToken } from "../probes/types.js";
import { UsageError } from "./errors.js";
import { responseSchemaPointer } from "../spec/pointer.js";

export interface PipelineInput {
  baseUrl: string;
  token: string;
  tokenEnvName: string;
  /** Other secrets of the run (client secret, refresh token) that must never be printed. */
  secrets?: string[];
  companies?: string[];
  contract: Contract;
  strict: boolean;
  concurrency: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBodyBytes: number;
  pageSize: number;
  maxPages: number;
  /** Requests the run may send at most; undefined: `requestBudget` for the companies checked. */
  maxRequests?: number;
  /** The budget without `maxRequests` (default DEFAULT_REQUEST_BUDGET: per company checked, at least a minimum). */
  requestBudget?: { perCompany: number; minimum: number };
  /** Time for the whole run (--deadline, ms); default no deadline. */
  deadlineMs?: number;
  slowMs: number;
  /** Longest Retry-After the sync waits out (--max-retry-wait, in ms). Default 60 s. */
  maxRetryWaitMs?: number;
  /** Ids per filter list tried by statement checks. Default 3. */
  sampleSize?: number;
  /** OAuth client credentials for the token-lifecycle checks (all three secrets). */
  credentials?: ClientCredentials;
  /**
   * Called once the checks are done, with the refresh token that still works (the one given, or
   * the last one the partner issued in its place) and whether the partner rotated it.
   */
  onRefreshToken?: (refreshToken: string, rotated: boolean) => void;
  /** A second access token for fewer companies (--scoped-token-env), for the company-scope check. */
  scopedToken?: ScopedToken;
  now: Date;
  ca?: string;
  /** The file `ca` came from (--ca), named in curl lines. */
  caFile?: string;
  toolVersion: string;
  /** Run only these checks (ids or families) and the checks they depend on. Default: all. */
  only?: string[];
  onProgress?: (e: ProgressEvent) => void;
}

/** The named checks (by id or family) plus, transitively, the checks they need (`after`). */
export function selectProbes(all: readonly Probe[], only: readonly string[]): Probe[] {
  const byId = new Map(all.map((p) => [p.id, p]));
  const wanted = new Set<string>();
  const add = (p: Probe) => {
    if (wanted.has(p.id)) return;
    wanted.add(p.id);
    for (const dep of p.after ?? []) {
      const d = byId.get(dep);
      if (d) add(d);
    }
  };
  for (const name of only) {
    const matches = all.filter((p) => p.id === name || p.family === name);
    if (matches.length === 0) {
      const families = [...new Set(all.map((p) => p.family))].join(", ");
      throw new UsageError(`--check: no check or family named "${name}" (families: ${families}; \`reach-check checks\` lists the ids)`);
    }
    matches.forEach(add);
  }
  return all.filter((p) => wanted.has(p.id));
}

export async function loadSpec(opts: { specVersion?: string; spec?: string }): Promise<Contract> {
  const { loadContract } = await import("../spec/load.js");
  return loadContract({ specVersion: opts.specVersion, specPath: opts.spec });
}

/**
 * The default budget for a --sample-size above the default 3: each filter id sampled costs a
 * statement request per statement and basis, so the per-company share grows in proportion.
 */
export function scaledBudget(budget: { perCompany: number; minimum: number }, sampleSize: number | undefined): { perCompany: number; minimum: number } {
  const factor = Math.max(1, (sampleSize ?? 3) / 3);
  return { perCompany: Math.ceil(budget.perCompany * factor), minimum: budget.minimum };
}

export async function runPipeline(input: PipelineInput): Promise<Report> {
  const [{ createHttpClient }, { createValidator }, { loadPrebuiltChecks }, { runChecks, DEFAULT_REQUEST_BUDGET }, { retryPolicy }, { probes, families }, { Redactor }, { tokenRenewer }] = await Promise.all([
    import("../http/client.js"),
    import("../schema/validator.js"),
    import("../spec/prebuilt.js"),
    import("../engine/run.js"),
    import("../engine/sync.js"),
    import("../probes/index.js"),
    import("../util/redact.js"),
    import("../engine/token-renewal.js"),
  ]);
  const redactor = new Redactor();
  redactor.add(input.token);
  for (const s of input.secrets ?? []) redactor.add(s);
  if (input.credentials) {
    redactor.add(input.credentials.clientSecret);
    redactor.add(input.credentials.refreshToken);
  }
  if (input.scopedToken) redactor.add(input.scopedToken.token);
  const deadline = input.deadlineMs !== undefined ? startDeadline(input.deadlineMs) : undefined;
  const budget = input.maxRequests === undefined ? (input.requestBudget ?? scaledBudget(DEFAULT_REQUEST_BUDGET, input.sampleSize)) : undefined;
  // The run's own copy: a renewal that rotates the refresh token puts the new one here, for the
  // next renewal and the oauth.* checks.
  const credentials = input.credentials ? { ...input.credentials } : undefined;
  const tokenOp = input.contract.operations.find((o) => o.profile.role === "token");
  const http: HttpClient = createHttpClient({
    // With the OAuth client, a run token that expires mid-run is renewed as Reach renews it.
    ...(credentials && tokenOp ? { renewToken: tokenRenewer(() => http, tokenOp, credentials) } : {}),
    signal: deadline?.signal,
    baseUrl: input.baseUrl,
    token: input.token,
    tokenEnvName: input.tokenEnvName,
    redactor,
    concurrency: input.concurrency,
    connectTimeoutMs: input.connectTimeoutMs,
    headersTimeoutMs: input.timeoutMs,
    bodyTimeoutMs: input.bodyTimeoutMs,
    maxBodyBytes: input.maxBodyBytes,
    // Without --max-requests the budget follows the companies and lists (the engine raises it).
    maxRequests: input.maxRequests ?? budget?.minimum,
    userAgent: `reach-check/${input.toolVersion}`,
    ca: input.ca,
    ...(input.caFile !== undefined ? { caFile: input.caFile } : {}),
    // The spec's POST for metric values only reads (a query with a body): safe to send again.
    repeatableOperations: input.contract.operations.filter((o) => o.profile.role === "metric-values").map((o) => `${o.method.toUpperCase()} ${o.path}`),
    // A partner that rate-limits with 429 and Retry-After is answered as Reach's sync answers it, by
    // every check: a check about paging or errors judges the answer, not the rate limit (which the
    // rehearsal reports).
    retry: retryPolicy(input.maxRetryWaitMs),
  });
  try {
    const { contract } = input;
    const prebuilt = contract.prebuiltChecks ? loadPrebuiltChecks(contract.prebuiltChecks, contract.sha256, contract.dialect) : undefined;
    const validator = createValidator(contract.document, contract.dialect, { strict: input.strict, prebuilt });
    // A spec given with --spec: a response schema that cannot be compiled is the document's fault,
    // not the partner's; said before any request, like any other problem of the document.
    if (contract.source !== "bundled") {
      for (const op of contract.operations) {
        for (const r of op.responses) {
          const pointer = responseSchemaPointer(r);
          if (!r.schema || !pointer) continue;
          const failure = validator.compileFailure(r.schema, pointer);
          if (failure) throw new UsageError(`--spec: ${contract.source}: ${failure.replace(/^The schema/, "the schema")}`);
        }
      }
    }
    const report = await runChecks({
      contract: input.contract,
      http,
      validator,
      redactor,
      probes: input.only ? selectProbes(probes, input.only) : probes,
      familyOrder: families,
      companies: input.companies,
      now: input.now,
      options: { strict: input.strict, concurrency: input.concurrency, slowMs: input.slowMs, sampleSize: input.sampleSize ?? 3, maxRetryWaitMs: input.maxRetryWaitMs, extraCa: input.ca !== undefined },
      credentials,
      scopedToken: input.scopedToken,
      pageSize: Math.min(input.pageSize, input.contract.profile.pagination.maxLimit),
      maxPages: input.maxPages,
      tool: { name: "reach-check", version: input.toolVersion },
      onProgress: input.onProgress,
      deadline,
      ...(budget ? { requestBudget: budget } : {}),
    });
    if (credentials && input.credentials) input.onRefreshToken?.(credentials.refreshToken, credentials.refreshToken !== input.credentials.refreshToken);
    return report;
  } finally {
    deadline?.stop();
    await http.close();
  }
}
