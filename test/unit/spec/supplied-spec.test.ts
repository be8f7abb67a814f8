/**
 * An official bundle may spell a path parameter differently from the profile ({companyId} for
 * {CompanyId}). OpenAPI counts templates that differ only in parameter names as the same path, so
 * the operations must still map, and a broken partner must still be caught.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../../src/spec/load.js";
import type { Contract } from "../../../src/spec/types.js";
import { checkReference, resultOf } from "../../helpers/harness.js";

let dir: string;
let file: string;
let bundled: Contract;
let renamed: Contract;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reach-path-names-"));
  file = join(dir, "openapi.yaml");
  const text = readFileSync("specs/reach-api/1.0.3/openapi.yaml", "utf8").replace(/\{CompanyId\}/g, "{companyId}").replace(/^(\s+)name: CompanyId$/gm, "$1name: companyId");
  expect(text).toContain("/companies/{companyId}/budgets");
  writeFileSync(file, text);
  [bundled, renamed] = await Promise.all([loadContract({}), loadContract({ specPath: file })]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("path parameters named differently from the profile", () => {
  it("map every operation to the profile, under the profile's spelling, with the document's pointers", () => {
    expect(renamed.operations.map((o) => [o.key, o.profile.role]).sort()).toEqual(bundled.operations.map((o) => [o.key, o.profile.role]).sort());
    const budgets = renamed.operations.find((o) => o.key === "GET /companies/{CompanyId}/budgets")!;
    expect(budgets.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["CompanyId"]);
    expect(budgets.specPointer).toBe("#/paths/~1companies~1{companyId}~1budgets/get");
  });

  it("still finds a broken partner's faults (the same as with the bundled spec)", async () => {
    const withFile = await checkReference({ spec: file, only: ["schema.company-info", "schema.reference-lists"], defects: ["wrong-type"] });
    const r = resultOf(withFile, "schema.company-info");
    expect(r.status, r.summary).toBe("fail");
    expect(withFile.coverage.operations.filter((o) => o.operation.includes("{CompanyId}") && o.exercised).length).toBeGreaterThan(0);
  });
});

describe("an error envelope schema named otherwise, or not declared", () => {
  const variant = (name: string, edit: (text: string) => string): string => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, edit(readFileSync("specs/reach-api/1.0.3/openapi.yaml", "utf8")));
    return path;
  };

  it("judges error bodies by the schema the document's 4xx answers declare (ErrorResponse renamed Error)", async () => {
    const spec = variant("error-renamed", (t) => t.replace(/#\/components\/schemas\/ErrorResponse\b/g, "#/components/schemas/Error").replace(/^ {4}ErrorResponse:$/m, "    Error:"));
    const contract = await loadContract({ specPath: spec });
    expect(contract.errorSchema).toBeDefined();
    expect(contract.errorSchemaPointer).toMatch(/^#\/paths\/.+\/responses\/4\d\d\/content\/application~1json\/schema$/);
    const r = resultOf(await checkReference({ spec, only: ["inputs.unknown-company"], defects: ["bad-error-envelope"] }), "inputs.unknown-company");
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => f.code)).toContain("inputs.unknown-company/error-envelope");
  });

  it("falls back to Reach's observed envelope when the document declares no error schema", async () => {
    // The shared error responses keep their descriptions, without content.
    const spec = variant("error-none", (t) => t.replace(/\n {6}content:\n {8}application\/json:\n {10}schema:\n {12}\$ref: "#\/components\/schemas\/(?:ErrorResponse|OAuthError)"\n/g, "\n").replace(/^ {4}ErrorResponse:$/m, "    UnusedEnvelope:"));
    const contract = await loadContract({ specPath: spec });
    expect(contract.errorSchema).toBeUndefined();
    const r = resultOf(await checkReference({ spec, only: ["inputs.unknown-company"], defects: ["bad-error-envelope"] }), "inputs.unknown-company");
    expect(r.findings.map((f) => f.code)).toContain("inputs.unknown-company/error-envelope");
    expect(r.findings.find((f) => f.code === "inputs.unknown-company/error-envelope")!.message).toMatch(/is not in Reach's error envelope/);
  });
});
