import type { Exchange, LatencySample } from "../../http/types.js";
import { passExchanges, type StatementFetch, type SyncPass } from "../../engine/sync.js";
import type { Finding, Rehearsal } from "../../report/types.js";
import type { Probe, ProbeContext } from "../types.js";
import { INTERMITTENT_FIX, RULES, makeFinding } from "../support/findings.js";
import { checkDataResponse } from "../support/response.js";
import { retryAfterMs } from "../../http/retry-after.js";
import { foldFindings } from "../support/fold.js";
import { percentile } from "./latency.js";
import { NO_COMPANY } from "../support/skips.js";
import { byCodeUnits } from "../../util/compare.js";
import { formatDuration } from "../../report/text.js";

const RELIABLE = {
  ref: "reach:developer-checklist#behaviour-and-stability",
  text: "Endpoints answer reliably; no rate limiting blocks Reach's off-hours syncs; 503 is temporary and Reach retries it.",
};
const RATE_LIMIT = {
  ref: "spec-model:rate-limits",
  text: "No rate limiting that blocks a nightly sync; a partner that rate-limits answers 429 with Retry-After.",
};
const TIMEOUTS = new Set(["connect-timeout", "headers-timeout", "body-timeout", "timeout"]);

/** How a rehearsal counts an attempt: `2xx`, `4xx`, `429`, `503`, `5xx`, `timeout` or a transport error code. */
export function statusKey(s: Pick<LatencySample, "status" | "error">): string {
  if (s.error) return TIMEOUTS.has(s.error) ? "timeout" : s.error;
  if (s.status === 429 || s.status === 503) return String(s.status);
  return `${String(s.status ?? 0)[0]}xx`;
}

// Retry-After in ms is the HTTP client's reading (delta-seconds or an HTTP date), kept here for the figures.
export { retryAfterMs };

const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** The report's rehearsal figures from a pass: attempts, wall time, statuses, per-operation latency. */
export function rehearsalFigures(pass: SyncPass, companies: readonly string[]): Rehearsal {
  const statuses: Record<string, number> = {};
  const byOp = new Map<string, { ms: number[]; statuses: Record<string, number> }>();
  for (const s of pass.attempts) {
    const key = statusKey(s);
    count(statuses, key);
    const name = s.operation ? `${s.operation.method.toUpperCase()} ${s.operation.path}` : "(other)";
    let e = byOp.get(name);
    if (!e) byOp.set(name, (e = { ms: [], statuses: {} }));
    count(e.statuses, key);
    if (!s.error) e.ms.push(s.durationMs);
  }
  const retries = passExchanges(pass).reduce((n, ex) => n + (ex.retries?.length ?? 0), 0);
  return {
    companies: [...companies],
    concurrency: pass.concurrency,
    requests: pass.attempts.length,
    durationMs: Math.round(pass.durationMs),
    statuses,
    retries,
    operations: [...byOp.entries()]
      .sort(([a], [b]) => byCodeUnits(a, b))
      .map(([operation, e]) => {
        const sorted = [...e.ms].sort((a, b) => a - b);
        return {
          operation,
          count: Object.values(e.statuses).reduce((a, b) => a + b, 0),
          p50Ms: Math.round(percentile(sorted, 50)),
          p95Ms: Math.round(percentile(sorted, 95)),
          maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
          statuses: e.statuses,
        };
      }),
  };
}

/** Method, path with query and body: the same request in both passes. */
function requestKey(ex: Exchange): string {
  return `${ex.request.method} ${ex.request.path} ${ex.request.body ?? ""}`;
}

/** What the same request was answered in the first pass when that was no server error (sent again included). */
function answeredBefore(before: Exchange | undefined): number | undefined {
  const status = before?.response?.status;
  if (status !== undefined && status < 500) return status;
  const again = before?.again?.status;
  return again !== undefined && again < 500 ? again : undefined;
}

/**
 * A sentence about Retry-After dates already past when they were judged (a minute's slack for
 * clocks): a client that follows them asks again at once, as often as it is refused.
 */
