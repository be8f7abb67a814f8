/**
 * Judging one response against its operation: transport, status, content type, JSON, schema.
 * Issues that repeat in every record of a list are folded into one finding with a count.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { SchemaIssue } from "../../schema/types.js";
import type { ResponseSpec } from "../../spec/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { RULES, makeFinding, transportFinding } from "./findings.js";
import { pointerShape } from "./fold.js";
import { unescapePointerSegment } from "../../schema/render.js";
import { isJsonMediaType, responseSchemaPointer } from "../../spec/pointer.js";
import { frontServerAnswer } from "./front-server.js";
import { isHtml } from "./error-body.js";
import { retryAfterMs } from "../../http/retry-after.js";

/** Where a redirect's Location header leads, resolved against the request URL; undefined when unusable. */
export function redirectTarget(ex: Exchange): URL | undefined {
  const loc = ex.response?.headers.location;
  if (!loc) return undefined;
  try {
    return new URL(loc, ex.request.url);
  } catch {
    return undefined;
  }
}

/**
 * Where a redirect leads, next to the base URL: another origin, or a path outside the base URL's
 * path (a proxy that drops the prefix). "" when it stays under the base URL or has no Location.
 */
export function redirectPlace(ctx: ProbeContext, ex: Exchange): string {
  const to = redirectTarget(ex);
  if (!to) return "";
  const base = ctx.http.baseUrl;
  if (to.origin !== base.origin) return ` It leads to another origin, ${to.origin}, where Reach would not send its token.`;
  const prefix = base.pathname.replace(/\/+$/, "");
  if (prefix !== "" && to.pathname !== prefix && !to.pathname.startsWith(`${prefix}/`)) {
    return ` It leads to ${to.pathname}, outside the base URL's path ${prefix}: the redirect drops the base path (a proxy or framework building Location without it).`;
  }
  return "";
}

/** The response object of the spec that applies to a status: exact, then `2XX` style, then `default`. */
export function responseFor(op: Operation, status: number): ResponseSpec | undefined {
  const exact = op.responses.find((r) => r.status === String(status));
  if (exact) return exact;
  const range = op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`);
  return range ?? op.responses.find((r) => r.status === "default");
}

export { isJsonMediaType };

/** What a non-2xx answer asked of the client that reach-check deliberately did not do. */
function statusDetail(ctx: ProbeContext, ex: Exchange): string {
  const res = ex.response!;
  const location = res.headers.location;
  if (res.status >= 300 && res.status < 400 && location !== undefined) {
    return ` It redirects to ${location.length > 200 ? `${location.slice(0, 199)}…` : location}: reach-check follows no redirect (Reach's sync expects the data at the base URL), and never sends the token to another host.${redirectPlace(ctx, ex)}`;
  }
  const retryAfter = res.headers["retry-after"];
  if ((res.status === 429 || res.status === 503) && retryAfter !== undefined) {
    // An HTTP date is measured from when the answer came (the real clock, as the client waited by it),
    // not from the run's --now.
    const waitMs = retryAfterMs(retryAfter, ex.receivedAt ?? Date.now());
    const cap = ctx.options.maxRetryWaitMs ?? DEFAULT_RETRY_WAIT_MS;
    const tries = afterRetries(ex);
    if (waitMs === undefined) return ` Its Retry-After "${retryAfter}" is neither a number of seconds nor an HTTP date${tries}.`;
    if (waitMs > cap) {
      return ` Its Retry-After asks for a wait of ${Math.round(waitMs / 1000)} s; reach-check waits at most ${Math.round(cap / 1000)} s (--max-retry-wait) and did not wait it out${tries}.`;
    }
    return tries ? ` It was still answered so${tries}.` : " reach-check did not get to ask again (the run's request budget or deadline ran out first).";
  }
  return "";
}

/**
 * A company id that goes into the path percent-encoded ("north/south" as north%2Fsouth): a 404 to
 * it may be a server that looks the raw segment up without decoding it, which only such ids meet.
 */
export function encodedCompany(op: Operation, company: string | undefined): { detail: string; fix: string } | undefined {
  if (company === undefined || !op.path.includes("{CompanyId}")) return undefined;
  const segment = encodeURIComponent(company);
  if (segment === company) return undefined;
  return {
    detail: ` The company id ${JSON.stringify(company)} goes into the path percent-encoded (${segment}): a server that looks the path segment up without decoding it answers 404 to such ids only.`,
    fix: "Percent-decode each path segment before looking the id up (RFC 3986 section 2.1: %2F, %20, %2B and non-ASCII bytes stand for the characters in the id), and answer for every company user-info lists.",
  };
}

