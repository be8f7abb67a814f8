/**
 * JUnit XML for CI systems (Jenkins, GitLab, Azure DevOps, GitHub test reporters), in the common
 * Surefire/Jenkins dialect: <testsuites> holds one <testsuite> per Reach onboarding step, each check
 * is a <testcase> (one per operation when a check has findings on several operations).
 *
 * Mapping: fail → <failure>; a check that crashed → <error>; skip → <skipped>; a failure accepted
 * by the allowlist → <skipped> with the reason (it is known and not counted, as an expected failure
 * is); warnings pass, with their text in <system-out>, unless `failOn: "warn"` makes them failures.
 */
import type { CheckResult, Finding, Report } from "./types.js";
import { sanitize } from "./text.js";
import { STATUS_LABEL, VERDICT_LABEL, operationText, plural, shownFindings, stepHeading, stepsOf } from "./view.js";

export interface JunitOptions {
  /** `warn`: warnings are failures too, as with `--fail-on warn`. Default `fail`. */
  failOn?: "fail" | "warn";
  /** Also list info findings in <system-out>. */
  verbose?: boolean;
}

/** Characters XML 1.0 cannot carry at all (even escaped) are replaced; the rest is escaped. */
export function xml(text: unknown): string {
  return sanitize(String(text ?? ""))
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;");
}

