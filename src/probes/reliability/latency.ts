import type { Finding } from "../../report/types.js";
import type { LatencySample } from "../../http/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { byCodeUnits } from "../../util/compare.js";

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Requests an operation needs before its p95 is judged; with fewer, one slow answer is let pass. */
export const P95_SAMPLES = 20;

/**
 * The figure that stands for an operation's typical answer: its p95 with enough requests; with
 * fewer (where the nearest-rank p95 is the slowest request), the second slowest, so that one
 * atypical answer does not make an operation slow; the one request when there is only one.
 */
export function typicalMs(sorted: readonly number[]): { ms: number; basis: "p95" | "second slowest" | "only request" } {
  const n = sorted.length;
  if (n >= P95_SAMPLES) return { ms: percentile(sorted, 95), basis: "p95" };
  if (n >= 2) return { ms: sorted[n - 2], basis: "second slowest" };
  return { ms: sorted[0] ?? 0, basis: "only request" };
}

export const probe: Probe = {
  id: "reliability.latency",
  family: "reliability",
  step: 4,
  title: "Operations answer within Reach's latency budget",
  description:
    "Computes p50, p95 and maximum latency per operation over every request of the run. Reach expects answers within about 1-2 seconds; a p95 above the limit (--slow-ms, default 2000) is a warning. An operation asked fewer than 20 times is judged on its second slowest request (one slow answer is let pass), or on its one request.",
  orderAfter: ["schema.reference-lists", "schema.statements", "schema.company-info", "schema.non-financial", "auth.no-token", "auth.invalid-token", "reliability.rehearsal", "reliability.stability"],
  runsAlone: true,
  async run(ctx) {
    const byOp = new Map<string, { method: string; path: string; ms: number[] }>();
    const samples: readonly LatencySample[] = ctx.http.samples();
    for (const s of samples) {
      if (!s.operation || s.error) continue;
      const key = `${s.operation.method} ${s.operation.path}`;
      let e = byOp.get(key);
      if (!e) byOp.set(key, (e = { method: s.operation.method, path: s.operation.path, ms: [] }));
      e.ms.push(s.durationMs);
    }
    if (byOp.size === 0) return { findings: [], skip: "No request was answered in this run." };
    const findings: Finding[] = [];
    const lines: string[] = [];
    for (const [key, e] of [...byOp.entries()].sort(([a], [b]) => byCodeUnits(a, b))) {
      const sorted = [...e.ms].sort((a, b) => a - b);
      const p50 = Math.round(percentile(sorted, 50));
      const p95 = Math.round(percentile(sorted, 95));
      const max = Math.round(sorted[sorted.length - 1]);
      lines.push(`${key} p95 ${p95} ms`);
      const typical = typicalMs(sorted);
      if (typical.ms > ctx.options.slowMs) {
        const n = sorted.length;
        const figure =
          typical.basis === "p95"
            ? `p95 ${p95} ms over ${n} requests (p50 ${p50} ms, max ${max} ms)`
            : typical.basis === "second slowest"
              ? `${n === 2 ? "both" : `${n - 1} of its ${n}`} requests took ${Math.round(typical.ms)} ms or more (p50 ${p50} ms, max ${max} ms; with fewer than ${P95_SAMPLES} requests the second slowest is judged, so one slow answer is let pass)`
              : `its one request took ${max} ms`;
        // The slowest request shows what was asked; its curl line also prints the time it takes.
        const slowest = ctx.http.slowest({ method: e.method, path: e.path });
        const f = makeFinding(ctx, {
          code: `${this.id}/slow`,
          severity: "warn",
          message: `${key} is slow: ${figure}; Reach expects about 1-2 s.${slowest ? ` The slowest was ${slowest.request.path} (${Math.round(slowest.durationMs)} ms).` : ""}`,
          rule: RULES_LATENCY,
          fix:
            "Profile this operation under a realistic data size (indexes, pagination in the database, fewer round trips to the ledger). " +
            `The times run from sending to the end of the answer with up to ${ctx.options.concurrency} requests in flight: a partner that serves fewer at once queues the rest, and a run with --concurrency 1 shows each request's own time.`,
          operation: { method: e.method, path: e.path },
          ...(slowest ? { exchange: slowest } : {}),
          evidence: {
            expected: typical.basis === "p95" ? `p95 ≤ ${ctx.options.slowMs} ms` : `${typical.basis === "only request" ? "the request" : "all but the slowest request"} ≤ ${ctx.options.slowMs} ms`,
            actual: `p50 ${p50} ms, p95 ${p95} ms, max ${max} ms, ${n} requests`,
          },
        });
        if (f.curl) f.curl += ` -o /dev/null -w '%{http_code} first byte %{time_starttransfer}s, total %{time_total}s\\n'`;
        findings.push(f);
      }
    }
    const all = samples.filter((s) => !s.error).map((s) => s.durationMs).sort((a, b) => a - b);
    return {
      findings,
      summary: `${all.length} requests: p50 ${Math.round(percentile(all, 50))} ms, p95 ${Math.round(percentile(all, 95))} ms, max ${Math.round(all[all.length - 1] ?? 0)} ms over ${byOp.size} operations.`,
    };
  },
};

const RULES_LATENCY = {
  ref: "reach:developer-checklist#behaviour-and-stability",
  text: "Requests return within about 1-2 seconds under typical conditions.",
};
