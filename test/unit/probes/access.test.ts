/**
 * Access and security checks against the reference partner over http (loopback): each passes on
 * the clean partner and names the finding its defect switches cause.
 */
import { describe, expect, it } from "vitest";
import { checkReference, codes, editJson, resultOf, type Wrap } from "../../helpers/harness.js";

interface Table {
  id: string;
  /** Clean partner: the expected status (loopback http gives info findings on some checks). */
  valid: { status: "pass" | "skip"; codes?: string[] };
  invalid: { defects: string[]; status: "fail" | "warn"; codes: string[] }[];
}

const TABLES: Table[] = [
  {
    id: "auth.invalid-token",
    valid: { status: "pass" },
    invalid: [
      { defects: ["basic-auth-bypass"], status: "fail", codes: ["auth.invalid-token/other-scheme-accepted"] },
      { defects: ["invalid-token-403"], status: "warn", codes: ["auth.invalid-token/forbidden"] },
    ],
  },
  {
    id: "auth.bearer-challenge",
    valid: { status: "pass" },
    invalid: [
      { defects: ["no-www-authenticate"], status: "warn", codes: ["auth.bearer-challenge/missing"] },
      { defects: ["data-401-no-challenge"], status: "warn", codes: ["auth.bearer-challenge/missing"] },
      { defects: ["data-401-basic-challenge"], status: "warn", codes: ["auth.bearer-challenge/not-bearer"] },
    ],
  },
  { id: "auth.token-in-query", valid: { status: "pass" }, invalid: [{ defects: ["token-in-query"], status: "warn", codes: ["auth.token-in-query/accepted"] }] },
  {
    id: "auth.company-scope",
    valid: { status: "pass" },
    invalid: [
      { defects: ["tokens-not-scoped"], status: "fail", codes: ["auth.company-scope/other-company"] },
      { defects: ["html-403-scope"], status: "fail", codes: ["auth.company-scope/html"] },
      { defects: ["user-info-all-companies"], status: "warn", codes: ["auth.company-scope/user-info-lists-unreadable"] },
      { defects: ["user-info-all-companies", "tokens-not-scoped"], status: "warn", codes: ["auth.company-scope/reads-every-company"] },
    ],
  },
  {
    id: "auth.discovery",
    valid: { status: "pass" },
    invalid: [{ defects: ["discovery-wrong-token-endpoint"], status: "warn", codes: ["auth.discovery/endpoint-elsewhere"] }],
  },
  {
    id: "oauth.refresh-grant",
    valid: { status: "pass" },
    invalid: [
      { defects: ["refresh-broken"], status: "fail", codes: ["oauth.refresh-grant/status"] },
      { defects: ["refresh-fewer-companies"], status: "warn", codes: ["oauth.refresh-grant/fewer-companies"] },
      { defects: ["token-cacheable"], status: "warn", codes: ["oauth.refresh-grant/cacheable-tokens"] },
    ],
  },
  {
    id: "oauth.invalid-client",
    valid: { status: "pass" },
    invalid: [
      { defects: ["client-secret-optional"], status: "fail", codes: ["oauth.invalid-client/accepted"] },
      { defects: ["any-client-id"], status: "fail", codes: ["oauth.invalid-client/accepted"] },
    ],
  },
  { id: "oauth.unsupported-grant", valid: { status: "pass" }, invalid: [{ defects: ["unknown-grant-500"], status: "fail", codes: ["oauth.unsupported-grant/server-error"] }] },
  { id: "oauth.invalid-grant", valid: { status: "pass" }, invalid: [{ defects: ["refresh-broken"], status: "fail", codes: ["oauth.invalid-grant/server-error"] }] },
  {
    id: "reachability.redirects",
    valid: { status: "pass" },
    invalid: [{ defects: ["redirect-other-host"], status: "fail", codes: ["reachability.redirects/other-origin"] }],
  },
  { id: "reachability.public-address", valid: { status: "pass", codes: ["reachability.public-address/loopback"] }, invalid: [] },
  { id: "tls.https", valid: { status: "pass", codes: ["tls.https/loopback-http"] }, invalid: [] },
  { id: "tls.protocol", valid: { status: "skip" }, invalid: [] },
  { id: "tls.certificate", valid: { status: "skip" }, invalid: [] },
  { id: "tls.legacy-versions", valid: { status: "skip" }, invalid: [] },
];

const full = { oauth: true, scopedToken: true };

describe.each(TABLES)("$id", (t) => {
  it(`is ${t.valid.status} on the clean reference partner`, async () => {
    const r = resultOf(await checkReference({ only: [t.id], ...full }), t.id);
    expect(r.status, JSON.stringify(r, null, 2)).toBe(t.valid.status);
    expect(codes(r)).toEqual(t.valid.codes ?? []);
    expect(r.findings.every((f) => f.severity === "info")).toBe(true);
  });
  it.each(t.invalid)("$defects -> $status $codes", async (c) => {
    const r = resultOf(await checkReference({ only: [t.id], defects: c.defects, ...full }), t.id);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe(c.status);
    expect(codes(r)).toEqual(c.codes);
    for (const f of r.findings.filter((x) => x.severity !== "info")) {
      // A line may first fetch what it needs into a variable (a refreshed token), then call curl.
      expect(f.curl ?? "", f.code).toMatch(/^(?:[A-Z_]+="\$\(curl .*\)" && )?curl /);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });
});

describe("checks that need what the run was not given", () => {
  it.each(["oauth.refresh-grant", "oauth.invalid-client", "oauth.invalid-grant", "oauth.unsupported-grant"])("%s skips without client credentials, naming the variables", async (id) => {
    const r = resultOf(await checkReference({ only: [id] }), id);
    expect(r.status).toBe("skip");
    expect(r.summary).toContain("REACH_CLIENT_ID");
    expect(r.summary).toContain("REACH_CLIENT_SECRET");
    expect(r.summary).toContain("REACH_REFRESH_TOKEN");
  });
  it("auth.company-scope skips without a scoped token, naming the option", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"] }), "auth.company-scope");
    expect(r.status).toBe("skip");
    expect(r.summary).toContain("--scoped-token-env");
  });
});