/** ` after 2 retries` when the client asked again after 429/503, else "". */
export function afterRetries(ex: Exchange): string {
  const n = ex.retries?.length ?? 0;
  return n > 0 ? ` after ${n} retr${n === 1 ? "y" : "ies"}` : "";
}

/**
 * For a 429 or 503 with Retry-After (a rate limit or maintenance that outlasted reach-check's
 * retries: the question was never answered), what statusDetail says; otherwise "".
 */
export function limitDetail(ctx: ProbeContext, ex: Exchange): string {
  const res = ex.response;
  return res && (res.status === 429 || res.status === 503) && res.headers["retry-after"] !== undefined ? statusDetail(ctx, ex) : "";
}

const DEFAULT_RETRY_WAIT_MS = 60_000;

const OPERATION_TAG = (op: Operation) => (op.provenance === "modeled" ? " (a modeled part of the bundled spec)" : "");

export interface ResponseCheck {
  findings: Finding[];
  /** True when the response is a 2xx JSON body that passed the schema (warnings allowed). */
  ok: boolean;
}

export interface ResponseCheckOptions {
  company?: string;
  /** Statuses that count as the expected answer. Default: 200. */
  expect?: number[];
  /** A 204 is tolerated with a warning (lists and statements with no data). */
  allow204?: boolean;
}

/**
 * Check a response to a valid request. Returns findings coded `<checkId>/<reason>`.
 */
/** Load balancers' affinity cookies, which any answer may set: no sign of a session. */
const AFFINITY_COOKIE = /^(AWSALB\w*|AWSELB\w*|BIGipServer\w*|__cf_bm|__cflb|ARRAffinity\w*|TS0[0-9a-f]+|SERVERID|ROUTEID|INGRESSCOOKIE|GCLB|JSESSIONID_LB)$/i;

/** The name of a cookie a 401 sets that is not a load balancer's (`name=…`), or undefined. */
function sessionCookie(ex: Exchange): string | undefined {
  const raw = ex.response?.headers["set-cookie"];
  if (raw === undefined) return undefined;
  for (const part of raw.split(/,(?=\s*[^;,=\s]+=)/)) {
    const name = part.trim().split("=")[0]?.trim();
    if (name && !AFFINITY_COOKIE.test(name)) return `Set-Cookie: ${name}=…`;
  }
  return undefined;
}

/**
 * A 401 to the run's own token after that token was accepted earlier in the run: it stopped working
 * while the run went on (expired, or revoked by a refresh elsewhere). Said once in the message, so
 * that the cause is not read as the operation refusing valid tokens.
 */
export function tokenLapsed(ctx: ProbeContext, ex: Exchange): { detail: string; fix: string } | undefined {
  if (ex.response?.status !== 401 || ex.request.auth !== "default") return undefined;
  if (ex.renewedToken) {
    return {
      detail: " The run's token was refused, renewed with the refresh token for this request, and the new token was refused as well: this is no expired token.",
      fix: "Accept on this operation the access tokens the token endpoint issues, as the other operations do (check the scope or audience it asks for).",
    };
  }
  const accepted = ctx.http.acceptedToken();
  const renewals = ctx.http.tokenRenewals();
  const renewal = !ctx.credentials
    ? " With REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN set, reach-check renews an expired token as Reach does."
    : renewals.failed > 0
      ? " Renewing it with REACH_REFRESH_TOKEN failed (see oauth.refresh-grant)."
      : "";
  if (!accepted) {
    // Refused from the first request on: nothing shows the token was ever valid (auth.token-accepted says so).
    return {
      detail: ` No request of this run was accepted with this token (see auth.token-accepted): it expired or was revoked before the run, or the partner refuses the tokens it issues.${renewal}`,
      fix: "Run with a token that works (get it just before, e.g. with `reach-check login`); if a fresh token is refused too, accept the access tokens the token endpoint issues (check the scope or audience it asks for).",
    };
  }
  if (accepted.first >= ex.id) return undefined;
  const session = sessionCookie(ex);
  if (session !== undefined) {
    return {
      detail: ` The same token was accepted earlier in this run (${accepted.count} answer${accepted.count === 1 ? "" : "s"} with a 2xx so far), and this refusal sets a cookie (${session}): the partner seems to want a session cookie besides the token. Reach's sync sends the bearer token alone and keeps no cookies between requests (if the token did expire during the run, see the other findings of this operation).`,
      fix: "Authenticate every API request by its bearer token alone: no session cookie and no earlier request (user-info, a sign-in) may be needed for the next one to be accepted (the checklist: the API works without interactive login, no user session).",
    };
  }
  return {
    detail: ` The same token was accepted earlier in this run (${accepted.count} answer${accepted.count === 1 ? "" : "s"} with a 2xx so far): it expired or was revoked while the run went on.${renewal}`,
    fix: "Start the run with a token that has enough lifetime left for it (get it just before, e.g. with `reach-check login`; a large partner's run takes minutes), or give reach-check the OAuth client and a refresh token so that it renews the token when it expires; check that nothing else refreshes with the same refresh token during the run. If the token should still be valid, the partner drops tokens before their expires_in.",
  };
}

