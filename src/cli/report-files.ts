/**
 * `--report <format>=<path>`: the report files one run writes besides stdout. Targets are parsed
 * when the option is read and checked for writability before the run starts, so a typo costs
 * nothing; writing happens once, after the run, from the already rendered text.
 */
import { accessSync, constants, lstatSync, mkdirSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.js";

/** The report formats (the same list as src/report's REPORT_FORMATS, kept here so --help loads no reporter). */
export const REPORT_FORMAT_NAMES = ["terminal", "json", "junit", "markdown", "html"] as const;
export type ReportFormatName = (typeof REPORT_FORMAT_NAMES)[number];

export interface ReportTarget {
  format: ReportFormatName;
  path: string;
}

export function parseReportTarget(option: string, raw: string): ReportTarget {
  const eq = raw.indexOf("=");
  const format = eq === -1 ? raw : raw.slice(0, eq);
  const path = eq === -1 ? "" : raw.slice(eq + 1);
  if (!(REPORT_FORMAT_NAMES as readonly string[]).includes(format)) {
    throw new UsageError(`${option} takes <format>=<path> with a format among ${REPORT_FORMAT_NAMES.join(", ")}, got "${raw}"`);
  }
  if (path.trim() === "") throw new UsageError(`${option} ${format}= needs a file path, e.g. ${format}=reports/reach.${EXTENSION[format as ReportFormatName]}`);
  return { format: format as ReportFormatName, path };
}

const EXTENSION: Record<ReportFormatName, string> = { terminal: "txt", json: "json", junit: "xml", markdown: "md", html: "html" };

/**
 * Creates missing parent folders and checks every target can be written; throws a one-line
 * UsageError. A report replaces its file whole (written beside it, then renamed), so a target must
 * be a plain file or nothing yet: a link, device or pipe would be replaced rather than written
 * through, and none may be one of the run's own input files (`inputs`: token file, allowlist...).
 */
export function prepareReportTargets(targets: readonly ReportTarget[], inputs: readonly string[] = []): ReportTarget[] {
  const seen = new Set<string>();
  const inputPaths = new Set(inputs.flatMap((p) => realPaths(p)));
  return targets.map((t) => {
    const path = resolve(t.path);
    if (seen.has(path)) throw new UsageError(`--report: "${t.path}" is named twice`);
    seen.add(path);
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true });
      if (!statSync(dir).isDirectory()) throw new Error("not a directory");
      accessSync(dir, constants.W_OK);
    } catch {
      throw new UsageError(`--report ${t.format}=${t.path}: cannot create or write to the folder "${dir}"`);
    }
    let existing: ReturnType<typeof statSync> | undefined;
    try {
      existing = statSync(path);
    } catch {
      existing = undefined;
    }
    if (existing?.isDirectory()) throw new UsageError(`--report ${t.format}=${t.path}: is a folder, not a file`);
    let link: ReturnType<typeof lstatSync> | undefined;
    try {
      link = lstatSync(path);
    } catch {
      link = undefined;
    }
    if (link && !link.isFile()) {
      throw new UsageError(`--report ${t.format}=${t.path}: is ${link.isSymbolicLink() ? "a symbolic link" : "a device, pipe or socket"}, not a plain file (the report replaces its file whole); give a plain file path`);
    }
    if (realPaths(path).some((p) => inputPaths.has(p))) {
      throw new UsageError(`--report ${t.format}=${t.path}: is one of the run's own input files; give another path`);
    }
    if (existing) {
      try {
        accessSync(path, constants.W_OK);
      } catch {
        throw new UsageError(`--report ${t.format}=${t.path}: the file is not writable`);
      }
    }
    return { format: t.format, path };
  });
}

/**
 * Writes one report file: to a temporary name first, then renamed, so a CI job never picks up half a
 * report. Throws a one-line UsageError when the disk refuses.
 */
export function writeReportFile(target: ReportTarget, text: string): void {
  const tmp = `${target.path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(target.path), { recursive: true });
    writeFileSync(tmp, text, { encoding: "utf8", mode: 0o644 });
    renameSync(tmp, target.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--report ${target.format}=${target.path}: cannot write the file${code ? ` (${code})` : ""}`);
  }
}

/** A path as given (resolved) and, when it exists, where it really leads. */
function realPaths(path: string): string[] {
  const out = [resolve(path)];
  try {
    out.push(realpathSync(path));
  } catch {
    // not there (yet): the resolved path alone
  }
  return out;
}
