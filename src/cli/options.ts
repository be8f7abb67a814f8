/**
 * Every option of every command, as data: help text, defaults and validation come from here.
 */
import { UsageError } from "./errors.js";
import { parseCheckName, parseBaseUrl, parseChoice, parseCompanyId, parseDuration, parseEnvName, parseHost, parseInstant, parseInteger, parseLocation, parseNewFile, parseScopes } from "../config/parse.js";
import { DEFAULT_TOKEN_ENV } from "../config/token.js";
import { REPORT_FORMAT_NAMES, parseReportTarget } from "./report-files.js";

export const FORMATS = REPORT_FORMAT_NAMES;
export type Format = (typeof FORMATS)[number];
/** `specs` lists versions, not a report: text or JSON only. */
export const SPEC_LIST_FORMATS = ["terminal", "json"] as const;
export const FAIL_ON = ["fail", "warn"] as const;
/** Reference partner size presets (the partner module is not loaded for help). */
export const SIZES = ["small", "large"] as const;

export interface OptionSpec {
  /** commander flags, e.g. `--company <id>` */
  flags: string;
  description: string;
  /** Shown in help and used when the option is absent. */
  defaultValue?: unknown;
  /** Turns the raw string into the value; throws UsageError. */
  parse?: (raw: string) => unknown;
  repeatable?: boolean;
  commands: readonly ("run" | "demo" | "serve" | "specs" | "login")[];
}

const RUN_DEMO = ["run", "demo"] as const;

