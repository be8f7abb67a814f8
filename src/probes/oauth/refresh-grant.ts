import { cacheDirectives } from "../../util/cache-control.js";
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { operationPath } from "../../engine/shared-data.js";
import { listedCompanies } from "../../engine/companies.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { CREDENTIALS_MISSING, postToken, refreshForm, tokenOperation } from "../support/oauth.js";
import { afterRetries, checkDataResponse } from "../support/response.js";

const RULE = {
  ref: "reach:openapi#authentication-flow",
  text: "When an access token expires, Reach calls the token endpoint with the refresh token (grant_type=refresh_token, client_secret_post) and gets a new access token, with no user present; the new token works on every data operation.",
};

/** Sends one data request with the new token; a refusal is the finding. */
/** The shell variable a curl line keeps the refreshed access token in (see withRefreshedToken). */
const REFRESHED_ENV = "REACH_REFRESHED_TOKEN";

/**
 * A finding about a request sent with the refreshed token, whose curl line first asks for that
 * token as the grant did (REACH_REFRESH_TOKEN and REACH_CLIENT_SECRET as variables), keeps the
 * answer's access_token in $REACH_REFRESHED_TOKEN, then repeats the request with it: the token
 * itself is never written down, and the line reproduces the finding on its own.
 */
function withRefreshedToken(ctx: ProbeContext, grant: Exchange, f: Finding): Finding {
  if (!f.curl) return f;
  const take = `node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(String(JSON.parse(s).access_token)))'`;
  // The token request's answer goes to node as JSON alone: without the status line and headers (-i).
  const ask = ctx.http.curl(grant).replace(/^curl -sS -i /, "curl -sS ");
  return { ...f, curl: `${REFRESHED_ENV}="$(${ask} | ${take})" && ${f.curl}` };
}

async function tryToken(ctx: ProbeContext, checkId: string, op: Operation, token: string, company?: string): Promise<{ findings: Finding[]; ex: Exchange }> {
  const ex = await ctx.http.send({ method: "GET", path: operationPath(op, company), auth: { bearer: token, envName: REFRESHED_ENV }, operation: { method: op.method, path: op.path } });
  if (ex.error) return { ex, findings: [transportFinding(ctx, checkId, ex, op, company)] };
  const status = ex.response!.status;
  if (status >= 200 && status < 300) return { ex, findings: [] };
  // A 429 or 503 is the partner's rate limit or maintenance, not a verdict on the token
  // (reliability.rehearsal judges the limit).
  const limited = status === 429 || status === 503;
  const tries = afterRetries(ex);
  return {
    ex,
    findings: [
      makeFinding(ctx, {
        code: `${checkId}/${limited ? "new-token-untried" : "new-token-refused"}`,
        severity: limited ? "warn" : "fail",
        message: limited
          ? `The access token issued by the refresh grant could not be tried: ${op.method} ${op.path} answered ${status}${tries}, so whether it reads the data is unknown.`
          : `The access token issued by the refresh grant was refused by ${op.method} ${op.path} with ${status}.`,
        rule: RULE,
        fix: limited
          ? "Let the request through once its Retry-After has passed, then run reach-check again to see the refreshed token used."
          : "Make access tokens issued by the refresh grant valid for the same companies and operations as the first one.",
        operation: op,
        company,
        exchange: ex,
        evidence: { expected: "200", actual: limited ? `${status}${tries}` : String(status) },
      }),
    ],
  };
}

const SAME_COMPANIES = {
  ref: "rfc6749#section-6",
  text: "A refreshed token carries the scope originally granted (an omitted scope means the same scope), and Reach refreshes with no user re-authentication: the new access token reads the same customer data as the one it replaces.",
};

const NO_STORE = {
  ref: "rfc6749#section-5.1",
  text: 'The authorization server MUST include the HTTP "Cache-Control" response header field with a value of "no-store" in any response containing tokens.',
};


/**
 * Compares the companies user-info lists for the refreshed token with those it lists for the run's
 * token. A warning, not a failure: reach-check cannot know that REACH_ACCESS_TOKEN and
 * REACH_REFRESH_TOKEN come from the same sign-in, and a customer whose access to a company was
 * withdrawn since may rightly get a narrower token. More companies are not judged here (the
 * company-scope check is about reading what a token was not given).
 */
