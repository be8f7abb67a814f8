/**
 * The token endpoint as the OAuth lifecycle checks use it: form requests with client_secret_post,
 * issued tokens registered as secrets before anything is stored, and the judging of RFC 6749
 * section 5.2 error answers.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding, RuleRef } from "../../report/types.js";
import type { ClientCredentials, Operation, ProbeContext } from "../types.js";
import { frontServerAnswer } from "./front-server.js";
import { makeFinding, transportFinding } from "./findings.js";
import { isJsonMediaType } from "./response.js";

/** Deliberately fake and public values: safe to show in reports and curl lines. */
export const WRONG_CLIENT_SECRET = "reach-check-wrong-client-secret";
export const WRONG_CLIENT_ID = "reach-check-unknown-client-id";
export const UNKNOWN_REFRESH_TOKEN = "reach-check-unknown-refresh-token";
/** A grant type no server defines: asking for it can neither use nor spend any token. */
export const UNKNOWN_GRANT_TYPE = "urn:reach-check:unknown-grant-type";

/** Token response fields whose values are secrets. */
export const ISSUED_SECRETS = ["access_token", "refresh_token", "id_token"];

export const CREDENTIALS_MISSING =
  "Set REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN (the OAuth client handed to Reach and a refresh token, e.g. from `reach-check login`) to check the token lifecycle.";

export const TOKEN_ERROR_RULE: RuleRef = {
  ref: "rfc6749#section-5.2",
  text: "The token endpoint answers a failed request with a JSON {error, error_description?}: 401 invalid_client when client authentication fails, 400 invalid_grant for an invalid or revoked refresh token, 400 unsupported_grant_type for a grant type it does not support (the bundled spec's model of Reach's token endpoint).",
};

export function tokenOperation(ctx: ProbeContext): Operation | undefined {
  return ctx.contract.operations.find((o) => o.profile.role === "token");
}

/** The refresh grant with the run's credentials; an override of `null` leaves that field out of the form. */
export function refreshForm(
  creds: ClientCredentials,
  overrides: Partial<Record<"client_id" | "client_secret" | "refresh_token", string | null>> = {},
): Record<string, string> {
  const form: Record<string, string | null> = {
    grant_type: "refresh_token",
    refresh_token: overrides.refresh_token === undefined ? creds.refreshToken : overrides.refresh_token,
    client_id: overrides.client_id === undefined ? creds.clientId : overrides.client_id,
    client_secret: overrides.client_secret === undefined ? creds.clientSecret : overrides.client_secret,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== null));
}

export function postToken(ctx: ProbeContext, op: Operation, form: Record<string, string>): Promise<Exchange> {
  return ctx.http.send({
    method: "POST",
    path: op.path,
    body: { form },
    auth: "none",
    operation: { method: op.method, path: op.path },
    secretResponseFields: ISSUED_SECRETS,
  });
}

/** `error` of an RFC 6749 error body, when the body is one. */
export function oauthErrorCode(ex: Exchange): string | undefined {
  const json = ex.response?.json;
  if (!json || typeof json !== "object" || Array.isArray(json)) return undefined;
  const e = (json as Record<string, unknown>).error;
  return typeof e === "string" ? e : undefined;
}

export interface ExpectedTokenError {
  status: number;
  error: string;
  /** What was wrong with the request, for messages: "a wrong client secret". */
  what: string;
  /** The kind of request, for messages; default "refresh request". */
  request?: string;
  /** Statuses that RFC 6749 allows besides the modeled one (a warning, not a failure). */
  alsoAllowed?: number[];
  /** Other answers the rules allow just as well (status with error code): no finding at all. */
  equivalents?: { status: number; error: string }[];
  /** Severity of a refusal with the modeled status but another error code; default warn. */
  otherCodeSeverity?: "warn" | "info";
}

/**
 * Judges the answer to a token request that must fail. Data for a bad request and server errors
 * fail; a different status or error code warns (the token endpoint's error format is modeled).
 */
export function judgeTokenError(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, want: ExpectedTokenError): Finding[] {
  if (ex.error) return [transportFinding(ctx, checkId, ex, op)];
  const res = ex.response!;
  const base = { operation: op, exchange: ex, rule: TOKEN_ERROR_RULE };
  const expected = `${want.status} with {"error": "${want.error}"}`;
  const request = want.request ?? "refresh request";
  if (res.status >= 200 && res.status < 300) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/accepted`,
        severity: "fail",
        message: `The token endpoint answered ${res.status} to a ${request} with ${want.what}${oauthErrorCode(ex) === undefined ? "" : " (with an error body)"}: it must refuse it.`,
        fix: `Refuse the request with ${expected} before issuing anything.`,
        evidence: { expected, actual: String(res.status) },
      }),
    ];
  }
  if (res.status >= 500) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/server-error`,
        severity: "fail",
        message: `The token endpoint answered ${res.status} to a ${request} with ${want.what}; Reach cannot tell a broken server from bad credentials.`,
        fix: `Answer ${expected}; find the server error for this request in your logs.`,
        evidence: { expected, actual: String(res.status) },
      }),
    ];
  }
  if (res.status >= 300 && res.status < 400) {
    // A redirect judges nothing: the credentials were never looked at, whatever the body says.
    const front = frontServerAnswer(ex);
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        severity: "warn",
        message: `The token endpoint redirected a ${request} with ${want.what} (${res.status} to ${res.headers.location ?? "no Location"}) instead of refusing it; Reach follows no redirect.${front?.detail ?? ""}`,
        fix: front?.fix ?? `Serve the token endpoint at the spec's path without a redirect, and answer ${expected}.`,
        evidence: { expected, actual: String(res.status) },
      }),
    ];
  }
  const findings: Finding[] = [];
  const code = oauthErrorCode(ex);
  const json = res.json !== undefined && isJsonMediaType(res.contentType);
  if (json && want.equivalents?.some((e) => e.status === res.status && e.error === code)) return [];
  if (res.json === undefined || !isJsonMediaType(res.contentType)) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-json`,
        severity: "warn",
        message: `The token endpoint refused a request with ${want.what} (${res.status}), but not with a JSON error body (Content-Type ${res.contentType ?? "none"}).`,
        fix: 'Send token errors as application/json: {"error": "...", "error_description": "..."}.',
        evidence: { expected, actual: res.contentType ?? "(no Content-Type)" },
      }),
    );
  } else if (code !== want.error) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/error-code`,
        severity: res.status === want.status ? (want.otherCodeSeverity ?? "warn") : "warn",
        message: `The token endpoint refused a request with ${want.what} with error ${code === undefined ? "(none)" : JSON.stringify(code)}; RFC 6749 names it "${want.error}".`,
        fix: `Answer {"error": "${want.error}"} so a client can tell what to fix.`,
        pointer: "/error",
        evidence: { expected: want.error, actual: code ?? "(no error field)" },
      }),
    );
  }
  if (res.status !== want.status) {
    const allowed = want.alsoAllowed?.includes(res.status);
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        severity: "warn",
        message: `The token endpoint refused a request with ${want.what} with ${res.status}; the bundled spec models ${want.status}${allowed ? ` (RFC 6749 also allows ${res.status})` : ""}.`,
        fix: `Answer ${expected}.`,
        evidence: { expected: String(want.status), actual: String(res.status) },
      }),
    );
  }
  return findings;
}
