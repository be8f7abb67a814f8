import type { Contract, Operation } from "../spec/types.js";
import type { HttpClient } from "../http/types.js";
import type { SchemaValidator } from "../schema/types.js";
import type { CheckResult, Finding, Rehearsal, StepNumber } from "../report/types.js";
import type { SharedData } from "../engine/shared-data.js";

export interface ProbeOptions {
  /** Unknown response fields fail instead of warn. */
  strict: boolean;
  /** Bound on requests in flight. */
  concurrency: number;
  /** Latency above which a request is slow (Reach: about 1-2 s). */
  slowMs: number;
  /** How many ids of each filter list (budgets, classes, departments) statement checks try. */
  sampleSize: number;
  /** Longest Retry-After (ms) a sync request waits out on 429/503 (--max-retry-wait); a longer one is reported. Default 60 s. */
  maxRetryWaitMs?: number;
  /** An extra CA was trusted (--ca): certificate advice then names it rather than suggesting it. */
  extraCa?: boolean;
}

/** OAuth client credentials for the token-lifecycle checks (from REACH_CLIENT_ID and friends). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** A second access token (a secret) and the environment variable curl lines name it by. */
export interface ScopedToken {
  token: string;
  envName: string;
}

/** What a probe gets; nothing else. Probes never print, exit, or import HTTP or terminal libraries. */
export interface ProbeContext {
  contract: Contract;
  http: HttpClient;
  validator: SchemaValidator;
  /** Company ids the run covers (from --company or user-info). */
  companies: readonly string[];
  /** The run's clock. */
  now: Date;
  options: ProbeOptions;
  /** Memoised fetches shared by probes: each page is fetched once per run. */
  data: SharedData;
  /** Client credentials, when the run was given them; the OAuth lifecycle checks skip without them. */
  credentials?: ClientCredentials;
  /** A second access token that reads fewer companies (--scoped-token-env); the scope check skips without it. */
  scopedToken?: ScopedToken;
  /** Results of checks that already ran. */
  results: ReadonlyMap<string, CheckResult>;
  log(message: string): void;
}

export interface ProbeOutput {
  findings: Finding[];
  /** Set to skip the check with this reason (findings should then be empty). */
  skip?: string;
  /**
   * With `skip`: the check could not judge because of a fault another check reports, not for lack
   * of data or credentials; says which (e.g. "pagination.walk found the chart of accounts cut
   * short"). Its step is then not shown ready, as for `blockedByFailure`.
   */
  blockedBy?: string;
  /** One line for the report when there is nothing more specific to say. */
  summary?: string;
  /** Figures of the sync rehearsal, copied into the report (only the rehearsal check sets this). */
  rehearsal?: Rehearsal;
}

export interface Probe {
  /** `<family>.<name>`, the file name under src/probes/<family>/. */
  id: string;
  family: string;
  step: StepNumber;
  title: string;
  /** What the check does and why Reach cares, one or two sentences (shown in --help output and docs). */
  description: string;
  /**
   * Checks whose data or results this check needs: they run first, and `--check` brings them along.
   * With `blockedByFailure`, this check is skipped when one of them failed or was skipped for that.
   */
  after?: string[];
  /**
   * Checks this one should run after when they are part of the run, without needing them (a
   * summary of all requests, for instance). `--check` does not bring them along.
   */
  orderAfter?: string[];
  /**
   * Checks run side by side. This one reads what the whole run did so far (every response or
   * latency sample) or times the partner, so it starts only once every check before it in the
   * execution order has ended, and no later check starts until it has ended.
   */
  runsAlone?: boolean;
  /**
   * Uses the run's refresh token. A partner may revoke the access token the run holds once it has
   * issued a new one (RFC 6749 section 6), which would turn every later request of the run into a
   * 401: such checks run last, after every check without this mark, and alone.
   */
  spendsToken?: boolean;
  /** Skip this check when any of `after` failed (e.g. nothing works when the partner is unreachable). */
  blockedByFailure?: boolean;
  run(ctx: ProbeContext): Promise<ProbeOutput>;
}

export type { Operation };