function pastRetryAfter(values: readonly (string | undefined)[]): string {
  const now = Date.now();
  const past = values.filter((v): v is string => v !== undefined && !/^\s*\d+\s*$/.test(v) && !Number.isNaN(Date.parse(v)) && Date.parse(v) < now - 60_000);
  if (past.length === 0) return "";
  return ` Retry-After ${JSON.stringify(past[0])} is a date already past: a client that follows it asks again at once, as often as it is refused; send a number of seconds, or a date ahead of the partner's clock (RFC 9110 section 10.2.3).`;
}

/** Findings about one request of the sync: its retries and its final answer. */
function judge(
  ctx: ProbeContext,
  id: string,
  ex: Exchange,
  company: string,
  isSplit: boolean,
  capMs: number,
  earlier: ReadonlyMap<string, Exchange> = new Map(),
): Finding[] {
  const op = ex.operation;
  const name = op ? `${op.method.toUpperCase()} ${op.path}` : ex.request.path;
  const base = { operation: op, company, exchange: ex };
  const out: Finding[] = [];
  const retried = ex.retries ?? [];
  const res = ex.response;
  const ok = res !== undefined && res.status >= 200 && res.status < 300;
  if (ok) {
    const r429 = retried.filter((r) => r.status === 429);
    const r503 = retried.filter((r) => r.status === 503);
    const past = pastRetryAfter(retried.map((r) => r.retryAfter));
    if (r429.length > 0) {
      out.push(
        makeFinding(ctx, {
          ...base,
          code: `${id}/rate-limited`,
          severity: "warn",
          message: `${name} answered 429 during the sync and succeeded after waiting Retry-After (${r429.map((r) => r.retryAfter ?? "?").join(", ")}): a larger sync may hit the limit harder.${past}`,
          rule: RATE_LIMIT,
          fix: `${past ? "Send Retry-After as a number of seconds (or a date ahead of the partner's clock). " : ""}Raise or lift the rate limit for Reach's sync (its client id or IP range), so that a nightly sync of every company is never throttled.`,
          evidence: { expected: "no 429 during a sync", actual: `${r429.length} × 429, then ${res!.status}` },
        }),
      );
    }
    if (r503.length > 0) {
      out.push(
        makeFinding(ctx, {
          ...base,
          code: `${id}/unavailable`,
          severity: "warn",
          message: `${name} answered 503 during the sync and succeeded after waiting Retry-After (${r503.map((r) => r.retryAfter ?? "?").join(", ")}); Reach retries a 503, but frequent unavailability delays the sync.${past}`,
          rule: RELIABLE,
          fix: `${past ? "Send Retry-After as a number of seconds (or a date ahead of the partner's clock). " : ""}Keep the API available during Reach's off-hours sync window, and tell Reach about planned maintenance.`,
          evidence: { expected: "no 503 during a sync", actual: `${r503.length} × 503, then ${res!.status}` },
        }),
      );
    }
    return out;
  }
  if (ex.error) {
    if (ex.error.code === "budget-exhausted") {
      return [
        makeFinding(ctx, {
          ...base,
          exchange: undefined,
          code: `${id}/budget`,
          severity: "warn",
          message: "The sync rehearsal did not finish: the run's request budget (--max-requests) ran out.",
          rule: RULES.budget,
          fix: "Run again with a larger --max-requests to rehearse the whole sync.",
        }),
      ];
    }
    const timeout = TIMEOUTS.has(ex.error.code);
    return [
      makeFinding(ctx, {
        ...base,
        code: `${id}/${timeout ? "timeout" : "transport"}`,
        severity: "fail",
        message: `${name} ${timeout ? "timed out" : "got no HTTP answer"} during the sync: ${ex.error.message}.`,
        rule: RELIABLE,
        fix: "Make the operation answer every sync request within the time limits; look for this request in your server logs.",
      }),
    ];
  }
  const status = res!.status;
  const retryAfter = res!.headers["retry-after"];
  const wait = retryAfterMs(retryAfter, Date.now());
  if (status === 429 || status === 503) {
    const code =
      retryAfter === undefined ? (status === 429 ? "rate-limited-no-retry-after" : "server-error") : wait !== undefined && wait > capMs ? "retry-after-too-long" : status === 429 ? "rate-limit-persists" : "unavailable-persists";
    const why =
      code === "rate-limited-no-retry-after"
        ? "without a Retry-After header, so a client cannot know when to come back"
        : code === "server-error"
          ? "without a Retry-After header (a 503 that Reach can retry says when)"
          : code === "retry-after-too-long"
            ? `with Retry-After: ${retryAfter}, longer than the ${Math.round(capMs / 1000)} s a sync request waits (--max-retry-wait)`
            : `again after ${retried.length} retries that honoured Retry-After`;
    out.push(
      makeFinding(ctx, {
        ...base,
        code: `${id}/${code}`,
        severity: "fail",
        message: `${name} answered ${status} during the sync ${why}; the sync loses this data.`,
        rule: status === 429 ? RATE_LIMIT : RELIABLE,
        fix:
          status === 429
            ? "Do not rate-limit Reach's sync; where a limit is unavoidable, answer 429 with a short Retry-After (seconds) and let the retry through."
            : "Answer 503 only for short maintenance, with a Retry-After of a few seconds to a minute; otherwise serve the request.",
        evidence: { expected: "200 (after at most a short Retry-After)", actual: `${status}${retryAfter !== undefined ? `, Retry-After: ${retryAfter}` : ""}` },
      }),
    );
    return out;
  }
  if (status >= 500) {
    const before = answeredBefore(earlier.get(requestKey(ex)));
    const comesAndGoes = before !== undefined ? ` The same request was answered ${before} in the run's first pass over the same data.` : "";
    return [
      makeFinding(ctx, {
        ...base,
        code: `${id}/server-error`,
        severity: "fail",
        message: `${name} answered ${status} during the sync; Reach does not count on a retry of a ${status}, so the sync loses this data.${comesAndGoes}`,
        rule: RELIABLE,
        fix: `Find the server error for this request in your logs; every request of a sync must succeed.${comesAndGoes ? ` ${INTERMITTENT_FIX}` : ""}`,
        evidence: { expected: "200", actual: String(status) },
      }),
    ];
  }
  // A refused budget, class or department id is accuracy.filter-ids' finding.
  if (isSplit && (status === 400 || status === 404)) return [];
  return [
    makeFinding(ctx, {
      ...base,
      code: `${id}/status`,
      severity: "fail",
      message: `${name} answered ${status} to a request of the sync (valid parameters, the run's token); the sync loses this data.`,
      rule: { ref: "reach:error-handling#status-codes", text: "A valid request with a valid token answers 200 (or 204 for no data)." },
      fix:
        status === 401 || status === 403
          ? "Accept the access token for every request of a sync, however many requests it makes."
          : status === 400 && ctx.contract.operations.some((o) => o.profile.role === "statement" && o.method === op?.method && o.path === op?.path)
            ? "Answer any StartDate to EndDate range: the spec sets no longest range, and a statement's 400 is for an EndDate before the StartDate, a malformed date or an unknown basis. Reach's sync, as reach-check rehearses it, asks for 24 months at once; if the error names a longest range, raise it to at least 24 months."
            : "Accept the sync's request (company info, every list, 24 months of statements, every listed filter id) with the parameters the spec defines.",
      evidence: { expected: "200", actual: String(status) },
    }),
  ];
}

