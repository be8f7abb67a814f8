/**
 * One run: order the checks, resolve the companies, run each check with a narrow context, turn a
 * crashing check into an `error` result, and assemble the report. Nothing here prints.
 */
import { NO_COMPANY } from "../probes/support/skips.js";
import type { HttpClient } from "../http/types.js";
import type { ClientCredentials, Probe, ProbeContext, ProbeOptions, ScopedToken } from "../probes/types.js";
import type { LatencySample } from "../http/types.js";
import type { CheckResult, Coverage, CoverageEntry, Report } from "../report/types.js";
import { REPORT_VERSION } from "../report/types.js";
import type { SchemaValidator } from "../schema/types.js";
import type { Contract } from "../spec/types.js";
import type { Redactor } from "../util/redact.js";
import { companiesFromUserInfo, unopenedCompanies } from "./companies.js";
import { executionOrder } from "./order.js";
import { SharedData } from "./shared-data.js";
import { afterAborts, cutByDeadline, deadlineFinding, isPassed, raceDeadline, skippedByDeadline, type RunDeadline } from "./deadline.js";
import { foldNotSent } from "./not-sent.js";
import { DEFAULT_SYNC_SETTINGS, retryPolicy } from "./sync.js";
import { stepResults, statusOf, worst } from "./verdict.js";
import { byCodeUnits } from "../util/compare.js";

export interface ProgressEvent {
  type: "check-start" | "check-end";
  id: string;
  title: string;
  status?: CheckResult["status"];
  index: number;
  total: number;
}

export interface EngineOptions {
  contract: Contract;
  http: HttpClient;
  validator: SchemaValidator;
  redactor: Redactor;
  probes: readonly Probe[];
  familyOrder: readonly string[];
  /** Companies named with --company; when absent, the ones user-info lists. */
  companies?: string[];
  now: Date;
  options: ProbeOptions;
  credentials?: ClientCredentials;
  scopedToken?: ScopedToken;
  pageSize: number;
  maxPages: number;
  tool: { name: string; version: string };
  onProgress?: (e: ProgressEvent) => void;
  log?: (message: string) => void;
  /** Monotonic milliseconds, for durations. */
  clock?: () => number;
  /** The run's deadline (--deadline); the HTTP client must abort on the same signal. */
  deadline?: RunDeadline;
  /** Checks running side by side at most. Default CHECKS_IN_FLIGHT. */
  checksInFlight?: number;
  /**
   * The run's request budget when none was given (--max-requests): `perCompany` requests for each
   * company checked, at least `minimum`, set on the HTTP client once the companies are known.
   */
  requestBudget?: { perCompany: number; minimum: number };
}

/**
 * The default request budget. A company costs about 150 to 850 requests (lists, every statement
 * in both bases, budget/class/department splits, two sync passes), more with a larger
 * --sample-size; a user of an accounting firm may read dozens of companies, and a fixed budget
 * would run out and fail checks of a partner that did nothing wrong.
 */
export const DEFAULT_REQUEST_BUDGET = { perCompany: 2500, minimum: 5000 } as const;

/**
 * Requests added to the default budget for each record of a list that feeds a statement filter
 * (budgets, classes, departments): the sync asks for a split by each of them in each of its two
 * passes, so a partner with 3,000 classes costs some 6,000 requests more. One more for margin.
 */
export const BUDGET_PER_FILTER_RECORD = 3;

const REACHABILITY = "reachability.connection";
/** Checks running side by side at most, unless the caller says otherwise. */
export const CHECKS_IN_FLIGHT = 4;

