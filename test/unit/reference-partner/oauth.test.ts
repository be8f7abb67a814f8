import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AF, NW, open, type Client } from "./helpers.js";

const REDIRECT = "https://app.example.test/callback?from=reach";

let c: Client;
beforeAll(async () => {
  c = await open({ clientId: "client-under-test", clientSecret: "s3cret-value-for-tests" });
});
afterAll(() => c.close());

function authorizeUrl(params: Record<string, string>): string {
  return `/oauth2/authorize?${new URLSearchParams(params).toString()}`;
}

async function codeFor(state?: string): Promise<string> {
  const params: Record<string, string> = { response_type: "code", client_id: "client-under-test", redirect_uri: REDIRECT, scope: "openid read:company" };
  if (state !== undefined) params.state = state;
  const res = await c.get(authorizeUrl(params), null);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location")!);
  return location.searchParams.get("code")!;
}

describe("discovery", () => {
  it("serves the seven fields with absolute endpoints under the base URL, without auth", async () => {
    const res = await c.get("/auth/oauth-discovery", null);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(Object.keys(res.json).sort()).toEqual(
      [
        "authorization_endpoint",
        "grant_types_supported",
        "issuer",
        "response_types_supported",
        "scopes_supported",
        "token_endpoint",
        "token_endpoint_auth_methods_supported",
      ].sort(),
    );
    expect(res.json.issuer).toBe(c.partner.baseUrl);
    expect(res.json.authorization_endpoint).toBe(`${c.partner.baseUrl}/oauth2/authorize`);
    expect(res.json.token_endpoint).toBe(`${c.partner.baseUrl}/oauth2/token`);
    expect(res.json.grant_types_supported).toEqual(["authorization_code", "refresh_token"]);
    expect(res.json.token_endpoint_auth_methods_supported).toEqual(["client_secret_post"]);
  });
});

describe("authorization code flow", () => {
  it("authorize redirects with code and the verbatim state; token and user-info follow", async () => {
    const state = btoa(JSON.stringify({ returnTo: "/x y", n: 1 }));
    const res = await c.get(authorizeUrl({ response_type: "code", client_id: "client-under-test", redirect_uri: REDIRECT, state }), null);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe("https://app.example.test/callback");
    expect(location.searchParams.get("from")).toBe("reach");
    expect(location.searchParams.get("state")).toBe(state);
    const code = location.searchParams.get("code")!;
    expect(code).toBeTruthy();

    const tok = await c.form("/oauth2/token", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: "client-under-test",
      client_secret: "s3cret-value-for-tests",
    });
    expect(tok.status).toBe(200);
    expect(tok.headers.get("cache-control")).toBe("no-store");
    expect(tok.json).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read:company" });
    expect(typeof tok.json.access_token).toBe("string");
    expect(typeof tok.json.refresh_token).toBe("string");

    const me = await c.get("/oauth2/user-info", tok.json.access_token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ UserId: expect.any(String), Email: expect.any(String), Name: expect.any(String) });
    expect(me.json.Companies).toEqual([
      { CompanyId: AF, CompanyName: "Alder & Finch Consulting Ltd" },
      { CompanyId: NW, CompanyName: "Northwind Outfitters, Inc." },
    ]);
    const data = await c.get(`/companies/${NW}`, tok.json.access_token);
    expect(data.status).toBe(200);
  });

  it("codes are single-use and bound to the redirect_uri", async () => {
    const code = await codeFor();
    const base = { grant_type: "authorization_code", code, client_id: "client-under-test", client_secret: "s3cret-value-for-tests" };
    const wrongRedirect = await c.form("/oauth2/token", { ...base, redirect_uri: "https://evil.example.test/cb" });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.json.error).toBe("invalid_grant");
    // The failed attempt used the code up.
    const again = await c.form("/oauth2/token", { ...base, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");

    const fresh = await codeFor();
    const ok = await c.form("/oauth2/token", { ...base, code: fresh, redirect_uri: REDIRECT });
    expect(ok.status).toBe(200);
    const replay = await c.form("/oauth2/token", { ...base, code: fresh, redirect_uri: REDIRECT });
    expect(replay.json.error).toBe("invalid_grant");
  });

  it("the scope granted is the scope requested", async () => {
    const code = await codeFor();
    const tok = await c.form("/oauth2/token", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: "client-under-test",
      client_secret: "s3cret-value-for-tests",
    });
    expect(tok.json.scope).toBe("openid read:company");
  });
});

