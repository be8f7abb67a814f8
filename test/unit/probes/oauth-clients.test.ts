/**
 * The token-endpoint checks beyond the defect table: which answers the rules allow (no finding),
 * what each bad client request is called in the report, a partner that rotates refresh tokens
 * after wrongly accepting a bad client, the cache headers of token responses, the companies a
 * refreshed token reads, and where the discovery document sends clients.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply, ServerRequest } from "../../../src/http/server.js";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

const isToken = (req: ServerRequest) => req.url.pathname === "/oauth2/token" && req.method === "POST";
const formOf = (req: ServerRequest) => new URLSearchParams(req.body.toString("utf8"));

function json(status: number, body: unknown, headers: Record<string, string> = {}): ServerReply {
  return { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
}

/** Rewrites the JSON body of the partner's answer. */
function editBody(reply: ServerReply, edit: (j: Record<string, unknown>) => void): ServerReply {
  const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
  edit(body);
  const headers = { ...reply.headers };
  delete headers["content-length"];
  return { ...reply, headers, body: JSON.stringify(body) };
}

function withHeaders(reply: ServerReply, set: Record<string, string>, drop: string[] = []): ServerReply {
  const headers = { ...reply.headers, ...set };
  for (const h of drop) delete headers[h];
  return { ...reply, headers };
}

async function run(id: string, wrap?: Wrap, defects: string[] = []) {
  return resultOf(await checkReference({ only: [id], oauth: true, defects, wrap }), id);
}

describe("oauth.invalid-client", () => {
  it("names each bad client request it got tokens for", async () => {
    const r = await run("oauth.invalid-client", undefined, ["client-secret-optional"]);
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringContaining("an empty client_secret"), expect.stringContaining("no client_secret at all")]);
    expect(r.summary).toContain("wrong secret 401, unknown client_id 401, empty secret 200, no secret 200");
    expect(r.requests).toBe(4);
  });

  it("an unknown client_id with the right secret is caught", async () => {
    const r = await run("oauth.invalid-client", undefined, ["any-client-id"]);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([["oauth.invalid-client/accepted", "fail"]]);
    expect(r.findings[0]!.message).toContain("a client_id it never registered");
    expect(r.findings[0]!.curl).toContain("client_id=reach-check-unknown-client-id");
  });

  it("stops once an accepted bad request rotated the refresh token, and shows neither token", async () => {
    const ROTATED = "rt_Rotated-After-Empty-Secret-91";
    let spent = false;
    const wrap: Wrap = async (req, next) => {
      if (isToken(req) && spent) return json(400, { error: "invalid_grant" });
      const reply = await next();
      if (!isToken(req) || reply.status !== 200) return reply;
      spent = true;
      return editBody(reply, (j) => void (j.refresh_token = ROTATED));
    };
    const report = await checkReference({ only: ["oauth.invalid-client", "oauth.refresh-grant"], oauth: true, defects: ["client-secret-optional"], wrap });
    const r = resultOf(report, "oauth.invalid-client");
    expect(r.status).toBe("fail");
    expect(r.requests).toBe(3);
    expect(r.summary).toContain("empty secret 200, stopped: that answer rotated the refresh token");
    expect(r.summary).toContain("1 remaining case(s) were not tried");
    // The refresh grant then fails, and says why.
    const refresh = resultOf(report, "oauth.refresh-grant");
    expect(refresh.status).toBe("fail");
    expect(refresh.summary).toContain("oauth.invalid-client got tokens");
    expect(JSON.stringify(report)).not.toContain(ROTATED);
  });

  it.each([
    ["400 invalid_request", 400, "invalid_request"],
    ["401 invalid_client", 401, "invalid_client"],
  ])("a missing or empty secret answered %s passes without a finding", async (_name, status, error) => {
    const wrap: Wrap = async (req, next) => (isToken(req) && !formOf(req).get("client_secret") ? json(status, { error }) : next());
    const r = await run("oauth.invalid-client", wrap);
    expect(r.status).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("a missing secret answered 400 invalid_client only warns about the status (RFC 6749 allows it, the model says 401)", async () => {
    const wrap: Wrap = async (req, next) => (isToken(req) && !formOf(req).get("client_secret") ? json(400, { error: "invalid_client" }) : next());
    const r = await run("oauth.invalid-client", wrap);
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["oauth.invalid-client/status"]);
  });
});

describe("oauth.unsupported-grant", () => {
  it("sends no refresh token and no code", async () => {
    const forms: string[] = [];
    const wrap: Wrap = async (req, next) => {
      if (isToken(req)) forms.push(req.body.toString("utf8"));
      return next();
    };
    const r = await run("oauth.unsupported-grant", wrap);
    expect(r.status).toBe("pass");
    expect(r.summary).toBe("An unknown grant_type got 400 unsupported_grant_type.");
    expect(forms).toHaveLength(1);
    expect([...new URLSearchParams(forms[0]).keys()].sort()).toEqual(["client_id", "client_secret", "grant_type"]);
  });

  it.each(["invalid_request", "unauthorized_client"])("400 %s is a refusal too: info only", async (error) => {
    const r = await run("oauth.unsupported-grant", async (req, next) => (isToken(req) ? json(400, { error }) : next()));
    expect(r.status).toBe("pass");
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([["oauth.unsupported-grant/error-code", "info"]]);
  });

  it("tokens for an unknown grant type fail", async () => {
    const r = await run("oauth.unsupported-grant", async (req, next) =>
      isToken(req) ? json(200, { access_token: "at-for-anything-1234", token_type: "Bearer", expires_in: 60 }) : next(),
    );
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["oauth.unsupported-grant/accepted"]);
    expect(JSON.stringify(r)).not.toContain("at-for-anything-1234");
  });
});