export function checkDataResponse(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, opts: ResponseCheckOptions = {}): ResponseCheck {
  const company = opts.company;
  if (ex.error) return { findings: [transportFinding(ctx, checkId, ex, op, company)], ok: false };
  const res = ex.response!;
  const expect = opts.expect ?? [200];
  const base = { operation: op, company, exchange: ex };

  if (res.status === 204 && opts.allow204) {
    return {
      ok: true,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/no-content`,
          severity: "warn",
          message: `${op.method} ${op.path} answered 204 No Content; Reach accepts it, but an empty array in a 200 is what the checklist asks for.`,
          rule: RULES.noNull,
          fix: "Answer 200 with an empty Data array when there is no data.",
        }),
      ],
    };
  }
  if (!expect.includes(res.status)) {
    const html = isHtml(ex);
    const front = frontServerAnswer(ex);
    const lapsed = tokenLapsed(ctx, ex);
    const encoded = !front && !lapsed && res.status === 404 ? encodedCompany(op, company) : undefined;
    return {
      ok: false,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/status`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${res.status}${html ? " with an HTML page" : ""} to a valid request${ex.request.auth === "none" ? "" : lapsed ? " with the run's token" : " with a valid token"}; expected ${expect.join(" or ")}.${front?.detail ?? lapsed?.detail ?? statusDetail(ctx, ex)}${encoded ? encoded.detail : ""}`,
          rule: RULES.status,
          fix: front
            ? front.fix
            : lapsed
              ? lapsed.fix
              : encoded
              ? encoded.fix
              : res.status === 401 || res.status === 403
              ? `Accept the access token Reach sends for this company on this operation.${res.status === 403 && company !== undefined ? " If this token should not read this company, user-info must not list it: Reach syncs every company user-info lists for the token." : ""}`
              : res.status >= 500
                ? "Find the server error for this request in your logs; the operation must answer valid requests."
                : "Implement the operation as the spec describes and accept the parameters shown in the request.",
          evidence: { expected: expect.join(" or "), actual: String(res.status) },
        }),
      ],
    };
  }

  const findings: Finding[] = [];
  if (!isJsonMediaType(res.contentType)) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/content-type`,
        severity: "fail",
        message: `${op.method} ${op.path} answered with Content-Type ${res.contentType ?? "(none)"}; expected application/json.`,
        rule: RULES.json,
        fix: "Send `Content-Type: application/json` (charset utf-8) with every JSON response.",
        evidence: { expected: "application/json", actual: res.contentType ?? "(no Content-Type header)" },
      }),
    );
  }
  if (res.json === undefined) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-json`,
        severity: "fail",
        message: `${op.method} ${op.path} answered ${res.status} with a body that is not JSON${res.jsonError ? ` (${res.jsonError})` : res.text === "" ? " (empty body)" : ""}.`,
        rule: RULES.json,
        fix: "Return the response as a JSON document matching the spec.",
      }),
    );
    return { findings, ok: false };
  }
  findings.push(...jsonTextFindings(ctx, checkId, op, ex, company));

  const spec = responseFor(op, res.status);
  const specPointer = spec ? responseSchemaPointer(spec) : undefined;
  if (!spec || !spec.schema || !specPointer) {
    return { findings, ok: findings.length === 0 };
  }
  const issues = ctx.validator.validate(spec.schema, res.json, { specPointer, maxIssues: 200 });
  findings.push(...schemaFindings(ctx, checkId, op, ex, issues, specPointer, company));
  return { findings, ok: !findings.some((f) => f.severity === "fail") };
}

/** The member a JSON pointer ends at, by its real name (not its ~0/~1 escaped form), quoted as JSON. */
function memberName(pointer: string): string {
  return JSON.stringify(unescapePointerSegment(pointer.split("/").pop() ?? ""));
}

/**
 * What the JSON text says that the parsed value hides: a member name given twice in one object
 * (which value a client keeps depends on its parser: a failure, as I-JSON forbids it) and numbers a
 * double cannot hold (a warning: I-JSON only advises against them).
 */
export function jsonTextFindings(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, company?: string): Finding[] {
  const res = ex.response;
  if (!res) return [];
  const out: Finding[] = [];
  if (res.duplicateKeys?.length) {
    // With different values, which one a receiver keeps depends on its parser: the data itself is
    // in doubt. With the same value twice, nothing is lost; RFC 8259 only says names SHOULD be unique.
    const conflicting = res.conflictingKeys ?? [];
    const first = conflicting[0] ?? res.duplicateKeys[0];
    const more = res.duplicateKeys.length > 1 ? ` (and ${res.duplicateKeys.length - 1} more${res.duplicateKeys.length >= 10 ? ", at least" : ""})` : "";
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/duplicate-key`,
        severity: conflicting.length > 0 ? "fail" : "warn",
        message:
          conflicting.length > 0
            ? `${op.method} ${op.path} answered JSON with the member ${memberName(first)} twice in one object at ${first}, with different values${more}; parsers disagree on which value counts.`
            : `${op.method} ${op.path} answered JSON with the member ${memberName(first)} twice in one object at ${first}, with the same value both times${more}; a strict parser refuses such JSON.`,
        rule: {
          ref: "rfc8259#section-4",
          text: "The names within a JSON object should be unique (RFC 8259 section 4; I-JSON, RFC 7493, makes it a must): with a name repeated, receivers differ on which value they keep or refuse the text.",
        },
        fix: "Write each field once per object (usually a serializer fed two properties mapped to the same name).",
        operation: op,
        company,
        pointer: first,
        exchange: ex,
        evidence: { expected: "unique member names", actual: res.duplicateKeys.join(", ") },
      }),
    );
  }
  if (res.byteOrderMark) {
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/byte-order-mark`,
        severity: "warn",
        message: `${op.method} ${op.path} starts its JSON body with a byte order mark (EF BB BF); strict JSON parsers refuse such a body.`,
        rule: { ref: "rfc8259#section-8.1", text: "Implementations must not add a byte order mark to the beginning of a networked JSON text." },
        fix: "Write the JSON as UTF-8 without a BOM (most serializers have an option; check any text writer or proxy in front of the API).",
        operation: op,
        company,
        exchange: ex,
        evidence: { expected: "a body starting with a JSON value", actual: "EF BB BF, then JSON" },
      }),
    );
  }
  if (res.impreciseNumbers?.length) {
    const first = res.impreciseNumbers[0];
    const read = Number(first.literal.replace(/…$/, ""));
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/number-precision`,
        severity: "warn",
        message: `${op.method} ${op.path} answered the number ${first.literal} at ${first.pointer || "the top level"}, which a client reading JSON numbers as doubles gets as ${String(read)}${res.impreciseNumbers.length > 1 ? ` (and ${res.impreciseNumbers.length - 1} more like it)` : ""}.`,
        rule: { ref: "rfc7493#section-2.2", text: "Numbers beyond IEEE 754 double precision or range are not interoperable: receivers read other values (I-JSON; RFC 8259 section 6)." },
        fix: "Send amounts and counts within double precision (at most 15-17 significant digits, no overflowing exponent); send an identifier that large as a string.",
        operation: op,
        company,
        pointer: first.pointer,
        exchange: ex,
        evidence: { expected: "a number a double holds exactly (or within its precision)", actual: res.impreciseNumbers.map((x) => `${x.pointer || "/"}: ${x.literal}`).join(", ") },
      }),
    );
  }
  return out;
}