async function lostCompanies(ctx: ProbeContext, checkId: string, op: Operation, fresh: Exchange): Promise<Finding[]> {
  const now = listedCompanies(op, fresh);
  if (now === undefined) return [];
  const before = listedCompanies(op, await ctx.data.userInfo());
  if (before === undefined) return [];
  const lost = before.filter((id) => !now.includes(id));
  if (lost.length === 0) return [];
  const pointer = op.profile.companiesPointer!;
  return [
    makeFinding(ctx, {
      code: `${checkId}/fewer-companies`,
      severity: "warn",
      message: `The access token issued by the refresh grant lists ${now.length} of the ${before.length} companies the run's token lists on ${op.method} ${op.path} (${pointer}): ${lost.map((id) => JSON.stringify(id)).join(", ")} ${lost.length === 1 ? "is" : "are"} missing, so Reach's syncs would stop reading ${lost.length === 1 ? "it" : "them"} after the first refresh.`,
      rule: SAME_COMPANIES,
      fix: "Issue refreshed tokens for the same companies as the grant they renew (unless the customer's access really changed); do not re-derive them from a default company. If REACH_ACCESS_TOKEN comes from another sign-in than REACH_REFRESH_TOKEN, take both from one `reach-check login`.",
      operation: op,
      pointer,
      exchange: fresh,
      evidence: { expected: `companies ${before.map((id) => JSON.stringify(id)).join(", ")}`, actual: now.length === 0 ? "no companies" : `companies ${now.map((id) => JSON.stringify(id)).join(", ")}` },
    }),
  ];
}

const TOKEN_TYPE_CASE = {
  ref: "rfc6749#section-5.1",
  text: 'token_type is case-insensitive (RFC 6749 section 5.1); Reach\'s spec gives it as "Bearer".',
};

const KEEP_REFRESH = {
  ref: "rfc6749#section-6",
  text: "The authorization server MAY issue a new refresh token, in which case the client MUST discard the old one; when it issues none, the client keeps using the one it has. Reach's syncs run unattended (REACH_API_FACTS: tokens long-lived or renewed automatically, with no manual step).",
};

const UNKNOWN_TOKEN_MEMBER = {
  ref: "rfc6749#section-5.1",
  text: "The client must ignore unrecognized value names in the token response.",
};