describe("oauth.refresh-grant: cache headers of the token response", () => {
  const tokenHeaders = (set: Record<string, string>, drop: string[] = []): Wrap => async (req, next) => {
    const reply = await next();
    return isToken(req) && reply.status === 200 ? withHeaders(reply, set, drop) : reply;
  };

  it.each([
    ["no-store among other directives, any case", { "cache-control": "private, No-Store, max-age=0" }, []],
    ["no-store without Pragma", { "cache-control": "no-store" }, ["pragma"]],
  ])("%s: no finding", async (_name, set, drop) => {
    const r = await run("oauth.refresh-grant", tokenHeaders(set, drop));
    expect(r.status).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("no-cache instead of no-store warns, naming the header", async () => {
    const r = await run("oauth.refresh-grant", tokenHeaders({ "cache-control": "no-cache" }));
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["oauth.refresh-grant/cacheable-tokens"]);
    expect(r.findings[0]!.evidence?.headers?.["cache-control"]).toBe("no-cache");
    expect(r.findings[0]!.rule.ref).toBe("rfc6749#section-5.1");
  });
});

describe("oauth.refresh-grant: companies of the refreshed token", () => {
  it("names the companies the refreshed token lost", async () => {
    const r = await run("oauth.refresh-grant", undefined, ["refresh-fewer-companies"]);
    expect(r.status).toBe("warn");
    const f = r.findings.find((x) => x.code === "oauth.refresh-grant/fewer-companies")!;
    expect(f.operation).toEqual({ method: "GET", path: "/oauth2/user-info" });
    expect(f.pointer).toBe("/Companies");
    expect(f.message).toMatch(/lists 1 of the 2 companies/);
    // The line asks for a refreshed token as the grant did (secrets as variables), keeps it in a
    // shell variable, and repeats user-info with it: it reproduces the finding on its own.
    expect(f.curl).toMatch(/^REACH_REFRESHED_TOKEN="\$\(curl -sS -X POST '[^']*\/oauth2\/token' /);
    expect(f.curl).toContain(`--data-urlencode "refresh_token=$REACH_REFRESH_TOKEN"`);
    expect(f.curl).toMatch(/ \| node -e '[^']*access_token[^']*'\)" && curl -sS -i -X GET '[^']*\/oauth2\/user-info' -H "Authorization: Bearer \$REACH_REFRESHED_TOKEN"/);
    expect(f.curl).not.toContain("[REDACTED]");
  });

  it("more companies, or the same ones in another order, give no finding", async () => {
    let calls = 0;
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
      // The run's token sees one company first; the refreshed one sees both, in reverse order.
      return calls++ === 0
        ? editBody(reply, (j) => void (j.Companies = (j.Companies as unknown[]).slice(0, 1)))
        : editBody(reply, (j) => void (j.Companies as unknown[]).reverse());
    };
    const r = await run("oauth.refresh-grant", wrap);
    expect(calls).toBe(2);
    expect(r.status).toBe("pass");
    expect(r.findings).toEqual([]);
  });
});

describe("auth.discovery: advertised endpoints", () => {
  const discovery = (edit: (d: Record<string, unknown>, req: ServerRequest) => void): Wrap => async (req, next) => {
    const reply = await next();
    return req.url.pathname === "/auth/oauth-discovery" ? editBody(reply, (j) => edit(j, req)) : reply;
  };

  it("a trailing slash on the advertised endpoints is the same endpoint", async () => {
    const r = await run(
      "auth.discovery",
      discovery((d) => {
        d.token_endpoint = `${String(d.token_endpoint)}/`;
        d.authorization_endpoint = `${String(d.authorization_endpoint)}/`;
      }),
    );
    expect(r.status).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("an endpoint on another host warns and is never requested", async () => {
    const seen: string[] = [];
    const wrap: Wrap = async (req, next) => {
      seen.push(req.url.pathname);
      const reply = await next();
      return req.url.pathname === "/auth/oauth-discovery" ? editBody(reply, (d) => void (d.authorization_endpoint = "https://login.partner.invalid/oauth2/authorize")) : reply;
    };
    const r = await run("auth.discovery", wrap);
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["auth.discovery/endpoint-elsewhere"]);
    expect(r.findings[0]!.pointer).toBe("/authorization_endpoint");
    expect(seen.filter((p) => p === "/auth/oauth-discovery")).toHaveLength(1);
    // The path is the spec's, the origin is not: the advice is about URLs built behind a proxy.
    expect(r.findings[0]!.fix).toMatch(/the path is right but not the origin, as when an application behind a reverse proxy builds its URLs from its own address/);
  });

  it("an endpoint on another path keeps the plain advice", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      return req.url.pathname === "/auth/oauth-discovery" ? editBody(reply, (d) => void (d.token_endpoint = String(d.token_endpoint).replace("/oauth2/token", "/connect/token"))) : reply;
    };
    const r = await run("auth.discovery", wrap);
    expect(codes(r)).toEqual(["auth.discovery/endpoint-elsewhere"]);
    expect(r.findings[0]!.fix).toMatch(/\(the endpoint Reach calls\), or serve the spec's operation where the document says\.$/);
  });
});
