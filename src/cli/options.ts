/**
 * Every option of every command, as data: help text, defaults and validation come from here.
 */
import { UsageError } from "./errors.js";
import { parseBaseUrl, parseChoice, parseCompanyId, parseEnvName, parseInstant, parseInteger } from "../config/parse.js";
import { DEFAULT_TOKEN_ENV } from "../config/token.js";

export const FORMATS = ["terminal", "json"] as const;
export type Format = (typeof FORMATS)[number];

export interface OptionSpec {
  /** commander flags, e.g. `--company <id>` */
  flags: string;
  description: string;
  /** Shown in help and used when the option is absent. */
  defaultValue?: unknown;
  /** Turns the raw string into the value; throws UsageError. */
  parse?: (raw: string) => unknown;
  repeatable?: boolean;
  commands: readonly ("run" | "demo" | "serve" | "specs")[];
}

const RUN_DEMO = ["run", "demo"] as const;

export const OPTIONS: readonly OptionSpec[] = [
  { flags: "--base-url <url>", description: "partner API base URL (http or https)", parse: (v) => parseBaseUrl("--base-url", v).toString(), commands: ["run"] },
  { flags: "--company <id>", description: "company id to check (repeatable; default: every company user-info lists)", parse: (v) => parseCompanyId("--company", v), repeatable: true, commands: ["run"] },
  { flags: "--token-env <name>", description: "environment variable holding the access token", defaultValue: DEFAULT_TOKEN_ENV, parse: (v) => parseEnvName("--token-env", v), commands: ["run"] },
  { flags: "--token-file <path>", description: "file holding the access token (instead of --token-env)", commands: ["run"] },
  { flags: "--spec-version <version>", description: "bundled Reach spec version (default: the newest; see `reach-check specs`)", commands: ["run", "demo"] },
  { flags: "--spec <file|url>", description: "an OpenAPI document supplied by Reach, instead of a bundled version", commands: ["run", "demo"] },
  { flags: "--ca <file>", description: "extra CA certificate (PEM) to trust for https", commands: ["run"] },
  { flags: "--format <format>", description: `output format: ${FORMATS.join(", ")}`, defaultValue: "terminal", parse: (v) => parseChoice("--format", v, FORMATS), commands: [...RUN_DEMO, "specs"] },
  { flags: "--strict", description: "fail (instead of warn) on response fields the spec does not define", commands: RUN_DEMO },
  { flags: "--concurrency <n>", description: "requests in flight at most", defaultValue: 4, parse: (v) => parseInteger("--concurrency", v, 1, 32), commands: RUN_DEMO },
  { flags: "--timeout <ms>", description: "time to wait for response headers, per request", defaultValue: 30_000, parse: (v) => parseInteger("--timeout", v, 100, 600_000), commands: RUN_DEMO },
  { flags: "--connect-timeout <ms>", description: "time to wait for a TCP/TLS connection", defaultValue: 10_000, parse: (v) => parseInteger("--connect-timeout", v, 100, 120_000), commands: RUN_DEMO },
  { flags: "--body-timeout <ms>", description: "time to wait for a whole response body", defaultValue: 60_000, parse: (v) => parseInteger("--body-timeout", v, 100, 600_000), commands: RUN_DEMO },
  { flags: "--max-body <bytes>", description: "largest response body read", defaultValue: 50 * 1024 * 1024, parse: (v) => parseInteger("--max-body", v, 1024, 1024 * 1024 * 1024), commands: RUN_DEMO },
  { flags: "--page-size <n>", description: "limit used to walk lists", defaultValue: 1000, parse: (v) => parseInteger("--page-size", v, 1, 1000), commands: RUN_DEMO },
  { flags: "--max-pages <n>", description: "pages read per list at most (a list that never ends is a finding)", defaultValue: 1000, parse: (v) => parseInteger("--max-pages", v, 1, 1_000_000), commands: RUN_DEMO },
  { flags: "--max-requests <n>", description: "requests sent in the whole run at most", defaultValue: 5000, parse: (v) => parseInteger("--max-requests", v, 10, 10_000_000), commands: RUN_DEMO },
  { flags: "--slow-ms <ms>", description: "p95 latency above which an operation is slow", defaultValue: 2000, parse: (v) => parseInteger("--slow-ms", v, 1, 600_000), commands: RUN_DEMO },
  { flags: "--now <time>", description: "the run's clock (YYYY-MM-DD or ISO time), for reproducible runs", parse: (v) => parseInstant("--now", v).toISOString(), commands: [...RUN_DEMO, "serve"] },
  { flags: "--no-color", description: "no colour in terminal output (NO_COLOR is honoured too)", commands: RUN_DEMO },
  { flags: "--verbose", description: "also show informational findings", commands: RUN_DEMO },
  { flags: "--break <switch>", description: "turn on a defect switch of the reference partner (repeatable; see --list-breaks)", repeatable: true, commands: ["demo", "serve"] },
  { flags: "--list-breaks", description: "list the defect switches and exit", commands: ["demo", "serve"] },
  { flags: "--port <n>", description: "port to listen on (0: any free port)", defaultValue: 0, parse: (v) => parseInteger("--port", v, 0, 65535), commands: ["serve"] },
  { flags: "--host <address>", description: "address to listen on", defaultValue: "127.0.0.1", commands: ["serve"] },
];

/** commander passes (value, previous) to a parser; repeatable options accumulate. */
export function commanderParser(spec: OptionSpec): ((value: string, previous: unknown) => unknown) | undefined {
  if (!spec.parse && !spec.repeatable) return undefined;
  return (value: string, previous: unknown) => {
    const parsed = spec.parse ? spec.parse(value) : value;
    if (!spec.repeatable) return parsed;
    return [...(Array.isArray(previous) ? previous : []), parsed];
  };
}

export function assertExclusive(opts: Record<string, unknown>, a: string, b: string): void {
  const key = (f: string) => f.replace(/^--/, "").replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (opts[key(a)] !== undefined && opts[key(b)] !== undefined) {
    throw new UsageError(`${a} and ${b} cannot be used together`);
  }
}
