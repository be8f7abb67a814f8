/**
 * A partner that rotates refresh tokens (RFC 6749 section 6): the check says so, uses the new
 * access token, and neither the old nor the new refresh token appears in the report.
 */
import { describe, expect, it } from "vitest";
import { createPartner } from "../../../src/reference-partner/index.js";
import { startServer } from "../../../src/http/server.js";
import { loadSpec, runPipeline } from "../../../src/cli/pipeline.js";
import { NOW } from "../../helpers/cli.js";
import { checkReference, editJson, resultOf, tooManyRequests, type Wrap } from "../../helpers/harness.js";

const ROTATED = "rt_Rotated-New-Refresh-Token-42";

/** The token endpoint's 200 answers with their JSON body changed by `edit`. */
const editTokenAnswer =
  (edit: (body: Record<string, unknown>) => void): Wrap =>
  async (req, next) => {
    const reply = await next();
    return req.url.pathname === "/oauth2/token" && reply.status === 200 ? editJson(reply, edit) : reply;
  };

describe("oauth.refresh-grant with rotation", () => {
  it("reports the rotation without showing either refresh token", async () => {
    const partner = createPartner({ now: new Date(NOW) });
    const server = await startServer(async (req) => {
      const reply = await partner.handler(req);
      if (req.url.pathname === "/oauth2/token" && reply.status === 200 && typeof reply.body === "string") {
        const body = JSON.parse(reply.body) as Record<string, unknown>;
        body.refresh_token = ROTATED;
        const headers = { ...reply.headers };
        delete headers["content-length"];
        return { ...reply, headers, body: JSON.stringify(body) };
      }
      return reply;
    });
    try {
      const report = await runPipeline({
        baseUrl: server.url,
        token: partner.accessToken,
        tokenEnvName: "REACH_ACCESS_TOKEN",
        credentials: { clientId: partner.clientId, clientSecret: partner.clientSecret, refreshToken: partner.refreshToken },
        contract: await loadSpec({}),
        strict: false,
        concurrency: 4,
        timeoutMs: 10_000,
        connectTimeoutMs: 5_000,
        bodyTimeoutMs: 20_000,
        maxBodyBytes: 50 * 1024 * 1024,
        pageSize: 1000,
        maxPages: 100,
        maxRequests: 500,
        slowMs: 2000,
        now: new Date(NOW),
        toolVersion: "0.0.0-test",
        only: ["oauth.refresh-grant"],
      });
      const r = resultOf(report, "oauth.refresh-grant");
      expect(r.status).toBe("pass");
      expect(r.summary).toContain("rotated the refresh token");
      expect(r.summary).toMatch(/user-info 200/);
      const text = JSON.stringify(report);
      expect(text).not.toContain(ROTATED);
      expect(text).not.toContain(partner.refreshToken);
      expect(text).not.toContain(partner.clientSecret);
    } finally {
      await server.close();
    }
  });

  it("says plainly when the token response has no expires_in (never 'undefined')", async () => {
    const report = await checkReference({
      only: ["oauth.refresh-grant"],
      oauth: true,
      wrap: editTokenAnswer((b) => void delete b.expires_in),
    });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => f.code)).toContain("oauth.refresh-grant/required");
    expect(JSON.stringify(r)).not.toContain("undefined");
  });

  it("says a 401 to the refresh request refused the client authentication, not a token", async () => {
    const basicOnly: Wrap = async (req, next) =>
      req.url.pathname === "/oauth2/token" && new URLSearchParams(req.body.toString("utf8")).has("client_secret")
        ? { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Basic realm="idp"' }, body: JSON.stringify({ error: "invalid_client" }) }
        : next();
    const r = resultOf(await checkReference({ only: ["oauth.refresh-grant"], oauth: true, wrap: basicOnly }), "oauth.refresh-grant");
    const f = r.findings.find((x) => x.code === "oauth.refresh-grant/status")!;
    expect(f.message).toMatch(/refused the refresh request's client authentication \(401 invalid_client\): REACH_CLIENT_ID and REACH_CLIENT_SECRET went in the form body \(client_secret_post\)/);
    expect(f.fix).toMatch(/^Accept client_id and client_secret in the form body/);
    expect(f.fix).not.toMatch(/access token/);
  });

  it("names an expires_in that is not a number, instead of calling it missing", async () => {
    const report = await checkReference({
      only: ["oauth.refresh-grant"],
      oauth: true,
      wrap: editTokenAnswer((b) => void (b.expires_in = String(b.expires_in))),
    });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(r.findings.map((f) => f.code)).toContain("oauth.refresh-grant/type");
    expect(r.summary).toMatch(/with expires_in "\d+", not a number/);
    expect(r.summary).not.toMatch(/no expires_in/);
  });
});

