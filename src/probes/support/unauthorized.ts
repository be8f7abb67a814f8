/**
 * Judging the answer to a request that must be refused (no token, wrong token, another scheme):
 * 401 or 403, as JSON in Reach's error envelope; never data, never a login page.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { RULES, makeFinding, transportFinding } from "./findings.js";
import { isErrorEnvelope, isHtml, judgeErrorBody, successRefusal } from "./error-body.js";
import { frontServerAnswer } from "./front-server.js";
import { limitDetail, redirectPlace } from "./response.js";
import type { RefusalCase } from "./refusals.js";

const STATUS_RULE = {
  ref: "reach:error-handling#status-codes",
  text: "401 for a missing, expired or invalid token; 403 for a valid token without access (RFC 6750 section 3.1: invalid_token SHOULD be answered 401).",
};

export function judgeRefusal(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, c: RefusalCase, company?: string): Finding[] {
  if (ex.error) return [transportFinding(ctx, checkId, ex, op, company)];
  const res = ex.response!;
  const what = c.what;
  const base = { operation: op, company, exchange: ex };
  if (res.status >= 200 && res.status < 300) {
    // An error body with a success status: refused, but a client reads the 2xx as data.
    if (isErrorEnvelope(ctx, res.json)) {
      const refusal = successRefusal(res.status, "401 (missing or invalid token) or 403 (no access)");
      const errors = (res.json as Record<string, unknown> | null)?.errors;
      return [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/not-enforced`,
          severity: "fail",
          message: `${op.method} ${op.path} refused a request ${what} in its body (${JSON.stringify(errors ?? res.json).slice(0, 160)}) but with status ${res.status}: Reach reads a 2xx as data, so the refusal is lost and the error body is taken for the answer.`,
          rule: RULES.unauthorized,
          fix: refusal.fix,
          evidence: { expected: "401 or 403", actual: refusal.actual },
        }),
      ];
    }
    if (c.kind === "other-scheme") {
      return [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/other-scheme-accepted`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${res.status} to a request ${what}: a request whose Authorization header is not a Bearer token gets through unchecked.`,
          rule: RULES.unauthorized,
          fix: "Refuse every request that does not carry a valid Bearer access token, whatever scheme its Authorization header uses: answer 401 with WWW-Authenticate: Bearer.",
          evidence: { expected: "401 or 403", actual: String(res.status) },
        }),
      ];
    }
    // Nothing at all: no data given, but no refusal either.
    if (res.bytes === 0) {
      return [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/not-enforced`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${res.status} with an empty body to a request ${what}: no data, but no refusal either, and Reach reads a 2xx as an answer.`,
          rule: RULES.unauthorized,
          fix: "Answer a missing or invalid token with 401 and an error body in Reach's envelope, before doing anything else.",
          evidence: { expected: "401 or 403", actual: `${res.status} with an empty body` },
        }),
      ];
    }
    // A login page answered 200 is the usual way this happens behind a web framework's auth layer.
    const page = isHtml(ex);
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-enforced`,
        severity: "fail",
        message: page
          ? `${op.method} ${op.path} answered ${res.status} with an HTML page (a sign-in page, say) to a request ${what}: the request is not refused with 401 or 403, so the operation is not protected as the API requires, and a client cannot tell a bad token from a broken answer.`
          : `${op.method} ${op.path} answered ${res.status} to a request ${what}: the operation is not protected.`,
        rule: RULES.unauthorized,
        fix: page
          ? "Answer a missing or invalid token with 401 and a JSON error body on every API operation, not with a sign-in page: keep the web application's login redirect off the API paths."
          : "Validate the bearer token on every operation before doing anything else, and answer 401 when it is missing or invalid.",
        evidence: { expected: "401 or 403", actual: page ? `${res.status} (${res.contentType ?? "an HTML body"})` : String(res.status) },
      }),
    ];
  }
  // A credential of another scheme may also be refused as a malformed request (RFC 6750 section 3.1, invalid_request).
  const refused = res.status === 401 || res.status === 403 || (c.kind === "other-scheme" && res.status === 400);
  if (!refused) {
    const redirect = res.status >= 300 && res.status < 400;
    const front = frontServerAnswer(ex);
    const limited = limitDetail(ctx, ex);
    // A 429 is the partner's rate limit speaking, not its token handling: not judged, as the input
    // checks treat it (reliability.rehearsal reports the limit itself).
    const rateLimited = res.status === 429 && !front;
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        severity: rateLimited ? "warn" : "fail",
        message: rateLimited
          ? `${op.method} ${op.path} answered a request ${what} with 429 (too many requests${ex.retries?.length ? `, after ${ex.retries.length} retr${ex.retries.length === 1 ? "y" : "ies"}` : ""}) instead of 401 or 403: the partner's rate limit answered, so whether the operation refuses it was not judged.${limited}`
          : redirect
          ? `${op.method} ${op.path} redirects a request ${what} (${res.status} to ${res.headers.location ?? "?"}) instead of answering 401${
              front?.kind === "slash-redirect"
                ? `.${front.detail}`
                : `: ${/log-?in|sign-?in|sso|authorize|oauth|auth\b/i.test(res.headers.location ?? "") ? "Reach's sync has no browser to log in with." : "a request without a valid token must be refused, not sent elsewhere."}${redirectPlace(ctx, ex)}`
            }`
          : `${op.method} ${op.path} answered ${res.status} to a request ${what}; expected 401 or 403.${front?.detail ?? limited}`,
        rule: RULES.unauthorized,
        fix:
          front?.fix ??
          (rateLimited && !limited
            ? "Let Reach's requests through (or send Retry-After so that a client knows when to ask again: reliability.rehearsal reports the limit), and answer a request without a valid token 401 or 403 before any other processing."
            : limited
            ? "Let the request through once its Retry-After has passed (reliability.rehearsal reports the limit), then answer it 401 or 403."
            : "Answer 401 Unauthorized (missing, expired or invalid token) or 403 Forbidden (valid token, no access) before any other processing."),
        evidence: { expected: "401 or 403", actual: String(res.status) },
      }),
    ];
  }
  const findings: Finding[] = [];
  if (c.kind === "wrong-token" && res.status === 403) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/forbidden`,
        severity: "warn",
        message: `${op.method} ${op.path} answered 403 to a request ${what}. 403 says the token is valid but has no access; a token that is unknown, revoked or expired gets 401, or a client cannot tell that it should refresh the token.`,
        rule: STATUS_RULE,
        fix: 'Answer 401 with WWW-Authenticate: Bearer error="invalid_token" when the token is unknown, revoked or expired; keep 403 for a valid token that does not grant the resource.',
        evidence: { expected: "401", actual: "403" },
      }),
    );
  }
  findings.push(...judgeErrorBody(ctx, checkId, op, ex, what, company, res.status === 403 ? "Forbidden" : res.status === 400 ? "BadRequest" : "Unauthorized"));
  return findings;
}