export async function runChecks(opts: EngineOptions): Promise<Report> {
  const clock = opts.clock ?? (() => performance.now());
  const started = clock();
  const startedAt = opts.now.toISOString();
  const data = new SharedData(opts.contract, opts.http, opts.now, { pageSize: opts.pageSize, maxPages: opts.maxPages }, {
    ...DEFAULT_SYNC_SETTINGS,
    concurrency: opts.options.concurrency,
    retry: retryPolicy(opts.options.maxRetryWaitMs),
  });
  const results = new Map<string, CheckResult>();
  const blocked = new Map<string, string>();
  let companies: string[] = opts.companies ? [...opts.companies] : [];
  let companiesResolved = opts.companies !== undefined;
  // Without --max-requests the budget follows the data: the companies, then each filter list read.
  let filterRecords = 0;
  const budgetFor = (n: number) => {
    if (opts.requestBudget) opts.http.setRequestBudget(Math.max(opts.requestBudget.minimum, opts.requestBudget.perCompany * n) + BUDGET_PER_FILTER_RECORD * filterRecords);
  };
  budgetFor(companies.length);
  if (opts.requestBudget) {
    data.onListWalked((walk) => {
      if (!walk.operation.profile.feedsParameter) return;
      filterRecords += walk.records.length;
      budgetFor(companies.length);
    });
  }

  const ordered = executionOrder(opts.probes, opts.familyOrder);
  const checks: CheckResult[] = [];
  let rehearsal: Report["rehearsal"];
  /** Steps with checks the deadline kept from running: their readiness was not shown. */
  const cutSteps = new Set<number>();
  const position = new Map(ordered.map((p, i) => [p.id, i]));
  const begun: boolean[] = ordered.map(() => false);
  const ended: boolean[] = ordered.map(() => false);
  const running = new Map<number, Promise<void>>();
  const limit = Math.max(1, Math.floor(opts.checksInFlight ?? CHECKS_IN_FLIGHT));
  const needs = ordered.map((p) =>
    [...(p.after ?? []), ...(p.orderAfter ?? [])].map((d) => position.get(d)).filter((i): i is number => i !== undefined),
  );
  const reachAt = position.get(REACHABILITY);

  /** Whether the check at `i` may start now (see `runsAlone` for the checks that need the run to themselves). */
  const mayStart = (i: number): boolean => {
    if (!needs[i].every((d) => ended[d])) return false;
    for (let j = 0; j < i; j++) {
      // Nothing overtakes a check that runs alone, and nothing starts beside one.
      if ((ordered[j].runsAlone || ordered[j].spendsToken) && !ended[j]) return false;
      if ((ordered[i].runsAlone || ordered[i].spendsToken) && !ended[j]) return false;
    }
    if ((ordered[i].runsAlone || ordered[i].spendsToken) && running.size > 0) return false;
    for (const j of running.keys()) if (ordered[j].runsAlone || ordered[j].spendsToken) return false;
    // Every check but the connection check needs the companies, which are read once that check ended.
    if (!companiesResolved && i !== reachAt && reachAt !== undefined && !ended[reachAt]) return false;
    return true;
  };

  /** What a check sees: the run's client and shared data, with the requests it sends counted for it. */
  const checkContext = (id: string): ProbeContext => {
    const http = opts.http.forCheck(id);
    return {
      contract: opts.contract,
      http,
      validator: opts.validator,
      companies,
      now: opts.now,
      options: opts.options,
      credentials: opts.credentials,
      scopedToken: opts.scopedToken,
      data: data.forCheck(http),
      results,
      log: opts.log ?? (() => {}),
    };
  };

  const start = (index: number, probe: Probe): void => {
    begun[index] = true;
    opts.onProgress?.({ type: "check-start", id: probe.id, title: probe.title, index, total: ordered.length });
    const cut = opts.deadline?.signal.aborted;
    if (cut) cutSteps.add(probe.step);
    const work = cut
      ? Promise.resolve(skipped(probe, skippedByDeadline(opts.deadline!)))
      : runOne(probe, checkContext(probe.id), blocked, clock, (r) => (rehearsal = r), opts.deadline);
    running.set(
      index,
      work.then((result) => {
        running.delete(index);
        ended[index] = true;
        results.set(probe.id, result);
        checks.push(result);
        opts.onProgress?.({ type: "check-end", id: probe.id, title: probe.title, status: result.status, index, total: ordered.length });
      }),
    );
  };

  // Checks start in execution order as soon as the checks they come after have ended, a bounded
  // number at a time; the HTTP client still bounds the requests in flight.
  while (ended.some((e) => !e)) {
    for (let i = 0; i < ordered.length && running.size < limit; i++) {
      if (begun[i] || !mayStart(i)) continue;
      if (!companiesResolved && i !== reachAt) {
        if (reachAt === undefined || results.get(REACHABILITY)?.status !== "fail") {
          companies = await companiesFromUserInfo(opts.contract, data);
          // A listed company the token cannot open would fail every check the same way:
          // schema.user-info reports it once, and the run goes on without it.
          const unopened = await unopenedCompanies(opts.contract, data, companies);
          if (unopened.length > 0) {
            data.leaveOut(unopened);
            companies = companies.filter((c) => !unopened.some((u) => u.id === c));
          }
        }
        companiesResolved = true;
        budgetFor(companies.length);
      }
      start(i, ordered[i]);
      // The company list is read beside the connection check rather than after it: every other
      // check waits for both, and one round trip to the partner less is what a run's start costs.
      // When the connection check fails, the answer is not used (and failed the same way).
      if (i === reachAt && !companiesResolved) void data.userInfo().catch(() => undefined);
    }
    if (running.size === 0) throw new Error("reach-check could not schedule the remaining checks (an engine defect)");
    await Promise.race(running.values());
  }

  // The report lists checks in registry order (by id), not execution order, so diffs stay small.
  checks.sort((a, b) => a.step - b.step || opts.familyOrder.indexOf(a.family) - opts.familyOrder.indexOf(b.family) || byCodeUnits(a.id, b.id));
  // A step whose checks were skipped because a check they need failed was not shown ready either.
  const blockedSteps = new Set(checks.filter((c) => blocked.has(c.id)).map((c) => c.step));
  const steps = stepResults(checks).map((s) => (cutSteps.has(s.step) || blockedSteps.has(s.step) ? { ...s, verdict: "not-ready" as const } : s));
  const samples = opts.http.samples();
  const statuses: Record<string, number> = {};
  for (const s of samples) {
    const key = s.error ? "error" : `${String(s.status)[0]}xx`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const exercised = new Set(samples.filter((s) => s.operation).map((s) => `${s.operation!.method.toUpperCase()} ${s.operation!.path}`));
  const modeledOperations = opts.contract.operations
    .filter((o) => o.provenance === "modeled" && exercised.has(`${o.method.toUpperCase()} ${o.path}`))
    .map((o) => o.key);

  const coverage = coverageOf(opts.contract, data, samples, companies);
  const unsent = opts.http.unsent();
  const renewals = opts.http.tokenRenewals();
  const report: Report = {
    reportVersion: REPORT_VERSION,
    tool: opts.tool,
    spec: {
      version: opts.contract.specVersion,
      source: opts.contract.source,
      sha256: opts.contract.sha256,
      modeledOperations,
    },
    target: { baseUrl: opts.http.baseUrl.toString().replace(/\/$/, ""), companies },
    startedAt,
    durationMs: Math.round(clock() - started),
    verdict: worst(steps.map((s) => s.verdict)),
    steps,
    checks,
    stats: {
      requests: samples.length,
      statuses,
      ...(unsent.budget + unsent.deadline > 0 ? { notSent: unsent } : {}),
      ...(renewals.renewed + renewals.failed > 0 ? { tokenRenewals: renewals } : {}),
    },
    coverage,
    ...(rehearsal ? { rehearsal } : {}),
  };
  return opts.redactor.redactDeep(report);
}

/** Default reasons for operations no check could exercise, by role. */
const UNEXERCISED: Partial<Record<string, string>> = {
  authorize: "interactive: a user signs in there (try `reach-check login`); not called in an unattended run",
  token: "needs client credentials and a refresh token, which this run was not given",
};

/** The authorize endpoint when auth.authorize asked it: a request, but not a sign-in. */
const AUTHORIZE_ASKED = "asked only for a made-up client (auth.authorize: turned away, no redirect); a real sign-in is interactive (try `reach-check login`)";

function coverageOf(contract: Contract, data: SharedData, samples: readonly LatencySample[], companies: string[]): Coverage {
  const sent = new Map<string, number>();
  for (const s of samples) {
    if (!s.operation) continue;
    const key = `${s.operation.method.toUpperCase()} ${s.operation.path}`;
    sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  const valid = new Set(data.syncExchanges().filter((e) => e.operation).map((e) => `${e.operation!.method.toUpperCase()} ${e.operation!.path}`));
  const operations: CoverageEntry[] = contract.operations.map((op) => {
    const key = `${op.method.toUpperCase()} ${op.path}`;
    const entry: CoverageEntry = { operation: op.key, exercised: valid.has(key), requests: sent.get(key) ?? 0 };
    if (!entry.exercised) {
      entry.reason =
        data.notExercisedReason(op) ??
        (op.profile.role === "authorize" && entry.requests > 0 ? AUTHORIZE_ASKED : undefined) ??
        UNEXERCISED[op.profile.role] ??
        (op.path.includes("{CompanyId}") && companies.length === 0
          ? "no company to check"
          : op.profile.role === "unknown"
            ? "reach-check does not know how to call this operation (not in the profile)"
            : "not reached: an earlier check failed or was skipped");
    }
    return entry;
  });
  return { total: operations.length, exercised: operations.filter((o) => o.exercised).length, operations };
}

function skipped(probe: Probe, summary: string): CheckResult {
  return { id: probe.id, family: probe.family, step: probe.step, title: probe.title, status: "skip", summary, findings: [], durationMs: 0, requests: 0 };
}

async function runOne(
  probe: Probe,
  ctx: ProbeContext,
  blocked: Map<string, string>,
  clock: () => number,
  onRehearsal: (r: NonNullable<Report["rehearsal"]>) => void,
  deadline?: RunDeadline,
): Promise<CheckResult> {
  const base = { id: probe.id, family: probe.family, step: probe.step, title: probe.title };
  const before = ctx.http.samples().length;
  const t0 = clock();
  /** The requests this check sent itself: other checks may be sending theirs at the same time. */
  const own = () => ctx.http.samples().slice(before).filter((s) => s.check === probe.id);
  const finish = (r: Omit<CheckResult, "id" | "family" | "step" | "title" | "durationMs" | "requests">): CheckResult => ({
    ...base,
    ...r,
    durationMs: Math.round(clock() - t0),
    requests: own().length,
  });

  if (probe.blockedByFailure) {
    for (const dep of probe.after ?? []) {
      const r = ctx.results.get(dep);
      const why = blocked.get(dep);
      if (why) {
        blocked.set(probe.id, why);
        return finish({ status: "skip", summary: `Skipped: ${why}`, findings: [] });
      }
      if (r && (r.status === "fail" || r.status === "error")) {
        const why2 = `${dep} ${r.status === "fail" ? "failed" : "crashed"}${r.summary ? ` (${r.summary.replace(/\.$/, "")})` : ""}`;
        blocked.set(probe.id, why2);
        return finish({ status: "skip", summary: `Skipped: ${why2}.`, findings: [] });
      }
    }
  }
  try {
    const out = await raceDeadline(probe.run(ctx), deadline);
    if (isPassed(out)) {
      await afterAborts();
      const samples = own();
      return finish({ status: "fail", summary: cutByDeadline(deadline!), findings: [deadlineFinding(probe.id, deadline!, samples)] });
    }
    if (out.rehearsal) onRehearsal(out.rehearsal);
    if (out.skip !== undefined) {
      if (out.blockedBy !== undefined) blocked.set(probe.id, out.blockedBy);
      // No company to check: whatever the reason (user-info failed or listed none), nothing of the
      // company data was judged, and its step is not shown ready.
      else if (out.skip === NO_COMPANY) blocked.set(probe.id, "no company to check");
      return finish({ status: "skip", summary: out.skip, findings: [] });
    }
    const findings = foldNotSent(probe.id, out.findings);
    const status = statusOf(findings);
    const counts = findings.length;
    const summary =
      out.summary ??
      (status === "pass" ? "No problem found." : `${counts} finding${counts === 1 ? "" : "s"}.`);
    return finish({ status, summary, findings });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return finish({
      status: "error",
      summary: `The check crashed: ${message.split("\n")[0]} (a reach-check defect; please report it with the JSON report).`,
      findings: [],
    });
  }
}