describe("a partner that revokes the run's access token once it issued a new one", () => {
  /**
   * RFC 6749 section 6 lets the authorization server revoke the old tokens when it answers a
   * refresh. The refresh checks must then not leave the rest of the run holding a dead token.
   */
  it("runs the checks that spend the refresh token last: no other check sees a 401", async () => {
    let runToken: string | undefined;
    let revoked = false;
    let refusedAfterRevocation = 0;
    const report = await checkReference({
      oauth: true,
      scopedToken: true,
      wrap: async (req, next) => {
        const auth = req.headers.authorization;
        if (req.url.pathname === "/oauth2/user-info" && auth?.startsWith("Bearer ")) runToken ??= auth;
        if (revoked && auth !== undefined && auth === runToken) {
          refusedAfterRevocation++;
          return {
            status: 401,
            headers: { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' },
            body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "The access token was revoked." }] }),
          };
        }
        const reply = await next();
        if (req.url.pathname === "/oauth2/token" && reply.status === 200 && req.body.toString("utf8").includes("grant_type=refresh_token")) revoked = true;
        return reply;
      },
    });
    expect(revoked).toBe(true);
    const failed = report.checks.filter((c) => c.status === "fail" || c.status === "error" || c.status === "warn");
    expect(failed.map((c) => `${c.id}: ${c.findings.map((f) => f.code).join(", ")}`)).toEqual([]);
    expect(report.verdict).toBe("ready");
    // The refresh check itself read user-info with the new token; nothing used the old one after that.
    expect(resultOf(report, "oauth.refresh-grant").status).toBe("pass");
    expect(refusedAfterRevocation).toBe(0);
  }, 60_000);
});

describe("a refresh token the partner no longer takes", () => {
  it("says the token is spent or expired and how to get a fresh one, not that the grant is broken", async () => {
    const report = await checkReference({
      only: ["oauth.refresh-grant"],
      oauth: true,
      wrap: async (req, next) => {
        const reply = await next();
        if (req.url.pathname !== "/oauth2/token" || reply.status !== 200) return reply;
        return {
          status: 400,
          headers: { "content-type": "application/json", "cache-control": "no-store" },
          body: JSON.stringify({ error: "invalid_grant", error_description: "The refresh token is invalid or revoked." }),
        };
      },
    });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(r.findings.map((f) => f.code)).toEqual(["oauth.refresh-grant/refresh-token-refused"]);
    const f = r.findings[0];
    expect(f.severity).toBe("fail");
    expect(f.message).toMatch(/refused the refresh token in REACH_REFRESH_TOKEN with 400 invalid_grant: it is expired, revoked or already used/);
    expect(f.fix).toMatch(/reach-check login/);
    expect(f.curl).toMatch(/oauth2\/token/);
  });
});

