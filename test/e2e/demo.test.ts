import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW, parseReport, runCli } from "../helpers/cli.js";
import { validateReport } from "../../src/report/report-schema.js";

describe("reach-check demo", () => {
  it("checks the clean reference partner: ready, no failing or warning check, exit 0", async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW]);
    const report = parseReport(r);
    expect(r.code).toBe(0);
    expect(report.verdict).toBe("ready");
    expect(validateReport(report)).toEqual([]);
    const bad = report.checks.filter((c) => c.status !== "pass" && c.status !== "skip");
    expect(bad.map((c) => `${c.id}: ${c.status} ${c.summary}`)).toEqual([]);
    // every family of the first release ran and passed somewhere
    for (const fam of ["reachability", "auth", "schema", "freshness", "reliability"]) {
      expect(report.checks.some((c) => c.family === fam && c.status === "pass"), fam).toBe(true);
    }
    expect(report.steps.map((s) => [s.step, s.verdict])).toEqual([
      [2, "ready"],
      [3, "ready"],
      [4, "ready"],
    ]);
    expect(report.target.companies.length).toBeGreaterThanOrEqual(2);
    expect(report.spec.version).toBe("1.0.3");
    expect(report.spec.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.spec.modeledOperations.length).toBeGreaterThan(0);
    expect(report.stats.requests).toBeGreaterThan(20);
    expect(r.stderr).toBe("");
  });

  it("prints a readable terminal report with the verdict", async () => {
    const r = await runCli(["demo", "--now", NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ready/i);
    expect(r.stdout).toContain("Step 2");
    expect(r.stdout).toContain("Step 3");
    expect(r.stdout).toContain("Step 4");
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR is set by the helper
  });

  it("lists the defect switches, one line each", async () => {
    const r = await runCli(["demo", "--list-breaks"]);
    expect(r.code).toBe(0);
    for (const id of ["refuse-connections", "auth-not-enforced", "wrong-type", "stale-data", "slow-operation"]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${id}\\s+\\S`, "m"));
    }
  });

  it("rejects an unknown switch with one line and exit 2", async () => {
    const r = await runCli(["demo", "--break", "no-such-switch"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no-such-switch");
  });

  it("loads no schema compiler when every response passes (the bundled spec's fast checks were compiled at build time)", async () => {
    // A preload that says at exit how many of Ajv's modules the process loaded.
    const preload = join(mkdtempSync(join(tmpdir(), "rc-ajv-")), "count-ajv.cjs");
    writeFileSync(
      preload,
      'process.on("exit", () => process.stderr.write(`ajv-modules:${Object.keys(require.cache).filter((k) => /node_modules[\\/\\\\]ajv[\\/\\\\]/.test(k)).length}\\n`));\n',
    );
    const env = { NODE_OPTIONS: `--require ${preload}` };
    const clean = await runCli(["demo", "--format", "json", "--now", NOW], { env });
    expect(parseReport(clean).verdict).toBe("ready");
    expect(clean.stderr).toBe("ajv-modules:0\n");
    // A response that fails its fast check is explained by Ajv, loaded then.
    const broken = await runCli(["demo", "--format", "json", "--now", NOW, "--break", "wrong-type"], { env });
    expect(parseReport(broken).checks.find((c) => c.id === "schema.company-info")?.status).toBe("fail");
    expect(broken.stderr).toMatch(/^ajv-modules:[1-9]\d*\n$/);
  });

  it("counts every request to the check that sent it, shared data to the check that asked first", async () => {
    const r = await runCli(["demo", "--format", "json", "--now", NOW, "--concurrency", "4"]);
    const report = parseReport(r);
    const counts = new Map(report.checks.map((c) => [c.id, c.requests]));
    const sum = [...counts.values()].reduce((a, b) => a + b, 0);
    // Requests that belong to no check: user-info for the companies, and each listed company's
    // information (a company the token cannot open is left out), read by the engine between the
    // connection check and the rest. The reference partner lists two companies.
    expect(sum).toBe(report.stats.requests - 1 - 2);
    // Checks that only send their own requests, the same number every run.
    expect(counts.get("auth.no-token")).toBe(11);
    // A wrong bearer token and a made-up Basic credential for every secured operation (22), and the
    // metrics list its non-financial request body is built from when it asks for that first.
    expect(counts.get("auth.invalid-token")).toBeGreaterThanOrEqual(22);
    expect(counts.get("auth.invalid-token")).toBeLessThanOrEqual(23);
    // It judges the answers of the two checks above, read from the client's cache.
    expect(counts.get("auth.bearer-challenge")).toBe(0);
    expect(counts.get("reachability.connection")).toBe(1);
    // Shared lists and statements are fetched by whichever schema check asks first, the rest read the cache.
    expect((counts.get("schema.statement-filters") ?? 0) + (counts.get("schema.statements") ?? 0)).toBeGreaterThan(100);
    // Checks that only read what others fetched send nothing.
    for (const id of ["freshness.balance-sheet", "accuracy.unique-accounts", "reliability.latency"]) expect(counts.get(id)).toBe(0);
  });

  it("loads undici's Agent and request handler, not its whole package entry", async () => {
    const preload = join(mkdtempSync(join(tmpdir(), "rc-undici-")), "count-undici.cjs");
    writeFileSync(
      preload,
      String.raw`process.on("exit", () => {
  const files = Object.keys(require.cache).filter((k) => /node_modules[\\/]undici[\\/]/.test(k));
  const has = (re) => files.some((k) => re.test(k));
  process.stderr.write("undici-entry:" + has(/undici[\\/]index\.js$/) + " agent:" + has(/dispatcher[\\/]agent\.js$/) + " fetch:" + has(/[\\/]web[\\/]fetch[\\/]/) + "\n");
});
`,
    );
    const r = await runCli(["demo", "--format", "json", "--now", NOW], { env: { NODE_OPTIONS: `--require ${preload}` } });
    expect(parseReport(r).verdict).toBe("ready");
    expect(r.stderr).toBe("undici-entry:false agent:true fetch:false\n");
  });
});
