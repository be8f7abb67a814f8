/**
 * Bearer-token checks for user-info and the data operations (RFC 6750): 401 with a
 * WWW-Authenticate challenge for a missing, invalid or expired token, with no error attribute when
 * no token was sent at all. Tokens in the query string are refused: they end up in logs.
 */
import type { ServerReply, ServerRequest } from "../http/server.js";
import type { PartnerContext } from "./context.js";
import type { Grant } from "./tokens.js";

export type AuthOutcome = { grant: Grant } | { reply: ServerReply };

/** `data`: the request is for a company operation (some switches bend only those). */
function unauthorized(ctx: PartnerContext, message: string, invalidToken: boolean, data: boolean): AuthOutcome {
  const d = ctx.defects;
  const headers: Record<string, string> = {};
  // defect: no-www-authenticate, data-401-no-challenge
  const silent = d.has("no-www-authenticate") || (data && d.has("data-401-no-challenge"));
  // defect: error-code-without-token
  const errorCode = invalidToken || d.has("error-code-without-token");
  if (!silent) headers["www-authenticate"] = errorCode ? 'Bearer realm="reach", error="invalid_token"' : 'Bearer realm="reach"';
  // defect: data-401-basic-challenge
  if (!silent && data && d.has("data-401-basic-challenge")) headers["www-authenticate"] = 'Basic realm="reach"';
  return { reply: ctx.respond.error(401, { error: "Unauthorized", message, level: 8 }, headers) };
}

export function authenticate(ctx: PartnerContext, req: ServerRequest, data = false): AuthOutcome {
  const header = req.headers["authorization"];
  let token: string | undefined;
  if (header !== undefined) {
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    // defect: basic-auth-bypass (only Bearer credentials are checked; any other scheme reads every company)
    if (!m && data && ctx.defects.has("basic-auth-bypass") && !/^\s*Bearer(\s|$)/i.test(header)) {
      return { grant: { companies: ctx.dataset.companies().map((c) => c.id), scope: "read:company" } };
    }
    if (!m) return unauthorized(ctx, "The Authorization header must be 'Bearer <access token>'.", true, data);
    token = m[1];
  } else if (req.url.searchParams.has("access_token")) {
    // defect: token-in-query
    if (!ctx.defects.has("token-in-query")) {
      return unauthorized(ctx, "Access tokens are not accepted in the query string; send an Authorization: Bearer header.", false, data);
    }
    token = req.url.searchParams.get("access_token") ?? "";
  } else {
    return unauthorized(ctx, "Access token is missing.", false, data);
  }
  const found = ctx.tokens.lookupAccessToken(token);
  if ("problem" in found) {
    const message = found.problem === "expired" ? "Access token has expired." : "Access token is invalid.";
    // defect: invalid-token-403
    if (ctx.defects.has("invalid-token-403")) return { reply: ctx.respond.error(403, { error: "Forbidden", message, level: 8 }) };
    return unauthorized(ctx, message, true, data);
  }
  return { grant: found.grant };
}
