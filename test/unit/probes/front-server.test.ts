import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

/**
 * A reverse proxy in front of the partner answers some requests itself: nginx's HTML error pages
 * for a gateway timeout, a dead upstream, or a request it finds too large. reach-check must report
 * these as what they are, from the front server, and never let them pass as the API's answer.
 */
const NGINX = { server: "nginx/1.22.1", "content-type": "text/html" };
const page = (status: number, title: string) => ({
  status,
  headers: NGINX,
  body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n`,
});

/** The proxy answers 504 to every list page asked for with a small limit. */
const smallPages504: Wrap = async (req, next) => {
  const limit = Number(req.url.searchParams.get("limit") ?? "100");
  if (req.url.searchParams.has("limit") && limit < 50) return page(504, "Gateway Time-out");
  return next();
};

/** The proxy refuses any request whose target is longer than `max` characters. */
const shortUrls =
  (max: number): Wrap =>
  async (req, next) =>
    req.url.pathname.length + req.url.search.length > max ? page(414, "Request-URI Too Large") : next();

describe("answers of a front server (proxy, gateway)", () => {
  it("pagination.walk reports a second walk that got a gateway timeout, and does not pass", async () => {
    const report = await checkReference({ only: ["pagination.walk", "pagination.stable-order"], wrap: smallPages504 });
    const walk = resultOf(report, "pagination.walk");
    expect(walk.status).toBe("fail");
    expect(codes(walk)).toContain("pagination.walk/status");
    const f = walk.findings.find((x) => x.code === "pagination.walk/status")!;
    expect(f.message).toMatch(/^The second walk of the .+ list of \S+ \(limit \d+\) stopped at offset 0, so the two walks could not be compared: GET \S+ answered 504 with an HTML page/);
    expect(f.message).toMatch(/A 504 Gateway Timeout comes from a proxy or gateway in front of the API \(Server: nginx\/1\.22\.1\) that gave up waiting/);
    expect(f.fix).toMatch(/proxy_read_timeout/);
    expect(f.evidence!.headers).toMatchObject({ server: "nginx/1.22.1" });
    expect(f.curl).toMatch(/limit=\d+/);
    // The order check could compare nothing and says why instead of passing.
    const order = resultOf(report, "pagination.stable-order");
    expect(order.status).toBe("skip");
    expect(order.summary).toMatch(/The second walk of \d+ lists got no page back \(see pagination\.walk\)/);
  });

  it("a request refused as too long is the front server's limit: auth.authorize fails instead of passing", async () => {
    const r = resultOf(await checkReference({ only: ["auth.authorize"], wrap: shortUrls(120) }), "auth.authorize");
    expect(codes(r)).toEqual(["auth.authorize/too-large"]);
    expect(r.status).toBe("fail");
    expect(r.findings[0].message).toMatch(/refused the request's URL as too large \(a \d+-character request target\) before the API could judge it/);
    expect(r.findings[0].fix).toMatch(/large_client_header_buffers/);
  });

  it("the refusal and response checks name the front server's limit rather than the partner's logic", async () => {
    const report = await checkReference({ only: ["inputs.dates", "schema.statements"], wrap: shortUrls(100) });
    const dates = resultOf(report, "inputs.dates").findings.find((x) => x.evidence?.status === 414)!;
    expect(dates.message).toMatch(/with 414; Reach's error guide expects 400 or 404\. The server \(Server: nginx\/1\.22\.1\) refused the request's URL as too large/);
    expect(dates.fix).toMatch(/large_client_header_buffers/);
    const statements = resultOf(report, "schema.statements").findings.find((x) => x.code === "schema.statements/status")!;
    expect(statements.severity).toBe("fail");
    expect(statements.message).toMatch(/answered 414 with an HTML page to a valid request with a valid token; expected 200\. The server/);
  });

  it("a 502 from a proxy says the application behind it is not reached", async () => {
    const wrap: Wrap = async (req, next) => (req.url.pathname.endsWith("/balance-sheet") ? page(502, "Bad Gateway") : next());
    const r = resultOf(await checkReference({ only: ["schema.statements"], wrap }), "schema.statements");
    const f = r.findings.find((x) => x.code === "schema.statements/status")!;
    expect(f.message).toMatch(/A 502 Bad Gateway comes from a proxy or gateway in front of the API \(Server: nginx\/1\.22\.1\) that got no valid answer from the application behind it/);
    expect(f.fix).toMatch(/upstream/);
  });

  it("a gateway that answers 502 for everything is one finding of reachability.connection, not a hundred", async () => {
    const report = await checkReference({ wrap: async () => page(502, "Bad Gateway") });
    const conn = resultOf(report, "reachability.connection");
    expect(codes(conn)).toEqual(["reachability.connection/gateway"]);
    const f = conn.findings[0];
    expect(f.message).toMatch(/answers, but not the API: \/ answered 502 and GET \/oauth2\/user-info answered 502\. A 502 Bad Gateway comes from a proxy/);
    expect(f.curl).toMatch(/\/oauth2\/user-info/);
    expect(report.verdict).toBe("not-ready");
    // Everything that needs the API waits for it: the run's failures are that one finding.
    const failing = report.checks.filter((c) => c.status === "fail");
    expect(failing.map((c) => c.id)).toEqual(["reachability.connection"]);
    // No step reads ready when its checks were skipped for that failure.
    expect(report.steps.map((st) => st.verdict)).toEqual(["not-ready", "not-ready", "not-ready"]);
  });

  it("a 502 at the base URL alone (user-info answers) is not a connection failure", async () => {
    const wrap: Wrap = async (req, next) => (req.url.pathname === "/" ? page(502, "Bad Gateway") : next());
    const conn = resultOf(await checkReference({ only: ["reachability.connection", "schema.user-info"], wrap }), "reachability.connection");
    expect(conn.status).toBe("pass");
    expect(conn.summary).toMatch(/^Answered 502 /);
  });

  it("a list the gateway could not fetch is not an empty list in the skip reasons", async () => {
    const lists502: Wrap = async (req, next) =>
      /\/(non-financial-metrics|budgets|classes|departments)$/.test(req.url.pathname) ? page(502, "Bad Gateway") : next();
    const report = await checkReference({ only: ["schema.non-financial", "accuracy.segment-splits", "inputs.request-body"], wrap: lists502 });
    for (const id of ["schema.non-financial", "inputs.request-body"]) {
      const r = resultOf(report, id);
      expect(r.status, id).toBe("skip");
      expect(r.summary, id).toMatch(/^The non-financial metrics list could not be read for .*answered 502.*: see schema\.reference-lists\./);
      expect(r.summary, id).not.toMatch(/No company lists/);
    }
    const splits = resultOf(report, "accuracy.segment-splits");
    expect(splits.status).toBe("skip");
    expect(splits.summary).toMatch(/^No split could be asked for: the .* could not be read \(see schema\.reference-lists\)\./);
  });

  it("accuracy.segment-splits skips, instead of passing, when no split could be compared", async () => {
    const pl504: Wrap = async (req, next) => (req.url.pathname.endsWith("/profit-and-loss") ? page(504, "Gateway Time-out") : next());
    const r = resultOf(await checkReference({ only: ["accuracy.segment-splits"], wrap: pl504 }), "accuracy.segment-splits");
    expect(r.status).toBe("skip");
    expect(r.summary).toMatch(/^No split statement could be compared with the unsplit one/);
  });

  it("an http base URL that the proxy sends on to https: give the https base URL", async () => {
    const toHttps: Wrap = async (req) => ({
      status: 301,
      headers: { ...NGINX, location: `https://127.0.0.1:8443${req.url.pathname}${req.url.search}` },
      body: "<html><head><title>301 Moved Permanently</title></head></html>",
    });
    const r = resultOf(await checkReference({ only: ["reachability.redirects"], wrap: toHttps }), "reachability.redirects");
    const f = r.findings.find((x) => x.code === "reachability.redirects/other-origin")!;
    expect(f.message).toMatch(/redirects \(301\) from http to https:\/\/127\.0\.0\.1:8443: the API is served over https there, and the base URL given is http\./);
    expect(f.fix).toBe("Give reach-check (and Reach) the https base URL, https://127.0.0.1:8443; the redirect may stay for browsers.");
  });

  it("a proxy that drops the Authorization header: auth.token-accepted says the token may never have arrived", async () => {
    const strip: Wrap = async (req, next) => {
      delete req.headers.authorization;
      return next();
    };
    const r = resultOf(await checkReference({ only: ["auth.token-accepted"], wrap: strip }), "auth.token-accepted");
    expect(codes(r)).toEqual(["auth.token-accepted/rejected"]);
    expect(r.findings[0].message).toMatch(/carries no error code, which RFC 6750 gives to a request without a token: the Authorization header may not have reached the API\./);
    expect(r.findings[0].fix).toMatch(/^Check that every server in front of the API passes the Authorization header on/);
  });

  it("a token the API itself refuses (invalid_token) keeps the plain advice", async () => {
    const wrong: Wrap = async (req, next) => {
      req.headers.authorization = "Bearer not-the-token";
      return next();
    };
    const r = resultOf(await checkReference({ only: ["auth.token-accepted"], wrap: wrong }), "auth.token-accepted");
    expect(codes(r)).toEqual(["auth.token-accepted/rejected"]);
    expect(r.findings[0].message).not.toMatch(/may not have reached/);
    expect(r.findings[0].fix).toMatch(/^Check that the token in the environment variable is current/);
  });

  it("a company user-info lists but the token may not read: the fix names both ways out", async () => {
    const wrap: Wrap = async (req, next) =>
      /^\/companies\/northwind-outfitters$/.test(req.url.pathname)
        ? { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Forbidden", message: "No access to this company." }] }) }
        : next();
    // Taken from user-info, the company is left out of the run and named once there.
    const listed = await checkReference({ only: ["schema.user-info", "schema.company-info"], wrap });
    const g = resultOf(listed, "schema.user-info").findings.find((x) => x.code === "schema.user-info/listed-unreadable")!;
    expect(g.company).toBe("northwind-outfitters");
    expect(g.message).toContain('"northwind-outfitters" (403)');
    expect(g.fix).toBe("List only the companies this token may read, or grant the token access to every company it lists.");
    expect(resultOf(listed, "schema.company-info").findings).toEqual([]);
    // Named with --company, it stays in the run, and its 403 says both ways out.
    const r = resultOf(await checkReference({ only: ["schema.company-info"], wrap, settings: { companies: ["alder-finch", "northwind-outfitters"] } }), "schema.company-info");
    const f = r.findings.find((x) => x.code === "schema.company-info/status")!;
    expect(f.company).toBe("northwind-outfitters");
    expect(f.fix).toBe(
      "Accept the access token Reach sends for this company on this operation. If this token should not read this company, user-info must not list it: Reach syncs every company user-info lists for the token.",
    );
  });

  it("a 431 to the token is not the token accepted", async () => {
    const wrap: Wrap = async (req, next) => (req.url.pathname === "/oauth2/user-info" ? page(431, "Request Header Fields Too Large") : next());
    const r = resultOf(await checkReference({ only: ["auth.token-accepted"], wrap }), "auth.token-accepted");
    expect(codes(r)).toEqual(["auth.token-accepted/not-accepted"]);
    expect(r.findings[0].message).toMatch(/answered 431 to the access token: not a refusal, but not an answer to it either.*refused the request's request line or headers as too large/);
  });

  it("with no company to check, the steps of the company checks are not shown ready", async () => {
    const wrap: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
      const body = JSON.parse(String(reply.body)) as { Companies: unknown[] };
      body.Companies = [];
      return { ...reply, body: JSON.stringify(body) };
    };
    const report = await checkReference({ wrap });
    expect(resultOf(report, "schema.statements").summary).toMatch(/^No company to check/);
    expect(report.steps.find((st) => st.step === 4)!.verdict).toBe("not-ready");
    expect(report.steps.find((st) => st.step === 2)!.verdict).toBe("not-ready");
  });
});
