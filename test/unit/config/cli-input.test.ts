/**
 * Inputs refused before anything is sent: each one line on stderr, exit 2, the value of a variable
 * never shown. Run through the CLI's entry point in this process.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";

const TOKEN = "cli-input-token-value-0123456789";

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "reach-check", ...argv], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { PATH: process.env.PATH, REACH_ACCESS_TOKEN: TOKEN, ...env },
  });
  return { code, stdout, stderr };
}

function expectRefused(r: { code: number; stdout: string; stderr: string }, ...parts: (string | RegExp)[]) {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  for (const p of parts) expect(lines[0]).toMatch(p);
}

const RUN = ["run", "--base-url", "http://127.0.0.1:9"];

describe("REACH_CHECK_* variables", () => {
  it("refuses a misspelled setting and names the one meant", async () => {
    const r = await cli(RUN, { REACH_CHECK_FAILON: "warn" });
    expectRefused(r, /REACH_CHECK_FAILON is not a reach-check setting/, /did you mean REACH_CHECK_FAIL_ON\?/);
    const typo = await cli(RUN, { REACH_CHECK_CONCURENCY: "2" });
    expectRefused(typo, /did you mean REACH_CHECK_CONCURRENCY\?/);
  });

  it("refuses a token put in a REACH_CHECK_ variable without showing it", async () => {
    const secret = "looks-like-a-real-token-4f1c2d";
    const r = await cli(RUN, { REACH_CHECK_ACCESS_TOKEN: secret });
    expectRefused(r, /REACH_CHECK_ACCESS_TOKEN is not a reach-check setting/, /REACH_ACCESS_TOKEN/);
    expect(r.stderr).not.toContain(secret);
  });

  it("accepts the variables reach-check reads", async () => {
    // A known setting with a wrong value is that setting's error, not an unknown-name error.
    const r = await cli(RUN, { REACH_CHECK_FAIL_ON: "sometimes", REACH_CHECK_DEBUG: "1" });
    expectRefused(r, /^reach-check: REACH_CHECK_FAIL_ON: --fail-on takes one of fail, warn/);
  });

  it("leaves commands without settings alone", async () => {
    const r = await cli(["specs", "--format", "json"], { REACH_CHECK_FAILON: "warn" });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("one place for the token", () => {
  const dir = mkdtempSync(join(tmpdir(), "reach-cli-input-"));
  const file = join(dir, "token");
  writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });

  it("refuses --token-env beside --token-file, however each was given", async () => {
    expectRefused(await cli([...RUN, "--token-env", "OTHER_TOKEN", "--token-file", file], { OTHER_TOKEN: "x" }), /--token-env and --token-file/);
    expectRefused(await cli([...RUN, "--token-file", file], { REACH_CHECK_TOKEN_ENV: "OTHER_TOKEN" }), /--token-env and --token-file/);
  });

  it("takes --token-file alone (the default --token-env does not count)", async () => {
    // Refused later, by the run itself, for a spec file that is not there: the token question passed.
    expectRefused(await cli([...RUN, "--token-file", file, "--spec", join(dir, "missing.yaml")]), /^reach-check: --spec: .*missing\.yaml/);
  });

  it("refuses an empty --spec in words", async () => {
    expectRefused(await cli([...RUN, "--spec", ""]), /^reach-check: --spec takes a file path or an http\(s\) URL, got an empty value$/);
  });
});

describe("values refused as given", () => {
  it("refuses a host name longer than DNS allows", async () => {
    const long = `${"a".repeat(60)}.`.repeat(5) + "example";
    expectRefused(await cli(["run", "--base-url", `http://${long}/`]), /--base-url: the host name has \d+ characters; a DNS name has at most 253/);
    expectRefused(await cli(["run", "--base-url", `https://${"b".repeat(64)}.example/`]), /a label of 64 characters; a DNS label has at most 63/);
  });

  it("accepts the longest legal label and IP addresses", async () => {
    // Refused for the empty --spec, after --base-url was taken.
    for (const url of [`https://${"c".repeat(63)}.example/`, "http://[::1]:9/", "http://127.0.0.1:9/"]) {
      expectRefused(await cli(["run", "--base-url", url, "--spec", ""]), /^reach-check: --spec takes/);
    }
  });

  it("refuses login --out naming a folder before the sign-in starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reach-cli-out-"));
    const r = await cli(["login", "--base-url", "http://127.0.0.1:9", "--out", dir], { REACH_CLIENT_ID: "id", REACH_CLIENT_SECRET: "secret-value-1" });
    expectRefused(r, /--out names a folder/);
  });
});

describe("--company", () => {
  it("refuses . and .., which no URL path can carry", async () => {
    for (const id of [".", ".."]) {
      const r = await cli([...RUN, "--company", id]);
      expectRefused(r, new RegExp(`^reach-check: --company "${id.replace(/\./g, "\\.")}" cannot be checked: URL resolution removes a path segment of \\. or \\.\\.`));
    }
  });
});

describe("OAuth client credentials with spaces", () => {
  it("accepts a client secret and refresh token with spaces inside (RFC 6749 appendix A: VSCHAR), not tabs or newlines", async () => {
    const { readClientCredentials, readClient } = await import("../../../src/config/credentials.js");
    const env = { REACH_CLIENT_ID: "reach client", REACH_CLIENT_SECRET: "correct horse battery staple", REACH_REFRESH_TOKEN: "r t 1" };
    expect(readClientCredentials(env)).toEqual({ clientId: "reach client", clientSecret: "correct horse battery staple", refreshToken: "r t 1" });
    expect(readClient(env)).toEqual({ clientId: "reach client", clientSecret: "correct horse battery staple" });
    expect(() => readClientCredentials({ ...env, REACH_CLIENT_SECRET: "tab\there" })).toThrow(/^REACH_CLIENT_SECRET holds a character that is not printable ASCII \(/);
  });
});
