/**
 * `reach-check login` against the reference partner: the test plays the browser (the partner
 * approves at once with a 302 to the loopback listener), then checks the tokens work, the file is
 * readable only by the user, and the client secret and tokens show up only where asked.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, NOW, ROOT } from "../helpers/cli.js";
import { startPartner, type RunningPartner } from "../../src/reference-partner/index.js";

const SECRET = "cs_Login!Distinctive/Secret+9=";

interface Login {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs login; when the authorize URL appears on stderr, `browser` gets it. */
function login(args: string[], env: Record<string, string>, browser: (url: string) => Promise<void>): Promise<Login> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "login", ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", CI: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let opened = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`login did not finish\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const m = /^\s+(https?:\/\/\S+)$/m.exec(stderr);
      if (m && !opened) {
        opened = true;
        browser(m[1]!).catch(reject);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a browser does: open the authorize URL, follow its redirect to the listener. */
async function approve(url: string, tamper?: (callback: URL) => void): Promise<void> {
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const callback = new URL(res.headers.get("location")!);
  expect(callback.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  tamper?.(callback);
  await (await fetch(callback)).text();
}

let partner: RunningPartner;
let dir: string;
beforeAll(async () => {
  partner = await startPartner({ now: new Date(NOW), clientSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), "reach-check-login-"));
});
afterAll(async () => {
  await partner?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ REACH_CLIENT_ID: partner.clientId, REACH_CLIENT_SECRET: SECRET });

function exports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)='([^']*)'$/gm)) out[m[1]!] = m[2]!;
  return out;
}

describe("reach-check login", () => {
  it("writes working tokens to a 0600 file; nothing secret on stdout or stderr", async () => {
    const out = join(dir, "tokens.env");
    const r = await login(["--base-url", partner.baseUrl, "--out", out, "--scope", "read:company"], env(), (u) => approve(u));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("/oauth2/authorize?");
    expect(r.stderr).toContain(`Tokens written to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const tokens = exports(readFileSync(out, "utf8"));
    expect(Object.keys(tokens).sort()).toEqual(["REACH_ACCESS_TOKEN", "REACH_REFRESH_TOKEN"]);
    for (const t of Object.values(tokens)) expect(r.stdout + r.stderr).not.toContain(t);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(SECRET));
    // The tokens are the ones Reach would get: the access token reads data, the refresh token refreshes.
    const info = await fetch(`${partner.baseUrl}/oauth2/user-info`, { headers: { authorization: `Bearer ${tokens.REACH_ACCESS_TOKEN}` } });
    expect(info.status).toBe(200);
    const refreshed = await fetch(`${partner.baseUrl}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.REACH_REFRESH_TOKEN!, client_id: partner.clientId, client_secret: SECRET }),
    });
    expect(refreshed.status).toBe(200);
  });

  it("--print-env prints export lines on stdout (the one output that shows tokens), never the client secret", async () => {
    const r = await login(["--base-url", partner.baseUrl, "--print-env"], env(), (u) => approve(u));
    expect(r.code, r.stderr).toBe(0);
    const tokens = exports(r.stdout);
    expect(tokens.REACH_ACCESS_TOKEN).toMatch(/\S{10,}/);
    expect(tokens.REACH_REFRESH_TOKEN).toMatch(/\S{10,}/);
    for (const t of Object.values(tokens)) expect(r.stderr).not.toContain(t);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("a redirect with another state is refused: exit 1, no tokens", async () => {
    const r = await login(["--base-url", partner.baseUrl, "--print-env"], env(), (u) =>
      approve(u, (cb) => cb.searchParams.set("state", "forged")),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/login failed: .*state/);
    expect(r.stdout).toBe("");
  });

  it("gives up after --timeout when no browser comes back", async () => {
    const r = await login(["--base-url", partner.baseUrl, "--print-env", "--timeout", "1500"], env(), async () => {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no redirect arrived within 2 s/);
  });

  it("a wrong client secret is reported from the token endpoint without echoing it", async () => {
    const wrong = "cs_Wrong!Secret-For-Login-Test";
    const r = await login(["--base-url", partner.baseUrl, "--print-env"], { REACH_CLIENT_ID: partner.clientId, REACH_CLIENT_SECRET: wrong }, (u) => approve(u));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/token endpoint answered 401 invalid_client/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("needs the client in the environment and somewhere to put the tokens (exit 2)", async () => {
    const noClient = await login(["--base-url", partner.baseUrl, "--print-env"], {}, async () => {});
    expect(noClient.code).toBe(2);
    expect(noClient.stderr).toContain("REACH_CLIENT_ID");
    const noOut = await login(["--base-url", partner.baseUrl], env(), async () => {});
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out");
  });
});