describe("a token that stops working during the run", () => {
  it("says the token was accepted earlier and lapsed, instead of that the operation refuses valid tokens", async () => {
    let runToken: string | undefined;
    let seen = 0;
    const report = await checkReference({
      only: ["schema.statements"],
      wrap: async (req, next) => {
        const auth = req.headers.authorization;
        if (req.url.pathname === "/oauth2/user-info" && auth?.startsWith("Bearer ")) runToken ??= auth;
        if (auth !== undefined && auth === runToken && ++seen > 3) {
          return {
            status: 401,
            headers: { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token", error_description="The access token expired"' },
            body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "The access token expired." }] }),
          };
        }
        return next();
      },
    });
    const r = resultOf(report, "schema.statements");
    const f = r.findings.find((x) => x.code === "schema.statements/status" && x.evidence?.status === 401)!;
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f.message).toMatch(/answered 401 to a valid request with the run's token; expected 200\. The same token was accepted earlier in this run \(\d+ answers? with a 2xx so far\): it expired or was revoked while the run went on\./);
    expect(f.fix).toMatch(/^Start the run with a token that has enough lifetime left/);
  });

  /** The reference partner's refresh answers without refresh_token; `spend`: a refresh token works once. */
  const noNewRefreshToken =
    (spend: boolean): Wrap =>
    async (req, next) => {
      const form = new URLSearchParams(Buffer.from(req.body).toString("utf8"));
      if (req.url.pathname !== "/oauth2/token" || form.get("grant_type") !== "refresh_token") return next();
      if (spend && spent.has(form.get("refresh_token") ?? "")) {
        return { status: 400, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify({ error: "invalid_grant", error_description: "refresh token already used" }) };
      }
      const reply = await next();
      if (reply.status !== 200 || typeof reply.body !== "string") return reply;
      spent.add(form.get("refresh_token") ?? "");
      return editJson<Record<string, unknown>>(reply, (body) => delete body.refresh_token);
    };
  const spent = new Set<string>();

  it("fails a refresh grant that spends the refresh token and issues none in its place", async () => {
    spent.clear();
    const report = await checkReference({ only: ["oauth.refresh-grant"], oauth: true, wrap: noNewRefreshToken(true) });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    expect(r.findings.map((f) => f.code)).toEqual(["oauth.refresh-grant/refresh-token-spent"]);
    const f = r.findings[0];
    expect(f.message).toMatch(/issued no refresh token in its place, but the token is no longer accepted: sent once more, it was refused with 400 invalid_grant/);
    expect(f.rule.ref).toBe("rfc6749#section-6");
    expect(f.curl).toMatch(/oauth2\/token/);
    // The curl line rebuilds the form from the user's variables, the secrets never written down.
    expect(f.curl).toContain(`--data-urlencode "refresh_token=$REACH_REFRESH_TOKEN"`);
    expect(f.curl).toContain(`--data-urlencode "client_secret=$REACH_CLIENT_SECRET"`);
    expect(f.curl).toContain(`--data-raw 'grant_type=refresh_token'`);
    expect(f.curl).not.toContain("REDACTED");
    expect(r.summary).toMatch(/no new refresh token was issued and the old one was refused when used again/);
    expect(r.summary).not.toMatch(/was not rotated\b(?! and)/);
    const text = JSON.stringify(report);
    for (const secret of [...spent]) expect(text).not.toContain(secret);
  });

  it("passes a refresh grant that issues no new refresh token and keeps the old one working", async () => {
    spent.clear();
    const r = resultOf(await checkReference({ only: ["oauth.refresh-grant"], oauth: true, wrap: noNewRefreshToken(false) }), "oauth.refresh-grant");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/the refresh token was not rotated and was accepted again\.$/);
  });

  const tokenType = (value: string): Wrap => async (req, next) => {
    const reply = await next();
    if (req.url.pathname !== "/oauth2/token" || reply.status !== 200 || typeof reply.body !== "string") return reply;
    return editJson<Record<string, unknown>>(reply, (body) => (body.token_type = value));
  };

  it("warns on token_type \"bearer\" (case-insensitive by RFC 6749), fails another type", async () => {
    const lower = resultOf(await checkReference({ only: ["oauth.refresh-grant"], oauth: true, wrap: tokenType("bearer") }), "oauth.refresh-grant");
    expect(lower.status, JSON.stringify(lower.findings.map((f) => f.message))).toBe("warn");
    expect(lower.findings.map((f) => f.code)).toEqual(["oauth.refresh-grant/token-type-case"]);
    expect(lower.findings[0].pointer).toBe("/token_type");
    expect(lower.findings[0].message).toMatch(/answered token_type "bearer", where Reach's spec spells it "Bearer"/);
    const other = resultOf(await checkReference({ only: ["oauth.refresh-grant"], oauth: true, wrap: tokenType("MAC") }), "oauth.refresh-grant");
    expect(other.status).toBe("fail");
    expect(other.findings.map((f) => f.code)).toContain("oauth.refresh-grant/enum");
  });

  it("warns, not fails, when the requests with the new token meet the partner's rate limit", async () => {
    let refreshed = false;
    const report = await checkReference({
      only: ["oauth.refresh-grant"],
      oauth: true,
      wrap: async (req, next) => {
        if (req.method === "POST" && /token/.test(req.url.pathname)) refreshed = true;
        else if (refreshed && (req.url.pathname === "/oauth2/user-info" || /^\/companies\/[^/]+$/.test(req.url.pathname))) {
          return tooManyRequests("3600");
        }
        return next();
      },
    });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(refreshed).toBe(true);
    const codes = r.findings.map((f) => f.code);
    expect(codes).not.toContain("oauth.refresh-grant/new-token-refused");
    expect(codes).toContain("oauth.refresh-grant/new-token-untried");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(r.findings.find((f) => f.code === "oauth.refresh-grant/new-token-untried")!.message).toMatch(/could not be tried: GET \S+ answered 429/);
  });

  it("does not blame the new token for a company the run's own token cannot read either", async () => {
    const report = await checkReference({
      only: ["oauth.refresh-grant"],
      oauth: true,
      wrap: async (req, next) =>
        /^\/companies\/[^/]+$/.test(req.url.pathname)
          ? { status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "InvalidCompany", message: "No such company.", level: 1 }] }) }
          : next(),
    });
    const r = resultOf(report, "oauth.refresh-grant");
    expect(r.findings.map((f) => f.code)).not.toContain("oauth.refresh-grant/new-token-refused");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
    expect(r.summary).toMatch(/the new token was used on GET \/oauth2\/user-info 200[;.]/);
  });
});