/**
 * A statement of the sync answered 200 with a body that could not be read as rows: not JSON (cut
 * off, NaN, not UTF-8 ...) or without the Data array. The schema checks read shorter ranges of
 * their own, so a defect only the sync's 24-month answers carry is seen here alone; the accuracy and
 * freshness checks that read the first pass skip such a statement.
 */
function unreadableStatement(ctx: ProbeContext, id: string, s: StatementFetch, company: string, firstPass: boolean): Finding[] {
  const res = s.exchange.response;
  if (!res || res.status !== 200 || s.fold.usable) return [];
  const checked = checkDataResponse(ctx, id, s.op, s.exchange, { company }).findings.filter((f) => f.severity === "fail");
  // The body's full size (the text kept is only its start).
  const bytes = res.bytes;
  // The parser ran out of text (its error points at the very end): the body was cut, not garbled.
  // Positions count characters, so only an ASCII body is recognised this way; that is enough.
  const at = /at position (\d+)/.exec(res.jsonError ?? "");
  const cut = bytes > 0 && res.jsonError !== undefined && (/end of JSON input/i.test(res.jsonError) || (at !== null && Number(at[1]) >= bytes));
  const where = firstPass ? "the run's first pass of the sync, which the accuracy and freshness checks read" : "the sync";
  const then = ` This is a statement of ${where} (${s.query.start} to ${s.query.end}, ${s.query.basis}): Reach loses it, and the checks that read it could not judge it.${
    cut ? ` The body ends after ${bytes} bytes, before the JSON does: a buffer, proxy or response-size limit cuts long statements.` : ""
  }`;
  const findings =
    checked.length > 0
      ? checked
      : [
          makeFinding(ctx, {
            code: `${id}/unreadable`,
            severity: "fail",
            message: `${s.op.method} ${s.op.path} answered 200 with a body that holds no ${ctx.contract.profile.pagination.dataField} array of rows.`,
            rule: RULES.json,
            fix: "Return every statement as the JSON document the spec describes, whatever its range.",
            operation: s.op,
            company,
            exchange: s.exchange,
          }),
        ];
  return findings.map((f) => ({
    ...f,
    message: `${f.message}${then}`,
    fix: cut ? `Send the whole body of long statements (24 months of every account): raise the limit that cuts them (proxy buffer, gateway response size, serializer stream) and keep Content-Length, if sent, equal to the body's length. ${f.fix}` : f.fix,
  }));
}

