/**
 * The refusal checks (auth.no-token, auth.invalid-token, auth.bearer-challenge) on answers the
 * reference partner does not give but a conformant partner may, and on the defects they must
 * name; and that auth.bearer-challenge reads the other two checks' answers instead of sending its own.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

const REFUSALS = ["auth.no-token", "auth.invalid-token", "auth.bearer-challenge"];

/** Every 401 of the partner gets `challenge(old)` as its WWW-Authenticate header. */
function challenge(edit: (old: string) => string): Wrap {
  return async (_req, next) => {
    const r = await next();
    const old = r.headers?.["www-authenticate"];
    return r.status === 401 && old !== undefined ? { ...r, headers: { ...r.headers, "www-authenticate": edit(old) } } : r;
  };
}

/** Requests carrying a Basic credential get `status` in Reach's error envelope. */
function basicAnswered(status: number, error: string): Wrap {
  return async (req, next) => {
    const r = await next();
    if (!/^Basic /i.test(req.headers.authorization ?? "")) return r;
    const reply: ServerReply = {
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errors: [{ error, message: "Only Bearer access tokens are accepted.", level: 8 }] }),
    };
    return reply;
  };
}

describe("auth.invalid-token: a credential of another scheme", () => {
  it.each([
    [400, "BadRequest"],
    [403, "Forbidden"],
  ])("refused with %i in the error envelope passes (RFC 6750 invalid_request; the checklist's 401 or 403)", async (status, error) => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], wrap: basicAnswered(status, error) }), "auth.invalid-token");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("answered with data fails on each operation, with a curl line that shows the fake credential only", async () => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], defects: ["basic-auth-bypass"] }), "auth.invalid-token");
    expect(codes(r)).toEqual(["auth.invalid-token/other-scheme-accepted"]);
    // user-info still refuses it; every company operation does not.
    expect(r.findings.map((f) => f.operation?.path)).not.toContain("/oauth2/user-info");
    expect(r.findings.length).toBe(10);
    for (const f of r.findings) expect(f.curl).toContain("'Authorization: Basic cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0'");
  });

  it("a partner that answers data to any credential gets one finding per operation, not two", async () => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], defects: ["auth-not-enforced"] }), "auth.invalid-token");
    expect(codes(r)).toEqual(["auth.invalid-token/not-enforced"]);
    expect(r.findings.length).toBe(1);
  });
});

describe("a sign-in page answered 200 to a request that must be refused", () => {
  it("is not-enforced, and the finding names the HTML page and where to fix it", async () => {
    const signIn: Wrap = async (req, next) => {
      const r = await next();
      if (r.status !== 401 || req.url.pathname.startsWith("/oauth2/user-info")) return r;
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: "<!DOCTYPE html><html><body><form>Sign in</form></body></html>" };
    };
    const r = resultOf(await checkReference({ only: ["auth.no-token"], wrap: signIn }), "auth.no-token");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "auth.no-token/not-enforced")!;
    expect(f.message).toMatch(/answered 200 with an HTML page \(a sign-in page, say\) to a request without a token: the request is not refused with 401 or 403/);
    expect(f.evidence?.actual).toBe("200 (text/html)");
    expect(f.fix).toMatch(/not with a sign-in page/);
  });
});

