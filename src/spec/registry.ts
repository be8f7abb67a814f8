import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "../util/package-info.js";
import { SpecError } from "./errors.js";
import { readPrebuilt } from "./prebuilt.js";
import { HTTP_METHODS } from "./operations.js";

/** One bundled Reach API version under `specs/reach-api/<version>/`. */
export interface BundledSpec {
  version: string;
  openapiPath: string;
  profilePath: string;
  title: string;
  operations: number;
  modeledOperations: number;
}

const VERSION_DIR = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export { packageRoot };

export function specsRoot(): string {
  return join(packageRoot(), "specs", "reach-api");
}

/** Compare two `x.y.z[-pre]` versions; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = splitVersion(a);
  const [coreB, preB] = splitVersion(b);
  for (let i = 0; i < 3; i++) {
    const diff = (coreA[i] ?? 0) - (coreB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

function splitVersion(version: string): [number[], string | undefined] {
  const dash = version.indexOf("-");
  const core = dash === -1 ? version : version.slice(0, dash);
  return [core.split(".").map((part) => Number(part)), dash === -1 ? undefined : version.slice(dash + 1)];
}

/** Versions that have both an openapi.yaml and a profile.json, oldest first. */
export async function bundledVersions(): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(specsRoot());
  } catch {
    return [];
  }
  return entries
    .filter((name) => VERSION_DIR.test(name))
    .filter((name) => existsSync(openapiPathOf(name)) && existsSync(profilePathOf(name)))
    .sort(compareVersions);
}

export async function newestVersion(): Promise<string> {
  const versions = await bundledVersions();
  const newest = versions[versions.length - 1];
  if (!newest) throw new SpecError(`no bundled spec found under ${specsRoot()}`);
  return newest;
}

/** Paths of one bundled version; unknown versions are an error that lists the known ones. */
export async function bundledSpecFiles(version: string): Promise<{ openapiPath: string; profilePath: string }> {
  const versions = await bundledVersions();
  if (!versions.includes(version)) {
    const known = versions.length > 0 ? versions.join(", ") : "none";
    throw new SpecError(`unknown spec version "${version}" (bundled versions: ${known})`);
  }
  return { openapiPath: openapiPathOf(version), profilePath: profilePathOf(version) };
}

/** Every bundled version with its title and operation counts, oldest first (newest last). */
export async function listBundledSpecs(): Promise<BundledSpec[]> {
  const versions = await bundledVersions();
  if (versions.length === 0) return [];
  const out: BundledSpec[] = [];
  for (const version of versions) {
    const openapiPath = openapiPathOf(version);
    let doc: Record<string, unknown> | undefined;
    try {
      // As the build parsed it; the YAML parser (it comes with swagger-parser) only when that is missing or stale.
      doc = await readPrebuilt(version, createHash("sha256").update(await readFile(openapiPath)).digest("hex"));
      if (!doc) {
        const { default: SwaggerParser } = await import("@apidevtools/swagger-parser");
        doc = (await SwaggerParser.parse(openapiPath)) as unknown as Record<string, unknown>;
      }
    } catch (err) {
      throw new SpecError(`${openapiPath}: cannot parse bundled spec (${(err as Error).message})`);
    }
    const counts = countOperations(doc);
    const info = (doc.info ?? {}) as Record<string, unknown>;
    out.push({
      version,
      openapiPath,
      profilePath: profilePathOf(version),
      title: typeof info.title === "string" ? info.title : "",
      ...counts,
    });
  }
  return out;
}

function countOperations(doc: Record<string, unknown>): { operations: number; modeledOperations: number } {
  let operations = 0;
  let modeledOperations = 0;
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      operations++;
      if (op["x-reach-provenance"] === "modeled") modeledOperations++;
    }
  }
  return { operations, modeledOperations };
}

function openapiPathOf(version: string): string {
  return join(specsRoot(), version, "openapi.yaml");
}

function profilePathOf(version: string): string {
  return join(specsRoot(), version, "profile.json");
}

