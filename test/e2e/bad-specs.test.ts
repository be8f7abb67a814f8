/**
 * Broken specs given with --spec, through the built CLI: one line naming the option, the file and
 * the problem, exit 2. A spec whose schema is legitimately recursive still runs, without hanging.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW, ROOT, runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "reach-bad-specs-"));
const TOKEN = "bad-spec-token-value";

/** A one-operation document whose user-info schema is `schema`, plus `components.schemas`. */
function spec(name: string, schema: string, components = "", version = "3.1.0"): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      `openapi: ${version}`,
      'info: {title: t, version: "1.0.3"}',
      "paths:",
      "  /oauth2/user-info:",
      "    get:",
      "      responses:",
      "        '200':",
      "          description: ok",
      "          content:",
      "            application/json:",
      `              schema: ${schema}`,
      ...(components ? ["components:", "  schemas:", ...components.split("\n").map((l) => `    ${l}`)] : []),
      "",
    ].join("\n"),
  );
  return file;
}

const CASES: [string, string, RegExp][] = [
  ["not YAML", join(ROOT, "fixtures/specs/bad/not-yaml.yaml"), /not valid YAML or JSON/],
  ["a $ref to a missing schema", join(ROOT, "fixtures/specs/bad/missing-ref.yaml"), /\$ref target not found: #\/components\/schemas\/CompanyProfile/],
  ["a $ref to a missing file", spec("missing-file.yaml", "{$ref: './nowhere.yaml#/User'}"), /cannot resolve an external \$ref.*nowhere\.yaml/],
  ["a $ref to a remote file", spec("remote.yaml", "{$ref: 'https://example.com/schemas.yaml#/User'}"), /cannot resolve external \$ref "https:\/\/example\.com\/schemas\.yaml"/],
  ["a schema that is its own $ref", spec("self.yaml", "{$ref: '#/components/schemas/A'}", "A: {$ref: '#/components/schemas/A'}"), /circular \$ref .*#\/components\/schemas\/A/],
  [
    "a cycle of $refs through allOf",
    spec("cycle.yaml", "{$ref: '#/components/schemas/A'}", "A: {allOf: [{$ref: '#/components/schemas/B'}]}\nB: {anyOf: [{$ref: '#/components/schemas/A'}, {type: string}]}"),
    /circular \$ref /,
  ],
  [
    "a property whose $ref enters a loop of $refs (the validator's stack would overflow)",
    spec("loop.yaml", "{type: object, properties: {Extra: {$ref: '#/components/schemas/Loop1'}}}", "Loop1: {$ref: '#/components/schemas/Loop2'}\nLoop2: {$ref: '#/components/schemas/Loop1'}"),
    /circular \$ref .*#\/components\/schemas\/Loop/,
  ],
  ["the bundled spec with a loop of $refs under a property", join(ROOT, "fixtures/specs/bad/ref-loop.yaml"), /circular \$ref .*#\/components\/schemas\/Loop/],
  ["a response schema with an unknown type", spec("bad-type.yaml", "{type: object, properties: {Name: {type: strng}}}"), /the schema at #\/paths\/~1oauth2~1user-info\/get\/responses\/200\/content\/application~1json\/schema cannot be compiled: .*strng/],
  ["a response schema with a broken pattern", spec("bad-pattern.yaml", "{type: string, pattern: '(unclosed'}"), /the schema at .* cannot be compiled: Invalid regular expression/],
  ["a package.json", join(ROOT, "package.json"), /not an OpenAPI document, or one with neither paths nor webhooks/],
  ["Swagger 2.0", join(ROOT, "fixtures/specs/bad/unsupported-version.yaml"), /unsupported version Swagger 2\.0/],
  ["OpenAPI 4.0.0", spec("v4.yaml", "{type: object}", "", "4.0.0"), /unsupported OpenAPI version 4\.0\.0; reach-check reads OpenAPI 3\.0\.x and 3\.1\.x/],
];

describe.concurrent("bad specs given with --spec", () => {
  it.each(CASES)("%s: one line, exit 2", async (_name, file, problem) => {
    const r = await runCli(["run", "--base-url", "http://127.0.0.1:9", "--spec", file, "--now", NOW], { env: { REACH_ACCESS_TOKEN: TOKEN }, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^reach-check: --spec: /);
    expect(lines[0]).toContain(file.startsWith(ROOT) ? file.slice(file.lastIndexOf("/") + 1) : file);
    expect(lines[0]).toMatch(problem);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.stdout).toBe("");
  });

  it("a schema that refers to itself below a property is fine: the run goes on and validates", async () => {
    const file = spec(
      "recursive.yaml",
      "{$ref: '#/components/schemas/User'}",
      [
        "User:",
        "  type: object",
        "  properties:",
        "    UserId: {type: string}",
        "    Email: {type: string}",
        "    Name: {type: string}",
        "    Companies: {type: array, items: {type: object}}",
        "    Manager: {$ref: '#/components/schemas/User'}",
      ].join("\n"),
    );
    const r = await runCli(["demo", "--spec", file, "--format", "json", "--now", NOW], { timeoutMs: 30_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as import("../../src/report/types.js").Report;
    const userInfo = report.checks.find((c) => c.id === "schema.user-info")!;
    expect(userInfo.status, userInfo.summary).not.toBe("error");
    expect(userInfo.findings.filter((f) => /cannot be compiled|nested too deeply/.test(f.message))).toEqual([]);
  });
});
