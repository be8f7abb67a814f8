/**
 * What the document formats (Markdown, HTML, JUnit) read off a report the same way: labels, the
 * failures-first order, findings grouped by operation. Pure and format-free: escaping is each
 * format's job.
 */
import { STEP_TITLES, type CheckResult, type CheckStatus, type Finding, type Rehearsal, type Report, type StepResult, type Verdict } from "./types.js";
import { formatDuration, plural } from "./text.js";

export const VERDICT_LABEL: Record<Verdict, string> = {
  ready: "READY",
  "ready-with-warnings": "READY WITH WARNINGS",
  "not-ready": "NOT READY",
};

export const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: "pass",
  warn: "warn",
  fail: "FAIL",
  skip: "skipped",
  error: "ERROR",
  accepted: "accepted",
};

export const STATUS_ORDER: readonly CheckStatus[] = ["pass", "warn", "fail", "accepted", "skip", "error"];

/** Failures first: what blocks the handoff, then what to review, then the rest. */
const ATTENTION: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, accepted: 3, skip: 4, pass: 5 };
const SEVERITY_RANK: Record<string, number> = { fail: 0, warn: 1, info: 2 };

export function byAttention(checks: readonly CheckResult[]): CheckResult[] {
  return [...checks].sort((a, b) => (ATTENTION[a.status] ?? 1) - (ATTENTION[b.status] ?? 1) || a.step - b.step);
}

/** Findings worth showing (info only when verbose), unaccepted failures first. */
export function shownFindings(check: CheckResult, verbose: boolean): Finding[] {
  return (check.findings ?? [])
    .filter((f) => verbose || f.severity !== "info")
    .sort((a, b) => rank(a) - rank(b));
}

/**
 * Findings that report one problem in several places: the same code, severity, rule and fix (and
 * the same acceptance). A partner whose every error answer is text/plain gets one problem with its
 * places, not a screenful of copies that hides the next, different problem.
 */
export interface FindingGroup {
  /** The first finding of the problem, shown in full. */
  head: Finding;
  /** The other places, in report order. */
  more: Finding[];
}

/** Groups findings by problem (see FindingGroup), keeping the order in which each first appears. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = JSON.stringify([f.code, f.severity, f.rule?.ref ?? "", f.fix ?? "", f.accepted ? [f.accepted.reason, f.accepted.expires] : null]);
    const group = groups.get(key);
    if (group) group.more.push(f);
    else groups.set(key, { head: f, more: [] });
  }
  return [...groups.values()];
}

/** How many findings the groups hold. */
export function groupedCount(groups: readonly FindingGroup[]): number {
  return groups.reduce((n, g) => n + 1 + g.more.length, 0);
}

/**
 * One more place of a grouped problem, in plain text: where (the request as sent, else the
 * operation; the company; the pointer), its message when it says something the head's does not,
 * and its curl line when it differs from the head's (the same request needs no second line).
 */
export interface Place {
  request?: string;
  company?: string;
  /** JSON pointer; "" is the whole body. */
  pointer?: string;
  message?: string;
  curl?: string;
}

/**
 * Where a place is, in parts (`GET /companies/c1/budgets`, `company c1`, `at /Data/0`): words, then
 * a value a format shows as code. None when the finding names no place at all.
 */
export function placeParts(p: Place): { words: string; code?: string }[] {
  return [
    ...(p.request ? [{ words: "", code: p.request }] : []),
    ...(p.company ? [{ words: "company ", code: p.company }] : []),
    ...(p.pointer === "" ? [{ words: "the whole body" }] : p.pointer !== undefined ? [{ words: "at ", code: p.pointer }] : []),
  ];
}

/** The place in plain text, parts joined with ` · `. */
export function placeText(p: Place): string {
  return placeParts(p).map((part) => part.words + (part.code ?? "")).join(" · ") || "the same place";
}

/** Two messages that differ only in the operation, company or pointer they name say the same. */
function sameWords(a: Finding, b: Finding): boolean {
  const words = (f: Finding): string => {
    let m = f.message ?? "";
    for (const [part, mark] of [[operationText(f), "\u0000op"], [f.company, "\u0000company"], [f.pointer || undefined, "\u0000at"]] as const) {
      if (part) m = m.split(part).join(mark);
    }
    return m;
  };
  return words(a) === words(b);
}

export function placeOf(f: Finding, head: Finding): Place {
  const method = f.operation?.method ? `${String(f.operation.method).toUpperCase()} ` : "";
  const request = f.evidence?.request ? method + f.evidence.request : operationText(f);
  return {
    ...(request ? { request } : {}),
    ...(f.company ? { company: f.company } : {}),
    ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
    ...(sameWords(f, head) ? {} : { message: f.message }),
    ...(f.curl && f.curl !== head.curl ? { curl: f.curl } : {}),
  };
}

function rank(f: Finding): number {
  return (f.accepted ? 3 : 0) + (SEVERITY_RANK[f.severity] ?? 0);
}

export function stepsOf(report: Report): StepResult[] {
  return [...(report.steps ?? [])].sort((a, b) => a.step - b.step);
}

export function stepHeading(step: { step: number; title?: string }): string {
  const title = step.title || STEP_TITLES[step.step as 2 | 3 | 4] || "";
  return title ? `Step ${step.step}: ${title}` : `Step ${step.step}`;
}