export const probe: Probe = {
  id: "oauth.refresh-grant",
  family: "oauth",
  step: 3,
  title: "The refresh grant issues a working access token",
  description:
    "Trades the refresh token for a new access token as Reach does before a sync (client_secret_post), validates the token response against the spec, and uses the new token on user-info and a company operation. A rotated refresh token is reported and never reused; one that was not rotated is sent once more, and must still be accepted.",
  // The refused requests go first: a partner that rotates refresh tokens invalidates the one we hold.
  after: ["reachability.connection", "oauth.invalid-client", "oauth.invalid-grant"],
  spendsToken: true,
  async run(ctx) {
    if (!ctx.credentials) return { findings: [], skip: CREDENTIALS_MISSING };
    if (ctx.results.get("reachability.connection")?.status === "fail") return { findings: [], skip: "Skipped: reachability.connection failed." };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    // Read before the grant: a partner may revoke the run's token when it issues a new one.
    const company = ctx.companies[0];
    const companyOp = ctx.contract.operations.find((o) => o.profile.role === "company-info");
    const companyRead = company !== undefined && companyOp ? await ctx.data.companyInfo(company) : undefined;
    const ex = await postToken(ctx, op, refreshForm(ctx.credentials));
    ctx.data.recordSyncExchange(ex);
    const checked = checkDataResponse(ctx, this.id, op, ex);
    // RFC 6749 section 5.1: a client ignores the token response's members it does not know (an
    // OpenID Connect provider adds id_token, others their own); they are listed, never judged, not
    // even with --strict.
    // invalid_grant for the refresh token the user handed in: most often the token is spent (a
    // partner that rotates refresh tokens takes each once, and an earlier run or sign-in used it) or
    // expired; a broken grant looks the same until a fresh token is refused too.
    const grantRefused =
      ex.response?.status === 400 && (ex.response.json as Record<string, unknown> | undefined)?.error === "invalid_grant";
    const body = ex.response?.json as Record<string, unknown> | undefined;
    // 401 (or invalid_client): the endpoint refused the OAuth client, not a token; most often it
    // does not take the credentials in the form body (client_secret_post), as Reach sends them.
    const clientRefused = ex.response?.status === 401 || (ex.response !== undefined && ex.response.status >= 400 && body?.error === "invalid_client");
    const tokenType = body?.token_type;
    const findings: Finding[] = checked.findings.map((f) =>
      // "bearer" is not Reach's spelling, but RFC 6749 section 5.1 makes the value case-insensitive:
      // a client that follows the RFC reads it, so it is a warning, not a refusal.
      f.code === `${this.id}/enum` && f.pointer === "/token_type" && typeof tokenType === "string" && tokenType.toLowerCase() === "bearer"
        ? {
            ...f,
            code: `${this.id}/token-type-case`,
            severity: "warn" as const,
            message: `${op.method} ${op.path} answered token_type "${tokenType}", where Reach's spec spells it "Bearer". RFC 6749 section 5.1 makes the value case-insensitive, so an OAuth client that follows it accepts this; a client that compares it as written does not.`,
            rule: TOKEN_TYPE_CASE,
            fix: 'Send token_type "Bearer", as Reach\'s spec spells it.',
          }
        : f.code === `${this.id}/unknown-field`
        ? { ...f, severity: "info" as const, rule: UNKNOWN_TOKEN_MEMBER, fix: "Nothing to do: Reach ignores it." }
        : clientRefused && f.code === `${this.id}/status`
          ? {
              ...f,
              message: `${op.method} ${op.path} refused the refresh request's client authentication (${ex.response!.status}${typeof body?.error === "string" ? ` ${body.error}` : ""}): REACH_CLIENT_ID and REACH_CLIENT_SECRET went in the form body (client_secret_post), as Reach sends them. The refresh grant could not be checked.`,
              fix: "Accept client_id and client_secret in the form body of token requests (client_secret_post; an identity provider may need it enabled for the client), and check that REACH_CLIENT_ID and REACH_CLIENT_SECRET are the client's.",
            }
        : grantRefused && f.code === `${this.id}/status`
          ? {
              ...f,
              code: `${this.id}/refresh-token-refused`,
              message: `${op.method} ${op.path} refused the refresh token in REACH_REFRESH_TOKEN with 400 invalid_grant: it is expired, revoked or already used (a partner that rotates refresh tokens accepts each one once, so an earlier run of reach-check or another sign-in may have spent it). The refresh grant could not be checked.`,
              fix: "Get a fresh refresh token with `reach-check login` and run again (with a partner that rotates them, once per run). If a fresh token is refused too, the refresh grant is broken: it must accept a refresh token it issued and has not revoked.",
            }
          : f,
    );
    if (ex.response?.status === 200 && !cacheDirectives(ex.response.headers["cache-control"]).some((d) => d.name === "no-store")) {
      // A warning, not a failure: Reach calls the token endpoint server to server, so no browser
      // cache is involved; but a proxy, CDN or gateway in between may keep a cacheable response
      // and hand live tokens to whoever asks next. Pragma: no-cache only matters to HTTP/1.0
      // caches (RFC 9111 deprecates it), so its absence is not reported.
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/cacheable-tokens`,
          severity: "warn",
          message: `The token response carrying the new tokens ${ex.response.headers["cache-control"] === undefined ? "has no Cache-Control header" : `has Cache-Control: ${ex.response.headers["cache-control"]}, without no-store`}: a cache between Reach and the partner may keep the tokens and hand them out again.`,
          rule: NO_STORE,
          fix: "Send Cache-Control: no-store (and, for HTTP/1.0 caches, Pragma: no-cache) on every token response.",
          operation: op,
          exchange: ex,
          headers: ["cache-control", "pragma"],
          evidence: { expected: "Cache-Control: no-store", actual: ex.response.headers["cache-control"] ?? "(no Cache-Control)" },
        }),
      );
    }
    // The stored exchange shows the issued tokens redacted; the client hands out the real ones.
    const access = ex.response?.status === 200 ? ctx.http.issuedSecret(ex, "access_token") : undefined;
    if (access === undefined || access === "") {
      // The wrong-client requests go first; when one was answered with tokens, a rotating partner
      // has spent the refresh token this grant used, which explains a refusal here.
      const spent = ctx.results.get("oauth.invalid-client")?.findings.some((f) => f.code === "oauth.invalid-client/accepted");
      const why = spent
        ? " oauth.invalid-client got tokens for a request with bad client credentials first; if the partner rotates refresh tokens, that spent REACH_REFRESH_TOKEN: fix that check first, then get a fresh token with `reach-check login`."
        : "";
      return { findings, summary: findings.length === 0 ? undefined : `The refresh grant gave no usable access token.${why}` };
    }
    const kind = typeof body?.token_type === "string" ? `a ${body.token_type} token` : "a token without a token_type";
    const life =
      typeof body?.expires_in === "number"
        ? ` for ${body.expires_in} s`
        : body?.expires_in === undefined
          ? " with no expires_in"
          : ` with expires_in ${JSON.stringify(body.expires_in).slice(0, 40)}, not a number`;
    const notes: string[] = [`Refresh grant answered ${ex.response!.status} with ${kind}${life}`];
    const issuedRefresh = ctx.http.issuedSecret(ex, "refresh_token");
    const rotated = issuedRefresh !== undefined && issuedRefresh !== ctx.credentials.refreshToken;
    // Compared, never shown: the report says whether it changed, not what it is.
    if (rotated) {
      // The one that works now: a renewal of the run's token later in the run uses it, and
      // --refresh-token-out keeps it. The one given is spent; a partner with reuse detection revokes
      // every token of the grant when it is presented again.
      ctx.credentials.refreshToken = issuedRefresh;
      notes.push(
        "the partner rotated the refresh token (RFC 6749 section 6): the one in REACH_REFRESH_TOKEN is spent and reach-check did not send it again (a partner with reuse detection revokes every token of the grant when a spent one comes back); keep the new one with --refresh-token-out FILE, or get a fresh one with `reach-check login`",
      );
    }
    const used: string[] = [];
    const userInfo = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    if (userInfo) {
      const r = await tryToken(ctx, this.id, userInfo, access);
      findings.push(...r.findings.map((f) => withRefreshedToken(ctx, ex, f)));
      used.push(`${userInfo.method} ${userInfo.path} ${r.ex.response?.status ?? r.ex.error?.code}`);
      findings.push(...(await lostCompanies(ctx, this.id, userInfo, r.ex)).map((f) => withRefreshedToken(ctx, ex, f)));
    }
    // Only a company the run's own token reads says something about the new token: when that
    // token is refused there too, the company id is the problem (schema.company-info says so).
    const readStatus = companyRead?.response?.status;
    if (company !== undefined && companyOp && readStatus !== undefined && readStatus >= 200 && readStatus < 300) {
      const r = await tryToken(ctx, this.id, companyOp, access, company);
      findings.push(...r.findings.map((f) => withRefreshedToken(ctx, ex, f)));
      used.push(`${companyOp.method} ${companyOp.path} ${r.ex.response?.status ?? r.ex.error?.code}`);
    }
    if (used.length > 0) notes.push(`the new token was used on ${used.join(", ")}`);
    // No new refresh token (or the same one back): the client keeps the one it has (RFC 6749
    // section 6), so that one must still work, or the next sync has nothing to refresh with.
    if (!rotated) {
      const again = await postToken(ctx, op, refreshForm(ctx.credentials));
      ctx.data.recordSyncExchange(again);
      const status = again.response?.status;
      const refused = status === 400 || status === 401 || status === 403;
      const what = issuedRefresh === undefined ? "issued no refresh token in its place" : "gave the same refresh token back";
      if (refused) {
        const error = (again.response?.json as Record<string, unknown> | undefined)?.error;
        const answer = `${status}${typeof error === "string" ? ` ${error}` : ""}`;
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/refresh-token-spent`,
            severity: "fail",
            message: `The refresh grant took the refresh token and ${what}, but the token is no longer accepted: sent once more, it was refused with ${answer}. After its first refresh, Reach would hold no refresh token that works, and the customer would have to sign in again before every sync.`,
            rule: KEEP_REFRESH,
            fix: "Either keep a refresh token valid after use (until it expires or is revoked), or issue a new refresh_token in every refresh response (rotation) and accept that one next time.",
            operation: op,
            exchange: again,
            evidence: { expected: `the refresh token accepted again (no new one was issued)`, actual: answer },
          }),
        );
        notes.push(`no new refresh token was issued and the old one was refused when used again`);
      } else if (status !== undefined && status >= 200 && status < 300) {
        notes.push(`the refresh token was not rotated and was accepted again`);
      } else {
        notes.push(`the refresh token was not rotated; using it again gave ${status ?? again.error?.code}`);
      }
    }
    return { findings, summary: `${notes.join("; ")}.` };
  },
};
