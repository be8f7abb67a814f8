/**
 * Judging the answer to a deliberately bad request (malformed date, unknown basis, limit out of
 * range, unknown company, missing body field): Reach's error guide asks for 400 (malformed input)
 * or 404 (unknown resource), as JSON in the errors[] envelope; never a 2xx, a 5xx or an HTML page.
 */
import type { Exchange, HttpRequest } from "../../http/types.js";
import type { Finding, RuleRef } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { frontServerAnswer } from "./front-server.js";
import { limitDetail, tokenLapsed } from "./response.js";
import { isErrorEnvelope, judgeErrorBody, successRefusal } from "./error-body.js";
import { makeFinding, transportFinding } from "./findings.js";
import { pointerShape } from "./fold.js";

export const BAD_INPUT_RULE: RuleRef = {
  ref: "reach:error-handling#status-codes",
  text: "Malformed input gets 400 Bad Request and an unknown resource 404 Not Found, as JSON in the {errors: [...]} envelope; an error is never answered with 200, a server error or an HTML page.",
};

/** Statuses that stand for something other than the input (auth, rate limits): never taken from the spec as "input refused". */
const NOT_INPUT_STATUSES = new Set([401, 403, 407, 408, 429]);

/**
 * The statuses that count as refusing bad input for an operation: 400 and 404 (Reach's guide),
 * `extra` (e.g. 403 for an unknown company), and any other 4xx the operation itself declares
 * (an official bundle might declare 422), except the auth and rate-limit ones.
 */