describe("auth.invalid-token: 403 for a wrong token", () => {
  it("warns on every operation, and auth.bearer-challenge says it did not judge those answers", async () => {
    const report = await checkReference({ only: REFUSALS, defects: ["invalid-token-403"] });
    const invalid = resultOf(report, "auth.invalid-token");
    expect(invalid.status).toBe("warn");
    expect(codes(invalid)).toEqual(["auth.invalid-token/forbidden"]);
    expect(invalid.findings.length).toBe(11);
    const challenge = resultOf(report, "auth.bearer-challenge");
    expect(challenge.status).toBe("pass");
    expect(challenge.summary).toContain("with a wrong token: 403 ×11");
    expect(challenge.summary).toContain("22 401 answers");
  });

  it("a 403 to a request without a token is not warned about (Reach always sends one; the checklist allows 401 or 403)", async () => {
    const wrap: Wrap = async (req, next) => {
      const r = await next();
      if (r.status !== 401 || req.headers.authorization !== undefined) return r;
      return { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Forbidden", message: "No token." }] }) };
    };
    const report = await checkReference({ only: REFUSALS, wrap });
    expect(resultOf(report, "auth.no-token").status).toBe("pass");
    expect(resultOf(report, "auth.invalid-token").status).toBe("pass");
  });
});

describe("auth.bearer-challenge", () => {
  it("judges the 401s of every secured operation and sends nothing when auth.no-token and auth.invalid-token ran", async () => {
    const report = await checkReference({ only: REFUSALS });
    const r = resultOf(report, "auth.bearer-challenge");
    expect(r.status).toBe("pass");
    expect(r.summary).toBe("33 401 answers carried the Bearer challenge RFC 6750 asks for.");
    expect(r.requests).toBe(0);
    expect(resultOf(report, "auth.no-token").requests).toBeGreaterThanOrEqual(11);
  });

  it("sends the requests itself when run alone", async () => {
    const r = resultOf(await checkReference({ only: ["auth.bearer-challenge"] }), "auth.bearer-challenge");
    expect(r.status).toBe("pass");
    expect(r.requests).toBeGreaterThanOrEqual(33);
  });

  it("accepts several challenges with a lower-case bearer among them (RFC 9110: scheme names are case-insensitive)", async () => {
    const wrap = challenge((old) => `DPoP algs="ES256", ${old.replace(/^Bearer/, "bearer")}`);
    const r = resultOf(await checkReference({ only: REFUSALS, wrap }), "auth.bearer-challenge");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("does not take a scheme named inside a quoted string for a challenge", async () => {
    const wrap = challenge(() => 'Basic realm="Bearer, only for admins"');
    const r = resultOf(await checkReference({ only: REFUSALS, wrap }), "auth.bearer-challenge");
    expect(codes(r)).toEqual(["auth.bearer-challenge/not-bearer"]);
  });

  it("names each operation whose 401s lack the challenge once, listing the requests", async () => {
    const r = resultOf(await checkReference({ only: REFUSALS, defects: ["data-401-no-challenge"] }), "auth.bearer-challenge");
    expect(r.findings.length).toBe(10);
    expect(r.findings.map((f) => f.operation?.path)).not.toContain("/oauth2/user-info");
    expect(r.findings[0]!.message).toMatch(/requests without a token, with a wrong token and with a made-up Basic credential/);
    expect(r.findings[0]!.rule.ref).toBe("rfc9110#section-11.6.1");
  });

  it("an error code in the challenge to a request without a token is info only (RFC 6750 section 3.1)", async () => {
    const r = resultOf(await checkReference({ only: REFUSALS, defects: ["error-code-without-token"] }), "auth.bearer-challenge");
    expect(r.status).toBe("pass");
    expect(codes(r)).toEqual(["auth.bearer-challenge/error-without-token"]);
    expect(r.findings.every((f) => f.severity === "info")).toBe(true);
  });
});

describe("auth.no-token and a rate limit", () => {
  it("does not fail a 429 as a missing refusal: the rate limit answered, so the check says it could not judge (warn)", async () => {
    const limited: Wrap = async (req, next) =>
      req.headers.authorization === undefined && req.url.pathname.endsWith("/chart-of-accounts")
        ? { status: 429, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "TooManyRequests", message: "Slow down.", level: 7 }] }) }
        : next();
    const r = resultOf(await checkReference({ only: ["auth.no-token"], wrap: limited }), "auth.no-token");
    expect(r.status).toBe("warn");
    const f = r.findings.find((x) => x.code === "auth.no-token/status")!;
    expect(f.severity).toBe("warn");
    expect(f.message).toMatch(/^GET \/companies\/\{CompanyId\}\/chart-of-accounts answered a request without a token with 429 \(too many requests\) instead of 401 or 403: the partner's rate limit answered, so whether the operation refuses it was not judged\.$/);
    expect(f.fix).toMatch(/^Let Reach's requests through/);
  });
});

describe("auth.token-in-query and a refusal sent with 200", () => {
  it("says the token was refused with a success status, not that it was accepted", async () => {
    const r = resultOf(await checkReference({ only: ["auth.token-in-query"], defects: ["ok-on-error"] }), "auth.token-in-query");
    expect(codes(r)).not.toContain("auth.token-in-query/accepted");
    const f = r.findings.find((x) => x.code === "auth.token-in-query/refused-with-success")!;
    expect(f.severity).toBe("warn");
    expect(f.message).toMatch(/^GET \/oauth2\/user-info refused a request carrying the token only in the query string, but with status 200: its body is an error \(\[\{"error":/);
  });
});

describe("refusals sent with a success status", () => {
  it("auth.invalid-token says the partner refused in the body but with 200, not that the operation is unprotected", async () => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], defects: ["ok-on-error"] }), "auth.invalid-token");
    const found = r.findings.filter((x) => x.code === "auth.invalid-token/not-enforced");
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.message).toMatch(/ refused a request with (a wrong token|a made-up Basic credential instead of a bearer token) in its body \(\[\{"error":.*\) but with status 200: Reach reads a 2xx as data/);
      expect(f.message).not.toMatch(/not protected/);
      expect(f.fix).toMatch(/^Send that refusal with status 401/);
      expect(f.evidence?.actual).toBe("200 with an error body");
    }
  });

  it("auth.company-scope says the other company was refused in the body, not that its data was given", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], defects: ["ok-on-error"], scopedToken: true }), "auth.company-scope");
    const f = r.findings.find((x) => x.code === "auth.company-scope/other-company");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/ refused company \S+ to the token in REACH_SCOPED_TOKEN \(issued for [^)]*\) in its body, but with status 200/);
    expect(f!.message).not.toMatch(/gave data/);
  });
});