/**
 * A required member missing beside an unknown one of the same name in another case (`companies`
 * for `Companies`, as a camelCase serializer writes it): one issue, the missing member's, with the
 * name that came. Everything else is returned as it was.
 */
function caseMismatches(issues: readonly SchemaIssue[]): { issues: SchemaIssue[]; sent: Map<SchemaIssue, string> } {
  const parentOf = (pointer: string) => pointer.slice(0, pointer.lastIndexOf("/"));
  const nameOf = (pointer: string) => unescapePointerSegment(pointer.slice(pointer.lastIndexOf("/") + 1));
  const unknown = new Map<string, SchemaIssue>();
  for (const i of issues) if (i.kind === "unknown-field") unknown.set(`${parentOf(i.pointer)}/${nameOf(i.pointer).toLowerCase()}`, i);
  const sent = new Map<SchemaIssue, string>();
  const paired = new Set<SchemaIssue>();
  for (const i of issues) {
    if (i.kind !== "required") continue;
    const other = unknown.get(`${parentOf(i.pointer)}/${nameOf(i.pointer).toLowerCase()}`);
    if (!other || paired.has(other)) continue;
    paired.add(other);
    sent.set(i, nameOf(other.pointer));
  }
  return { issues: issues.filter((i) => !paired.has(i)), sent };
}

