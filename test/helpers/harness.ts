/**
 * In-process runs for per-check tests: a reference partner (with defect switches) on loopback, the
 * real pipeline, and only the checks under test (plus the checks they depend on).
 */
import { loadSpec, runPipeline } from "../../src/cli/pipeline.js";
import { startServer, type ServerReply, type ServerRequest } from "../../src/http/server.js";
import { createPartner, startPartner, type PartnerOptions, type RunningPartner } from "../../src/reference-partner/index.js";
import type { CheckResult, Finding, Report } from "../../src/report/types.js";
import type { Contract } from "../../src/spec/types.js";
import { validateReport } from "../../src/report/report-schema.js";
import { NOW } from "./cli.js";

const contracts = new Map<string, Promise<Contract>>();

export function contractFor(spec?: string): Promise<Contract> {
  const key = spec ?? "bundled";
  let c = contracts.get(key);
  if (!c) contracts.set(key, (c = loadSpec({ spec })));
  return c;
}

export interface HarnessOptions {
  defects?: string[];
  only?: string[];
  strict?: boolean;
  now?: string;
  /** --spec file; default: the bundled spec. */
  spec?: string;
  partner?: Partial<PartnerOptions>;
  /** Hand the partner's OAuth client and refresh token to the run (the oauth.* checks). */
  oauth?: boolean;
  /** Hand the run a second token that reads only the partner's first company (auth.company-scope). */
  scopedToken?: boolean;
  /** Overrides of pipeline settings (concurrency, pageSize, maxPages, ...). */
  settings?: Partial<Parameters<typeof runPipeline>[0]>;
  /** Puts the partner behind a wrapper that sees (and may change) every request and answer. */
  wrap?: Wrap;
}

/** Stands between the run and the reference partner: `next` gives the partner's own answer. */
export type Wrap = (req: ServerRequest, next: () => Promise<ServerReply>) => Promise<ServerReply>;

/** A reply with its JSON body changed in place by `edit` (Content-Length dropped: the server sets it again). */
/** A 429 in Reach's error envelope with the given Retry-After, as a rate-limiting partner answers. */
export function tooManyRequests(retryAfter: string): ServerReply {
  return {
    status: 429,
    headers: { "retry-after": retryAfter, "content-type": "application/json" },
    body: JSON.stringify({ errors: [{ error: "TooManyRequests", message: "Later.", level: 7 }] }),
  };
}

/** A reply with its body text rewritten by `edit` (Content-Length dropped: the server sets it again). */
export function editText(reply: ServerReply, edit: (text: string) => string): ServerReply {
  const headers = { ...reply.headers };
  delete headers["content-length"];
  return { ...reply, headers, body: edit(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) };
}

export function editJson<T>(reply: ServerReply, edit: (body: T) => void): ServerReply {
  const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as T;
  edit(body);
  const headers = { ...reply.headers };
  delete headers["content-length"];
  return { ...reply, headers, body: JSON.stringify(body) };
}

/** The reference partner on loopback, behind `wrap` when there is one. */
async function startReference(opts: HarnessOptions, now: Date): Promise<RunningPartner> {
  const options = { now, defects: opts.defects ?? [], ...opts.partner };
  if (!opts.wrap) return startPartner(options);
  const wrap = opts.wrap;
  const { handler, ...app } = createPartner(options);
  const server = await startServer((req) => wrap(req, async () => handler(req)), { host: options.host ?? "127.0.0.1", port: options.port ?? 0, tls: options.tls });
  return { ...app, baseUrl: server.url, close: () => server.close() };
}

export async function checkReference(opts: HarnessOptions = {}): Promise<Report> {
  const now = new Date(opts.now ?? NOW);
  const partner = await startReference(opts, now);
  try {
    return await checkPartner(partner, opts);
  } finally {
    await partner.close();
  }
}

/** The run of checkReference against a partner the caller started (and stops). */
export async function checkPartner(partner: Omit<RunningPartner, "close">, opts: HarnessOptions = {}): Promise<Report> {
  const now = new Date(opts.now ?? NOW);
  const report = await runPipeline({
    baseUrl: partner.baseUrl,
    token: partner.accessToken,
    tokenEnvName: "REACH_ACCESS_TOKEN",
    secrets: [partner.clientSecret, partner.refreshToken],
    contract: await contractFor(opts.spec),
    strict: opts.strict ?? false,
    concurrency: 4,
    timeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    bodyTimeoutMs: 20_000,
    maxBodyBytes: 50 * 1024 * 1024,
    pageSize: 1000,
    maxPages: 1000,
    maxRequests: 5000,
    slowMs: 2000,
    now,
    toolVersion: "0.0.0-test",
    only: opts.only,
    ...(opts.oauth ? { credentials: { clientId: partner.clientId, clientSecret: partner.clientSecret, refreshToken: partner.refreshToken } } : {}),
    ...(opts.scopedToken ? { scopedToken: { token: partner.issueToken([partner.companies[0]!.id]), envName: "REACH_SCOPED_TOKEN" } } : {}),
    ...opts.settings,
  });
  // Every report a test produces must match the published schema.
  const problems = validateReport(report);
  if (problems.length > 0) throw new Error(`the report does not match its schema:\n${problems.slice(0, 10).join("\n")}`);
  return report;
}

export function resultOf(report: Report, id: string): CheckResult {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}; ran: ${report.checks.map((x) => x.id).join(", ")}`);
  return c;
}

export function codes(result: CheckResult, severity?: Finding["severity"]): string[] {
  return [...new Set(result.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code))].sort();
}