/**
 * 429s and 503s that the run's other requests met (the checks waited and asked again): the timed pass
 * may have gone through a quiet moment, while the partner limits as soon as more is asked of it,
 * as a sync of every company does. One warning, naming the operations, when the pass met none.
 */
function limitedElsewhere(ctx: ProbeContext, id: string, samples: readonly LatencySample[]): Finding[] {
  const hits = samples.filter((s) => s.check !== id && (s.status === 429 || s.status === 503));
  if (hits.length === 0) return [];
  const byOp = new Map<string, { op: LatencySample["operation"]; n: number }>();
  let n429 = 0;
  for (const s of hits) {
    const key = s.operation ? `${s.operation.method.toUpperCase()} ${s.operation.path}` : "(no operation)";
    const e = byOp.get(key) ?? { op: s.operation, n: 0 };
    e.n++;
    byOp.set(key, e);
    if (s.status === 429) n429++;
  }
  const ops = [...byOp.entries()].sort((a, b) => b[1].n - a[1].n || byCodeUnits(a[0], b[0]));
  const n503 = hits.length - n429;
  const counts = [n429 ? `${n429} × 429` : "", n503 ? `${n503} × 503` : ""].filter(Boolean).join(" and ");
  const shown = ops.slice(0, 5).map(([key, e]) => `${key} (${e.n})`);
  const top = ops[0]![1].op;
  return [
    makeFinding(ctx, {
      code: `${id}/limited-elsewhere`,
      severity: "warn",
      message:
        `The timed sync met no limit, but the run's other requests were answered ${counts} (${shown.join(", ")}${ops.length > 5 ? `, and ${ops.length - 5} more operations` : ""}; reach-check waited and asked again): ` +
        (n429
          ? "the partner limits the API under the load of a run, which a nightly sync of every company also puts on it."
          : "the partner paused the API while the run went on (maintenance or overload); a sync that meets such a pause waits, and one that meets a long one fails."),
      rule: n429 ? RATE_LIMIT : RELIABLE,
      fix: n429
        ? "Raise or lift the rate limit for Reach's sync (its client id or IP range), so that a nightly sync of every company is never throttled."
        : "Keep the API available during Reach's off-hours sync window, and tell Reach about planned maintenance.",
      ...(top ? { operation: { method: top.method, path: top.path } } : {}),
      evidence: { expected: "no 429 or 503 during a run", actual: `${counts} outside the timed sync` },
    }),
  ];
}