export function refusalStatuses(op: Operation, extra: number[] = []): number[] {
  const out = new Set([400, 404, ...extra]);
  for (const r of op.responses) {
    const n = Number(r.status);
    if (Number.isInteger(n) && n >= 400 && n < 500 && !NOT_INPUT_STATUSES.has(n)) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

export interface RejectionCase {
  op: Operation;
  company?: string;
  /** What was wrong with the request, e.g. `with StartDate=31-01-2025`. */
  what: string;
  exchange: Exchange;
  /** Statuses that pass (see refusalStatuses). */
  accept: number[];
  /** Explains what the partner should have done, in the fix line. */
  expected: string;
  /**
   * Set when the refusal is only inferred for this input (SPEC_MODEL decides it for another
   * operation, or Reach's pages merely suggest it): a 2xx answer is then a warning, and this
   * sentence says why it is not a failure.
   */
  inferred?: string;
}

export function judgeRejection(ctx: ProbeContext, checkId: string, c: RejectionCase): Finding[] {
  const { op, company, exchange: ex } = c;
  if (ex.error) return [transportFinding(ctx, checkId, ex, op, company)];
  const res = ex.response!;
  const base = { operation: op, company, exchange: ex, rule: BAD_INPUT_RULE };
  const accepted = c.accept.join(" or ");
  const evidence = { expected: accepted, actual: String(res.status) };

  if (res.status >= 200 && res.status < 300) {
    // An error body sent with a success status breaks an observed rule (never 200 on error), whether
    // or not the refusal itself is only inferred for this input.
    const refusedInBody = isErrorEnvelope(ctx, res.json);
    const refusal = successRefusal(res.status, accepted);
    const inferred = c.inferred !== undefined && !refusedInBody ? c.inferred : undefined;
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/accepted`,
        severity: inferred ? "warn" : "fail",
        message: refusedInBody
          ? `${op.method} ${op.path} refused a request ${c.what} in its body (an error envelope) but with status ${res.status}: Reach reads a 2xx as data, so the refusal is lost; it must refuse it with ${accepted}.`
          : inferred
            ? `${op.method} ${op.path} answered ${res.status} to a request ${c.what}; it should refuse it with ${accepted}. ${inferred}`
            : `${op.method} ${op.path} answered ${res.status} to a request ${c.what}; it must refuse it with ${accepted}.`,
        fix: refusedInBody ? refusal.fix : `Validate the input before reading data: ${c.expected}. Reach must be able to tell a bad request from an empty result.`,
        evidence: refusedInBody ? { ...evidence, actual: refusal.actual } : evidence,
      }),
    ];
  }
  const front = frontServerAnswer(ex);
  const lapsed = tokenLapsed(ctx, ex);
  const limited = limitDetail(ctx, ex);
  const limitFix = limited ? `Let Reach's requests through once their Retry-After has passed (reliability.rehearsal reports the limit), then answer ${c.expected}.` : undefined;
  if (res.status >= 500) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/server-error`,
        severity: "fail",
        // One answer cannot tell whether the input caused the 5xx or the server failed for another
        // reason at that moment, so the message states what happened, not why.
        message: `${op.method} ${op.path} answered ${res.status} to a request ${c.what}, instead of refusing it with ${accepted}.${front?.detail ?? limited}`,
        fix: front ? front.fix : limitFix ?? `Validate the input and answer ${c.expected}; a 5xx tells Reach your system is failing. If the same request is refused correctly when repeated, the 5xx is an intermittent fault (reliability.rehearsal measures those) rather than the input handling.`,
        evidence,
      }),
    ];
  }
  if (!c.accept.includes(res.status)) {
    const redirect = res.status >= 300 && res.status < 400;
    // A refusal with another 4xx still owes Reach its error envelope: a framework's own body
    // (FastAPI's {"detail": [...]}, say) is judged as any error body is.
    const body = res.status >= 400 && res.status !== 429 && !front && !lapsed ? judgeErrorBody(ctx, checkId, op, ex, c.what, company, "BadRequest") : [];
    return [
      ...body,
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        // A 3xx is never a refusal; another 4xx is a refusal with a status Reach's guide does not list.
        severity: redirect ? "fail" : "warn",
        message: redirect
          ? `${op.method} ${op.path} redirected a request ${c.what} (${res.status}) instead of refusing it with ${accepted}.`
          : res.status === 429 && !limited
            ? `${op.method} ${op.path} answered a request ${c.what} with 429 (too many requests${ex.retries?.length ? `, after ${ex.retries.length} retr${ex.retries.length === 1 ? "y" : "ies"}` : ""}) instead of ${accepted}: the partner's rate limit answered, so how it handles the input was not judged.`
            : `${op.method} ${op.path} refused a request ${c.what} with ${res.status}; Reach's error guide expects ${accepted}.${front?.detail ?? lapsed?.detail ?? limited}`,
        fix:
          front?.fix ??
          lapsed?.fix ??
          limitFix ??
          (res.status === 429
            ? `Let Reach's requests through (or send Retry-After so that a client knows when to ask again: reliability.rehearsal reports the limit), then answer ${c.expected}.`
            : `Answer ${c.expected}, with Reach's error envelope as the body.`),
        evidence,
      }),
    ];
  }

  return judgeErrorBody(ctx, checkId, op, ex, c.what, company, "BadRequest");
}

/** Send a bad request (never cached: each is its own question to the partner). */
export function sendBad(ctx: ProbeContext, op: Operation, req: HttpRequest): Promise<Exchange> {
  return ctx.http.send({ ...req, operation: { method: op.method, path: op.path }, cache: false });
}

/**
 * Merge the findings of several bad requests that say the same thing about the same operation
 * (as foldFindings does), keeping the first and naming what else drew the same answer, so that a
 * folded finding still says which inputs were let through (e.g. limit=abc and offset=xyz).
 */
export function foldRejections(cases: { what: string; findings: Finding[] }[]): Finding[] {
  const byKey = new Map<string, { first: Finding; whats: string[] }>();
  for (const c of cases) {
    for (const f of c.findings) {
      // A warning (an inferred refusal) never folds into a failure, nor the other way round.
      const key = [f.code, f.severity, f.operation?.method, f.operation?.path, f.company, pointerShape(f.pointer)].join("|");
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, { first: f, whats: [c.what] });
      else if (!seen.whats.includes(c.what)) seen.whats.push(c.what);
    }
  }
  return [...byKey.values()].map(({ first, whats }) =>
    whats.length === 1 ? first : { ...first, message: `${first.message} The same goes for the request${whats.length > 2 ? "s" : ""} ${whats.slice(1).join("; ")}.` },
  );
}
