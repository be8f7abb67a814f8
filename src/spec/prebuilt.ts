/**
 * Bundled spec versions as the build parsed them. `npm run build` writes each version's parsed and
 * bundled document to dist/specs/<version>.json (scripts/prebuild-specs.js), so that a run on a
 * bundled spec reads JSON instead of loading the YAML parser and swagger-parser, the slowest imports
 * of the tool. Each file records the SHA-256 of the openapi.yaml it was made from; one made from
 * other bytes (the YAML was edited after the build), or damaged, is ignored.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
