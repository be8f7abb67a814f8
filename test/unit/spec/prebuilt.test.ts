/**
 * The build's prebuilt documents of the bundled spec versions (dist/specs/<version>.json): a run
 * that reads one gets the very contract a fresh parse of the YAML gives, and one made from other
 * bytes is never used.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadContract, prebuiltPath } from "../../../src/spec/load.js";
import { bundledSpecFiles, bundledVersions, listBundledSpecs } from "../../../src/spec/registry.js";

/** A contract without its resolver function, for comparison. */
const plain = ({ resolve: _resolve, ...rest }: Awaited<ReturnType<typeof loadContract>>) => rest;

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
});