export function operationText(f: Finding): string | undefined {
  return f.operation ? `${String(f.operation.method ?? "").toUpperCase()} ${f.operation.path ?? ""}` : undefined;
}

export function modeledSet(report: Report): Set<string> {
  return new Set((report.spec?.modeledOperations ?? []).map((o) => o.trim().replace(/^(\S+)\s+/, (_m, m: string) => `${m.toUpperCase()} `)));
}

/** Counts of a step or of all checks, zeros left out except when `all`. `accepted` shows only when non-zero. */
export function countsText(counts: Partial<Record<CheckStatus, number>>, all = false): string {
  return STATUS_ORDER.filter((st) => (all && st !== "accepted") || (counts[st] ?? 0) > 0)
    .map((st) => `${counts[st] ?? 0} ${st}`)
    .join(", ");
}

export function countChecks(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, accepted: 0 };
  for (const c of checks) if (c.status in counts) counts[c.status]++;
  return counts;
}

export function acceptedCount(report: Report): number {
  return (report.checks ?? []).reduce((n, c) => n + (c.findings ?? []).filter((f) => f.accepted).length, 0);
}

/**
 * The rehearsal's figures in one line (`responses`: with the statuses, as the document reports
 * give them); a rehearsal that sent nothing (its budget or deadline gone) says so.
 */
export function rehearsalText(reh: Rehearsal, responses: boolean): string {
  const who = plural(reh.companies.length, "company", "companies");
  if (reh.requests === 0) return `no request sent for ${who} (see reliability.rehearsal)${responses ? "." : ""}`;
  const figures = `${reh.requests} requests for ${who} in ${formatDuration(reh.durationMs)} at concurrency ${reh.concurrency}, ${plural(reh.retries, "retry", "retries")}`;
  return responses ? `${figures}; responses: ${statusesText(reh.statuses) || "none"}.` : figures;
}

/**
 * `; 120 not sent: the request budget (--max-requests) ran out` (and renewals of the run's token),
 * or "" when every request went out as it was.
 */
export function notSentText(report: Report): string {
  const n = report.stats?.notSent ?? { budget: 0, deadline: 0 };
  const parts = [
    ...(n.budget > 0 ? [`${n.budget} not sent: the request budget (--max-requests) ran out`] : []),
    ...(n.deadline > 0 ? [`${n.deadline} not sent: the run's deadline (--deadline) had passed`] : []),
  ];
  const r = report.stats?.tokenRenewals;
  if (r && r.renewed > 0) parts.push(`the run's token was refused with 401 and renewed with the refresh token ${r.renewed === 1 ? "once" : `${r.renewed} times`}`);
  if (r && r.failed > 0) parts.push(`${r.failed === 1 ? "a renewal" : `${r.failed} renewals`} of the run's token with the refresh token failed`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

/**
 * When the run's own bounds kept requests from going out (or stopped a list still going) and the
 * run is not ready: what to do about it (those findings are reach-check's limit, not the partner's
 * fault), else undefined.
 */
export function cutShortStep(report: Report): string | undefined {
  if (report.verdict !== "not-ready") return undefined;
  const n = report.stats?.notSent;
  if (!n || n.budget + n.deadline === 0) {
    const capped = (report.checks ?? []).some((c) => c.findings.some((f) => f.severity === "fail" && f.rule?.ref === PAGE_CAP_RULE));
    if (!capped) return undefined;
    return "reach-check's page cap (--max-pages) stopped a list before its end, so the checks that need it whole did not run: run again with the larger --max-pages its finding names, then fix what still fails.";
  }
  if (n.budget > 0) {
    return `The run's request budget ran out before every check finished (${n.budget + n.deadline} requests not sent): findings about requests that were not sent are not the partner's. Run again with a larger --max-requests (or fewer companies with --company), then fix what still fails.`;
  }
  // A deadline may pass because the partner is slow: that part is the partner's (reliability.latency says).
  return `The run's deadline passed before every check finished (${n.deadline} requests not sent). Make the slow operations faster (see reliability.latency and the deadline findings) or run again with a longer --deadline, then fix what still fails.`;
}

/** The rule of a list longer than the run reads (schema.reference-lists/page-cap). */
const PAGE_CAP_RULE = "reach-check:max-pages";

/** The sentence that tells the reader what to do next. */
export function nextStep(report: Report): string {
  const cut = cutShortStep(report);
  if (cut) return cut;
  const checks = report.checks ?? [];
  const failed = checks.filter((c) => c.status === "fail").length;
  const errored = checks.filter((c) => c.status === "error").length;
  const accepted = acceptedCount(report);
  const acceptedNote = accepted > 0 ? ` ${plural(accepted, "known failure")} accepted by the allowlist.` : "";
  switch (report.verdict) {
    case "ready":
      return `Every check passed: share the base URL and client credentials with Reach for step 3.${acceptedNote}`;
    case "ready-with-warnings":
      return `Nothing blocks the handoff. Review the warnings, then share the base URL and client credentials with Reach for step 3.${acceptedNote}`;
    default:
      if (failed === 0 && errored > 0) return `${plural(errored, "check")} could not finish: resolve the cause and run reach-check again.`;
      return `Fix the failing checks, then run reach-check again.${acceptedNote}`;
  }
}

export function statusesText(statuses: Record<string, number> | undefined): string {
  return Object.entries(statuses ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

export { formatDuration, plural };
