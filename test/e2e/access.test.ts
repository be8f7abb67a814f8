/**
 * Access and security end to end: the defect switches of issue 4 caught through the built CLI,
 * Authorization never forwarded to another host, the client credentials read from the environment
 * (all three or none), and distinctive secrets absent from every output of run and demo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOW, check, parseReport, runCli } from "../helpers/cli.js";
import { checkReference, resultOf } from "../helpers/harness.js";
import { createPartner, startPartner, type RunningPartner } from "../../src/reference-partner/index.js";
import { startServer } from "../../src/http/server.js";
import { loadSpec, runPipeline } from "../../src/cli/pipeline.js";

const CASES = [
  { brk: "auth-not-enforced", check: "auth.no-token", status: "fail", code: "auth.no-token/not-enforced" },
  { brk: "html-401", check: "auth.no-token", status: "fail", code: "auth.no-token/html" },
  { brk: "ok-on-error", check: "auth.invalid-token", status: "fail", code: "auth.invalid-token/not-enforced" },
  { brk: "refresh-broken", check: "oauth.refresh-grant", status: "fail", code: "oauth.refresh-grant/status" },
  { brk: "tokens-not-scoped", check: "auth.company-scope", status: "fail", code: "auth.company-scope/other-company" },
  { brk: "redirect-other-host", check: "reachability.redirects", status: "fail", code: "reachability.redirects/other-origin" },
  { brk: "token-in-query", check: "auth.token-in-query", status: "warn", code: "auth.token-in-query/accepted" },
  { brk: "no-www-authenticate", check: "auth.bearer-challenge", status: "warn", code: "auth.bearer-challenge/missing" },
  { brk: "client-secret-optional", check: "oauth.invalid-client", status: "fail", code: "oauth.invalid-client/accepted" },
  { brk: "unknown-grant-500", check: "oauth.unsupported-grant", status: "fail", code: "oauth.unsupported-grant/server-error" },
  { brk: "refresh-fewer-companies", check: "oauth.refresh-grant", status: "warn", code: "oauth.refresh-grant/fewer-companies" },
  { brk: "token-cacheable", check: "oauth.refresh-grant", status: "warn", code: "oauth.refresh-grant/cacheable-tokens" },
  { brk: "discovery-wrong-token-endpoint", check: "auth.discovery", status: "warn", code: "auth.discovery/endpoint-elsewhere" },
] as const;

describe.each(CASES)("demo --break $brk", (c) => {
  it(`makes ${c.check} ${c.status} with ${c.code}`, async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--break", c.brk], { timeoutMs: 90_000 });
    const report = parseReport(r);
    const result = check(report, c.check);
    expect(result.status, JSON.stringify(result, null, 2)).toBe(c.status);
    expect(result.findings.map((f) => f.code)).toContain(c.code);
    expect(r.code).toBe(c.status === "fail" ? 1 : 0);
  });
});

describe("redirects", () => {
  it("reach-check never follows a redirect, so the Authorization header never reaches another host", async () => {
    const partner = createPartner({ now: new Date(NOW), defects: ["redirect-other-host"] });
    const seen: { host: string; auth: boolean; path: string }[] = [];
    const server = await startServer((req) => {
      seen.push({ host: req.url.hostname, auth: req.headers.authorization !== undefined, path: req.url.pathname });
      return partner.handler(req);
    });
    try {
      const report = await runPipeline({
        baseUrl: server.url,
        token: partner.accessToken,
        tokenEnvName: "REACH_ACCESS_TOKEN",
        credentials: { clientId: partner.clientId, clientSecret: partner.clientSecret, refreshToken: partner.refreshToken },
        scopedToken: { token: partner.issueToken([partner.companies[0]!.id]), envName: "REACH_SCOPED_TOKEN" },
        contract: await loadSpec({}),
        strict: false,
        concurrency: 4,
        timeoutMs: 10_000,
        connectTimeoutMs: 5_000,
        bodyTimeoutMs: 20_000,
        maxBodyBytes: 50 * 1024 * 1024,
        pageSize: 1000,
        maxPages: 100,
        maxRequests: 2000,
        slowMs: 2000,
        now: new Date(NOW),
        toolVersion: "0.0.0-test",
      });
      expect(resultOf(report, "reachability.redirects").status).toBe("fail");
      expect(seen.length).toBeGreaterThan(20);
      // Every 307 pointed at localhost on the same server; nothing was ever sent there.
      expect(seen.filter((s) => s.host === "localhost")).toEqual([]);
      expect(seen.every((s) => s.host === "127.0.0.1")).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("client credentials from the environment", () => {
  it("a partial set is a usage error naming what is missing, exit 2", async () => {
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9"], {
      env: { REACH_ACCESS_TOKEN: "tok-abc", REACH_CLIENT_ID: "cid", REACH_CLIENT_SECRET: "cs-Partial-Secret-77" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("REACH_REFRESH_TOKEN");
    expect(r.stderr).not.toContain("cs-Partial-Secret-77");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("--scoped-token-env naming an unset variable is a usage error", async () => {
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--scoped-token-env", "NOT_SET_ANYWHERE"], { env: { REACH_ACCESS_TOKEN: "tok-abc" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("NOT_SET_ANYWHERE");
  });
});

describe("secrets", () => {
  const SECRET = "cs_Qx7!Distinctive/Client+Secret=";
  const REFRESH = "rt_Wm3~Distinctive.Refresh-Token_";
  const SCOPED = "st_Kp5Distinctive-Scoped-Token";
  const forms = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1), Buffer.from(s).toString("base64"), s.slice(3, 15)];
  let partner: RunningPartner;
  beforeAll(async () => {
    partner = await startPartner({ now: new Date(NOW), clientSecret: SECRET, refreshToken: REFRESH });
  });
  afterAll(async () => partner?.close());

  it.each(["json", "terminal"])("run with client credentials and a scoped token shows none of them (%s)", async (format) => {
    // The scoped token is one the partner knows: a fixed value would not be; issue one and point at it.
    const scoped = partner.issueToken([partner.companies[0]!.id]);
    const r = await runCli(["run", "--base-url", partner.baseUrl, "--format", format, "--now", NOW, "--verbose", "--scoped-token-env", "SCOPED"], {
      env: { REACH_ACCESS_TOKEN: partner.accessToken, REACH_CLIENT_ID: partner.clientId, REACH_CLIENT_SECRET: SECRET, REACH_REFRESH_TOKEN: REFRESH, SCOPED: scoped },
      timeoutMs: 90_000,
    });
    const all = r.stdout + r.stderr;
    expect(all.length, all).toBeGreaterThan(500);
    if (format === "json") {
      const report = parseReport(r);
      expect(check(report, "oauth.refresh-grant").status).toBe("pass");
      expect(check(report, "auth.company-scope").status).toBe("pass");
    }
    for (const s of [SECRET, REFRESH, scoped, partner.accessToken]) for (const f of forms(s)) expect(all, `form ${f}`).not.toContain(f);
  });

  it("demo with distinctive client credentials in the environment shows none of them", async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--break", "refresh-broken"], {
      env: { REACH_CLIENT_ID: "demo-client", REACH_CLIENT_SECRET: SECRET, REACH_REFRESH_TOKEN: REFRESH },
      timeoutMs: 90_000,
    });
    const report = parseReport(r);
    expect(check(report, "oauth.refresh-grant").status).toBe("fail");
    expect(check(report, "oauth.invalid-client").status).toBe("pass");
    for (const s of [SECRET, REFRESH, SCOPED]) for (const f of forms(s)) expect(r.stdout + r.stderr, `form ${f}`).not.toContain(f);
  });
});

describe("harness sanity", () => {
  it("the clean partner keeps every access check free of warnings", async () => {
    const report = await checkReference({ only: ["reachability", "tls", "auth", "oauth"], oauth: true, scopedToken: true });
    const bad = report.checks.filter((c) => c.status !== "pass" && c.status !== "skip");
    expect(bad.map((c) => `${c.id}: ${c.status} ${c.summary}`)).toEqual([]);
  });
});
