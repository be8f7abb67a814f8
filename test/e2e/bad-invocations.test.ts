/**
 * Every option of every command, given a wrong value (and given no value), through the built CLI:
 * one line on stderr naming the option, exit 2, no stack trace, nothing on stdout. Driven by the
 * OPTIONS table, so an option added later is covered without touching this file, and an option
 * for which no wrong value is known fails here until one is added below.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPTIONS, type OptionSpec } from "../../src/cli/options.js";
import { main } from "../../src/cli/main.js";
import { runCli, type CliResult } from "../helpers/cli.js";

type Command = OptionSpec["commands"][number];

/** Wrong values for options whose value is only checked when used (files, versions, switches). */
const KNOWN_WRONG: Record<string, string> = {
  "--token-file": "/nonexistent/reach-token",
  "--refresh-token-out": "/nonexistent/dir/refresh.env",
  "--spec-version": "0.0.0-nope",
  "--spec": "/nonexistent/openapi.yaml",
  "--ca": "/nonexistent/ca.pem",
  "--allowlist": "/nonexistent/allowlist.yaml",
  "--config": "/nonexistent/reach-check.json",
  "--break": "no-such-switch",
  "--check": "no-such-check",
};

/** Tried in order on options with a parser; the first one the parser refuses is used. */
const GENERIC_WRONG = ["not a value!", "", "-1", "99999999999999999", "http://", "%%"];

const TOKEN = "bad-invocation-token-value";
const ENV = { REACH_ACCESS_TOKEN: TOKEN };
/** login needs its OAuth client before it looks at anything else. */
const LOGIN_ENV = { ...ENV, REACH_CLIENT_ID: "client-id", REACH_CLIENT_SECRET: "client-secret-value" };

function longFlag(spec: OptionSpec): string {
  return /--[\w-]+/.exec(spec.flags)![0];
}

function takesValue(spec: OptionSpec): boolean {
  return /[<[]/.test(spec.flags);
}

function wrongValue(spec: OptionSpec): string | undefined {
  const flag = longFlag(spec);
  if (KNOWN_WRONG[flag] !== undefined) return KNOWN_WRONG[flag];
  if (!spec.parse) return undefined;
  return GENERIC_WRONG.find((v) => {
    try {
      spec.parse!(v);
      return false;
    } catch {
      return true;
    }
  });
}

/** Just enough for a command to get as far as judging the option under test. */
function baseArgs(command: Command, flag: string): string[] {
  switch (command) {
    case "run":
      return flag === "--base-url" ? [] : ["--base-url", "http://127.0.0.1:9"];
    case "login":
      return [...(flag === "--base-url" ? [] : ["--base-url", "http://127.0.0.1:9"]), ...(flag === "--print-env" ? [] : ["--print-env"])];
    default:
      return [];
  }
}

interface Case {
  name: string;
  argv: string[];
  flag: string;
  command: Command;
  /**
   * Refused while commander parses the arguments, before any command runs: checked in this
   * process (fast). The others are only refused by the command itself: checked with the built CLI.
   */
  atParse: boolean;
}

const cases: Case[] = [];
const unknown: string[] = [];
for (const spec of OPTIONS) {
  const flag = longFlag(spec);
  for (const command of spec.commands) {
    if (!takesValue(spec)) {
      cases.push({ name: `${command} ${flag}=yes`, argv: [command, ...baseArgs(command, flag), `${flag}=yes`], flag, command, atParse: true });
      continue;
    }
    const value = wrongValue(spec);
    if (value === undefined) {
      unknown.push(`${command} ${flag}`);
      continue;
    }
    cases.push({ name: `${command} ${flag} ${JSON.stringify(value)}`, argv: [command, ...baseArgs(command, flag), flag, value], flag, command, atParse: KNOWN_WRONG[flag] === undefined });
    // A missing value is commander's to catch, the same way for every command: once per option.
    if (command === spec.commands[0]) cases.push({ name: `${command} ${flag} (no value)`, argv: [command, ...baseArgs(command, flag), flag], flag, command, atParse: true });
  }
}

/** The CLI's entry point in this process, its output captured. */
async function inProcess(argv: string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const started = Date.now();
  const code = await main(["node", "reach-check", ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { PATH: process.env.PATH, ...env } });
  return { code, stdout, stderr, durationMs: Date.now() - started };
}

describe("bad invocations", () => {
  it("every option of the OPTIONS table has a wrong value to try", () => {
    expect(unknown, "add a wrong value for these options to KNOWN_WRONG").toEqual([]);
    expect(cases.length).toBeGreaterThan(40);
  });

  describe.concurrent("one line naming the option, exit 2, no stack", () => {
    it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const env = c.command === "login" ? LOGIN_ENV : ENV;
      const r = c.atParse ? await inProcess(c.argv, env) : await runCli(c.argv, { env, timeoutMs: 20_000 });
      expect(r.code, `${r.stderr}${r.stdout}`).toBe(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^reach-check: /);
      expect(lines[0]).toContain(c.flag);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain(TOKEN);
    });
  });
});

describe("a secret given where a value belongs", () => {
  // A token pasted as an option's value: every option whose parser refuses it says so without it.
  const SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.Zm9vYmFyYmF6cXV4";
  const refusing = OPTIONS.filter((spec) => {
    if (!spec.parse || !takesValue(spec)) return false;
    try {
      spec.parse(SECRET);
      return false;
    } catch {
      return true;
    }
  });

  it.each(refusing.map((spec) => [longFlag(spec), spec] as const))("%s <the token> does not echo it", async (flag, spec) => {
    const command = spec.commands[0]!;
    const r = await inProcess([command, ...baseArgs(command, flag), flag, SECRET], { REACH_ACCESS_TOKEN: SECRET, REACH_CLIENT_ID: "client-id", REACH_CLIENT_SECRET: "client-secret-value" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET.slice(0, 20));
  });

  it("--token-env with a token says it takes a variable's name, and does not tell the user to set the token", async () => {
    const r = await inProcess(["run", "--base-url", "http://127.0.0.1:9", "--token-env", SECRET], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^reach-check: --token-env takes the name of an environment variable \(letters, digits, _\), such as REACH_ACCESS_TOKEN; the value given is not one/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it("a base URL carrying the token in its query is refused without it", async () => {
    const r = await inProcess(["run", "--base-url", `ftp://127.0.0.1:9/?access_token=${SECRET}x`], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^reach-check: --base-url/);
    expect(r.stderr).not.toContain(SECRET);
  });
});

describe("a token given where a variable's name belongs, or kept in a token file", () => {
  // Letters and digits only: it passes as a variable name, and names no variable that is set.
  const TOKEN_LIKE = "Zk3qP9xLm2Vb7NwQ4tRy8HsJ6cDe1FgA";

  it.each(["--token-env", "--scoped-token-env"])("%s <a token-like name> is not repeated, nor called a variable to set", async (flag) => {
    const env = flag === "--token-env" ? {} : { REACH_ACCESS_TOKEN: "some-access-token-value" };
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", flag, TOKEN_LIKE], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^reach-check: (no access token: the variable --token-env names|--scoped-token-env: the variable it names) is not set, and its name does not look like one`));
    expect(r.stderr).not.toContain(TOKEN_LIKE);
  });

  it("a token kept in --token-file is not echoed by an option refused while parsing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rc-token-file-"));
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN_LIKE}\n`);
    const r = await inProcess(["run", "--base-url", "http://127.0.0.1:9", "--token-file", file, "--format", TOKEN_LIKE], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^reach-check: --format/);
    expect(r.stderr).not.toContain(TOKEN_LIKE);
  });
});