describe("refresh grant", () => {
  it("returns a new working access token and keeps the refresh token", async () => {
    const res = await c.form("/oauth2/token", {
      grant_type: "refresh_token",
      refresh_token: c.partner.refreshToken,
      client_id: "client-under-test",
      client_secret: "s3cret-value-for-tests",
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: "Bearer", expires_in: 3600, refresh_token: c.partner.refreshToken });
    expect(res.json.access_token).not.toBe(c.partner.accessToken);
    const data = await c.get(`/companies/${AF}/budgets`, res.json.access_token);
    expect(data.status).toBe(200);
  });

  it("refuses an unknown refresh token and a widened scope", async () => {
    const base = { grant_type: "refresh_token", client_id: "client-under-test", client_secret: "s3cret-value-for-tests" };
    const bad = await c.form("/oauth2/token", { ...base, refresh_token: "not-a-refresh-token" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe("invalid_grant");
    const wide = await c.form("/oauth2/token", { ...base, refresh_token: c.partner.refreshToken, scope: "read:company admin" });
    expect(wide.status).toBe(400);
    expect(wide.json.error).toBe("invalid_scope");
  });
});

describe("token endpoint errors (RFC 6749 section 5.2)", () => {
  const good = { client_id: "client-under-test", client_secret: "s3cret-value-for-tests" };
  const cases: [string, Record<string, string>, number, string][] = [
    ["missing grant_type", { ...good }, 400, "invalid_request"],
    ["unknown grant_type", { ...good, grant_type: "password" }, 400, "unsupported_grant_type"],
    ["client_credentials is not offered", { ...good, grant_type: "client_credentials" }, 400, "unsupported_grant_type"],
    ["wrong client secret", { ...good, grant_type: "refresh_token", client_secret: "nope" }, 401, "invalid_client"],
    ["unknown client", { ...good, grant_type: "refresh_token", client_id: "someone-else" }, 401, "invalid_client"],
    ["missing client secret", { grant_type: "refresh_token", client_id: "client-under-test" }, 401, "invalid_client"],
    ["missing code", { ...good, grant_type: "authorization_code", redirect_uri: REDIRECT }, 400, "invalid_request"],
    ["missing redirect_uri", { ...good, grant_type: "authorization_code", code: "x" }, 400, "invalid_request"],
    ["unknown code", { ...good, grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT }, 400, "invalid_grant"],
    ["missing refresh_token", { ...good, grant_type: "refresh_token" }, 400, "invalid_request"],
  ];
  it.each(cases)("%s", async (_name, fields, status, error) => {
    const res = await c.form("/oauth2/token", fields);
    expect(res.status).toBe(status);
    expect(res.json.error).toBe(error);
    expect(typeof res.json.error_description).toBe("string");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Secrets never come back in error answers.
    expect(res.text).not.toContain("s3cret-value-for-tests");
  });

  it("refuses a JSON body", async () => {
    const res = await c.post("/oauth2/token", JSON.stringify({ grant_type: "refresh_token", ...good }), null);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("invalid_request");
  });

  it("answers GET with 405 in the Reach envelope", async () => {
    const res = await c.get("/oauth2/token", null);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.json.errors[0].error).toBe("MethodNotAllowed");
  });
});

describe("authorize errors (RFC 6749 section 4.1.2.1)", () => {
  it("answers 400 JSON, not a redirect, when the client or redirect_uri is bad", async () => {
    const cases: Record<string, string>[] = [
      { response_type: "code", redirect_uri: REDIRECT },
      { response_type: "code", client_id: "someone-else", redirect_uri: REDIRECT },
      { response_type: "code", client_id: "client-under-test" },
      { response_type: "code", client_id: "client-under-test", redirect_uri: "not a url" },
      { response_type: "code", client_id: "client-under-test", redirect_uri: "ftp://files.example.test/" },
    ];
    for (const params of cases) {
      const res = await c.get(authorizeUrl(params), null);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.json.error).toBe("invalid_request");
    }
  });

  it("redirects with error= and the state otherwise", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ client_id: "client-under-test", redirect_uri: REDIRECT, state: "abc" }, "invalid_request"],
      [{ response_type: "token", client_id: "client-under-test", redirect_uri: REDIRECT, state: "abc" }, "unsupported_response_type"],
      [{ response_type: "code", client_id: "client-under-test", redirect_uri: REDIRECT, state: "abc", scope: "read:everything" }, "invalid_scope"],
    ];
    for (const [params, error] of cases) {
      const res = await c.get(authorizeUrl(params), null);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get("location")!);
      expect(location.searchParams.get("error")).toBe(error);
      expect(location.searchParams.get("state")).toBe("abc");
      expect(location.searchParams.get("code")).toBeNull();
    }
  });
});

describe("token lifetime and scope", () => {
  it("an expired access token gets 401 invalid_token", async () => {
    const expired = c.partner.issueToken([NW], { expiresInSeconds: 0 });
    const res = await c.get(`/companies/${NW}`, expired);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="reach", error="invalid_token"');
    expect(res.json.errors[0].message).toMatch(/expired/);
  });

  it("user-info lists only the companies of the token", async () => {
    const res = await c.get("/oauth2/user-info", c.partner.issueToken([AF]));
    expect(res.json.Companies).toEqual([{ CompanyId: AF, CompanyName: "Alder & Finch Consulting Ltd" }]);
  });

  it("user-info needs a token", async () => {
    const res = await c.get("/oauth2/user-info", null);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="reach"');
  });
});
