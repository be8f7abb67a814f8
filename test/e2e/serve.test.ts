/**
 * `reach-check serve` in the foreground: prints where it listens and where the token is, never the
 * token itself; a `run` against it is ready; it stops on SIGTERM.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, NOW, ROOT, parseReport, runCli } from "../helpers/cli.js";

const TOKEN = "serve-Distinctive_token-4711";

/** `serve` on an ephemeral port, its output collected; `output()` resolves once it says it is ready. */
function startServe() {
  const env = { ...process.env, NO_COLOR: "1", CI: "1", REACH_ACCESS_TOKEN: TOKEN };
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--now", NOW], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  const output = async () => {
    const deadline = Date.now() + 15_000;
    while (!/Press Ctrl\+C/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return { out, err };
  };
  return { child, closed, output };
}

describe("reach-check serve", () => {
  it("serves the reference partner until SIGTERM", async () => {
    const { child, closed, output } = startServe();
    try {
      const { out, err } = await output();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const tokenFile = /Access token \(readable only by you\): (\S+)/.exec(out)?.[1];
      expect(url, out + err).toBeDefined();
      expect(tokenFile).toBeDefined();
      expect(readFileSync(tokenFile!, "utf8").trim()).toBe(TOKEN);
      expect(statSync(tokenFile!).mode & 0o077).toBe(0);
      expect(out).not.toContain(TOKEN);

      const r = await runCli(["run", "--base-url", url!, "--format", "json", "--now", NOW, "--token-file", tokenFile!]);
      expect(r.code).toBe(0);
      expect(parseReport(r).verdict).toBe("ready");
      expect(r.stdout + r.stderr).not.toContain(TOKEN);

      // The exports file: the OAuth client, refresh token and a one-company token as well, so that
      // a run against serve can do the oauth.* and company-scope checks (which skip without them).
      const envFile = /as shell exports \(readable only by you\): (\S+)/.exec(out)?.[1];
      expect(envFile, out).toBeDefined();
      expect(statSync(envFile!).mode & 0o077).toBe(0);
      const vars = Object.fromEntries(
        [...readFileSync(envFile!, "utf8").matchAll(/^export (REACH_[A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      expect(Object.keys(vars).sort()).toEqual(["REACH_ACCESS_TOKEN", "REACH_CLIENT_ID", "REACH_CLIENT_SECRET", "REACH_REFRESH_TOKEN", "REACH_SCOPED_TOKEN"]);
      expect(vars.REACH_ACCESS_TOKEN).toBe(TOKEN);
      for (const [name, value] of Object.entries(vars)) if (name !== "REACH_CLIENT_ID") expect(out, name).not.toContain(value);
      const full = await runCli(["run", "--base-url", url!, "--format", "json", "--now", NOW, "--scoped-token-env", "REACH_SCOPED_TOKEN"], { env: vars });
      const report = parseReport(full);
      expect(report.verdict).toBe("ready");
      for (const id of ["oauth.refresh-grant", "oauth.invalid-client", "auth.company-scope"]) expect(report.checks.find((c) => c.id === id)?.status, id).toBe("pass");
      for (const [name, value] of Object.entries(vars)) if (name !== "REACH_CLIENT_ID") expect(full.stdout + full.stderr, name).not.toContain(value);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await closed).toBe(0);
    const final = await output();
    expect(final.out + final.err).not.toContain(TOKEN);
  });
});

describe("reach-check serve removes its credentials directory", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("on %s", async (signal) => {
    const { child, closed, output } = startServe();
    let dir: string | undefined;
    try {
      const { out, err } = await output();
      const tokenFile = /Access token \(readable only by you\): (\S+)/.exec(out)?.[1];
      const envFile = /as shell exports \(readable only by you\): (\S+)/.exec(out)?.[1];
      expect(tokenFile, out + err).toBeDefined();
      dir = dirname(tokenFile!);
      expect(dir).toMatch(/reach-check-serve-[^/]+$/);
      expect(dirname(envFile!)).toBe(dir);
      expect(existsSync(tokenFile!)).toBe(true);
    } finally {
      child.kill(signal);
    }
    expect(await closed, (await output()).err).toBe(0);
    expect(existsSync(dir!)).toBe(false);
  });
});

describe("demo keeps the token it is given secret", () => {
  it.each(["json", "terminal"])("%s", async (format) => {
    const r = await runCli(["demo", "--format", format, "--now", NOW, "--verbose", "--break", "html-401", "--break", "stale-data"], {
      env: { REACH_ACCESS_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(500);
    for (const form of [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString("base64")]) {
      expect(r.stdout + r.stderr).not.toContain(form);
    }
    expect(r.stdout).toContain("$REACH_ACCESS_TOKEN");
  });
});