export const OPTIONS: readonly OptionSpec[] = [
  { flags: "--base-url <url>", description: "partner API base URL (http or https)", parse: (v) => parseBaseUrl("--base-url", v).toString(), commands: ["run", "login"] },
  { flags: "--company <id>", description: "company id to check (repeatable; default: every company user-info lists)", parse: (v) => parseCompanyId("--company", v), repeatable: true, commands: ["run"] },
  { flags: "--token-env <name>", description: "environment variable holding the access token", defaultValue: DEFAULT_TOKEN_ENV, parse: (v) => parseEnvName("--token-env", v), commands: ["run"] },
  { flags: "--token-file <path>", description: "file holding the access token (instead of --token-env)", commands: ["run"] },
  { flags: "--refresh-token-out <file>", description: "write the refresh token that still works after the run (the partner may rotate it) to this file, readable only by you, as a shell export line", commands: ["run"] },
  { flags: "--scoped-token-env <name>", description: "environment variable holding a second access token that reads fewer companies (checks that tokens are scoped to their companies)", parse: (v) => parseEnvName("--scoped-token-env", v), commands: ["run"] },
  { flags: "--spec-version <version>", description: "bundled Reach spec version (default: the newest; see `reach-check specs`)", commands: ["run", "demo"] },
  { flags: "--spec <file|url>", description: "an OpenAPI document supplied by Reach, instead of a bundled version", parse: (v) => parseLocation("--spec", v), commands: ["run", "demo"] },
  { flags: "--ca <file>", description: "extra CA certificate (PEM) to trust for https", commands: ["run", "login"] },
  { flags: "--redirect-port <n>", description: "port of the loopback redirect listener on 127.0.0.1 (0: any free port)", defaultValue: 0, parse: (v) => parseInteger("--redirect-port", v, 0, 65535), commands: ["login"] },
  { flags: "--scope <scopes>", description: "space-separated scopes to ask for (default: the partner's default)", parse: (v) => parseScopes("--scope", v), commands: ["login"] },
  { flags: "--out <file>", description: "write the tokens as shell export lines to this file, readable only by you (0600)", parse: (v) => parseNewFile("--out", v), commands: ["login"] },
  { flags: "--print-env", description: "print the tokens as shell export lines on stdout (the only output that shows tokens)", commands: ["login"] },
  { flags: "--timeout <ms>", description: "time to wait for the browser sign-in and the token exchange", defaultValue: 300_000, parse: (v) => parseInteger("--timeout", v, 1000, 3_600_000), commands: ["login"] },
  { flags: "--format <format>", description: `output format on stdout: ${FORMATS.join(", ")}`, defaultValue: "terminal", parse: (v) => parseChoice("--format", v, FORMATS), commands: RUN_DEMO },
  { flags: "--format <format>", description: `output format: ${SPEC_LIST_FORMATS.join(", ")}`, defaultValue: "terminal", parse: (v) => parseChoice("--format", v, SPEC_LIST_FORMATS), commands: ["specs"] },
  { flags: "--report <format=path>", description: `also write a report file (repeatable), e.g. junit=reports/reach.xml; formats: ${FORMATS.join(", ")}`, parse: (v) => parseReportTarget("--report", v), repeatable: true, commands: RUN_DEMO },
  { flags: "--fail-on <level>", description: "exit 1 on failures only (fail) or on warnings too (warn)", defaultValue: "fail", parse: (v) => parseChoice("--fail-on", v, FAIL_ON), commands: RUN_DEMO },
  { flags: "--allowlist <file>", description: "JSON file of known failures accepted until an expiry date", commands: RUN_DEMO },
  { flags: "--config <file>", description: "configuration file (default: ./reach-check.config.json when present)", commands: ["run", "demo", "serve"] },
  { flags: "--strict", description: "fail (instead of warn) on response fields the spec does not define", commands: RUN_DEMO },
  { flags: "--concurrency <n>", description: "requests in flight at most", defaultValue: 4, parse: (v) => parseInteger("--concurrency", v, 1, 32), commands: RUN_DEMO },
  { flags: "--timeout <ms>", description: "time to wait for response headers, per request", defaultValue: 30_000, parse: (v) => parseInteger("--timeout", v, 100, 600_000), commands: RUN_DEMO },
  { flags: "--connect-timeout <ms>", description: "time to wait for a TCP/TLS connection", defaultValue: 10_000, parse: (v) => parseInteger("--connect-timeout", v, 100, 120_000), commands: RUN_DEMO },
  { flags: "--body-timeout <ms>", description: "time to wait for a whole response body", defaultValue: 60_000, parse: (v) => parseInteger("--body-timeout", v, 100, 600_000), commands: RUN_DEMO },
  { flags: "--max-body <bytes>", description: "largest response body read", defaultValue: 50 * 1024 * 1024, parse: (v) => parseInteger("--max-body", v, 1024, 1024 * 1024 * 1024), commands: RUN_DEMO },
  { flags: "--page-size <n>", description: "limit used to walk lists", defaultValue: 1000, parse: (v) => parseInteger("--page-size", v, 1, 1000), commands: RUN_DEMO },
  { flags: "--max-pages <n>", description: "pages read per list at most (a list that never ends is a finding)", defaultValue: 1000, parse: (v) => parseInteger("--max-pages", v, 1, 1_000_000), commands: RUN_DEMO },
  { flags: "--check <id|family>", description: "run only this check or family (repeatable) and the checks it needs, e.g. auth or schema.statements", parse: (v) => parseCheckName("--check", v), repeatable: true, commands: RUN_DEMO },
  { flags: "--sample-size <n>", description: "ids of each filter list (budgets, classes, departments) tried with each statement", defaultValue: 3, parse: (v) => parseInteger("--sample-size", v, 1, 100), commands: RUN_DEMO },
  { flags: "--max-requests <n>", description: "requests sent in the whole run at most (default: 2500 for each company checked, at least 5000, in proportion more with --sample-size above 3, plus 3 for each budget, class, department and metric the companies list)", parse: (v) => parseInteger("--max-requests", v, 10, 10_000_000), commands: RUN_DEMO },
  { flags: "--deadline <duration>", description: "time for the whole run (ms, or 90s, 15m, 1h); when it passes, requests in flight are aborted, the remaining checks skipped and the report printed", defaultValue: 3_600_000, parse: (v) => parseDuration("--deadline", v, 1000, 24 * 3_600_000), commands: RUN_DEMO },
  { flags: "--slow-ms <ms>", description: "p95 latency above which an operation is slow", defaultValue: 2000, parse: (v) => parseInteger("--slow-ms", v, 1, 600_000), commands: RUN_DEMO },
  { flags: "--max-retry-wait <s>", description: "longest Retry-After (429/503) a request waits out before asking again; a longer one is reported", defaultValue: 60, parse: (v) => parseInteger("--max-retry-wait", v, 0, 3600), commands: RUN_DEMO },
  { flags: "--now <time>", description: "the run's clock (ISO time, or YYYY-MM-DD for noon UTC that day), for reproducible runs", parse: (v) => parseInstant("--now", v).toISOString(), commands: [...RUN_DEMO, "serve"] },
  { flags: "--no-color", description: "no colour in terminal output (NO_COLOR is honoured too)", commands: RUN_DEMO },
  { flags: "--verbose", description: "also show informational findings", commands: RUN_DEMO },
  { flags: "--break <switch>", description: "turn on a defect switch of the reference partner (repeatable; see --list-breaks)", repeatable: true, commands: ["demo", "serve"] },
  { flags: "--list-breaks", description: "list the defect switches and exit", commands: ["demo", "serve"] },
  { flags: "--size <preset>", description: `reference partner data size: ${SIZES.join(", ")} (large: 20,000 accounts, 200 classes, 36 months)`, defaultValue: "small", parse: (v) => parseChoice("--size", v, SIZES), commands: ["demo", "serve"] },
  { flags: "--port <n>", description: "port to listen on (0: any free port)", defaultValue: 0, parse: (v) => parseInteger("--port", v, 0, 65535), commands: ["serve"] },
  { flags: "--host <address>", description: "address to listen on", defaultValue: "127.0.0.1", parse: (v) => parseHost("--host", v), commands: ["serve"] },
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