describe("bad input refused with 200 and an error body", () => {
  it("inputs.* and accuracy.filter-ids say the refusal came with a success status, not that the input was taken", async () => {
    const report = await checkReference({ only: ["inputs.accounting-basis", "accuracy.filter-ids", "accuracy.metric-filters"], defects: ["ok-on-error"] });
    const metric = resultOf(report, "accuracy.metric-filters").findings.find((x) => x.code === "accuracy.metric-filters/unknown-accepted");
    expect(metric, JSON.stringify(resultOf(report, "accuracy.metric-filters").findings.map((x) => x.message))).toBeDefined();
    expect(metric!.severity).toBe("fail");
    expect(metric!.message).toMatch(/ in its body \(an error envelope\) but with status 200/);
    const basis = resultOf(report, "inputs.accounting-basis").findings.find((x) => x.code === "inputs.accounting-basis/accepted");
    expect(basis, JSON.stringify(resultOf(report, "inputs.accounting-basis").findings.map((x) => x.message))).toBeDefined();
    expect(basis!.message).toMatch(/ refused a request .+ in its body \(an error envelope\) but with status 200: Reach reads a 2xx as data, so the refusal is lost; it must refuse it with 400/);
    expect(basis!.fix).toMatch(/^Send that refusal with status 400/);
    const ids = resultOf(report, "accuracy.filter-ids").findings.find((x) => x.code === "accuracy.filter-ids/unknown-accepted");
    expect(ids, JSON.stringify(resultOf(report, "accuracy.filter-ids").findings.map((x) => x.message))).toBeDefined();
    expect(ids!.message).toMatch(/ refused \w+=\S+, which no list returns, in its body \(an error envelope\) but with status 200/);
    expect(ids!.message).not.toMatch(/ignored/);
  });
});