/** Element text keeps its line breaks readable. */
function xmlText(text: unknown): string {
  return xml(text).replace(/&#10;/g, "\n");
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

interface Case {
  name: string;
  classname: string;
  time: string;
  outcome: { kind: "failure" | "error" | "skipped"; message: string; type?: string; text?: string } | undefined;
  out: string;
}

function findingText(f: Finding): string {
  const lines = [`${f.accepted ? `${f.severity.toUpperCase()} (accepted)` : f.severity.toUpperCase()} ${f.message}`];
  const op = operationText(f);
  const where = [op, f.company ? `company ${f.company}` : undefined, f.pointer !== undefined ? `at ${f.pointer === "" ? "the body's root" : f.pointer}` : undefined].filter(Boolean);
  if (where.length) lines.push(`  where:    ${where.join(" · ")}`);
  const ev = f.evidence;
  if (ev?.request) lines.push(`  request:  ${f.operation?.method ? `${f.operation.method.toUpperCase()} ` : ""}${ev.request}`);
  if (ev?.status !== undefined) lines.push(`  status:   ${ev.status}${ev.durationMs !== undefined ? ` after ${ev.durationMs} ms` : ""}`);
  for (const [k, v] of Object.entries(ev?.headers ?? {})) lines.push(`  header:   ${k}: ${v}`);
  if (ev?.expected !== undefined) lines.push(`  expected: ${ev.expected}`);
  if (ev?.actual !== undefined) lines.push(`  actual:   ${ev.actual}`);
  if (ev?.bodyExcerpt) lines.push(`  body:     ${ev.bodyExcerpt}`);
  if (f.rule) lines.push(`  rule:     ${f.rule.ref}${f.rule.text ? ` ${f.rule.text}` : ""}`);
  if (f.fix) lines.push(`  fix:      ${f.fix}`);
  if (f.accepted) lines.push(`  accepted: until ${f.accepted.expires}: ${f.accepted.reason}`);
  if (f.curl) lines.push(`  curl:     ${f.curl}`);
  lines.push(`  code:     ${f.code}`);
  return lines.join("\n");
}

/** The testcases of one check: one per operation with findings when there are several, else one. */
function casesOf(check: CheckResult, options: JunitOptions): Case[] {
  const classname = `reach-check.step${check.step}.${check.family}`;
  const failing = (f: Finding) => !f.accepted && (f.severity === "fail" || (options.failOn === "warn" && f.severity === "warn"));
  const findings = shownFindings(check, options.verbose ?? false);
  const base = { classname, time: seconds(check.durationMs) };

  if (check.status === "skip") {
    return [{ ...base, name: check.id, outcome: { kind: "skipped", message: check.summary || "skipped" }, out: "" }];
  }
  if (check.status === "error") {
    return [{ ...base, name: check.id, outcome: { kind: "error", message: check.summary || "the check crashed", type: "reach-check.error", text: check.summary }, out: "" }];
  }

  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = operationText(f) ?? "";
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const split = [...groups.keys()].filter((k) => k !== "").length > 1;
  const parts: [string, Finding[]][] = split ? [...groups.entries()] : [["", findings]];
  // Time is the check's; split cases share it out so the suite total still adds up.
  const time = seconds((check.durationMs ?? 0) / parts.length);

  return parts.map(([op, fs]): Case => {
    const name = op ? `${check.id} ${op}` : check.id;
    const fails = fs.filter(failing);
    const accepted = fs.filter((f) => f.accepted);
    const others = fs.filter((f) => !fails.includes(f));
    const out = [check.summary && !split ? check.summary : "", ...others.map(findingText)].filter(Boolean).join("\n\n");
    if (fails.length > 0) {
      const first = fails[0];
      const message = fails.length === 1 ? first.message : `${first.message} (and ${plural(fails.length - 1, "more finding")})`;
      return { ...base, time, name, outcome: { kind: "failure", message, type: first.code, text: fails.map(findingText).join("\n\n") }, out };
    }
    if (accepted.length > 0 && accepted.length === fs.filter((f) => f.severity !== "info").length) {
      const a = accepted[0].accepted!;
      return { ...base, time, name, outcome: { kind: "skipped", message: `accepted by the allowlist until ${a.expires}: ${a.reason}` }, out };
    }
    return { ...base, time, name, outcome: undefined, out };
  });
}

export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const checks = report.checks ?? [];
  const timestamp = String(report.startedAt ?? "").replace(/(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, "");
  let host = "";
  try {
    host = new URL(report.target?.baseUrl ?? "").host;
  } catch {
    /* leave empty */
  }
  const suites = stepsOf(report).map((st) => {
    const mine = checks.filter((c) => c.step === st.step);
    const cases = mine.flatMap((c) => casesOf(c, options));
    const count = (kind: string) => cases.filter((c) => c.outcome?.kind === kind).length;
    const time = mine.reduce((n, c) => n + (c.durationMs ?? 0), 0);
    return { st, cases, failures: count("failure"), errors: count("error"), skipped: count("skipped"), time };
  });
  const total = (k: "failures" | "errors" | "skipped") => suites.reduce((n, s) => n + s[k], 0);
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);

  const x: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  x.push(
    `<testsuites name="${xml(`reach-check ${report.target?.baseUrl ?? ""}`)}" tests="${tests}" failures="${total("failures")}" errors="${total("errors")}" time="${seconds(report.durationMs)}">`,
  );
  suites.forEach((s, i) => {
    x.push(
      `  <testsuite name="${xml(stepHeading(s.st))}" id="${i}" package="reach-check" tests="${s.cases.length}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${seconds(s.time)}" timestamp="${xml(timestamp)}" hostname="${xml(host || "unknown")}">`,
    );
    x.push("    <properties>");
    const props: [string, string][] = [
      ["verdict", s.st.verdict],
      ["report.verdict", report.verdict],
      ["target", report.target?.baseUrl ?? ""],
      ["spec.version", report.spec?.version ?? ""],
      ["spec.sha256", report.spec?.sha256 ?? ""],
      ["tool", `${report.tool?.name ?? ""} ${report.tool?.version ?? ""}`.trim()],
    ];
    if (report.integrity) props.push(["report.sha256", report.integrity.digest]);
    for (const [k, v] of props) x.push(`      <property name="${xml(k)}" value="${xml(v)}"/>`);
    x.push("    </properties>");
    for (const c of s.cases) {
      const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="${c.time}"`;
      if (!c.outcome && !c.out) {
        x.push(`${open}/>`);
        continue;
      }
      x.push(`${open}>`);
      if (c.outcome) {
        const attrs = `message="${xml(c.outcome.message)}"${c.outcome.type ? ` type="${xml(c.outcome.type)}"` : ""}`;
        x.push(c.outcome.text ? `      <${c.outcome.kind} ${attrs}>${xmlText(c.outcome.text)}</${c.outcome.kind}>` : `      <${c.outcome.kind} ${attrs}/>`);
      }
      if (c.out) x.push(`      <system-out>${xmlText(c.out)}</system-out>`);
      x.push("    </testcase>");
    }
    const summary = `${stepHeading(s.st)}: ${VERDICT_LABEL[s.st.verdict] ?? s.st.verdict}; ${checks
      .filter((c) => c.step === s.st.step)
      .map((c) => `${c.id} ${STATUS_LABEL[c.status] ?? c.status}`)
      .join(", ")}`;
    x.push(`    <system-out>${xmlText(summary)}</system-out>`);
    x.push("    <system-err></system-err>");
    x.push("  </testsuite>");
  });
  x.push("</testsuites>");
  return x.join("\n") + "\n";
}