/** Turn schema issues into findings, one per distinct (kind, shape of pointer). */
export function schemaFindings(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  ex: Exchange,
  all: SchemaIssue[],
  specPointer: string,
  company?: string,
): Finding[] {
  const { issues, sent } = caseMismatches(all);
  const groups = new Map<string, SchemaIssue[]>();
  for (const issue of issues) {
    const key = `${sent.has(issue) ? "name-case" : issue.kind}|${pointerShape(issue.pointer)}`;
    const list = groups.get(key);
    if (list) list.push(issue);
    else groups.set(key, [issue]);
  }
  const out: Finding[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    const more = list.length > 1 ? ` (and at ${list.length - 1} more place${list.length > 2 ? "s" : ""} like it${list.length >= 200 ? ", at least" : ""})` : "";
    const unknown = first.kind === "unknown-field";
    const name = memberName(first.pointer);
    const came = sent.get(first);
    if (came !== undefined) {
      out.push(
        makeFinding(ctx, {
          code: `${checkId}/name-case`,
          severity: "fail",
          message: `Field ${JSON.stringify(came)} differs from the spec's ${name} only in case${more}: JSON names are case-sensitive, so ${name} is missing.`,
          rule: {
            ref: `openapi:${first.schemaPointer || specPointer}`,
            text: `The ${ex.response?.status ?? ""} response of ${op.method} ${op.path} must match its schema in the spec${OPERATION_TAG(op)}; member names match exactly, case included.`,
          },
          fix: `Send the field as ${name}: Reach's names are PascalCase and case-sensitive. A serializer's camelCase naming policy lowers them (ASP.NET Core: set JsonSerializerOptions.PropertyNamingPolicy to null; Jackson: PropertyNamingStrategies.UPPER_CAMEL_CASE).`,
          operation: op,
          company,
          pointer: first.pointer,
          exchange: ex,
          evidence: { expected: name, actual: JSON.stringify(came) },
        }),
      );
      continue;
    }
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/${first.kind}`,
        severity: first.severity,
        message: unknown
          ? `Field ${name} is not in the spec's schema for ${op.method} ${op.path}${more}.`
          : `${first.message}${more}.`.replace(/\.\./g, "."),
        rule: unknown
          ? { ...RULES.fields, ref: `openapi:${first.schemaPointer || specPointer}` }
          : {
              ref: `openapi:${first.schemaPointer || specPointer}`,
              text: `The ${ex.response?.status ?? ""} response of ${op.method} ${op.path} must match its schema in the spec${OPERATION_TAG(op)}.`,
            },
        fix: unknown
          ? `Remove ${name} from the response (Reach ignores it; run with --strict to treat it as a failure), or ask Reach to add it to the spec.`
          : first.kind === "required"
            ? // Its expected value is "present", which reads wrong where a value goes.
              `Return the required field ${name} at ${pointerShape(first.pointer)}; the schema is at ${first.schemaPointer || specPointer}.`
            : `Return ${first.expected} at ${pointerShape(first.pointer) || "the top level"}; the schema is at ${first.schemaPointer || specPointer}.`,
        operation: op,
        company,
        pointer: first.pointer,
        exchange: ex,
        evidence: { expected: first.expected, actual: first.actual },
      }),
    );
  }
  return out;
}
