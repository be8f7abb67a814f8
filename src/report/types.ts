/**
 * The report is plain data: every reporter renders it, the JSON reporter prints it as is.
 * Changing a field's meaning is a breaking change of `reportVersion`.
 */

export const REPORT_VERSION = 1 as const;

/**
 * Outcome of one check. `accepted`: every failure it found is accepted by an allowlist entry that
 * has not expired (see `Finding.accepted`); it does not count against a verdict.
 */
export type CheckStatus = "pass" | "warn" | "fail" | "skip" | "error" | "accepted";

/** How bad one finding is. `info` never changes a verdict. */
export type FindingSeverity = "fail" | "warn" | "info";

export type Verdict = "ready" | "ready-with-warnings" | "not-ready";

/** Reach's onboarding steps that reach-check evidences. */
export type StepNumber = 2 | 3 | 4;

export const STEP_TITLES: Record<StepNumber, string> = {
  2: "Implement the endpoints",
  3: "Provide access",
  4: "Integration testing",
};

export interface OperationRef {
  method: string;
  /** Path template as written in the spec, e.g. `/companies/{CompanyId}/budgets`. */
  path: string;
}

/** Where the judged rule comes from. */
export interface RuleRef {
  /**
   * A stable reference: `openapi:#/paths/~1companies~1{CompanyId}/get/responses/200`,
   * `reach:checklist#13`, `reach:error-handling`, `spec-model:list-envelope`, `rfc6749#5.2` ...
   */
  ref: string;
  /** One sentence stating the rule. */
  text: string;
}

export interface Evidence {
  /** Concrete request path and query as sent (no host), e.g. `/companies/c1/budgets?limit=1001`. */
  request?: string;
  status?: number;
  /** Response headers that matter to the finding (never Authorization or cookies). */
  headers?: Record<string, string>;
  /** At most a few hundred characters of the body, redacted. */
  bodyExcerpt?: string;
  /** What the rule expects, in words or as a value. */
  expected?: string;
  /** What was seen. */
  actual?: string;
  durationMs?: number;
}

export interface Finding {
  /** Stable, greppable code: `<check id>/<reason>`, e.g. `schema.lists/type-mismatch`. Tests assert codes. */
  code: string;
  severity: FindingSeverity;
  /** What is wrong, one sentence. */
  message: string;
  operation?: OperationRef;
  company?: string;
  /** JSON pointer into the response body (or request) of the offending value. */
  pointer?: string;
  evidence?: Evidence;
  rule: RuleRef;
  /** What to do about it. */
  fix: string;
  /** A curl line that reproduces the request, token written as an environment variable. */
  curl?: string;
  /** Set when an allowlist entry accepts this finding: it no longer counts against the verdict. */
  accepted?: AcceptedBy;
}

/** The allowlist entry that accepted a finding. */
export interface AcceptedBy {
  reason: string;
  /** Last day (YYYY-MM-DD, UTC) the acceptance holds. */
  expires: string;
}

export interface CheckResult {
  id: string;
  family: string;
  step: StepNumber;
  title: string;
  status: CheckStatus;
  /** One line: why it passed, why it was skipped, what crashed. */
  summary: string;
  findings: Finding[];
  durationMs: number;
  /** Number of HTTP requests this check itself sent (shared, cached requests not counted twice). */
  requests: number;
}

export interface StepResult {
  step: StepNumber;
  title: string;
  verdict: Verdict;
  counts: Record<CheckStatus, number>;
}

export interface Report {
  reportVersion: typeof REPORT_VERSION;
  tool: { name: string; version: string };
  spec: {
    version: string;
    /** `bundled` or the file/URL given with --spec. */
    source: string;
    sha256: string;
    /** Operations of the spec marked `x-reach-provenance: modeled` that this run relied on. */
    modeledOperations: string[];
  };
  target: { baseUrl: string; companies: string[] };
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  steps: StepResult[];
  checks: CheckResult[];
  stats: {
    requests: number;
    /** Per status code class and transport errors: `2xx`, `4xx`, `error` ... */
    statuses: Record<string, number>;
    /**
     * Requests the checks asked for that reach-check did not send, by the run's own bound that
     * stopped them: the request budget (--max-requests) or the deadline (--deadline). Absent when none.
     */
    notSent?: { budget: number; deadline: number };
    /**
     * The run's token was refused with 401 and renewed with the refresh token (as Reach renews an
     * expired token): renewals that gave a token, and those that did not. Absent when none was tried.
     */
    tokenRenewals?: { renewed: number; failed: number };
  };
  /** Which operations of the spec this run exercised with valid requests, and why others were not. */
  coverage: Coverage;
  /** Figures of the nightly-sync rehearsal, when it ran. */
  rehearsal?: Rehearsal;
  /** The allowlist the run was judged with, when one was given (`--allowlist`). */
  allowlist?: AllowlistSummary;
  /** SHA-256 of the report's canonical JSON, so an edited report can be told apart (`reach-check verify`). */
  integrity?: Integrity;
}

export type AllowlistEntryState = "applied" | "unused" | "expired";

export interface AllowlistEntryResult {
  check: string;
  /** `METHOD /path`, when the entry is narrowed to one operation. */
  operation?: string;
  reason: string;
  expires: string;
  /** `applied`: accepted at least one finding; `unused`: matches nothing any more; `expired`: past its date, accepts nothing. */
  state: AllowlistEntryState;
  /** Findings the entry matched (for an expired entry: the failures it would have accepted). */
  matched: number;
}

export interface AllowlistSummary {
  /** The allowlist file as given. */
  source: string;
  entries: AllowlistEntryResult[];
}

export interface Integrity {
  algorithm: "sha256";
  /** Lower-case hex digest of the canonical JSON: the compact JSON report without `integrity`, keys in report order, UTF-8. */
  digest: string;
}

export interface CoverageEntry {
  /** `METHOD /path` as in the spec. */
  operation: string;
  exercised: boolean;
  /** Requests sent to this operation in the whole run (all checks). */
  requests: number;
  /** Why the operation was not exercised with a valid request. */
  reason?: string;
}

export interface Coverage {
  total: number;
  exercised: number;
  operations: CoverageEntry[];
}

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface Rehearsal {
  companies: string[];
  concurrency: number;
  requests: number;
  durationMs: number;
  /** Status classes and transport errors, e.g. `2xx`, `429`, `5xx`, `timeout`. */
  statuses: Record<string, number>;
  /** Retries made after 429 or 503 with Retry-After. */
  retries: number;
  operations: (LatencyFigures & { operation: string; statuses: Record<string, number> })[];
}
