/**
 * The built CLI against hostile and broken partners (test/helpers/hostile-server.ts), one run per
 * behaviour: the run ends within the bound this test sets, never exits 3, reports the expected
 * finding, prints the token nowhere, and (for the size cases) stays within a memory bound.
 */
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, NOW, ROOT } from "../helpers/cli.js";
import { BEHAVIOURS, HOSTILE_TOKEN, startHostile, type Behaviour, type HostileServer } from "../helpers/hostile-server.js";
import type { Report } from "../../src/report/types.js";

/**
 * Tight limits so that every bound is hit within a second; one company and one id per filter list
 * keep each run short (the behaviours do not depend on how many companies there are).
 */
const LIMITS = [
  ...["--timeout", "1000", "--connect-timeout", "1000", "--body-timeout", "1000", "--max-pages", "5", "--max-retry-wait", "2"],
  ...["--company", "alder-finch", "--sample-size", "1"],
];

interface Case {
  behaviour: Behaviour;
  /** Extra flags for this run. */
  args?: string[];
  /** Expected exit code (1 unless the behaviour is legitimately ready). */
  exit?: number;
  /** Finding codes (or check status lines) the report must hold. */
  expect: (report: Report) => void;
  /** The run must end within this many ms. */
  withinMs?: number;
  /** Peak RSS bound, in MiB, for the size cases. */
  maxRssMiB?: number;
  host?: string;
}

function codes(report: Report): string[] {
  return report.checks.flatMap((c) => c.findings.map((f) => f.code));
}

function finding(report: Report, code: string, message?: RegExp) {
  const f = report.checks.flatMap((c) => c.findings).find((x) => x.code === code && (!message || message.test(x.message)));
  expect(f, `no finding ${code}${message ? ` matching ${message}` : ""}; found ${[...new Set(codes(report))].join(", ")}`).toBeDefined();
  return f!;
}

const info = (code: string, message?: RegExp) => (report: Report) => {
  const f = finding(report, `schema.company-info/${code}`, message);
  expect(f.operation).toEqual({ method: "GET", path: "/companies/{CompanyId}" });
};

