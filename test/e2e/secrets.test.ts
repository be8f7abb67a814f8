/**
 * A distinctive token, client secret and refresh token never appear in any output, even from a
 * partner that echoes the token back in a body and a header.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOW, runCli } from "../helpers/cli.js";
import type { RunningServer } from "../../src/http/server.js";
import { startEchoingPartner } from "../helpers/echo-partner.js";

const TOKEN = "tok_Zq9!x/+Echo=SECRET~value";
const forms = (s: string) => [
  s,
  encodeURIComponent(s),
  JSON.stringify(s).slice(1, -1),
  Buffer.from(s).toString("base64"),
  Buffer.from(s).toString("base64url"),
  "Zq9!x", // a distinctive inner part
];

let server: RunningServer;

beforeAll(async () => {
  server = await startEchoingPartner(new Date(NOW), TOKEN);
});
afterAll(async () => server?.close());

describe("secrets", () => {
  it.each(["json", "terminal"])("the token appears nowhere in %s output", async (format) => {
    const r = await runCli(["run", "--base-url", server.url, "--format", format, "--now", NOW, "--verbose"], {
      env: { REACH_ACCESS_TOKEN: TOKEN },
    });
    expect(r.code === 0 || r.code === 1).toBe(true);
    const all = r.stdout + r.stderr;
    expect(all.length).toBeGreaterThan(200);
    for (const f of forms(TOKEN)) expect(all, `form ${f}`).not.toContain(f);
  });

  it("the token appears nowhere when the run fails early (bad spec) or on usage errors", async () => {
    const r = await runCli(["run", "--base-url", server.url, "--spec-version", "0.0.0"], { env: { REACH_ACCESS_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    for (const f of forms(TOKEN)) expect(r.stdout + r.stderr).not.toContain(f);
  });
});
