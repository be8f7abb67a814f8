import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpecError } from "../../../src/spec/errors.js";
import {
  bundledSpecFiles,
  bundledVersions,
  compareVersions,
  listBundledSpecs,
  newestVersion,
  packageRoot,
} from "../../../src/spec/registry.js";

describe("bundled spec registry", () => {
  it("finds the package root from the module location", () => {
    const root = packageRoot();
    expect(existsSync(join(root, "package.json"))).toBe(true);
    expect(existsSync(join(root, "specs", "reach-api"))).toBe(true);
  });

  it("lists 1.0.3 with its title and operation counts", async () => {
    const specs = await listBundledSpecs();
    const v103 = specs.find((s) => s.version === "1.0.3");
    expect(v103).toEqual({
      version: "1.0.3",
      openapiPath: join(packageRoot(), "specs/reach-api/1.0.3/openapi.yaml"),
      profilePath: join(packageRoot(), "specs/reach-api/1.0.3/profile.json"),
      title: "Reach API",
      operations: 14,
      modeledOperations: 8,
    });
    expect(specs.map((s) => s.version)).toEqual([...specs.map((s) => s.version)].sort(compareVersions));
    expect(await newestVersion()).toBe(specs[specs.length - 1].version);
    expect(await bundledVersions()).toEqual(specs.map((s) => s.version));
  });

  it("orders versions numerically with pre-releases first", () => {
    const sorted = ["1.10.0", "1.0.3", "1.2.0", "1.0.3-beta.1", "0.9.9", "1.0.10"].sort(compareVersions);
    expect(sorted).toEqual(["0.9.9", "1.0.3-beta.1", "1.0.3", "1.0.10", "1.2.0", "1.10.0"]);
  });

  it("names the known versions when asked for an unknown one", async () => {
    await expect(bundledSpecFiles("0.0.1")).rejects.toThrowError(SpecError);
    await expect(bundledSpecFiles("0.0.1")).rejects.toThrowError('unknown spec version "0.0.1" (bundled versions: 1.0.3)');
  });
});
