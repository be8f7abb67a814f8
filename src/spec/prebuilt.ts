/**
 * Bundled spec versions as the build parsed them. `npm run build` writes each version's parsed and
 * bundled document to dist/specs/<version>.json (scripts/prebuild-specs.js), so that a run on a
 * bundled spec reads JSON instead of loading the YAML parser and swagger-parser, the slowest imports
 * of the tool. Each file records the SHA-256 of the openapi.yaml it was made from; one made from
 * other bytes (the YAML was edited after the build), or damaged, is ignored.
 *
 * Beside it, dist/specs/<version>.checks.cjs holds the schema validator's fast checks of the
 * version's response schemas, compiled by Ajv at build time (see `prebuildChecks` in
 * schema/validator.ts), with the same digest.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PrebuiltChecks } from "../schema/validator.js";
import { packageRoot } from "../util/package-info.js";

/** `{ "sha256": <hex digest of the openapi.yaml it was made from>, "document": {...} }` of a version. */
export function prebuiltPath(version: string): string {
  return join(packageRoot(), "dist", "specs", `${version}.json`);
}

/** The prebuilt document of a bundled version, if there is one made from the bytes with this digest. */
export async function readPrebuilt(version: string, sha256: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(prebuiltPath(version), "utf8");
  } catch {
    return undefined; // not built (e.g. sources run without a build): parse the YAML
  }
  try {
    const saved = JSON.parse(text) as { sha256?: unknown; document?: unknown };
    const doc = saved.document;
    return saved.sha256 === sha256 && doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // damaged: parse the YAML
  }
}

/** The module of a version's prebuilt fast checks: `{ sha256, dialect, checks }`. */
export function prebuiltChecksPath(version: string): string {
  return join(packageRoot(), "dist", "specs", `${version}.checks.cjs`);
}

/**
 * The fast checks prebuilt from the document with this digest and dialect, keyed as the validator
 * expects them; undefined when there are none (not built, made from other bytes, damaged).
 */
export function loadPrebuiltChecks(path: string, sha256: string, dialect: string): PrebuiltChecks | undefined {
  try {
    const mod = createRequire(import.meta.url)(path) as { sha256?: unknown; dialect?: unknown; checks?: unknown };
    if (mod.sha256 !== sha256 || mod.dialect !== dialect || typeof mod.checks !== "object" || mod.checks === null) return undefined;
    const checks = mod.checks as Record<string, unknown>;
    return Object.values(checks).every((f) => typeof f === "function") ? (checks as PrebuiltChecks) : undefined;
  } catch {
    return undefined; // the validator compiles every check itself
  }
}
