/**
 * The CI side of the CLI: several report files from one run, `verify`, `schema`, `--fail-on`,
 * the allowlist and the configuration file, run as a pipeline would run them.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NOW, parseReport, runCli } from "../helpers/cli.js";
import { reportSchema, validateReport } from "../../src/report/report-schema.js";
import type { Report } from "../../src/report/types.js";
import { parseXml } from "../helpers/xml.js";
import { junitProblems } from "../helpers/junit-schema.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rc-ci-"));
const oneLine = (stderr: string, pattern: RegExp) => {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^reach-check: /);
  expect(lines[0]).toMatch(pattern);
};

describe("report files and verify", () => {
  it("writes every format from one run into new folders; the JSON file is the stdout report and verifies", async () => {
    const dir = tmp();
    const files = { json: "a/report.json", junit: "b/c/junit.xml", markdown: "report.md", html: "html/report.html", terminal: "report.txt" };
    const args = Object.entries(files).flatMap(([f, p]) => ["--report", `${f}=${join(dir, p)}`]);
    const r = await runCli(["demo", "--now", NOW, "--format", "json", ...args]);
    expect([0, 1]).toContain(r.code);
    const stdout = parseReport(r);
    expect(validateReport(stdout)).toEqual([]);
    expect(stdout.integrity?.digest).toMatch(/^[0-9a-f]{64}$/);
    const file = JSON.parse(readFileSync(join(dir, files.json), "utf8")) as Report;
    expect(file).toEqual(stdout);
    const junit = parseXml(readFileSync(join(dir, files.junit), "utf8"));
    expect(junitProblems(junit)).toEqual([]);
    expect(Number(junit.attrs.tests)).toBeGreaterThanOrEqual(stdout.checks.length);
    for (const p of [files.markdown, files.html, files.terminal]) expect(readFileSync(join(dir, p), "utf8")).toContain(stdout.integrity!.digest);
    expect(readFileSync(join(dir, files.terminal), "utf8")).not.toMatch(/\u001b\[/);

    const ok = await runCli(["verify", join(dir, files.json)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact \(sha256 [0-9a-f]{64}\)/);

    const edited = join(dir, "edited.json");
    writeFileSync(edited, JSON.stringify({ ...file, verdict: file.verdict === "ready" ? "not-ready" : "ready" }, null, 2));
    const bad = await runCli(["verify", edited]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/EDITED/);

    const unsealed = join(dir, "unsealed.json");
    const { integrity: _drop, ...rest } = file;
    writeFileSync(unsealed, JSON.stringify(rest));
    expect((await runCli(["verify", unsealed])).code).toBe(1);

    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, "{not json");
    const g = await runCli(["verify", garbage]);
    expect(g.code).toBe(2);
    oneLine(g.stderr, /not JSON/);
    const missing = await runCli(["verify", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    oneLine(missing.stderr, /cannot read/);
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ hello: 1 }));
    expect((await runCli(["verify", other])).code).toBe(2);
  });

  it("prints each format on stdout", async () => {
    for (const [format, pattern] of [
      ["junit", /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /],
      ["markdown", /^# Reach API readiness: /],
      ["html", /^<!DOCTYPE html>/],
    ] as const) {
      const r = await runCli(["demo", "--now", NOW, "--format", format]);
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(pattern);
    }
  });

  it("`schema` prints the report's JSON Schema", async () => {
    const r = await runCli(["schema"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(reportSchema)));
  });

  const usage: [string, string[], RegExp][] = [
    ["an unknown report format", ["--report", "xml=out.xml"], /--report takes <format>=<path> with a format among terminal, json, junit, markdown, html, got "xml=out.xml"/],
    ["a report without a path", ["--report", "json="], /--report json= needs a file path/],
    ["a report under a file", ["--report", "json=/etc/hostname/report.json"], /--report json=\/etc\/hostname\/report.json: cannot create or write to the folder/],
    ["a report path that is a folder", ["--report", `json=${tmpdir()}`], /is a folder, not a file/],
    ["the same path twice", ["--report", "json=/tmp/rc-same.out", "--report", "junit=/tmp/rc-same.out"], /named twice/],
    ["a bad --fail-on", ["--fail-on", "error"], /--fail-on takes one of fail, warn, got "error"/],
    ["a missing allowlist", ["--allowlist", "/nonexistent/allow.json"], /--allowlist \/nonexistent\/allow.json: cannot read the file/],
  ];
  it.each(usage)("%s: one line, exit 2, before any request", async (_name, extra, pattern) => {
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", ...extra], { env: { REACH_ACCESS_TOKEN: "t-123456" } });
    expect(r.code, r.stderr).toBe(2);
    oneLine(r.stderr, pattern);
    expect(r.stdout).toBe("");
  });

  it("an allowlist entry for an unknown check or with a bad date is a usage error", async () => {
    const dir = tmp();
    const file = join(dir, "allow.json");
    writeFileSync(file, JSON.stringify({ entries: [{ check: "schema.no-such-check", reason: "x", expires: "2030-01-01" }] }));
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--allowlist", file], { env: { REACH_ACCESS_TOKEN: "t-123456" } });
    expect(r.code).toBe(2);
    oneLine(r.stderr, /entry 1: no check named "schema.no-such-check"/);
    writeFileSync(file, JSON.stringify([{ check: "auth.no-token", reason: "x", expires: "31/12/2030" }]));
    const d = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--allowlist", file], { env: { REACH_ACCESS_TOKEN: "t-123456" } });
    oneLine(d.stderr, /entry 1: "expires" must be a date YYYY-MM-DD/);
  });
});

describe("--fail-on and the allowlist", () => {
  it("accepted failures no longer fail the run; warnings fail it only with --fail-on warn; stale entries are flagged", async () => {
    const dir = tmp();
    // A partner with an unknown field (a warning) and whatever else this build finds.
    const base = ["demo", "--now", NOW, "--break", "unknown-field", "--format", "json"];
    const first = parseReport(await runCli(base));
    const failing = first.checks.filter((c) => c.status === "fail").map((c) => c.id);
    const warning = first.checks.filter((c) => c.status === "warn").map((c) => c.id);
    expect(warning).toContain("schema.company-info");

    const file = join(dir, "allow.json");
    const entries: { check: string; operation?: string; reason: string; expires: string }[] = failing.map((check) => ({ check, reason: "known, fix in progress", expires: "2026-12-31" }));
    entries.push({ check: "auth.no-token", operation: "GET /companies/{CompanyId}/budgets", reason: "was broken last month", expires: "2026-12-31" });
    entries.push({ check: "schema.user-info", reason: "old pilot exception", expires: "2026-01-31" });
    writeFileSync(file, JSON.stringify({ entries }));

    const accepted = await runCli([...base, "--allowlist", file]);
    const report = parseReport(accepted);
    expect(validateReport(report)).toEqual([]);
    expect(report.verdict).toBe("ready-with-warnings");
    expect(accepted.code).toBe(0);
    for (const id of failing) expect(report.checks.find((c) => c.id === id)!.status).toBe("accepted");
    expect(report.allowlist!.entries.slice(-2).map((e) => e.state)).toEqual(["unused", "expired"]);
    expect(accepted.stderr).toContain("reach-check: warning: allowlist entry auth.no-token GET /companies/{CompanyId}/budgets matches no finding any more; remove it");
    expect(accepted.stderr).toContain("reach-check: warning: allowlist entry schema.user-info expired on 2026-01-31");

    const strict = await runCli([...base, "--allowlist", file, "--fail-on", "warn"]);
    expect(strict.code).toBe(1);
    expect(parseReport(strict).verdict).toBe("ready-with-warnings");

    // Accepting the warning as well makes --fail-on warn pass.
    writeFileSync(file, JSON.stringify({ entries: [...entries.slice(0, failing.length), ...warning.map((check) => ({ check, reason: "extra field is harmless", expires: "2026-12-31" }))] }));
    const all = await runCli([...base, "--allowlist", file, "--fail-on", "warn"]);
    expect(all.code).toBe(0);
    expect(parseReport(all).verdict).toBe("ready");
    expect(all.stderr).toBe("");
  });
});

describe("configuration file", () => {
  it("flags over environment over file over defaults", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "reach-check.config.json"), JSON.stringify({ format: "markdown", now: NOW, failOn: "warn", report: ["json=out/report.json"] }));
    const fromFile = await runCli(["demo"], { cwd: dir });
    expect(fromFile.stdout).toMatch(/^# Reach API readiness/);
    // A relative path in the file is read from the file's folder.
    const written = JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8")) as Report;
    expect(written.startedAt).toBe("2026-11-15T12:00:00.000Z");

    const fromEnv = await runCli(["demo"], { cwd: dir, env: { REACH_CHECK_FORMAT: "junit" } });
    expect(fromEnv.stdout).toMatch(/^<\?xml/);

    const fromFlag = await runCli(["demo", "--format", "json"], { cwd: dir, env: { REACH_CHECK_FORMAT: "junit" } });
    expect(parseReport(fromFlag).startedAt).toBe("2026-11-15T12:00:00.000Z");
  });

  const bad: [string, unknown, RegExp][] = [
    ["an unknown key", { concurency: 4 }, /unknown key "concurency"/],
    ["a near miss", { "base-url": "http://x" }, /unknown key "base-url" \(did you mean "baseUrl"\?\)/],
    ["a wrong type", { strict: "yes" }, /"strict" must be true or false, got "yes"/],
    ["a value out of range", { concurrency: 0 }, /"concurrency": --concurrency takes a whole number from 1 to 32, got 0/],
    ["a bad choice", { format: "pdf" }, /"format": --format takes one of terminal, json, junit, markdown, html, got "pdf"/],
    ["a token", { accessToken: "abc" }, /"accessToken" looks like a secret; tokens and secrets never go in the config file: set REACH_ACCESS_TOKEN/],
    ["a client secret", { clientSecret: "abc" }, /"clientSecret" looks like a secret/],
    ["not an object", [1, 2], /must be a JSON object/],
  ];
  it.each(bad)("rejects %s with one line naming the file (exit 2)", async (_name, content, pattern) => {
    const dir = tmp();
    const file = join(dir, "custom.json");
    writeFileSync(file, JSON.stringify(content));
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--config", file], { env: { REACH_ACCESS_TOKEN: "t-123456" } });
    expect(r.code, r.stderr).toBe(2);
    oneLine(r.stderr, new RegExp(`config file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
    oneLine(r.stderr, pattern);
    expect(r.stderr).not.toContain("abc");
  });

  it("a bad environment value names the variable; an explicit --config that is missing is an error", async () => {
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9"], { env: { REACH_ACCESS_TOKEN: "t-123456", REACH_CHECK_CONCURRENCY: "many" } });
    expect(r.code).toBe(2);
    oneLine(r.stderr, /REACH_CHECK_CONCURRENCY: --concurrency takes a whole number/);
    const m = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--config", "/nonexistent/rc.json"], { env: { REACH_ACCESS_TOKEN: "t-123456" } });
    expect(m.code).toBe(2);
    oneLine(m.stderr, /cannot read .*\/nonexistent\/rc\.json|\/nonexistent\/rc\.json: cannot read/);
  });
});
