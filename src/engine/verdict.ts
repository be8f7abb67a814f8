import type { CheckResult, CheckStatus, Finding, StepNumber, StepResult, Verdict } from "../report/types.js";
import { STEP_TITLES } from "../report/types.js";

export function statusOf(findings: readonly Finding[]): CheckStatus {
  if (findings.some((f) => f.severity === "fail")) return "fail";
  if (findings.some((f) => f.severity === "warn")) return "warn";
  return "pass";
}

export function verdictOf(statuses: readonly CheckStatus[]): Verdict {
  if (statuses.some((s) => s === "fail" || s === "error")) return "not-ready";
  if (statuses.some((s) => s === "warn")) return "ready-with-warnings";
  return "ready";
}

const WORST: Verdict[] = ["ready", "ready-with-warnings", "not-ready"];

export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((a, b) => (WORST.indexOf(b) > WORST.indexOf(a) ? b : a), "ready");
}

export function stepResults(checks: readonly CheckResult[]): StepResult[] {
  return ([2, 3, 4] as StepNumber[]).map((step) => {
    const mine = checks.filter((c) => c.step === step);
    const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, accepted: 0 };
    for (const c of mine) counts[c.status]++;
    return { step, title: STEP_TITLES[step], verdict: verdictOf(mine.map((c) => c.status)), counts };
  });
}
