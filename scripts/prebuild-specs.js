#!/usr/bin/env node
/**
 * Part of `npm run build` (see src/spec/prebuilt.ts): parses and bundles each bundled Reach spec version once and writes the
 * result to dist/specs/<version>.json, so that a run on a bundled spec reads JSON instead of loading
 * the YAML parser and swagger-parser. Each file records the SHA-256 of the openapi.yaml it was made
 * from; a run whose YAML differs (edited after the build) ignores it and parses the YAML itself.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const { prebuildDocument, prebuiltPath } = await dist("spec/load.js");
const { bundledVersions } = await dist("spec/registry.js");

const versions = await bundledVersions();
await rm(join(ROOT, "dist", "specs"), { recursive: true, force: true });
for (const version of versions) {
  const built = await prebuildDocument(version);
  if (!built) {
    process.stderr.write(`prebuild-specs: ${version} does not survive a JSON round trip; runs will parse its YAML\n`);
    continue;
  }
  const path = prebuiltPath(version);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(built)}\n`);
}
