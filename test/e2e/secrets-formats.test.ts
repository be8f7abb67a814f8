/**
 * A partner that echoes the token back in a body and a header: the token appears in no report
 * format, neither on stdout nor in the --report files, in any spelling (raw, URL-encoded,
 * JSON-escaped, base64).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NOW, parseReport, runCli } from "../helpers/cli.js";
import type { RunningServer } from "../../src/http/server.js";
import { startEchoingPartner } from "../helpers/echo-partner.js";
import { validateReport } from "../../src/report/report-schema.js";

const TOKEN = "tok_Fm7<&>|`x/+Echo=SECRET~val'ue\"";
const spellings = (s: string) => [
  s,
  encodeURIComponent(s),
  JSON.stringify(s).slice(1, -1),
  Buffer.from(s).toString("base64"),
  Buffer.from(s).toString("base64url"),
  Buffer.from(`Bearer ${s}`).toString("base64"),
  // HTML and XML escaping of the token, in case a reporter escaped it instead of it being redacted
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  "Fm7<&>", // a distinctive inner part
  "Echo=SECRET",
];

let server: RunningServer;

beforeAll(async () => {
  server = await startEchoingPartner(new Date(NOW), TOKEN);
});
afterAll(async () => server?.close());

describe("secrets in every report format", () => {
  it.each(["terminal", "json", "junit", "markdown", "html"])("stdout %s and every --report file are free of the token", async (format) => {
    const dir = mkdtempSync(join(tmpdir(), "rc-secrets-"));
    const files = ["json", "junit", "markdown", "html", "terminal"].map((f) => ({ f, path: join(dir, `report.${f}`) }));
    const r = await runCli(
      ["run", "--base-url", server.url, "--format", format, "--now", NOW, "--verbose", "--strict", ...files.flatMap(({ f, path }) => ["--report", `${f}=${path}`])],
      { env: { REACH_ACCESS_TOKEN: TOKEN } },
    );
    expect([0, 1]).toContain(r.code);
    const outputs: [string, string][] = [
      ["stdout", r.stdout],
      ["stderr", r.stderr],
      ...files.map(({ f, path }): [string, string] => [f, readFileSync(path, "utf8")]),
    ];
    for (const [where, text] of outputs) {
      if (where !== "stderr") expect(text.length, where).toBeGreaterThan(1000);
      for (const s of spellings(TOKEN)) expect(text.includes(s), `${where} contains ${s}`).toBe(false);
    }
    // The echo was seen and redacted, not missed.
    expect(readFileSync(files[0].path, "utf8")).toContain("[REDACTED]");
    if (format === "json") expect(validateReport(parseReport(r))).toEqual([]);
  });
});
