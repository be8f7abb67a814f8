/**
 * Judging the answer to a request that must be refused (no token, wrong token): 401 or 403, as
 * JSON in Reach's error envelope; never data, never a login page.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { RULES, makeFinding, transportFinding } from "./findings.js";
import { judgeErrorBody } from "./error-body.js";

export function judgeRefusal(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, what: string, company?: string): Finding[] {
  if (ex.error) return [transportFinding(ctx, checkId, ex, op, company)];
  const res = ex.response!;
  const base = { operation: op, company, exchange: ex };
  if (res.status >= 200 && res.status < 300) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-enforced`,
        severity: "fail",
        message: `${op.method} ${op.path} answered ${res.status} to a request ${what}: the operation is not protected.`,
        rule: RULES.unauthorized,
        fix: "Validate the bearer token on every operation before doing anything else, and answer 401 when it is missing or invalid.",
        evidence: { expected: "401 or 403", actual: String(res.status) },
      }),
    ];
  }
  if (res.status !== 401 && res.status !== 403) {
    const redirect = res.status >= 300 && res.status < 400;
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        severity: "fail",
        message: redirect
          ? `${op.method} ${op.path} redirects a request ${what} (${res.status} to ${res.headers.location ?? "?"}) instead of answering 401: Reach's sync has no browser to log in with.`
          : `${op.method} ${op.path} answered ${res.status} to a request ${what}; expected 401 or 403.`,
        rule: RULES.unauthorized,
        fix: "Answer 401 Unauthorized (missing, expired or invalid token) or 403 Forbidden (valid token, no access) before any other processing.",
        evidence: { expected: "401 or 403", actual: String(res.status) },
      }),
    ];
  }
  return judgeErrorBody(ctx, checkId, op, ex, what, company, "Unauthorized");
}
