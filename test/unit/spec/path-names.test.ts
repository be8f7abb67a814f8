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
