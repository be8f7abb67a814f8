import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, SpecError } from "../../../src/spec/load.js";

const BAD = "fixtures/specs/bad";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reach-spec-errors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function specErrorOf(promise: Promise<unknown>): Promise<SpecError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpecError);
  const message = (err as SpecError).message;
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.length).toBeLessThanOrEqual(400);
  return err as SpecError;
}

describe("spec loading failures", () => {
  it.each([
    ["not-yaml.yaml", /not-yaml\.yaml: not valid YAML or JSON \(.*missed comma/],
    ["missing-ref.yaml", /missing-ref\.yaml: \$ref target not found: #\/components\/schemas\/CompanyProfile$/],
    ["unsupported-version.yaml", /unsupported-version\.yaml: unsupported version Swagger 2\.0; reach-check reads OpenAPI 3\.0\.x and 3\.1\.x/],
    ["invalid-openapi.yaml", /invalid-openapi\.yaml: invalid OpenAPI document: #\/paths\/.*\/parameters\/1\/in /],
  ])("%s gives a one-line SpecError naming the file and the problem", async (file, expected) => {
    const err = await specErrorOf(loadContract({ specPath: `${BAD}/${file}` }));
    expect(err.message).toMatch(expected);
    expect(err.message.startsWith(`${BAD}/${file}: `)).toBe(true);
  });

  it("rejects OpenAPI versions outside 3.0.x and 3.1.x", async () => {
    for (const version of ["4.0.0", "3.2.0", "2.0"]) {
      const file = join(dir, `v${version}.yaml`);
      await writeFile(file, `openapi: "${version}"\ninfo: {title: t, version: "1"}\npaths: {}\n`);
      const err = await specErrorOf(loadContract({ specPath: file }));
      expect(err.message).toBe(`${file}: unsupported OpenAPI version ${version}; reach-check reads OpenAPI 3.0.x and 3.1.x`);
    }
  });

  it("says so when a file is YAML but not an OpenAPI document", async () => {
    const scalar = join(dir, "scalar.yaml");
    await writeFile(scalar, "just some words\n");
    expect((await specErrorOf(loadContract({ specPath: scalar }))).message).toMatch(/top level is not an object/);
    const noVersion = join(dir, "no-version.yaml");
    await writeFile(noVersion, "info: {title: t, version: '1'}\npaths: {}\n");
    expect((await specErrorOf(loadContract({ specPath: noVersion }))).message).toMatch(/no "openapi" version string/);
  });

  it("names a missing file, a directory and an unknown bundled version", async () => {
    expect((await specErrorOf(loadContract({ specPath: `${BAD}/absent.yaml` }))).message).toBe(
      `${BAD}/absent.yaml: cannot read spec (file not found)`,
    );
    expect((await specErrorOf(loadContract({ specPath: BAD }))).message).toBe(`${BAD}: cannot read spec (is a directory)`);
    expect((await specErrorOf(loadContract({ specVersion: "9.9.9" }))).message).toBe(
      'unknown spec version "9.9.9" (bundled versions: 1.0.3)',
    );
  });

  it("rejects a path template whose parameter is not declared", async () => {
    const file = join(dir, "undeclared.yaml");
    await writeFile(
      file,
      [
        "openapi: 3.1.0",
        "info: {title: t, version: '1'}",
        "paths:",
        "  /companies/{CompanyId}:",
        "    get:",
        "      responses:",
        "        '200': {description: ok}",
      ].join("\n"),
    );
    expect((await specErrorOf(loadContract({ specPath: file }))).message).toBe(
      `${file}: GET /companies/{CompanyId} has no path parameter declared for {CompanyId}`,
    );
  });

  it("never reaches the network for a $ref of a local spec", async () => {
    const file = join(dir, "remote-ref.yaml");
    await writeFile(
      file,
      [
        "openapi: 3.1.0",
        "info: {title: t, version: '1'}",
        "paths:",
        "  /a:",
        "    get:",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        "              schema: {$ref: 'http://127.0.0.1:9/schemas.yaml#/Thing'}",
      ].join("\n"),
    );
    expect((await specErrorOf(loadContract({ specPath: file }))).message).toBe(
      `${file}: cannot resolve external $ref "http://127.0.0.1:9/schemas.yaml" (a local spec may refer to local files only, a remote spec to URLs on its own host only)`,
    );
  });

  it("reports unreadable and malformed profiles", async () => {
    const missing = await specErrorOf(loadContract({ profilePath: join(dir, "none.json") }));
    expect(missing.message).toMatch(/none\.json: cannot read profile \(file not found\)$/);
    const notJson = join(dir, "not-json.json");
    await writeFile(notJson, "{ operations: ");
    expect((await specErrorOf(loadContract({ profilePath: notJson }))).message).toMatch(/not-json\.json: profile is not valid JSON/);
    const badRole = join(dir, "bad-role.json");
    const profile = JSON.parse(await readFile("specs/reach-api/1.0.3/profile.json", "utf8"));
    profile.operations["GET /companies/{CompanyId}"].role = "company";
    await writeFile(badRole, JSON.stringify(profile));
    expect((await specErrorOf(loadContract({ profilePath: badRole }))).message).toMatch(
      /bad-role\.json: invalid profile at \/operations\/GET \/companies\/\{CompanyId\}: role must be one of /,
    );
  });
});
