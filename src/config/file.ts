/**
 * Option values from three places, in this order of precedence: command-line flags, then
 * environment variables (`REACH_CHECK_<OPTION>`, e.g. REACH_CHECK_FAIL_ON=warn), then the
 * configuration file (`--config <file>`, REACH_CHECK_CONFIG, or ./reach-check.config.json when
 * present), then the built-in defaults. Every value goes through the option table's own parser, so
 * a bad value reads the same wherever it came from, prefixed with where it came from.
 *
 * The file holds run options only: tokens and secrets are refused, they belong in environment
 * variables or token files.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../cli/errors.js";
import { OPTIONS, type OptionSpec } from "../cli/options.js";

export const CONFIG_FILE = "reach-check.config.json";
export const CONFIG_ENV = "REACH_CHECK_CONFIG";
type CommandName = OptionSpec["commands"][number];

/** Commands whose options a config file and REACH_CHECK_* variables may set. */
const CONFIGURABLE: readonly CommandName[] = ["run", "demo", "serve"];
/** Options that are actions or that name the file itself, not settings. */
const NOT_SETTINGS = new Set(["config", "listBreaks"]);
/** Options whose values are paths: relative ones are read from the config file's folder. */
const PATHS = new Set(["spec", "ca", "tokenFile", "allowlist", "refreshTokenOut"]);
const SECRET_LIKE = /token|secret|password|passwd|credential|api[-_]?key|bearer|authorization|cookie|private/i;

interface Described {
  spec: OptionSpec;
  /** commander's attribute name: `failOn`, `color` for --no-color. */
  key: string;
  /** Takes no value (`--strict`, `--no-color`). */
  flag: boolean;
  negated: boolean;
  env: string;
}

function describe(spec: OptionSpec): Described {
  const m = /--(no-)?([a-z0-9-]+)/.exec(spec.flags);
  if (!m) throw new Error(`option without a long flag: ${spec.flags}`);
  const key = m[2].replace(/-([a-z0-9])/g, (_x, c: string) => c.toUpperCase());
  return {
    spec,
    key,
    flag: !/[<[]/.test(spec.flags),
    negated: Boolean(m[1]),
    env: `REACH_CHECK_${m[2].replace(/-/g, "_").toUpperCase()}`,
  };
}

/** Every setting a config file may hold, any command. */
export function configKeys(): string[] {
  return [...new Set(OPTIONS.map(describe).filter((d) => !NOT_SETTINGS.has(d.key)).map((d) => d.key))];
}

/** The environment variable that sets an option, e.g. `REACH_CHECK_FAIL_ON`; undefined when none. */
export function envNameOf(spec: OptionSpec): string | undefined {
  const d = describe(spec);
  return NOT_SETTINGS.has(d.key) || d.negated ? undefined : d.env;
}

function secretLike(key: string): boolean {
  // `tokenEnv`, `tokenFile`, `scopedTokenEnv`, `refreshTokenOut` name where a secret is, which is what we ask for.
  return SECRET_LIKE.test(key) && !/(Env|File|Out)$/.test(key);
}

function parseValue(d: Described, raw: string): unknown {
  return d.spec.parse ? d.spec.parse(raw) : raw;
}

/** A config-file value turned into what the option parser would have produced from a flag. */
function fromConfig(d: Described, value: unknown, where: string, baseDir: string): unknown {
  const bad = (what: string): never => {
    throw new UsageError(`${where}: "${d.key}" must be ${what}, got ${JSON.stringify(value)}`);
  };
  if (d.flag) {
    if (typeof value !== "boolean") bad("true or false");
    return value;
  }
  const one = (v: unknown): unknown => {
    if (typeof v === "number" && Number.isFinite(v)) v = String(v);
    if (typeof v !== "string" || v === "") bad(d.spec.repeatable ? "a string or an array of strings" : "a string or a number");
    let raw = v as string;
    if (PATHS.has(d.key) && !isAbsolute(raw) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) raw = resolve(baseDir, raw);
    if (d.key === "report") {
      const eq = raw.indexOf("=");
      if (eq > 0 && !isAbsolute(raw.slice(eq + 1))) raw = `${raw.slice(0, eq)}=${resolve(baseDir, raw.slice(eq + 1))}`;
    }
    try {
      return parseValue(d, raw);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${where}: "${d.key}": ${err.message}`);
      throw err;
    }
  };
  if (d.spec.repeatable) return (Array.isArray(value) ? value : [value]).map(one);
  if (Array.isArray(value)) bad("a single value");
  return one(value);
}

function fromEnv(d: Described, raw: string): unknown {
  const where = d.env;
  if (d.flag) {
    if (/^(1|true|yes|on)$/i.test(raw)) return !d.negated;
    if (/^(0|false|no|off)$/i.test(raw)) return d.negated;
    throw new UsageError(`${where} must be true or false (1/0), got "${raw}"`);
  }
  const one = (v: string): unknown => {
    try {
      return parseValue(d, v.trim());
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${where}: ${err.message}`);
      throw err;
    }
  };
  return d.spec.repeatable ? raw.split(",").filter((v) => v.trim() !== "").map(one) : one(raw);
}

