import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/**
 * The folder holding package.json, found by walking up from this module, so the same code works
 * from `src/` (vitest) and from `dist/` (the built package, installed anywhere).
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the reach-check package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

let cached: { name: string; version: string } | undefined;

export function packageInfo(): { name: string; version: string } {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string; version: string };
    cached = { name: pkg.name, version: pkg.version };
  }
  return cached;
}
