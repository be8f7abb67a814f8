import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { operationPath } from "../../engine/shared-data.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { CREDENTIALS_MISSING, postToken, refreshForm, tokenOperation } from "../support/oauth.js";
import { checkDataResponse } from "../support/response.js";

const RULE = {
  ref: "reach:openapi#authentication-flow",
  text: "When an access token expires, Reach calls the token endpoint with the refresh token (grant_type=refresh_token, client_secret_post) and gets a new access token, with no user present; the new token works on every data operation.",
};

/** Sends one data request with the new token; a refusal is the finding. */
async function tryToken(ctx: ProbeContext, checkId: string, op: Operation, token: string, company?: string): Promise<{ findings: Finding[]; ex: Exchange }> {
  const ex = await ctx.http.send({ method: "GET", path: operationPath(op, company), auth: { bearer: token }, operation: { method: op.method, path: op.path } });
  if (ex.error) return { ex, findings: [transportFinding(ctx, checkId, ex, op, company)] };
  const status = ex.response!.status;
  if (status >= 200 && status < 300) return { ex, findings: [] };
  return {
    ex,
    findings: [
      makeFinding(ctx, {
        code: `${checkId}/new-token-refused`,
        severity: "fail",
        message: `The access token issued by the refresh grant was refused by ${op.method} ${op.path} with ${status}.`,
        rule: RULE,
        fix: "Make access tokens issued by the refresh grant valid for the same companies and operations as the first one.",
        operation: op,
        company,
        exchange: ex,
        evidence: { expected: "200", actual: String(status) },
      }),
    ],
  };
}

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
    "Trades the refresh token for a new access token as Reach does before a sync (client_secret_post), validates the token response against the spec, and uses the new token on user-info and a company operation. A rotated refresh token is reported and never reused.",
  // The refused requests go first: a partner that rotates refresh tokens invalidates the one we hold.
  after: ["reachability.connection", "oauth.invalid-client", "oauth.invalid-grant"],
  async run(ctx) {
    if (!ctx.credentials) return { findings: [], skip: CREDENTIALS_MISSING };
    if (ctx.results.get("reachability.connection")?.status === "fail") return { findings: [], skip: "Skipped: reachability.connection failed." };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    const ex = await postToken(ctx, op, refreshForm(ctx.credentials));
    ctx.data.recordSyncExchange(ex);
    const checked = checkDataResponse(ctx, this.id, op, ex);
    // RFC 6749 section 5.1: a client ignores the token response's members it does not know (an
    // OpenID Connect provider adds id_token, others their own); they are listed, never judged, not
    // even with --strict.
    const findings: Finding[] = checked.findings.map((f) =>
      f.code === `${this.id}/unknown-field`
        ? { ...f, severity: "info" as const, rule: UNKNOWN_TOKEN_MEMBER, fix: "Nothing to do: Reach ignores it." }
        : f,
    );
    const body = ex.response?.json as Record<string, unknown> | undefined;
    // The stored exchange shows the issued tokens redacted; the client hands out the real ones.
    const access = ex.response?.status === 200 ? ctx.http.issuedSecret(ex, "access_token") : undefined;
    if (access === undefined || access === "") {
      return { findings, summary: findings.length === 0 ? undefined : "The refresh grant gave no usable access token." };
    }
    const kind = typeof body?.token_type === "string" ? `a ${body.token_type} token` : "a token without a token_type";
    const life = typeof body?.expires_in === "number" ? ` for ${body.expires_in} s` : " with no expires_in";
    const notes: string[] = [`Refresh grant answered ${ex.response!.status} with ${kind}${life}`];
    const issuedRefresh = ctx.http.issuedSecret(ex, "refresh_token");
    const rotated = issuedRefresh !== undefined && issuedRefresh !== ctx.credentials.refreshToken;
    // Compared, never shown: the report says whether it changed, not what it is.
    notes.push(
      rotated
        ? "the partner rotated the refresh token (RFC 6749 section 6): the one in REACH_REFRESH_TOKEN may no longer work, so reach-check did not use it again; get a fresh one with `reach-check login`"
        : "the refresh token was not rotated",
    );
    const used: string[] = [];
    const userInfo = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    if (userInfo) {
      const r = await tryToken(ctx, this.id, userInfo, access);
      findings.push(...r.findings);
      used.push(`${userInfo.method} ${userInfo.path} ${r.ex.response?.status ?? r.ex.error?.code}`);
    }
    const company = ctx.companies[0];
    const companyOp = ctx.contract.operations.find((o) => o.profile.role === "company-info");
    if (company !== undefined && companyOp) {
      const r = await tryToken(ctx, this.id, companyOp, access, company);
      findings.push(...r.findings);
      used.push(`${companyOp.method} ${companyOp.path} ${r.ex.response?.status ?? r.ex.error?.code}`);
    }
    if (used.length > 0) notes.push(`the new token was used on ${used.join(", ")}`);
    return { findings, summary: `${notes.join("; ")}.` };
  },
};
