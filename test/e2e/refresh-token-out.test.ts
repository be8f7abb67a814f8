/**
 * A partner whose token endpoint rotates refresh tokens with reuse detection, as Auth0 and Okta do:
 * a refresh token presented a second time revokes every token of its grant. The run must never send
 * a spent one, must say that REACH_REFRESH_TOKEN is spent, and with --refresh-token-out must leave
 * the one that works in a file readable only by the user.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer, type ServerReply } from "../../src/http/server.js";
import { createPartner, type PartnerApp } from "../../src/reference-partner/index.js";
import { NOW, parseReport, runCli } from "../helpers/cli.js";

interface Rotating {
  server: RunningServer;
  app: PartnerApp;
  /** Every refresh token presented, in order. */
  presented: string[];
  /** The refresh token that works now. */
  live: () => string;
  revoked: () => boolean;
}

/** The reference partner behind a token endpoint that issues a new refresh token on every refresh. */
async function rotatingPartner(): Promise<Rotating> {
  const app = createPartner({ now: new Date(NOW) });
  const presented: string[] = [];
  const spent = new Set<string>();
  let live = app.refreshToken;
  let revoked = false;
  let n = 0;
  const refuse = (): ServerReply => ({ status: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: "invalid_grant" }) });
  const server = await startServer(async (req) => {
    const form = req.url.pathname === "/oauth2/token" ? new URLSearchParams(req.body.toString("utf8")) : undefined;
    if (!form || form.get("grant_type") !== "refresh_token") return app.handler(req);
    const given = form.get("refresh_token") ?? "";
    presented.push(given);
    if (spent.has(given)) {
      revoked = true;
      return refuse();
    }
    if (revoked || given !== live) return app.handler(req);
    // The partner behind knows only its own refresh token: hand it that one.
    form.set("refresh_token", app.refreshToken);
    const reply = await app.handler({ ...req, body: Buffer.from(form.toString()) });
    if (reply.status !== 200) return reply;
    // Only a refresh with the right client spends the token; a refused one leaves it as it was.
    const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
    spent.add(given);
    live = `rotated-${++n}-${"x".repeat(24)}`;
    body.refresh_token = live;
    const headers = { ...reply.headers };
    delete headers["content-length"];
    return { ...reply, headers, body: JSON.stringify(body) };
  });
  return { server, app, presented, live: () => live, revoked: () => revoked };
}

describe("run --refresh-token-out with a partner that rotates refresh tokens and detects reuse", () => {
  let partner: Rotating;
  let dir: string;
  beforeAll(async () => {
    partner = await rotatingPartner();
    dir = mkdtempSync(join(tmpdir(), "reach-check-refresh-"));
  });
  afterAll(async () => {
    await partner.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("never presents a spent refresh token, keeps the live one in a private file, and prints no secret", async () => {
    const out = join(dir, "refresh.env");
    const env = {
      REACH_ACCESS_TOKEN: partner.app.accessToken,
      REACH_CLIENT_ID: partner.app.clientId,
      REACH_CLIENT_SECRET: partner.app.clientSecret,
      REACH_REFRESH_TOKEN: partner.app.refreshToken,
    };
    const r = await runCli(["run", "--base-url", partner.server.url, "--now", NOW, "--format", "json", "--check", "oauth", "--refresh-token-out", out], { env });
    const report = parseReport(r);
    expect(report.checks.find((c) => c.id === "oauth.refresh-grant")?.status).toBe("pass");
    expect(partner.revoked()).toBe(false);
    // The original was spent once by the refresh grant and never sent again.
    expect(partner.presented.filter((t) => t === partner.app.refreshToken).length).toBeGreaterThanOrEqual(1);
    const spentAt = partner.presented.lastIndexOf(partner.app.refreshToken);
    expect(partner.presented.slice(spentAt + 1).filter((t) => t === partner.app.refreshToken)).toEqual([]);
    // The file holds the live token, readable only by the user.
    expect(readFileSync(out, "utf8")).toBe(`export REACH_REFRESH_TOKEN='${partner.live()}'\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(r.stderr).toContain(`the refresh token that works now is in ${out}`);
    for (const secret of [partner.live(), partner.app.refreshToken, partner.app.clientSecret, partner.app.accessToken]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    // What the file holds works: a refresh with it is accepted.
    const again = await fetch(`${partner.server.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: partner.live(), client_id: partner.app.clientId, client_secret: partner.app.clientSecret }).toString(),
    });
    expect(again.status).toBe(200);
    expect(partner.revoked()).toBe(false);
  });

  it("without the option, says on stderr that REACH_REFRESH_TOKEN is spent", async () => {
    const env = {
      REACH_ACCESS_TOKEN: partner.app.accessToken,
      REACH_CLIENT_ID: partner.app.clientId,
      REACH_CLIENT_SECRET: partner.app.clientSecret,
      REACH_REFRESH_TOKEN: partner.live(),
    };
    const r = await runCli(["run", "--base-url", partner.server.url, "--now", NOW, "--format", "json", "--check", "oauth"], { env });
    parseReport(r);
    expect(partner.revoked()).toBe(false);
    expect(r.stderr).toMatch(/the partner rotated the refresh token, so the one in REACH_REFRESH_TOKEN is spent: do not send it again/);
  });

  it("is a usage error without the OAuth client (exit 2, one line)", async () => {
    const r = await runCli(["run", "--base-url", partner.server.url, "--refresh-token-out", join(dir, "x.env")], { env: { REACH_ACCESS_TOKEN: partner.app.accessToken } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/--refresh-token-out needs REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses a path it could not write before sending anything (exit 2, one line)", async () => {
    const before = partner.presented.length;
    const env = { REACH_ACCESS_TOKEN: partner.app.accessToken, REACH_CLIENT_ID: partner.app.clientId, REACH_CLIENT_SECRET: partner.app.clientSecret, REACH_REFRESH_TOKEN: partner.live() };
    const r = await runCli(["run", "--base-url", partner.server.url, "--refresh-token-out", join(dir, "missing-folder", "x.env")], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^reach-check: --refresh-token-out: cannot write ".*x\.env" \(ENOENT\)$/);
    expect(partner.presented.length).toBe(before);
  });
});
