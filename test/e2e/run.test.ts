/**
 * `reach-check run` against a reference partner started in this process on loopback, and the
 * mistakes a new user makes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NOW, ROOT, check, parseReport, runCli } from "../helpers/cli.js";
import { startPartner, type RunningPartner } from "../../src/reference-partner/index.js";

let partner: RunningPartner;

beforeAll(async () => {
  partner = await startPartner({ now: new Date(NOW) });
});
afterAll(async () => {
  await partner?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("reach-check run", () => {
  it("is ready against the clean partner, companies from user-info", async () => {
    const r = await runCli(["run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW], {
      env: { REACH_ACCESS_TOKEN: partner.accessToken },
    });
    const report = parseReport(r);
    expect(r.code).toBe(0);
    expect(report.verdict).toBe("ready");
    expect(report.target.companies).toEqual(partner.companies.map((c) => c.id));
  });

  it("runs at the highest --concurrency without a word on stderr (no listener-leak warning from Node)", async () => {
    const r = await runCli(["run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW, "--concurrency", "32"], {
      env: { REACH_ACCESS_TOKEN: partner.accessToken },
    });
    expect(parseReport(r).verdict).toBe("ready");
    expect(r.stderr).toBe("");
  });

  it("takes the token from the variable named by --token-env, and --company narrows the run", async () => {
    const only = partner.companies[1].id;
    const r = await runCli(
      ["run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW, "--token-env", "MY_PARTNER_TOKEN", "--company", only],
      { env: { MY_PARTNER_TOKEN: partner.accessToken } },
    );
    const report = parseReport(r);
    expect(r.code).toBe(0);
    expect(report.target.companies).toEqual([only]);
  });

  it("takes the token from --token-file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rc-token-"));
    const file = join(dir, "token");
    writeFileSync(file, `${partner.accessToken}\n`, { mode: 0o600 });
    const r = await runCli(["run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW, "--token-file", file]);
    expect(r.code).toBe(0);
    expect(parseReport(r).verdict).toBe("ready");
  });

  it("fails auth.token-accepted with a token the partner never issued", async () => {
    const r = await runCli(["run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW], {
      env: { REACH_ACCESS_TOKEN: "some-expired-token-value" },
    });
    const report = parseReport(r);
    expect(r.code).toBe(1);
    expect(check(report, "auth.token-accepted").status).toBe("fail");
  });
});

describe("bad input, as a new user would try it", () => {
  it("unreachable port: a reachability finding, not-ready, exit 1", async () => {
    const port = await freePort();
    const r = await runCli(["run", "--base-url", `http://127.0.0.1:${port}`, "--format", "json", "--now", NOW], {
      env: { REACH_ACCESS_TOKEN: "x-token-value" },
    });
    const report = parseReport(r);
    expect(r.code).toBe(1);
    const reach = check(report, "reachability.connection");
    expect(reach.status).toBe("fail");
    expect(reach.findings[0].code).toBe("reachability.connection/tcp");
    noStack(r.stderr);
  });

  it("unreachable port in the terminal format: one verdict, no stack", async () => {
    const port = await freePort();
    const r = await runCli(["run", "--base-url", `http://127.0.0.1:${port}`], { env: { REACH_ACCESS_TOKEN: "x-token-value" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not.ready/i);
    noStack(r.stdout + r.stderr);
  });

  const usage: [string, string[], Record<string, string>, RegExp][] = [
    ["malformed URL", ["run", "--base-url", "not a url"], { REACH_ACCESS_TOKEN: "t-123456" }, /--base-url/],
    ["ftp URL", ["run", "--base-url", "ftp://example.com"], { REACH_ACCESS_TOKEN: "t-123456" }, /--base-url/],
    ["missing token variable", ["run", "--base-url", "http://127.0.0.1:9"], {}, /REACH_ACCESS_TOKEN/],
    ["missing --base-url", ["run"], { REACH_ACCESS_TOKEN: "t-123456" }, /--base-url/],
    ["unknown spec version", ["run", "--base-url", "http://127.0.0.1:9", "--spec-version", "9.9.9"], { REACH_ACCESS_TOKEN: "t-123456" }, /9\.9\.9/],
    ["malformed spec file", ["run", "--base-url", "http://127.0.0.1:9", "--spec", join(ROOT, "fixtures/specs/bad/not-yaml.yaml")], { REACH_ACCESS_TOKEN: "t-123456" }, /not-yaml\.yaml/],
    ["missing spec file", ["run", "--base-url", "http://127.0.0.1:9", "--spec", "/nonexistent/spec.yaml"], { REACH_ACCESS_TOKEN: "t-123456" }, /spec\.yaml/],
    ["bad concurrency", ["run", "--base-url", "http://127.0.0.1:9", "--concurrency", "zero"], { REACH_ACCESS_TOKEN: "t-123456" }, /--concurrency/],
    ["bad format", ["run", "--base-url", "http://127.0.0.1:9", "--format", "xml"], { REACH_ACCESS_TOKEN: "t-123456" }, /--format/],
    ["unknown option", ["run", "--bogus"], { REACH_ACCESS_TOKEN: "t-123456" }, /bogus/],
    ["unknown command", ["frobnicate"], {}, /frobnicate/],
    ["token as a flag", ["run", "--base-url", "http://127.0.0.1:9", "--token", "abc"], { REACH_ACCESS_TOKEN: "t-123456" }, /--token/],
  ];
  it.each(usage)("%s: one line, exit 2", async (_name, args, env, pattern) => {
    const r = await runCli(args, { env });
    expect(r.code, r.stderr + r.stdout).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^reach-check: /);
    expect(lines[0]).toMatch(pattern);
    noStack(r.stderr);
  });
});

describe("reach-check specs", () => {
  it("lists the bundled versions", async () => {
    const r = await runCli(["specs"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1.0.3");
    const j = await runCli(["specs", "--format", "json"]);
    const list = JSON.parse(j.stdout) as { version: string; operations: number }[];
    expect(list.map((s) => s.version)).toContain("1.0.3");
    expect(list.find((s) => s.version === "1.0.3")!.operations).toBe(14);
  });
});

describe("help and version", () => {
  it("prints help for every command and the version", async () => {
    for (const cmd of [[], ["run"], ["demo"], ["serve"], ["specs"]]) {
      const r = await runCli([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: reach-check/);
    }
    const v = await runCli(["--version"]);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
