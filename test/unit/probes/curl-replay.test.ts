/**
 * Curl lines printed in findings, replayed with bash against the reference partner on loopback:
 * the line must get the answer the finding describes.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startServer } from "../../../src/http/server.js";
import { createPartner, startPartner, type RunningPartner } from "../../../src/reference-partner/index.js";
import { checkPartner, resultOf } from "../../helpers/harness.js";
import { NOW } from "../../helpers/cli.js";

const hasCurl = spawnSync("sh", ["-c", "command -v curl"]).status === 0;

/** Runs a printed line as is, with the token variable set; the HTTP status curl got. */
async function replay(line: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await promisify(execFile)("bash", ["-c", `${line} --max-time 5 -o /dev/null -w '%{http_code}'`], {
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 10_000,
  });
  return Number(stdout.trim());
}

/** What the printed line writes, as is. */
async function replayOutput(line: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", ["-c", `${line} --max-time 5`], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 10_000 });
  return stdout;
}

/** The reference partner with the given defect switches, kept up while `use` replays lines against it. */
async function withPartner(defects: string[], use: (partner: RunningPartner) => Promise<void>): Promise<void> {
  const partner = await startPartner({ now: new Date(NOW), defects });
  try {
    await use(partner);
  } finally {
    await partner.close();
  }
}

describe("replayed curl lines", () => {
  it.skipIf(!hasCurl)("oauth.refresh-grant/fewer-companies: the line fetches a refreshed token itself and shows the shorter company list", async () => {
    await withPartner(["refresh-fewer-companies"], async (partner) => {
      const report = await checkPartner(partner, { only: ["oauth.refresh-grant"], oauth: true });
      const f = resultOf(report, "oauth.refresh-grant").findings.find((x) => x.code === "oauth.refresh-grant/fewer-companies");
      expect(f?.curl).toMatch(/^REACH_REFRESHED_TOKEN="\$\(curl /);
      const out = await replayOutput(f?.curl ?? "", { REACH_REFRESH_TOKEN: partner.refreshToken, REACH_CLIENT_SECRET: partner.clientSecret });
      expect(out).toMatch(/^HTTP\/1\.1 200 /);
      // The finding: the refreshed token lists 1 of the 2 companies.
      expect(out.match(/"CompanyId"/g)).toHaveLength(1);
    });
  });

  it.skipIf(!hasCurl)("show the status line and headers a finding about a status is about", async () => {
    await withPartner(["invalid-token-403"], async (partner) => {
      const report = await checkPartner(partner, { only: ["auth.invalid-token"] });
      const f = resultOf(report, "auth.invalid-token").findings.find((x) => x.code === "auth.invalid-token/forbidden");
      expect(f?.curl).toMatch(/^curl -sS -i -X GET /);
      const out = await replayOutput(f?.curl ?? "", { REACH_ACCESS_TOKEN: partner.accessToken });
      expect(out).toMatch(/^HTTP\/1\.1 403 /);
      expect(out).toMatch(/^content-type: application\/json/im);
      expect(out).toContain('"errors"');
    });
  });

  it.skipIf(!hasCurl)("auth.bearer-challenge/error-without-token (info): the line replays the request without a token and shows the challenge", async () => {
    await withPartner(["error-code-without-token"], async (partner) => {
      const report = await checkPartner(partner, { only: ["auth.bearer-challenge"] });
      const found = resultOf(report, "auth.bearer-challenge").findings.filter((x) => x.code === "auth.bearer-challenge/error-without-token");
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) {
        expect(f.severity).toBe("info");
        expect(f.curl, f.message).toMatch(/^curl -sS -i -X (GET|POST) /);
        expect(f.curl).not.toContain("Authorization");
        const out = await replayOutput(f.curl ?? "", { REACH_ACCESS_TOKEN: partner.accessToken });
        expect(out).toMatch(/^HTTP\/1\.1 401 /);
        expect(out).toMatch(/^www-authenticate: Bearer realm="reach", error="invalid_token"/im);
      }
    });
  });

  it.skipIf(!hasCurl)("auth.token-in-query/accepted: the line sends the token in the query from the variable", async () => {
    const accessToken = `tiq-${randomBytes(16).toString("hex")}`;
    const now = new Date(NOW);
    // Same token on both; the server answers with either, so one line meets both behaviours.
    const lenient = createPartner({ now, accessToken, defects: ["token-in-query"] });
    const strict = createPartner({ now, accessToken });
    let current = lenient;
    const server = await startServer((req) => current.handler(req), { host: "127.0.0.1", port: 0 });
    try {
      const report = await checkPartner({ ...lenient, baseUrl: server.url }, { only: ["auth.token-in-query"] });
      const findings = resultOf(report, "auth.token-in-query").findings.filter((f) => f.code === "auth.token-in-query/accepted");
      expect(findings).toHaveLength(2);
      for (const f of findings) {
        const line = f.curl ?? "";
        expect(line).toContain(`-G --data-urlencode "access_token=$REACH_ACCESS_TOKEN"`);
        expect(line).not.toContain("REDACTED");
        expect(line).not.toContain(accessToken);
        expect(f.evidence?.actual).toBe("200");
        current = lenient;
        expect(await replay(line, { REACH_ACCESS_TOKEN: accessToken })).toBe(200);
        current = strict;
        expect(await replay(line, { REACH_ACCESS_TOKEN: accessToken })).toBe(401);
      }
    } finally {
      await server.close();
    }
  });

  it.skipIf(!hasCurl)("auth.near-token: the lines rebuild the shorter token and the other spelling from the variable", async () => {
    const accessToken = `NearTok-${randomBytes(16).toString("hex")}-XyZ`;
    const now = new Date(NOW);
    const partner = createPartner({ now, accessToken });
    // A token check that takes any prefix of 8 characters or more, and any spelling, of the real token.
    let loose = true;
    const server = await startServer(
      (req) => {
        const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (loose && sent !== undefined && sent !== accessToken && ((sent.length >= 8 && accessToken.startsWith(sent)) || sent.toLowerCase() === accessToken.toLowerCase())) {
          req.headers.authorization = `Bearer ${accessToken}`;
        }
        return partner.handler(req);
      },
      { host: "127.0.0.1", port: 0 },
    );
    try {
      const report = await checkPartner({ ...partner, baseUrl: server.url }, { only: ["auth.near-token"] });
      const found = resultOf(report, "auth.near-token").findings;
      expect(found.map((f) => f.code).sort()).toEqual(["auth.near-token/case-ignored", "auth.near-token/prefix-accepted"]);
      for (const f of found) {
        const line = f.curl ?? "";
        expect(line).not.toContain(accessToken.slice(0, 20));
        expect(line).not.toContain(accessToken.slice(0, 20).toUpperCase());
        loose = true;
        expect(await replay(line, { REACH_ACCESS_TOKEN: accessToken })).toBe(200);
        loose = false;
        expect(await replay(line, { REACH_ACCESS_TOKEN: accessToken })).toBe(401);
      }
      // Neither near token is printed anywhere in the report (the other spelling gives the token away).
      const swapped = accessToken.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
      expect(JSON.stringify(report)).not.toContain(swapped.slice(0, 20));
      expect(JSON.stringify(report)).not.toContain(accessToken.slice(0, -1));
    } finally {
      await server.close();
    }
  });
});
