import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { checkDataResponse } from "../support/response.js";
import { isLoopbackHost } from "../../http/address.js";

const RULE = {
  ref: "openapi:#/paths/~1auth~1oauth-discovery/get",
  text: "GET /auth/oauth-discovery answers, without a token, a JSON discovery document naming the authorization and token endpoints, the grants and the client authentication Reach uses.",
};

/** Values Reach's flow depends on: the authorization-code and refresh grants, the code response type, client_secret_post. */
const EXPECTED_MEMBERS: { field: string; value: string; why: string }[] = [
  { field: "grant_types_supported", value: "authorization_code", why: "Reach signs customers in with the authorization-code flow" },
  { field: "grant_types_supported", value: "refresh_token", why: "Reach renews access tokens with the refresh grant during nightly syncs" },
  { field: "response_types_supported", value: "code", why: "the authorization endpoint must hand back a code" },
  { field: "token_endpoint_auth_methods_supported", value: "client_secret_post", why: "Reach sends client_id and client_secret in the token request body" },
];

const EXTRA_METADATA = {
  ref: "rfc8414#section-2",
  text: "A discovery document may carry metadata beyond the members Reach reads (RFC 8414 section 2: additional metadata parameters may be used); a client ignores those it does not know.",
};

const ISSUER_FORM = {
  ref: "rfc8414#section-2",
  text: "The issuer is the authorization server's identifier: a URL with no query or fragment component.",
};

const NO_FRAGMENT = {
  ref: "rfc6749#section-3.1",
  text: "The authorization and token endpoint URIs must not include a fragment component (RFC 6749 sections 3.1 and 3.2).",
};

/** The URL without its query and fragment (what a plain issuer would be). */
function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/s, "");
}

const SAME_ENDPOINTS = {
  ref: "openapi:#/components/securitySchemes/OAuth2",
  text: "The authorization and token endpoints are the spec's /oauth2/authorize and /oauth2/token under the partner's base URL (Reach calls them there); the discovery document describes the same server.",
};

