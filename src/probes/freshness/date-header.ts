import type { Exchange } from "../../http/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";

/** How far the partner's clock may be from ours. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * The partner's clock minus ours for one response: its `Date` header against the moment the
 * headers arrived by this machine's real clock. `--now` moves the run's calendar (which month is
 * current), not the wall clock the partner's server keeps, so an injected clock is never used here.
 * Undefined when the response has no usable Date header.
 */
export function clockSkewMs(ex: Exchange): number | undefined {
  const date = ex.response?.headers.date;
  if (date === undefined) return undefined;
  const theirs = Date.parse(date);
  if (Number.isNaN(theirs)) return undefined;
  const ours = ex.receivedAt ?? ex.startedAt + (ex.ttfbMs ?? ex.durationMs);
  // The header has whole seconds: a clock in step reads up to a second behind.
  return theirs - ours;
}

const words = (ms: number) => {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `${text} ${ms < 0 ? "behind" : "ahead of"}`;
};

export const probe: Probe = {
  id: "freshness.date-header",
  family: "freshness",
  step: 2,
  title: "The partner's clock is right",
  description:
    "Compares the Date header of the partner's responses with this machine's clock when each response arrived: a server clock more than 5 minutes off misplaces month ends, token expiry and sync windows.",
  after: ["schema.reference-lists", "schema.statements", "schema.company-info", "schema.non-financial"],
  runsAlone: true,
  async run(ctx) {
    let seen = 0;
    let missing = 0;
    let firstMissing: Exchange | undefined;
    let worst: { ex: Exchange; skew: number } | undefined;
    for (const ex of ctx.data.syncExchanges()) {
      if (!ex.response) continue;
      const skew = clockSkewMs(ex);
      if (skew === undefined) {
        missing++;
        firstMissing ??= ex;
        continue;
      }
      seen++;
      if (!worst || Math.abs(skew) > Math.abs(worst.skew)) worst = { ex, skew };
    }
    if (!worst) {
      if (missing === 0) return { findings: [], skip: "No response was read in this run." };
      return {
        findings: [
          makeFinding(ctx, {
            code: `${this.id}/missing`,
            severity: "warn",
            message: `None of the ${missing} responses read carries a usable Date header: HTTP requires one from a server with a clock, and without it the partner's clock (month ends, token expiry) cannot be checked.`,
            rule: { ref: "rfc9110#section-6.6.1", text: "An origin server with a clock MUST generate a Date header field in all 2xx, 3xx and 4xx responses." },
            fix: "Send a Date header (most servers and frameworks do by default; check that a proxy in front does not strip it).",
            operation: firstMissing?.operation,
            exchange: firstMissing,
            headers: ["date"],
            evidence: { expected: "Date: <IMF-fixdate>", actual: firstMissing?.response?.headers.date === undefined ? "(no Date header)" : `Date: ${firstMissing.response.headers.date} (not a date)` },
          }),
        ],
      };
    }
    const { ex, skew } = worst;
    if (Math.abs(skew) <= MAX_SKEW_MS) {
      return { findings: [], summary: `${seen} responses; the partner's clock is within ${Math.max(1, Math.round(Math.abs(skew) / 1000))} s of ours.` };
    }
    return {
      findings: [
        makeFinding(ctx, {
          code: `${this.id}/skew`,
          severity: "warn",
          message: `The partner's clock is ${words(skew)} this machine's (Date: ${ex.response!.headers.date}); more than 5 minutes off.`,
          rule: {
            ref: "reach:faq#current-period",
            text: "Data reflects the current period; a server clock off by more than a few minutes misplaces period ends and token lifetimes.",
          },
          fix: "Synchronise the server clock with NTP. If this machine's clock is the wrong one, fix it and run again.",
          operation: ex.operation,
          exchange: ex,
          headers: ["date"],
          evidence: { expected: `within 5 min of ${new Date(ex.receivedAt ?? ex.startedAt).toUTCString()}`, actual: `${Math.round(skew / 1000)} s` },
        }),
      ],
    };
  },
};
