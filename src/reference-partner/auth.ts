/**
 * Bearer-token checks for user-info and the data operations (RFC 6750): 401 with a
 * WWW-Authenticate challenge for a missing, invalid or expired token, with no error attribute when
 * no token was sent at all. Tokens in the query string are refused: they end up in logs.
 */
import type { ServerReply, ServerRequest } from "../http/server.js";
import type { PartnerContext } from "./context.js";
import type { Grant } from "./tokens.js";

export type AuthOutcome = { grant: Grant } | { reply: ServerReply };

function unauthorized(ctx: PartnerContext, message: string, invalidToken: boolean): AuthOutcome {
  const headers: Record<string, string> = {};
  // defect: no-www-authenticate
  if (!ctx.defects.has("no-www-authenticate")) {
    headers["www-authenticate"] = invalidToken ? 'Bearer realm="reach", error="invalid_token"' : 'Bearer realm="reach"';
  }
  return { reply: ctx.respond.error(401, { error: "Unauthorized", message, level: 8 }, headers) };
}

export function authenticate(ctx: PartnerContext, req: ServerRequest): AuthOutcome {
  const header = req.headers["authorization"];
  let token: string | undefined;
  if (header !== undefined) {
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!m) return unauthorized(ctx, "The Authorization header must be 'Bearer <access token>'.", true);
    token = m[1];
  } else if (req.url.searchParams.has("access_token")) {
    // defect: token-in-query
    if (!ctx.defects.has("token-in-query")) {
      return unauthorized(ctx, "Access tokens are not accepted in the query string; send an Authorization: Bearer header.", false);
    }
    token = req.url.searchParams.get("access_token") ?? "";
  } else {
    return unauthorized(ctx, "Access token is missing.", false);
  }
  const found = ctx.tokens.lookupAccessToken(token);
  if ("problem" in found) {
    return unauthorized(ctx, found.problem === "expired" ? "Access token has expired." : "Access token is invalid.", true);
  }
  return { grant: found.grant };
}
