/**
 * The Authentication operations: discovery, authorize (auto-approving the demo user, no UI),
 * token (authorization_code and refresh_token grants, client_secret_post) and user-info.
 * Token errors follow RFC 6749 section 5.2, authorize errors section 4.1.2.1.
 */
import type { ServerReply, ServerRequest } from "../http/server.js";
import { baseUrlOf, DEFAULT_SCOPE, SUPPORTED_SCOPES, type PartnerContext } from "./context.js";
import { ACCESS_TOKEN_LIFETIME_SECONDS, sameSecret, type Grant } from "./tokens.js";
import { authenticate } from "./auth.js";

export function discovery(ctx: PartnerContext, req: ServerRequest): ServerReply {
  const base = baseUrlOf(req.url);
  return ctx.respond.json(200, {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize`,
    // defect: discovery-wrong-token-endpoint
    token_endpoint: ctx.defects.has("discovery-wrong-token-endpoint") ? `${base}/oauth/token` : `${base}/oauth2/token`,
    grant_types_supported: ["authorization_code", "refresh_token"],
    response_types_supported: ["code"],
    scopes_supported: [...SUPPORTED_SCOPES],
    token_endpoint_auth_methods_supported: ["client_secret_post"],
  });
}

/** Parameters that appear more than once make an OAuth request invalid (RFC 6749 section 3.1). */
function repeated(params: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

function validRedirectUri(value: string | null): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hash) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** Space-separated scopes, checked against the supported list; undefined when one is unknown. */
function normaliseScope(value: string | null): string | undefined {
  if (value === null || value.trim() === "") return DEFAULT_SCOPE;
  const parts = value.trim().split(/ +/);
  if (parts.some((p) => !(SUPPORTED_SCOPES as readonly string[]).includes(p))) return undefined;
  return [...new Set(parts)].join(" ");
}

export function authorize(ctx: PartnerContext, req: ServerRequest): ServerReply {
  const q = req.url.searchParams;
  const clientId = q.get("client_id");
  // defect: authorize-missing
  if (ctx.defects.has("authorize-missing")) return ctx.respond.error(404, { error: "NotFound", message: "No such route.", level: 6 });
  // Without a known client and a usable redirect_uri there is nowhere safe to send the answer.
  if (!clientId) return ctx.respond.oauthError(400, "invalid_request", "client_id is required.");
  // defect: authorize-open-redirect (an unknown client is sent on to whatever redirect_uri it names)
  if (!sameSecret(clientId, ctx.clientId) && ctx.defects.has("authorize-open-redirect") && validRedirectUri(q.get("redirect_uri"))) {
    const target = new URL(q.get("redirect_uri")!);
    target.searchParams.set("error", "unauthorized_client");
    if (q.get("state") !== null) target.searchParams.set("state", q.get("state")!);
    return { status: 302, headers: { location: target.href, "cache-control": "no-store" }, body: "" };
  }
  if (!sameSecret(clientId, ctx.clientId)) return ctx.respond.oauthError(400, "invalid_request", "client_id is not a registered client.");
  const redirect = validRedirectUri(q.get("redirect_uri"));
  if (!redirect) {
    return ctx.respond.oauthError(400, "invalid_request", "redirect_uri is required and must be an absolute http(s) URL without a fragment.");
  }
  const state = q.get("state");
  const back = (params: Record<string, string>): ServerReply => {
    const target = new URL(redirect.href);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    if (state !== null) target.searchParams.set("state", state);
    return { status: 302, headers: { location: target.href, "cache-control": "no-store" }, body: "" };
  };
  const dup = repeated(q);
  if (dup) return back({ error: "invalid_request", error_description: `${dup} was given more than once.` });
  const responseType = q.get("response_type");
  if (!responseType) return back({ error: "invalid_request", error_description: "response_type is required." });
  if (responseType !== "code") return back({ error: "unsupported_response_type", error_description: "Only response_type=code is supported." });
  const scope = normaliseScope(q.get("scope"));
  if (scope === undefined) return back({ error: "invalid_scope", error_description: `Supported scopes: ${SUPPORTED_SCOPES.join(" ")}.` });
  // The demo user approves at once and may read every company.
  const companies = ctx.dataset.companies().map((c) => c.id);
  const code = ctx.tokens.addCode({ clientId, redirectUri: q.get("redirect_uri")!, scope, companies });
  return back({ code });
}

function tokenAnswer(ctx: PartnerContext, grant: Grant, refreshToken: string): ServerReply {
  const accessToken = ctx.tokens.addAccessToken(grant, ACCESS_TOKEN_LIFETIME_SECONDS);
  const reply = ctx.respond.json(
    200,
    {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      scope: grant.scope,
      refresh_token: refreshToken,
    },
    { headers: { pragma: "no-cache" } },
  );
  // defect: token-cacheable
  if (ctx.defects.has("token-cacheable")) {
    const { "cache-control": _cc, pragma: _pragma, ...headers } = reply.headers ?? {};
    return { ...reply, headers };
  }
  return reply;
}

export function token(ctx: PartnerContext, req: ServerRequest): ServerReply {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return ctx.respond.oauthError(400, "invalid_request", "The token request must be an application/x-www-form-urlencoded body.");
  }
  const form = new URLSearchParams(req.body.toString("utf8"));
  const dup = repeated(form);
  if (dup) return ctx.respond.oauthError(400, "invalid_request", `${dup} was given more than once.`);
  const grantType = form.get("grant_type");
  if (!grantType) return ctx.respond.oauthError(400, "invalid_request", "grant_type is required.");
  const clientId = form.get("client_id") ?? "";
  const clientSecret = form.get("client_secret") ?? "";
  // defect: any-client-id
  const clientKnown = ctx.defects.has("any-client-id") || sameSecret(clientId, ctx.clientId);
  // defect: client-secret-optional
  const secretRight = (ctx.defects.has("client-secret-optional") && clientSecret === "") || sameSecret(clientSecret, ctx.clientSecret);
  if (!clientKnown || !secretRight) {
    return ctx.respond.oauthError(401, "invalid_client", "Client authentication failed (client_secret_post).");
  }

  if (grantType === "authorization_code") {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (!code) return ctx.respond.oauthError(400, "invalid_request", "code is required for the authorization_code grant.");
    if (!redirectUri) return ctx.respond.oauthError(400, "invalid_request", "redirect_uri is required for the authorization_code grant.");
    const entry = ctx.tokens.takeCode(code);
    if (!entry || entry.expired) return ctx.respond.oauthError(400, "invalid_grant", "The authorization code is invalid, expired or already used.");
    if (entry.clientId !== clientId) return ctx.respond.oauthError(400, "invalid_grant", "The authorization code was issued to another client.");
    if (entry.redirectUri !== redirectUri) {
      return ctx.respond.oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request.");
    }
    const grant = { companies: entry.companies, scope: entry.scope };
    return tokenAnswer(ctx, grant, ctx.tokens.addRefreshToken(grant));
  }

  if (grantType === "refresh_token") {
    // defect: refresh-broken
    if (ctx.defects.has("refresh-broken")) return ctx.respond.oauthError(500, "server_error", "The refresh grant failed unexpectedly.");
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) return ctx.respond.oauthError(400, "invalid_request", "refresh_token is required for the refresh_token grant.");
    const grant = ctx.tokens.lookupRefreshToken(refreshToken);
    if (!grant) return ctx.respond.oauthError(400, "invalid_grant", "The refresh token is invalid or revoked.");
    const asked = form.get("scope");
    let scope = grant.scope;
    if (asked !== null) {
      const granted = new Set(grant.scope.split(" "));
      const parts = asked.trim().split(/ +/).filter(Boolean);
      if (parts.length === 0 || parts.some((p) => !granted.has(p))) {
        return ctx.respond.oauthError(400, "invalid_scope", "The requested scope exceeds the scope originally granted.");
      }
      scope = [...new Set(parts)].join(" ");
    }
    // defect: refresh-fewer-companies
    const companies = ctx.defects.has("refresh-fewer-companies") ? grant.companies.slice(0, 1) : grant.companies;
    return tokenAnswer(ctx, { companies, scope }, refreshToken);
  }

  // defect: unknown-grant-500
  if (ctx.defects.has("unknown-grant-500")) return ctx.respond.oauthError(500, "server_error", "Unexpected grant type.");
  return ctx.respond.oauthError(400, "unsupported_grant_type", "Supported grant types: authorization_code, refresh_token.");
}

export function userInfo(ctx: PartnerContext, req: ServerRequest): ServerReply {
  const auth = authenticate(ctx, req);
  if ("reply" in auth) return auth.reply;
  const allowed = new Set(auth.grant.companies);
  const companies = ctx.dataset
    .companies()
    // defect: user-info-all-companies
    .filter((c) => allowed.has(c.id) || ctx.defects.has("user-info-all-companies"))
    .map((c) => ({ CompanyId: c.id, CompanyName: c.name }));
  return ctx.respond.json(200, { ...ctx.user, Companies: companies });
}
