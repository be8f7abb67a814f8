/** Loads the sample reports in fixtures/reports/ that the reporter tests render. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Report } from "../../../src/report/types.js";

/** `accepted`: not-ready after an allowlist (applied, expired and unused entries) and sealed; `hostile`: partner text built to break formats. */
export const FIXTURE_NAMES = ["ready", "not-ready", "skips-and-error", "accepted", "hostile"] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function loadReport(name: FixtureName): Report {
  const url = new URL(`../../../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), "utf8")) as Report;
}

/** A deep copy, so a test can break a report without touching the others. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