/** Origin and path of a URL, without a trailing slash, for comparing endpoints; undefined when it is not an absolute URL. */
function endpointKey(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/** Where the spec puts an operation for this run: its path under the base URL (which may carry a prefix). */
function specEndpoint(base: URL, path: string): string {
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`;
}

export const probe: Probe = {
  id: "auth.discovery",
  family: "auth",
  step: 3,
  title: "OAuth discovery document is valid",
  description:
    "Fetches /auth/oauth-discovery without a token and validates it against the spec, then checks that it advertises what Reach's OAuth flow needs.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "discovery");
    if (!op) return { findings: [], skip: "The spec has no discovery operation." };
    const ex = (await ctx.data.discovery())!;
    const checked = checkDataResponse(ctx, this.id, op, ex);
    // RFC 8414 section 2 lets a server publish more metadata (jwks_uri, userinfo_endpoint, ...), and an
    // identity provider cannot leave its standard members out: noted, never a warning, even --strict.
    const findings: Finding[] = checked.findings.map((f) =>
      f.code === `${this.id}/unknown-field` ? { ...f, severity: "info" as const, rule: EXTRA_METADATA, fix: "Nothing to do: Reach ignores it." } : f,
    );
    const doc = ex.response?.json;
    if (checked.ok && doc && typeof doc === "object" && !Array.isArray(doc)) {
      const d = doc as Record<string, unknown>;
      for (const m of EXPECTED_MEMBERS) {
        const list = d[m.field];
        if (Array.isArray(list) && !list.includes(m.value)) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/missing-${m.value.replace(/_/g, "-")}`,
              severity: "warn",
              message: `${m.field} does not list "${m.value}", but ${m.why}.`,
              rule: RULE,
              fix: `Support ${m.value} and list it in ${m.field}.`,
              operation: op,
              pointer: `/${m.field}`,
              exchange: ex,
              evidence: { expected: `contains "${m.value}"`, actual: JSON.stringify(list) },
            }),
          );
        }
      }
      // A local test run (loopback base URL) may well serve its endpoints over http.
      const local = isLoopbackHost(ctx.http.baseUrl.hostname);
      for (const field of ["authorization_endpoint", "token_endpoint"]) {
        const v = d[field];
        if (typeof v === "string" && /^http:\/\//i.test(v) && !local) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/not-https`,
              severity: "warn",
              message: `${field} is "${v}", plain http: client secrets, codes and tokens would cross the network unencrypted.`,
              rule: { ref: "reach:terms-of-service#security", text: "Reach connects over HTTPS with OAuth 2.0; the authorization and token endpoints of a public deployment are https." },
              fix: `Give ${field} as an https URL and serve it over TLS.`,
              operation: op,
              pointer: `/${field}`,
              exchange: ex,
              evidence: { expected: "https://…", actual: v },
            }),
          );
        }
      }
      // Only compared, never requested: an advertised URL may name another host.
      for (const [field, role] of [["authorization_endpoint", "authorize"], ["token_endpoint", "token"]] as const) {
        const v = d[field];
        const target = ctx.contract.operations.find((o) => o.profile.role === role);
        if (typeof v !== "string" || !target) continue;
        const advertised = endpointKey(v);
        const expected = specEndpoint(ctx.http.baseUrl, target.path);
        if (advertised === undefined || advertised === endpointKey(expected)) continue;
        // The same path on another scheme, host or port is what an application behind a reverse
        // proxy or load balancer writes when it builds URLs from its own address.
        const samePath = (() => {
          try {
            return new URL(v).pathname === new URL(expected).pathname;
          } catch {
            return false;
          }
        })();
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/endpoint-elsewhere`,
            severity: "warn",
            message: `${field} is "${v}", but the spec's ${target.method} ${target.path} under this base URL is "${expected}": a client that follows the discovery document calls another endpoint than Reach does.`,
            rule: SAME_ENDPOINTS,
            fix: samePath
              ? `Advertise ${field} as "${expected}": the path is right but not the origin, as when an application behind a reverse proxy builds its URLs from its own address. Build them from the public base URL (a setting), or trust the proxy's X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Port (nginx: proxy_set_header Host $http_host; X-Forwarded-Proto $scheme).`
              : `Advertise ${field} as "${expected}" (the endpoint Reach calls), or serve the spec's operation where the document says.`,
            operation: op,
            pointer: `/${field}`,
            exchange: ex,
            evidence: { expected, actual: v },
          }),
        );
      }
      for (const field of ["issuer", "authorization_endpoint", "token_endpoint"]) {
        const v = d[field];
        if (typeof v === "string" && !/^https?:\/\/[^\s/]+/.test(v)) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/not-absolute-url`,
              severity: "warn",
              message: `${field} is "${v}", not an absolute URL.`,
              rule: RULE,
              fix: `Give ${field} as an absolute https URL.`,
              operation: op,
              pointer: `/${field}`,
              exchange: ex,
            }),
          );
        }
      }
      const issuer = d.issuer;
      if (typeof issuer === "string" && /^https?:\/\/[^\s/]+/.test(issuer) && /[?#]/.test(issuer)) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/issuer-not-plain`,
            severity: "warn",
            message: `issuer is "${issuer}", which carries a ${issuer.includes("?") ? "query" : "fragment"}: an issuer identifier is a plain URL.`,
            rule: ISSUER_FORM,
            fix: `Give issuer as "${withoutQuery(issuer)}", without "?…" or "#…": clients compare the issuer character for character, and parameters (or credentials) have no place in it.`,
            operation: op,
            pointer: "/issuer",
            exchange: ex,
            evidence: { expected: "a URL with no query or fragment", actual: issuer },
          }),
        );
      }
      for (const field of ["authorization_endpoint", "token_endpoint"]) {
        const v = d[field];
        if (typeof v === "string" && /^https?:\/\/[^\s/]+/.test(v) && v.includes("#")) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/endpoint-fragment`,
              severity: "warn",
              message: `${field} is "${v}", which carries a fragment (#…); an OAuth endpoint URI has none.`,
              rule: NO_FRAGMENT,
              fix: `Give ${field} without the "#" and what follows it ("${v.slice(0, v.indexOf("#"))}").`,
              operation: op,
              pointer: `/${field}`,
              exchange: ex,
              evidence: { expected: "a URL with no fragment", actual: v },
            }),
          );
        }
      }
    }
    const extra = findings.filter((f) => f.code === `${this.id}/unknown-field`).length;
    return {
      findings,
      summary: findings.length === extra ? `Discovery document matches the spec${extra > 0 ? ` (with more metadata than Reach reads, noted)` : ""}.` : undefined,
    };
  },
};