const CASES: Case[] = [
  // bounds
  { behaviour: "connect-hang", expect: (r) => expect(codes(r)).toEqual(expect.arrayContaining([expect.stringMatching(/^reachability\.connection\//)])) },
  { behaviour: "headers-hang", expect: info("transport", /no response headers in time/) },
  { behaviour: "trickle", expect: info("transport", /body not complete in time/) },
  { behaviour: "huge-body", args: ["--max-body", String(1024 * 1024)], expect: info("transport", /too large/), maxRssMiB: 300 },
  {
    behaviour: "slow-everything",
    args: ["--deadline", "3s"],
    withinMs: 12_000,
    expect: (r) => {
      const cut = r.checks.filter((c) => c.findings.some((f) => f.code.endsWith("/deadline")));
      expect(cut.length).toBeGreaterThan(0);
      expect(r.checks.some((c) => c.status === "skip" && /deadline \(--deadline 3000 ms\) passed/.test(c.summary))).toBe(true);
      expect(r.verdict).toBe("not-ready");
    },
  },
  {
    behaviour: "clean",
    args: ["--max-requests", "10"],
    expect: (r) => {
      const all = r.checks.flatMap((c) => c.findings);
      expect(all.filter((x) => /budget/.test(x.message) && x.code.endsWith("/transport"))).toEqual([]);
      const f = all.find((x) => x.code.endsWith("/not-sent"));
      expect(f, "a not-sent finding for the requests the budget kept from being sent").toBeDefined();
      expect(f!.operation).toBeDefined();
      expect(f!.rule.ref).toBe("reach-check:request-budget");
      expect(f!.curl).toBeUndefined();
      expect(f!.fix).toMatch(/--max-requests/);
    },
  },
  // bad bodies
  { behaviour: "not-json", expect: info("not-json") },
  { behaviour: "html", expect: (r) => (info("content-type")(r), info("not-json")(r)) },
  { behaviour: "empty", expect: info("not-json", /empty body/) },
  { behaviour: "invalid-utf8", expect: info("not-json", /not valid UTF-8/) },
  { behaviour: "deep-json", expect: info("not-json", /nested more than 512 levels/), maxRssMiB: 300 },
  { behaviour: "huge-string", expect: info("pattern"), maxRssMiB: 400, withinMs: 40_000 },
  { behaviour: "big-numbers", expect: (r) => (info("number-precision", /1e400/)(r), info("range")(r)) },
  { behaviour: "duplicate-keys", expect: info("duplicate-key", /FiscalMonthEnd/) },
  { behaviour: "longer-than-length", expect: info("not-json") },
  { behaviour: "shorter-than-length", expect: info("transport", /closed by the server/) },
  { behaviour: "gzip-no-header", expect: info("not-json", /gzip-compressed/) },
  { behaviour: "gzip-wrong-header", expect: info("transport", /Content-Encoding br but did not decode/) },
  { behaviour: "br-no-header", expect: info("not-json") },
  // bad connections
  { behaviour: "reset-mid-body", expect: info("transport", /closed by the server/) },
  { behaviour: "close-before-answer", expect: info("transport", /closed by the server/) },
  { behaviour: "redirect-loop", expect: info("status", /answered 302.*follows no redirect/) },
  { behaviour: "redirect-other-host", expect: info("status", /answered 307.*localhost/) },
  // lies
  { behaviour: "ok-everything", expect: (r) => finding(r, "auth.no-token/not-enforced") },
  { behaviour: "endless-total", expect: (r) => finding(r, "schema.reference-lists/endless", /stopped after 5 pages/), maxRssMiB: 300 },
  { behaviour: "same-page", expect: (r) => finding(r, "schema.reference-lists/endless", /stopped after 5 pages/) },
  { behaviour: "retry-after-day", expect: info("status", /Retry-After asks for a wait of 86400 s/) },
  // IPv6 loopback: a conformant partner is ready there too
  { behaviour: "clean", host: "::1", exit: 0, expect: (r) => expect(r.target.baseUrl).toMatch(/^http:\/\/\[::1\]:\d+$/) },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  maxRssKiB?: number;
}

/** Spawns the built CLI with the memory figure switched on. */
function runCli(args: string[], timeoutMs: number): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("REACH_")) env[k] = v;
  Object.assign(env, { NO_COLOR: "1", CI: "1", REACH_ACCESS_TOKEN: HOSTILE_TOKEN, REACH_CHECK_PRINT_MAXRSS: "1" });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`reach-check ${args.join(" ")} did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const rss = /reach-check: maxrss (\d+) KiB/.exec(stderr);
      resolve({ code, stdout, stderr: stderr.replace(/reach-check: maxrss \d+ KiB\n?/, ""), durationMs: Date.now() - started, maxRssKiB: rss ? Number(rss[1]) : undefined });
    });
  });
}

/** The token in any spelling a careless program might print it. */
const TOKEN_FORMS = [HOSTILE_TOKEN, encodeURIComponent(HOSTILE_TOKEN), Buffer.from(HOSTILE_TOKEN).toString("base64"), "Zq9x7Vw"];

const servers: HostileServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe.concurrent("hostile partners: the run ends, reports, and keeps the token", () => {
  it("covers every behaviour of the hostile server", () => {
    const covered = new Set(CASES.map((c) => c.behaviour));
    expect(Object.keys(BEHAVIOURS).filter((b) => !covered.has(b as Behaviour))).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.behaviour}${c.host ? ` on ${c.host}` : ""}${c.args ? ` ${c.args.join(" ")}` : ""}`, c] as const))("%s", async (_name, c) => {
    const server = await startHostile(c.behaviour, c.host ? { host: c.host } : {});
    servers.push(server);
    const bound = c.withinMs ?? 25_000;
    const r = await runCli(["run", "--base-url", server.url, "--format", "json", "--now", NOW, ...LIMITS, ...(c.args ?? [])], bound);
    await server.close();

    expect(r.code, r.stderr).not.toBe(3);
    expect(r.code, r.stderr).toBe(c.exit ?? 1);
    expect(r.durationMs).toBeLessThan(bound);
    expect(r.stderr.trim(), "nothing on stderr").toBe("");
    const report = JSON.parse(r.stdout) as Report;
    c.expect(report);
    expect(report.checks.filter((x) => x.status === "error").map((x) => `${x.id}: ${x.summary}`), "no check crashed").toEqual([]);
    for (const form of TOKEN_FORMS) expect(r.stdout + r.stderr, `token form ${form}`).not.toContain(form);
    if (c.maxRssMiB !== undefined) {
      expect(r.maxRssKiB, "the CLI printed its peak memory").toBeDefined();
      expect(r.maxRssKiB! / 1024).toBeLessThan(c.maxRssMiB);
    }
    // A redirect is never followed: nothing reached the other host name, least of all the token.
    if (c.behaviour === "redirect-other-host") expect(server.seen.filter((s) => s.host === "localhost")).toEqual([]);
  });
});