describe("oauth.refresh-grant", () => {
  it("uses the new access token on user-info and a company, and says the refresh token was not rotated", async () => {
    const r = resultOf(await checkReference({ only: ["oauth.refresh-grant"], oauth: true }), "oauth.refresh-grant");
    expect(r.status).toBe("pass");
    expect(r.summary).toContain("not rotated");
    expect(r.summary).toMatch(/user-info 200/);
    expect(r.summary).toMatch(/\{CompanyId\} 200/);
  });
  it("the curl line of the scoped token names its variable, never the value", async () => {
    const report = await checkReference({ only: ["auth.company-scope"], defects: ["tokens-not-scoped"], ...full });
    const f = resultOf(report, "auth.company-scope").findings[0]!;
    expect(f.curl).toContain('"Authorization: Bearer $REACH_SCOPED_TOKEN"');
  });
});

describe("auth.company-scope and what the scoped token promises", () => {
  it("a run limited with --company to the scoped token's own company is no sign of an unscoped token", async () => {
    // The harness's scoped token reads the first company only, the run's token both.
    const report = await checkReference({ only: ["auth.company-scope"], ...full, settings: { companies: ["alder-finch"] } });
    const r = resultOf(report, "auth.company-scope");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.summary).toContain("only unknown companies were tried");
  });
  it("a token that reads every company warns, naming the variable to check", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], defects: ["user-info-all-companies", "tokens-not-scoped"], ...full }), "auth.company-scope");
    const f = r.findings.find((x) => x.code === "auth.company-scope/reads-every-company")!;
    expect(f.severity).toBe("warn");
    expect(f.fix).toContain("REACH_SCOPED_TOKEN");
    expect(f.curl).toContain('"Authorization: Bearer $REACH_SCOPED_TOKEN"');
  });
  it("a scoped token that expires after its user-info is said to have stopped working, not to be refused wrongly", async () => {
    // The run's token comes first (the run reads user-info with it); the other bearer is the scoped
    // token: its first user-info is answered, then it is expired for everything.
    let runToken: string | undefined;
    let scopedSeen = false;
    const wrap: Wrap = async (req, next) => {
      const auth = req.headers.authorization;
      const bearer = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
      if (bearer !== undefined) {
        runToken ??= bearer;
        if (bearer !== runToken) {
          if (!scopedSeen && req.url.pathname.endsWith("/user-info")) scopedSeen = true;
          else return { status: 401, headers: { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' }, body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "Expired.", level: 7 }] }) };
        }
      }
      return next();
    };
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], ...full, wrap }), "auth.company-scope");
    expect(scopedSeen).toBe(true);
    expect(r.status).toBe("skip");
    expect(r.findings).toEqual([]);
    expect(r.summary).toMatch(/^The token in REACH_SCOPED_TOKEN stopped working during the run: user-info accepted it first and answers 401 now/);
  });
  it("user-info listing a company the token cannot read still has the scope tried on that company", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], defects: ["user-info-all-companies"], ...full }), "auth.company-scope");
    expect(r.findings.length).toBe(1);
    expect(r.requests).toBeGreaterThan(10);
  });
});

describe("a sandbox client secret that is an ordinary word", () => {
  it("does not garble the spec values that contain it (client_secret_post), and still masks the secret", async () => {
    const report = await checkReference({ only: ["auth.discovery", "oauth.refresh-grant"], oauth: true, partner: { clientSecret: "secret" } });
    const discovery = resultOf(report, "auth.discovery");
    expect(discovery.status, JSON.stringify(discovery.findings.map((f) => f.code))).toBe("pass");
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/"secret"|=secret\b|REDACTED\]_post/);
  });
});

describe("schema.user-info and ids that no company operation serves", () => {
  it("fails when company information answers 404 for every company user-info lists", async () => {
    const upper: Wrap = async (req, next) => {
      const reply = await next();
      if (req.url.pathname !== "/oauth2/user-info" || reply.status !== 200) return reply;
      return editJson<{ Companies: { CompanyId: string }[] }>(reply, (body) => body.Companies.forEach((c) => (c.CompanyId = c.CompanyId.toUpperCase())));
    };
    const r = resultOf(await checkReference({ only: ["schema.user-info"], wrap: upper }), "schema.user-info");
    const f = r.findings.find((x) => x.code === "schema.user-info/listed-unknown");
    expect(f, JSON.stringify(r.findings.map((x) => `${x.code} ${x.message}`))).toBeDefined();
    expect(f!.message).toMatch(/^GET \/oauth2\/user-info lists 2 companies, and GET \/companies\/\{CompanyId\} answers 404 for every one of them \("ALDER-FINCH", "NORTHWIND-OUTFITTERS"\): the ids user-info lists seem not to be the ids the company operations serve/);
  });
});