describe("an empty 200 where a refusal belongs", () => {
  it("is called an empty answer, not data", async () => {
    const empty: Wrap = async (req, next) => {
      const reply = await next();
      if ((reply.status === 401 || reply.status === 403 || reply.status === 404) && req.url.pathname.endsWith("/budgets")) return { status: 200, headers: {}, body: "" };
      return reply;
    };
    const report = await checkReference({ only: ["auth.no-token", "auth.company-scope"], scopedToken: true, wrap: empty });
    const f = resultOf(report, "auth.no-token").findings.find((x) => x.code === "auth.no-token/not-enforced" && x.operation?.path.endsWith("/budgets"));
    expect(f, JSON.stringify(resultOf(report, "auth.no-token").findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/answered 200 with an empty body to a request without a token: no data, but no refusal either/);
    const g = resultOf(report, "auth.company-scope").findings.find((x) => x.operation?.path.endsWith("/budgets") && x.severity === "fail");
    expect(g, JSON.stringify(resultOf(report, "auth.company-scope").findings.map((x) => x.message))).toBeDefined();
    expect(g!.message).toMatch(/answered 200 with an empty body for (company \S+|a company that does not exist) to the token in REACH_SCOPED_TOKEN .*: no data, but no refusal either\./);
    expect(g!.message).not.toMatch(/gave data/);
  });
});

describe("auth.secret-echo", () => {
  it("warns once per operation about answers that repeat the token, naming where, and never shows it", async () => {
    let token = "";
    const echo: Wrap = async (req, next) => {
      const reply = await next();
      const auth = req.headers.authorization ?? "";
      if (!/\/budgets$/.test(req.url.pathname) || !auth.startsWith("Bearer ")) return reply;
      token = auth.slice("Bearer ".length);
      // The token URL-encoded in a debug header, and every other character \u-escaped in the body.
      const mixed = [...token].map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("");
      const edited = editJson<Record<string, unknown>>(reply, (b) => void (b.debug = "served for TOKEN"));
      const body = String(edited.body).replace("TOKEN", mixed);
      return { ...edited, headers: { ...edited.headers, "x-debug": `token=${encodeURIComponent(token)}` }, body };
    };
    const report = await checkReference({ only: ["auth.secret-echo", "schema.reference-lists"], wrap: echo });
    const r = resultOf(report, "auth.secret-echo");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["auth.secret-echo/echoed"]);
    const f = r.findings[0]!;
    expect(f.operation).toEqual({ method: "GET", path: "/companies/{CompanyId}/budgets" });
    expect(f.message).toMatch(/^GET \/companies\/\{CompanyId\}\/budgets answered 200 with a credential reach-check sent or holds in its header x-debug, body \(\d+ answers\)/);
    expect(token.length).toBeGreaterThan(10);
    expect(JSON.stringify(report)).not.toContain(token);
  });

  it("does not count the Location of a redirect that repeats the query token reach-check sent itself, but counts one that adds it", async () => {
    // The partner redirects a request carrying ?access_token= to https, as a plain http-to-https redirect does.
    const toHttps =
      (addToken: boolean): Wrap =>
      async (req, next) => {
        const query = req.url.searchParams.get("access_token");
        if (query === null) {
          if (!addToken || !/\/budgets$/.test(req.url.pathname)) return next();
          const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
          return { status: 307, headers: { location: `https://127.0.0.1:9${req.url.pathname}?t=${token}` }, body: "" };
        }
        return { status: 307, headers: { location: `https://127.0.0.1:9${req.url.pathname}${req.url.search}` }, body: "" };
      };
    const plain = await checkReference({ only: ["auth.secret-echo", "auth.token-in-query"], wrap: toHttps(false) });
    expect(resultOf(plain, "auth.token-in-query").status).toBe("pass");
    expect(resultOf(plain, "auth.secret-echo").status).toBe("pass");
    const adding = await checkReference({ only: ["auth.secret-echo", "auth.token-in-query", "schema.reference-lists"], wrap: toHttps(true) });
    const f = resultOf(adding, "auth.secret-echo").findings;
    expect(f.map((x) => x.operation?.path)).toEqual(["/companies/{CompanyId}/budgets"]);
    expect(f[0].message).toMatch(/in its header location/);
  });

  const OAUTH_CHECKS = ["oauth.invalid-client", "oauth.invalid-grant", "oauth.refresh-grant", "oauth.unsupported-grant"];

  it("passes a partner that repeats nothing (the reference partner, its OAuth client given, token answers judged)", async () => {
    const r = resultOf(await checkReference({ only: ["auth.secret-echo", "schema.reference-lists", "auth.invalid-token", ...OAUTH_CHECKS], oauth: true }), "auth.secret-echo");
    expect(r.status).toBe("pass");
    expect(r.summary).toMatch(/^None of the \d+ answers the run had read by then repeated a credential\.$/);
  });

  it("passes a token endpoint that hands back the refresh token it was sent, with every / escaped as \\/", async () => {
    // A partner that does not rotate refresh tokens, serialising JSON as PHP's json_encode does.
    const sameRefresh: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/oauth2/token" || reply.status !== 200) return reply;
      const sent = new URLSearchParams(req.body.toString("utf8")).get("refresh_token") ?? "";
      const edited = editJson<Record<string, unknown>>(reply, (b) => void (b.refresh_token = `${sent}`));
      return { ...edited, body: String(edited.body).replace(/\//g, "\\/") };
    };
    const report = await checkReference({ only: ["auth.secret-echo", ...OAUTH_CHECKS], oauth: true, wrap: sameRefresh });
    expect(resultOf(report, "oauth.refresh-grant").status).toBe("pass");
    expect(resultOf(report, "auth.secret-echo").status).toBe("pass");
  });

  it("warns about a token endpoint error that quotes the client secret it was sent", async () => {
    let secret = "";
    const quoting: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/oauth2/token" || reply.status < 400) return reply;
      secret = new URLSearchParams(req.body.toString("utf8")).get("client_secret") || secret;
      return editJson<Record<string, unknown>>(reply, (b) => void (b.error_description = `Request refused (client_secret=${secret}).`));
    };
    const report = await checkReference({ only: ["auth.secret-echo", ...OAUTH_CHECKS], oauth: true, wrap: quoting });
    const r = resultOf(report, "auth.secret-echo");
    expect(r.status).toBe("warn");
    const f = r.findings.find((x) => x.operation?.path === "/oauth2/token")!;
    expect(f.code).toBe("auth.secret-echo/echoed");
    expect(f.message).toMatch(/^POST \/oauth2\/token answered 40[01] with a credential reach-check sent or holds in its body/);
    expect(secret.length).toBeGreaterThan(5);
    expect(JSON.stringify(report)).not.toContain(secret);
  });
});
