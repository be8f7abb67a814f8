/**
 * Known failures: an allowlist entry accepts the findings of one check (optionally on one operation)
 * until its expiry date. Accepting is a pure transformation of a finished report, so every format
 * shows the same thing and the JSON report records which entries applied, expired or matched nothing.
 */
import type {
  AllowlistEntryResult,
  CheckResult,
  CheckStatus,
  Finding,
  Report,
  StepResult,
  Verdict,
} from "./types.js";

export interface AllowlistEntry {
  /** Check id, e.g. `schema.reference-lists`. */
  check: string;
  /** `METHOD /path` as in the spec; absent: every operation of the check. */
  operation?: string;
  reason: string;
  /** Last day the entry holds, YYYY-MM-DD (UTC). */
  expires: string;
}

export interface Allowlist {
  /** The file as given, for the report. */
  source: string;
  entries: AllowlistEntry[];
}

/** `get  /a/{b}` and `GET /a/{b}` name the same operation. */
export function normaliseOperation(text: string): string {
  const [method = "", ...rest] = text.trim().split(/\s+/);
  return `${method.toUpperCase()} ${rest.join(" ")}`.trim();
}

/** Only failures and warnings can be accepted: info never counts, and a crash or a skip is not a finding. */
function acceptable(f: Finding): boolean {
  return f.severity === "fail" || f.severity === "warn";
}

function matches(entry: AllowlistEntry, check: CheckResult, finding: Finding): boolean {
  if (entry.check !== check.id || !acceptable(finding)) return false;
  if (entry.operation === undefined) return true;
  if (!finding.operation) return false;
  return normaliseOperation(`${finding.operation.method} ${finding.operation.path}`) === normaliseOperation(entry.operation);
}

/**
 * Applies `allowlist` to `report` as of `today` (YYYY-MM-DD, the run's clock): matching findings of
 * unexpired entries get `accepted`, check statuses, step verdicts and the verdict are recomputed, and
 * `report.allowlist` lists each entry's state. The input is not modified.
 */
export function applyAllowlist(report: Report, allowlist: Allowlist, today: string): Report {
  const results: AllowlistEntryResult[] = allowlist.entries.map((e) => ({
    check: e.check,
    ...(e.operation !== undefined ? { operation: normaliseOperation(e.operation) } : {}),
    reason: e.reason,
    expires: e.expires,
    state: "unused",
    matched: 0,
  }));
  const expired = allowlist.entries.map((e) => e.expires < today);

  const checks = report.checks.map((check): CheckResult => {
    if (check.status === "skip" || check.status === "error") return check;
    let changed = false;
    const findings = check.findings.map((finding): Finding => {
      let accepted: Finding["accepted"];
      allowlist.entries.forEach((entry, i) => {
        if (!matches(entry, check, finding)) return;
        results[i].matched++;
        if (!expired[i] && accepted === undefined) accepted = { reason: entry.reason, expires: entry.expires };
      });
      if (!accepted) return finding;
      changed = true;
      return { ...finding, accepted };
    });
    if (!changed) return check;
    const status = statusAfter(findings);
    const n = findings.filter((f) => f.accepted).length;
    const note = `${n} finding${n === 1 ? "" : "s"} accepted by the allowlist`;
    return { ...check, status, findings, summary: check.summary ? `${check.summary} (${note})` : `${note}.` };
  });

  results.forEach((r, i) => {
    if (expired[i]) r.state = "expired";
    else if (r.matched > 0) r.state = "applied";
  });

  const steps = report.steps.map((step): StepResult => {
    const mine = checks.filter((c) => c.step === step.step);
    const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, accepted: 0 };
    for (const c of mine) counts[c.status]++;
    return { ...step, verdict: verdictOf(mine.map((c) => c.status)), counts };
  });
  const verdict = steps.reduce<Verdict>((a, st) => (RANK[st.verdict] > RANK[a] ? st.verdict : a), "ready");

  const out: Report = { ...report, verdict, steps, checks, allowlist: { source: allowlist.source, entries: results } };
  delete out.integrity; // an edited report needs a new seal
  return out;
}

const RANK: Record<Verdict, number> = { ready: 0, "ready-with-warnings": 1, "not-ready": 2 };

function statusAfter(findings: readonly Finding[]): CheckStatus {
  const open = findings.filter((f) => !f.accepted);
  if (open.some((f) => f.severity === "fail")) return "fail";
  if (open.some((f) => f.severity === "warn")) return "warn";
  return findings.some((f) => f.accepted) ? "accepted" : "pass";
}

function verdictOf(statuses: readonly CheckStatus[]): Verdict {
  if (statuses.some((st) => st === "fail" || st === "error")) return "not-ready";
  if (statuses.some((st) => st === "warn")) return "ready-with-warnings";
  return "ready";
}

/** One line per entry that needs the user's attention (expired or matching nothing), for stderr. */
export function allowlistNotices(report: Report): string[] {
  return (report.allowlist?.entries ?? [])
    .filter((e) => e.state !== "applied")
    .map((e) => {
      const what = `${e.check}${e.operation ? ` ${e.operation}` : ""}`;
      return e.state === "expired"
        ? `allowlist entry ${what} expired on ${e.expires}; its ${e.matched} finding${e.matched === 1 ? "" : "s"} count again`
        : `allowlist entry ${what} matches no finding any more; remove it`;
    });
}
