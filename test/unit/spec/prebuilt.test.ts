/**
 * The build's prebuilt documents of the bundled spec versions (dist/specs/<version>.json): a run
 * that reads one gets the very contract a fresh parse of the YAML gives, and one made from other
 * bytes is never used. Likewise their fast checks (dist/specs/<version>.checks.cjs).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { loadContract, prebuiltChecksPath, prebuiltPath } from "../../../src/spec/load.js";
import { loadPrebuiltChecks } from "../../../src/spec/prebuilt.js";
import { bundledSpecFiles, bundledVersions, listBundledSpecs } from "../../../src/spec/registry.js";
import { createValidator } from "../../../src/schema/validator.js";

/** A contract without its resolver function and prebuilt checks, for comparison. */
const plain = ({ resolve: _resolve, prebuiltChecks: _checks, ...rest }: Awaited<ReturnType<typeof loadContract>>) => rest;

describe("prebuilt bundled documents", () => {
  it("exist for every bundled version after the build, made from its openapi.yaml", async () => {
    const versions = await bundledVersions();
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      const saved = JSON.parse(readFileSync(prebuiltPath(version), "utf8")) as { sha256: string; document: { openapi: string } };
      const yaml = readFileSync((await bundledSpecFiles(version)).openapiPath);
      expect(saved.sha256).toBe(createHash("sha256").update(yaml).digest("hex"));
      expect(saved.document.openapi).toMatch(/^3\./);
    }
  });

  it("give the same contract as parsing the YAML", async () => {
    for (const version of await bundledVersions()) {
      const [prebuilt, parsed] = await Promise.all([loadContract({ specVersion: version }), loadContract({ specVersion: version, prebuilt: false })]);
      expect(plain(prebuilt)).toEqual(plain(parsed));
      expect(prebuilt.prebuiltChecks).toBe(prebuiltChecksPath(version));
      expect(parsed.prebuiltChecks).toBeUndefined();
      expect(prebuilt.resolve("#/components/schemas")).toEqual(parsed.resolve("#/components/schemas"));
    }
  });

  it("are ignored when made from other bytes, or damaged", async () => {
    const [version] = await bundledVersions();
    const path = prebuiltPath(version!);
    const original = readFileSync(path);
    const expected = plain(await loadContract({ specVersion: version, prebuilt: false }));
    const listed = await listBundledSpecs();
    try {
      // Other tests may load the bundled spec meanwhile: either file only makes them parse the YAML.
      writeFileSync(path, JSON.stringify({ sha256: "0".repeat(64), document: { openapi: "3.1.0", paths: {} } }));
      expect(plain(await loadContract({ specVersion: version }))).toEqual(expected);
      // `reach-check specs` lists from the prebuilt documents, or from the YAML, alike.
      expect(await listBundledSpecs()).toEqual(listed);
      writeFileSync(path, "{ not json");
      expect(plain(await loadContract({ specVersion: version }))).toEqual(expected);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("come with fast checks for every response schema and the error envelope, which a validator runs instead of compiling", async () => {
    for (const version of await bundledVersions()) {
      const contract = await loadContract({ specVersion: version });
      const checks = loadPrebuiltChecks(contract.prebuiltChecks!, contract.sha256, contract.dialect);
      expect(checks).toBeDefined();
      let calls = 0;
      const counted = Object.fromEntries(
        Object.entries(checks!).map(([key, fn]) => [key, ((value: unknown) => (calls++, fn(value))) as ValidateFunction]),
      );
      const validator = createValidator(contract.document, contract.dialect, { strict: false, prebuilt: counted });
      const targets = contract.operations.flatMap((op) =>
        op.responses.filter((r) => r.schema).map((r) => ({ schema: r.schema!, specPointer: `${r.specPointer}/content/${r.contentTypes[0]!.replace(/~/g, "~0").replace(/\//g, "~1")}/schema` })),
      );
      targets.push({ schema: contract.errorSchema!, specPointer: contract.profile.errorSchemaRef });
      for (const t of targets) {
        const before = calls;
        validator.validate(t.schema, {}, { specPointer: t.specPointer });
        expect(calls - before, t.specPointer).toBe(1);
      }
    }
  });

  it("leaves out fast checks made from other bytes, for another dialect, missing or damaged", async () => {
    const contract = await loadContract({});
    expect(loadPrebuiltChecks(contract.prebuiltChecks!, contract.sha256, contract.dialect)).toBeDefined();
    expect(loadPrebuiltChecks(contract.prebuiltChecks!, "0".repeat(64), contract.dialect)).toBeUndefined();
    expect(loadPrebuiltChecks(contract.prebuiltChecks!, contract.sha256, contract.dialect === "3.0" ? "3.1" : "3.0")).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), "rc-checks-"));
    expect(loadPrebuiltChecks(join(dir, "absent.cjs"), contract.sha256, contract.dialect)).toBeUndefined();
    writeFileSync(join(dir, "damaged.cjs"), "module.exports = { sha256: ");
    expect(loadPrebuiltChecks(join(dir, "damaged.cjs"), contract.sha256, contract.dialect)).toBeUndefined();
    writeFileSync(join(dir, "not-functions.cjs"), `module.exports = { sha256: ${JSON.stringify(contract.sha256)}, dialect: ${JSON.stringify(contract.dialect)}, checks: { "closed:/x": 1 } };`);
    expect(loadPrebuiltChecks(join(dir, "not-functions.cjs"), contract.sha256, contract.dialect)).toBeUndefined();
  });
});
