import { describe, expect, it } from "vitest";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

/** The discovery document with some of its fields changed. */
const discoveryWith =
  (fields: (doc: Record<string, string>) => Record<string, string>): Wrap =>
  async (req, next) => {
    const reply = await next();
    if (req.url.pathname !== "/auth/oauth-discovery") return reply;
    return editJson<Record<string, string>>(reply, (doc) => Object.assign(doc, fields(doc)));
  };

describe("auth.discovery: the form of the issuer and endpoint URLs", () => {
  it("warns about an issuer with a query or a fragment, and an endpoint with a fragment", async () => {
    const report = await checkReference({
      only: ["auth.discovery"],
      wrap: discoveryWith((d) => ({ issuer: `${d.issuer}?tenant=7`, token_endpoint: `${d.token_endpoint}#main` })),
    });
    const r = resultOf(report, "auth.discovery");
    expect(r.status).toBe("warn");
    expect(codes(r).sort()).toEqual(["auth.discovery/endpoint-fragment", "auth.discovery/issuer-not-plain"]);
    const issuer = r.findings.find((f) => f.code === "auth.discovery/issuer-not-plain")!;
    expect(issuer.pointer).toBe("/issuer");
    expect(issuer.rule.ref).toBe("rfc8414#section-2");
    expect(issuer.message).toMatch(/^issuer is "http:\/\/127\.0\.0\.1:\d+\?tenant=7", which carries a query/);
    expect(issuer.fix).toMatch(/^Give issuer as "http:\/\/127\.0\.0\.1:\d+", without/);
    const endpoint = r.findings.find((f) => f.code === "auth.discovery/endpoint-fragment")!;
    expect(endpoint.pointer).toBe("/token_endpoint");
    expect(endpoint.fix).toMatch(/\("http:\/\/127\.0\.0\.1:\d+\/oauth2\/token"\)\.$/);
  });

  it("passes an issuer with a path, and endpoints with a query (RFC 6749 allows one)", async () => {
    const report = await checkReference({
      only: ["auth.discovery"],
      wrap: discoveryWith((d) => ({ issuer: `${d.issuer}/tenants/7` })),
    });
    expect(resultOf(report, "auth.discovery").status).toBe("pass");
  });

  it("notes the metadata an identity provider adds (RFC 8414), never a warning, not even --strict", async () => {
    const wrap = discoveryWith((d) => ({
      jwks_uri: `${d.issuer}/jwks`,
      userinfo_endpoint: `${d.issuer}/oauth2/user-info`,
      revocation_endpoint: `${d.issuer}/oauth2/revoke`,
      code_challenge_methods_supported: "S256",
    }));
    for (const strict of [false, true]) {
      const r = resultOf(await checkReference({ only: ["auth.discovery"], wrap, strict }), "auth.discovery");
      expect(r.status).toBe("pass");
      expect(r.findings.map((f) => f.severity)).toEqual(["info", "info", "info", "info"]);
      expect(r.findings[0].rule.ref).toBe("rfc8414#section-2");
      expect(r.summary).toBe("Discovery document matches the spec (with more metadata than Reach reads, noted).");
    }
  });

  it("without client_secret_post listed, oauth.invalid-client is not tried (every refusal would be about the method)", async () => {
    const wrap = discoveryWith(() => ({ token_endpoint_auth_methods_supported: ["client_secret_basic"] as unknown as string }));
    const report = await checkReference({ only: ["auth.discovery", "oauth.invalid-client"], oauth: true, wrap });
    expect(codes(resultOf(report, "auth.discovery"))).toEqual(["auth.discovery/missing-client-secret-post"]);
    const r = resultOf(report, "oauth.invalid-client");
    expect(r.status).toBe("skip");
    expect(r.summary).toMatch(/^Not tried: the discovery document does not list client_secret_post, the client authentication Reach uses \(\["client_secret_basic"\]\)/);
    expect(r.requests).toBe(0);
  });
});
