/**
 * The JSON report: the source of truth every other format renders. Keys come out in the order the
 * Report type declares them, whatever order the engine built the objects in, so two runs with the
 * same findings diff cleanly and snapshot tests stay stable.
 */
import type {
  AcceptedBy,
  AllowlistEntryResult,
  AllowlistSummary,
  CheckResult,
  CheckStatus,
  Coverage,
  CoverageEntry,
  Evidence,
  Finding,
  Integrity,
  OperationRef,
  Rehearsal,
  Report,
  RuleRef,
  StepResult,
} from "./types.js";

export interface JsonOptions {
  /** Indent with two spaces; default true. Off gives one line (plus the trailing newline). */
  pretty?: boolean;
}

/**
 * Builds a key list that must name every key of `T`: leaving one out is a compile error, so a field
 * added to the Report type cannot silently fall out of the key order.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missingKeys: Exclude<keyof T, K[number]> }),
  ): K => keys;
}

export const REPORT_KEY_ORDER = {
  report: keysOf<Report>()([
    "reportVersion",
    "tool",
    "spec",
    "target",
    "startedAt",
    "durationMs",
    "verdict",
    "steps",
    "checks",
    "stats",
    "coverage",
    "rehearsal",
    "allowlist",
    "integrity",
  ]),
  tool: keysOf<Report["tool"]>()(["name", "version"]),
  spec: keysOf<Report["spec"]>()(["version", "source", "sha256", "modeledOperations"]),
  target: keysOf<Report["target"]>()(["baseUrl", "companies"]),
  stats: keysOf<Report["stats"]>()(["requests", "statuses", "notSent", "tokenRenewals"]),
  coverage: keysOf<Coverage>()(["total", "exercised", "operations"]),
  coverageEntry: keysOf<CoverageEntry>()(["operation", "exercised", "requests", "reason"]),
  rehearsal: keysOf<Rehearsal>()(["companies", "concurrency", "requests", "durationMs", "statuses", "retries", "operations"]),
  rehearsalOperation: keysOf<Rehearsal["operations"][number]>()(["operation", "count", "p50Ms", "p95Ms", "maxMs", "statuses"]),
  step: keysOf<StepResult>()(["step", "title", "verdict", "counts"]),
  counts: keysOf<Record<CheckStatus, number>>()(["pass", "warn", "fail", "skip", "error", "accepted"]),
  check: keysOf<CheckResult>()(["id", "family", "step", "title", "status", "summary", "findings", "durationMs", "requests"]),
  finding: keysOf<Finding>()([
    "code",
    "severity",
    "message",
    "operation",
    "company",
    "pointer",
    "evidence",
    "rule",
    "fix",
    "curl",
    "accepted",
  ]),
  accepted: keysOf<AcceptedBy>()(["reason", "expires"]),
  allowlist: keysOf<AllowlistSummary>()(["source", "entries"]),
  allowlistEntry: keysOf<AllowlistEntryResult>()(["check", "operation", "reason", "expires", "state", "matched"]),
  integrity: keysOf<Integrity>()(["algorithm", "digest"]),
  operation: keysOf<OperationRef>()(["method", "path"]),
  rule: keysOf<RuleRef>()(["ref", "text"]),
  evidence: keysOf<Evidence>()(["request", "status", "headers", "bodyExcerpt", "expected", "actual", "durationMs"]),
} as const;

export function renderJson(report: Report, options: JsonOptions = {}): string {
  const indent = options.pretty === false ? undefined : 2;
  return JSON.stringify(orderReport(report), null, indent) + "\n";
}

type Shaper = (value: unknown) => unknown;

/**
 * Copies `value` with `keys` first (each passed through its shaper), then any key the type does not know,
 * in its original order: the JSON reporter reorders, it never drops data.
 */
function ordered(value: unknown, keys: readonly string[], shapers: Record<string, Shaper> = {}): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (Object.hasOwn(value, key)) out[key] = shapers[key] ? shapers[key](value[key]) : value[key];
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(out, key)) out[key] = value[key];
  }
  return out;
}

function each(shaper: Shaper): Shaper {
  return (value) => (Array.isArray(value) ? value.map(shaper) : value);
}

/** Maps keyed by data (status classes) are sorted, since their insertion order depends on timing. */
function sortedKeys(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const K = REPORT_KEY_ORDER;

const orderFinding: Shaper = (f) =>
  ordered(f, K.finding, {
    operation: (v) => ordered(v, K.operation),
    // Header order is what the partner's server sent; keep it.
    evidence: (v) => ordered(v, K.evidence),
    rule: (v) => ordered(v, K.rule),
    accepted: (v) => ordered(v, K.accepted),
  });

const orderCheck: Shaper = (ch) => ordered(ch, K.check, { findings: each(orderFinding) });

const orderStep: Shaper = (st) => ordered(st, K.step, { counts: (v) => ordered(v, K.counts) });

function orderReport(report: Report): unknown {
  return ordered(report, K.report, {
    tool: (v) => ordered(v, K.tool),
    spec: (v) => ordered(v, K.spec),
    target: (v) => ordered(v, K.target),
    steps: each(orderStep),
    checks: each(orderCheck),
    stats: (v) => ordered(v, K.stats, { statuses: sortedKeys }),
    coverage: (v) => ordered(v, K.coverage, { operations: each((e) => ordered(e, K.coverageEntry)) }),
    rehearsal: (v) =>
      ordered(v, K.rehearsal, {
        statuses: sortedKeys,
        operations: each((e) => ordered(e, K.rehearsalOperation, { statuses: sortedKeys })),
      }),
    allowlist: (v) => ordered(v, K.allowlist, { entries: each((e) => ordered(e, K.allowlistEntry)) }),
    integrity: (v) => ordered(v, K.integrity),
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