export const probe: Probe = {
  id: "reliability.rehearsal",
  family: "reliability",
  step: 4,
  title: "A nightly sync runs through",
  description:
    "Rehearses Reach's nightly sync for every company (company info, every list to its last page, 24 months of each statement in both bases, budget, class and department splits, metric values) at --concurrency, honouring Retry-After on 429 and 503, and reports requests, time, statuses and latency per operation.",
  after: ["reachability.connection"],
  runsAlone: true,
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await ctx.data.syncPass("fresh", ctx.companies);
    const capMs = ctx.data.syncOptions().retry?.maxRetryAfterMs ?? 0;
    const figures = rehearsalFigures(pass, ctx.companies);
    // The same requests in the run's first pass (when it has run): a server error there answered
    // otherwise comes and goes, which a single replay of the curl line may not show.
    const shared = ctx.data.endedPass("shared");
    const earlier = new Map(shared ? passExchanges(shared).map((ex) => [requestKey(ex), ex] as const) : []);
    const findings: Finding[] = [];
    for (const c of pass.companies) {
      const exchanges: { ex: Exchange; split: boolean }[] = [];
      if (c.info) exchanges.push({ ex: c.info, split: false });
      for (const w of c.lists) for (const p of w.pages) exchanges.push({ ex: p, split: false });
      for (const s of c.statements) exchanges.push({ ex: s.exchange, split: s.split !== undefined });
      for (const m of c.metrics) exchanges.push({ ex: m.exchange, split: false });
      findings.push(...exchanges.flatMap(({ ex, split }) => judge(ctx, this.id, ex, c.company, split, capMs, earlier)));
      for (const st of c.statements) findings.push(...unreadableStatement(ctx, this.id, st, c.company, false));
    }
    // The first pass's unreadable statements that this pass read well (or did not ask again).
    const unreadableNow = new Set(pass.companies.flatMap((c) => c.statements.filter((st) => st.exchange.response?.status === 200 && !st.fold.usable).map((st) => requestKey(st.exchange))));
    for (const c of shared?.companies ?? []) {
      for (const st of c.statements) if (!unreadableNow.has(requestKey(st.exchange))) findings.push(...unreadableStatement(ctx, this.id, st, c.company, true));
    }
    const limitCodes = ["rate-limited", "unavailable", "rate-limit-persists", "unavailable-persists", "rate-limited-no-retry-after", "retry-after-too-long"].map((c) => `${this.id}/${c}`);
    if (!findings.some((f) => limitCodes.includes(f.code))) {
      findings.push(...limitedElsewhere(ctx, this.id, ctx.http.samples()));
    }
    const budget = findings.filter((f) => f.code.endsWith("/budget")).slice(0, 1);
    const rest = foldFindings(findings.filter((f) => !f.code.endsWith("/budget")), "request");
    const slow = figures.operations.filter((o) => o.p95Ms > ctx.options.slowMs).map((o) => `${o.operation} (p95 ${o.p95Ms} ms)`);
    return {
      findings: [...rest, ...budget],
      rehearsal: figures,
      summary:
        figures.requests === 0 && budget.length > 0
          ? "Not rehearsed: the run's request budget (--max-requests) was used up before the sync could start."
          : `${figures.requests} requests for ${ctx.companies.length} compan${ctx.companies.length === 1 ? "y" : "ies"} in ${formatDuration(figures.durationMs)} at concurrency ${figures.concurrency}: ${Object.entries(figures.statuses)
              .map(([k, v]) => `${v} × ${k}`)
              .join(", ")}${figures.retries ? `, ${figures.retries} retried` : ""}${slow.length ? `; slow: ${slow.join(", ")} (see reliability.latency)` : ""}.`,
    };
  },
};