export interface LoadedConfig {
  path: string;
  values: Record<string, unknown>;
}

/** Reads and checks the whole file (keys, types, secrets); values stay raw until applied. */
export function readConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read the config file ${path}${code ? ` (${code})` : ""}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config file ${path}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`config file ${path}: must be a JSON object of option names and values`);
  const known = configKeys();
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === "$schema" || key === "$comment") continue;
    if (secretLike(key)) {
      throw new UsageError(
        `config file ${path}: "${key}" looks like a secret; tokens and secrets never go in the config file: set REACH_ACCESS_TOKEN (or name a variable with "tokenEnv") or use "tokenFile"`,
      );
    }
    if (!known.includes(key)) {
      const near = nearest(key, known);
      throw new UsageError(`config file ${path}: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}; keys are the long option names in camelCase, e.g. "baseUrl", "failOn"`);
    }
    values[key] = value;
  }
  return { path, values };
}

/** REACH_CHECK_* variables read elsewhere: a stack trace for internal errors, the peak-memory line tests read. */
const OTHER_VARIABLES = ["REACH_CHECK_DEBUG", "REACH_CHECK_PRINT_MAXRSS"];

/** The nearest of `names` to `name` by edit distance, when it is close enough to be a misspelling. */
function nearest(name: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row;
    }
    return prev[b.length];
  };
  // Case, dashes and underscores aside: base-url is baseUrl, FAILON is FAIL_ON.
  const squeeze = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  let best: { name: string; d: number } | undefined;
  for (const candidate of names) {
    const d = squeeze(candidate) === squeeze(name) ? 0 : distance(name, candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 8)) ? best.name : undefined;
}

/**
 * A REACH_CHECK_* variable that sets nothing is refused, as an unknown key of the config file is: a
 * misspelled REACH_CHECK_FAIL_ON would otherwise leave a CI gate at its default without a word.
 * Only the name is ever shown, never the value (it may be a secret put in the wrong place).
 */
export function checkEnvNames(env: NodeJS.ProcessEnv): void {
  const known = [CONFIG_ENV, ...OTHER_VARIABLES, ...new Set(OPTIONS.map(envNameOf).filter((n): n is string => n !== undefined))];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith("REACH_CHECK_") || known.includes(name)) continue;
    if (SECRET_LIKE.test(name.slice("REACH_CHECK_".length)) && !/_(ENV|FILE)$/.test(name)) {
      throw new UsageError(`${name} is not a reach-check setting; the access token is read from REACH_ACCESS_TOKEN (or the variable --token-env names, or --token-file)`);
    }
    const near = nearest(name, known);
    throw new UsageError(
      `${name} is not a reach-check setting${near ? ` (did you mean ${near}?)` : ""}; settings are REACH_CHECK_ and a long option name, e.g. REACH_CHECK_FAIL_ON for --fail-on`,
    );
  }
}

/** The config file for this run: --config, then REACH_CHECK_CONFIG, then ./reach-check.config.json if present. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  const fromEnvVar = env[CONFIG_ENV];
  if (fromEnvVar !== undefined && fromEnvVar.trim() !== "") return resolve(cwd, fromEnvVar);
  const local = resolve(cwd, CONFIG_FILE);
  return existsSync(local) ? local : undefined;
}

/**
 * Fills the options of `cmd` that the command line left at their defaults from the environment,
 * then from the config file. Returns the merged option values.
 */
export function applyLayers(cmd: Command, name: CommandName, env: NodeJS.ProcessEnv, cwd = process.cwd()): Record<string, unknown> {
  if (!CONFIGURABLE.includes(name)) return cmd.opts();
  checkEnvNames(env);
  const mine = OPTIONS.filter((o) => o.commands.includes(name)).map(describe).filter((d) => !NOT_SETTINGS.has(d.key));
  const explicit = cmd.getOptionValueSource("config") === "cli" ? (cmd.opts().config as string) : undefined;
  const path = findConfigFile(explicit, env, cwd);
  const config = path ? readConfigFile(path) : undefined;

  for (const d of mine) {
    const source = cmd.getOptionValueSource(d.key);
    if (source === "cli") continue;
    const envValue = d.negated ? undefined : env[d.env];
    if (envValue !== undefined && envValue !== "") {
      cmd.setOptionValueWithSource(d.key, fromEnv(d, envValue), "env");
      continue;
    }
    if (config && Object.hasOwn(config.values, d.key)) {
      cmd.setOptionValueWithSource(d.key, fromConfig(d, config.values[d.key], `config file ${config.path}`, dirname(config.path)), "config");
    }
  }
  // Two places for one token: which one was meant cannot be guessed (--token-env has a default, so
  // only a name given on purpose, by flag, variable or file, counts).
  const given = (key: string) => {
    const source = cmd.getOptionValueSource(key);
    return source !== undefined && source !== "default";
  };
  if (mine.some((d) => d.key === "tokenFile") && given("tokenFile") && given("tokenEnv")) {
    throw new UsageError("--token-env and --token-file both say where the access token is; give one of them");
  }
  return cmd.opts();
}
