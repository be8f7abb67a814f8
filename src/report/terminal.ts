/**
 * The human-readable report: what a partner engineer reads in a terminal or a CI log.
 * Pure: the same report and options always give the same text, and colour is an option,
 * never taken from the environment.
 */
import { Chalk, type ChalkInstance } from "chalk";
import { reasonPhrase } from "../http/status.js";
import {
  STEP_TITLES,
  type CheckResult,
  type CheckStatus,
  type Finding,
  type FindingSeverity,
  type Report,
  type StepNumber,
  type StepResult,
  type Verdict,
} from "./types.js";
import { clip, formatDuration, hang, plural, sanitize, textLength } from "./text.js";
import { cutShortStep, groupFindings, groupedCount, notSentText, placeOf, placeText, rehearsalText, type FindingGroup } from "./view.js";

export interface TerminalOptions {
  /** ANSI colours; off unless asked for. */
  color?: boolean;
  /** Also show info findings, per-check timings and the list of modeled operations. */
  verbose?: boolean;
  /**
   * Problems shown per check before the rest are summarised; default 5. A problem is a group of
   * findings with the same code, rule and fix: the first shown in full, then its other places.
   */
  maxFindings?: number;
  /** Column at which prose wraps; default 100. Curl lines and raw data are never wrapped. */
  width?: number;
}

const DEFAULT_MAX_FINDINGS = 5;
/** Other places of a problem listed under it (all of them with --verbose). */
const DEFAULT_MAX_PLACES = 3;
const DEFAULT_WIDTH = 100;
/** Below this, hanging indents leave no room for text. */
const MIN_WIDTH = 60;
/** Longest check id that still gets its own aligned column. */
const MAX_ID_COLUMN = 32;
/** Evidence values are excerpts; the JSON report carries them whole. */
const MAX_VALUE_CHARS = 400;
const MAX_BODY_CHARS = 800;

const STATUS_ORDER: readonly CheckStatus[] = ["pass", "warn", "fail", "skip", "error", "accepted"];
const SEVERITY_RANK: Record<FindingSeverity, number> = { fail: 0, warn: 1, info: 2 };

const STATUS_SYMBOL: Record<CheckStatus, string> = {
  pass: "✓",
  warn: "!",
  fail: "✗",
  skip: "-",
  error: "‼",
  accepted: "~",
};

const VERDICT_LABEL: Record<Verdict, string> = {
  ready: "READY",
  "ready-with-warnings": "READY WITH WARNINGS",
  "not-ready": "NOT READY",
};

// Findings are indented under the check id; their details under the finding's message.
const FINDING_INDENT = 4;
const TAG_WIDTH = 6;
const DETAIL_INDENT = FINDING_INDENT + TAG_WIDTH;
const LABEL_WIDTH = 11;

interface Ctx {
  c: ChalkInstance;
  verbose: boolean;
  maxFindings: number;
  width: number;
  idColumn: number;
  modeled: ReadonlySet<string>;
}

export function renderTerminal(report: Report, options: TerminalOptions): string {
  const ctx: Ctx = {
    // Level 1 (16 colours) renders in every CI log viewer; finer levels add nothing here.
    c: new Chalk({ level: options.color ? 1 : 0 }),
    verbose: options.verbose ?? false,
    maxFindings: normaliseMax(options.maxFindings),
    width: Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH) || DEFAULT_WIDTH),
    idColumn: Math.min(MAX_ID_COLUMN, Math.max(0, ...(report.checks ?? []).map((ch) => textLength(ch.id ?? "")))),
    modeled: new Set((report.spec?.modeledOperations ?? []).map(normaliseOperation)),
  };

  const lines: string[] = [];
  lines.push(...renderHeader(report, ctx));
  for (const step of stepsOf(report)) {
    lines.push("", ...renderStep(step, (report.checks ?? []).filter((ch) => ch.step === step.step), ctx));
  }
  lines.push("", ...renderSummary(report, ctx));
  return collapseBlankLines(lines.map((l) => l.trimEnd())).join("\n") + "\n";
}

/** Sections and finding blocks each add spacing; where they meet, one blank line is enough. */
function collapseBlankLines(lines: string[]): string[] {
  return lines.filter((line, i) => line !== "" || (i > 0 && lines[i - 1] !== ""));
}

function normaliseMax(value: number | undefined): number {
  if (value === undefined || Number.isNaN(value)) return DEFAULT_MAX_FINDINGS;
  return value === Infinity ? Infinity : Math.max(0, Math.floor(value));
}

/** `get  /a/{b}` and `GET /a/{b}` name the same operation. */
function normaliseOperation(text: string): string {
  const [method = "", ...rest] = text.trim().split(/\s+/);
  return `${method.toUpperCase()} ${rest.join(" ")}`;
}

// ---------------------------------------------------------------- header

function renderHeader(report: Report, ctx: Ctx): string[] {
  const { c } = ctx;
  const tool = report.tool ?? { name: "reach-check", version: "" };
  const lines = [c.bold(`${s(tool.name)} ${s(tool.version)}`.trim()) + c.dim(" · Reach API readiness report")];

  const field = (label: string, value: string): string[] =>
    hang(`  ${c.dim(label)}${" ".repeat(LABEL_WIDTH - label.length)}`, 2 + LABEL_WIDTH, value, ctx.width);

  lines.push(...field("target", s(report.target?.baseUrl ?? "")));
  const companies = report.target?.companies ?? [];
  lines.push(...field("companies", companies.length > 0 ? companies.map(s).join(", ") : "none (no company was checked)"));

  const spec = report.spec;
  if (spec) {
    const origin = spec.source === "bundled" ? "bundled with reach-check" : `from ${s(spec.source)}`;
    const sha = spec.sha256 ? `, sha256 ${s(spec.sha256.slice(0, 12))}` : "";
    lines.push(...field("spec", `Reach API ${s(spec.version)} (${origin})${sha}`));
    lines.push(...field("modeled", modeledNote(spec.modeledOperations ?? [], ctx)));
    if (ctx.verbose) {
      for (const op of spec.modeledOperations ?? []) lines.push(`  ${" ".repeat(LABEL_WIDTH)}${c.dim("·")} ${s(op)}`);
    }
  }
  return lines;
}

function modeledNote(ops: readonly string[], ctx: Ctx): string {
  if (ops.length === 0) return "none: every operation checked comes from Reach's published spec";
  const [verb, them] = ops.length === 1 ? ["is", "it"] : ["are", "them"];
  const replace = `--spec with Reach's official bundle replaces ${them}`;
  const hints = ctx.verbose ? `(${replace}):` : `(--verbose lists ${them}; ${replace})`;
  return (
    `${plural(ops.length, "operation")} checked ${verb} modeled: reach-check's reading of gaps in ` +
    `Reach's public spec, marked (modeled) below ${hints}`
  );
}

// ---------------------------------------------------------------- steps and checks

/** Steps in order, including any step that has checks but no step result (never drop a check). */
function stepsOf(report: Report): StepResult[] {
  const byNumber = new Map<number, StepResult>();
  for (const step of report.steps ?? []) byNumber.set(step.step, step);
  for (const check of report.checks ?? []) {
    if (!byNumber.has(check.step)) {
      const checks = (report.checks ?? []).filter((ch) => ch.step === check.step);
      const counts = countChecks(checks);
      byNumber.set(check.step, {
        step: check.step,
        title: STEP_TITLES[check.step] ?? "",
        verdict: counts.fail + counts.error > 0 ? "not-ready" : counts.warn > 0 ? "ready-with-warnings" : "ready",
        counts,
      });
    }
  }
  return [...byNumber.values()].sort((a, b) => a.step - b.step);
}

function stepTitle(step: StepResult): string {
  const title = step.title || STEP_TITLES[step.step as StepNumber] || "";
  return title ? `Step ${step.step}: ${s(title)}` : `Step ${step.step}`;
}

function renderStep(step: StepResult, checks: CheckResult[], ctx: Ctx): string[] {
  const { c } = ctx;
  // A rule across the width makes each step easy to find when scrolling a long CI log.
  const left = `── ${stepTitle(step)} `;
  const right = ` ${VERDICT_LABEL[step.verdict] ?? s(String(step.verdict))}`;
  const fill = Math.max(2, ctx.width - textLength(left) - textLength(right));
  const lines = [c.bold(left) + c.dim("─".repeat(fill)) + verdictColor(step.verdict, ctx)(right)];

  if (checks.length === 0) {
    lines.push(c.dim("  no checks ran for this step"));
    return lines;
  }
  for (const check of checks) lines.push(...renderCheck(check, ctx));
  return lines;
}

function renderCheck(check: CheckResult, ctx: Ctx): string[] {
  const { c } = ctx;
  const status = STATUS_SYMBOL[check.status] ? check.status : "error";
  const id = s(check.id ?? "");
  const idPad = " ".repeat(Math.max(0, ctx.idColumn - textLength(id)));
  const prefix = `  ${statusColor(status, ctx)(STATUS_SYMBOL[status])} ${c.bold(id)}${idPad}  `;
  const prefixLength = 2 + 1 + 1 + textLength(id) + idPad.length + 2;

  let text = s(check.title ?? "");
  if (check.summary) text += text ? ` — ${s(check.summary)}` : s(check.summary);
  if (ctx.verbose) text += ` [${plural(check.requests ?? 0, "request")}, ${formatDuration(check.durationMs ?? 0)}]`;

  // An id longer than its column pushes only the first line right; the rest stay aligned with other checks.
  const lines = hang(prefix, prefixLength, text, ctx.width, 2 + 1 + 1 + ctx.idColumn + 2);

  const findings = (check.findings ?? [])
    .filter((f) => ctx.verbose || f.severity !== "info")
    // Accepted findings come after the ones still to fix.
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) + (a.accepted ? 4 : 0) - ((SEVERITY_RANK[b.severity] ?? 3) + (b.accepted ? 4 : 0)));
  const groups = groupFindings(findings);
  const shown = groups.slice(0, ctx.maxFindings);
  for (const group of shown) lines.push(...renderFinding(group.head, ctx), ...renderPlaces(group, ctx), "");
  const hidden = groupedCount(groups.slice(shown.length));
  if (hidden > 0) {
    lines.push(
      " ".repeat(FINDING_INDENT) + c.dim(`… and ${plural(hidden, "more finding")} (see --format json)`),
      "",
    );
  }
  // Checks without findings stay on consecutive lines; a blank line only follows a block of findings.
  return lines;
}

// ---------------------------------------------------------------- findings

function renderFinding(finding: Finding, ctx: Ctx): string[] {
  const { c } = ctx;
  const severity: FindingSeverity = SEVERITY_RANK[finding.severity] === undefined ? "fail" : finding.severity;
  const tag = c.bold(severityColor(severity, ctx)(severity.toUpperCase())) + " ".repeat(TAG_WIDTH - severity.length);
  const lines = hang(" ".repeat(FINDING_INDENT) + tag, DETAIL_INDENT, s(finding.message ?? ""), ctx.width);
  const pad = " ".repeat(DETAIL_INDENT);

  for (const line of packParts(location(finding, ctx), ctx.width - DETAIL_INDENT)) lines.push(pad + c.dim(line));

  const detail = (label: string, value: string, wrapValue: boolean): void => {
    const labelCell = c.dim(label) + " ".repeat(LABEL_WIDTH - label.length);
    if (wrapValue) {
      lines.push(...hang(pad + labelCell, DETAIL_INDENT + LABEL_WIDTH, value, ctx.width));
      return;
    }
    // Raw data (request lines, headers, bodies, curl) stays byte-for-byte: wrapping would break copy and paste.
    value.split("\n").forEach((line, i) => {
      lines.push((i === 0 ? pad + labelCell : pad + " ".repeat(LABEL_WIDTH)) + line);
    });
  };

  const ev = finding.evidence;
  if (ev) {
    if (ev.request) {
      const method = finding.operation?.method ? `${s(finding.operation.method.toUpperCase())} ` : "";
      detail("request", method + s(clip(ev.request, MAX_VALUE_CHARS)), false);
    }
    if (ev.status !== undefined) {
      const reason = reasonPhrase(ev.status);
      const took = ev.durationMs !== undefined ? ` after ${formatDuration(ev.durationMs)}` : "";
      detail("status", `${ev.status}${reason ? ` ${reason}` : ""}${took}`, false);
    } else if (ev.durationMs !== undefined) {
      detail("took", formatDuration(ev.durationMs), false);
    }
    const headers = Object.entries(ev.headers ?? {});
    if (headers.length > 0) {
      detail("headers", headers.map(([k, v]) => `${s(k)}: ${s(clip(String(v), MAX_VALUE_CHARS))}`).join("\n"), false);
    }
    if (ev.expected !== undefined) detail("expected", s(clip(ev.expected, MAX_VALUE_CHARS)), true);
    if (ev.actual !== undefined) detail("actual", s(clip(ev.actual, MAX_VALUE_CHARS)), true);
    if (ev.bodyExcerpt) detail("body", s(clip(ev.bodyExcerpt, MAX_BODY_CHARS)), false);
  }

  if (finding.rule) {
    const ref = s(finding.rule.ref ?? "");
    const text = s(finding.rule.text ?? "");
    detail("rule", ref && text ? `${ref}\n${text}` : ref || text, true);
  }
  if (finding.fix) detail("fix", s(finding.fix), true);
  if (finding.accepted) {
    detail("accepted", `by the allowlist until ${s(finding.accepted.expires ?? "")}: ${s(finding.accepted.reason ?? "")}`, true);
  }
  if (finding.curl) detail("reproduce", s(finding.curl), false);
  if (ctx.verbose && finding.code) detail("code", s(finding.code), false);
  return lines;
}

/**
 * The other places of a grouped problem under its first finding: where each one is, its own
 * message when it differs, and its curl line when it is another request. At most three, unless
 * verbose; the JSON report has every one in full.
 */
function renderPlaces(group: FindingGroup, ctx: Ctx): string[] {
  const { c } = ctx;
  if (group.more.length === 0) return [];
  const pad = " ".repeat(DETAIL_INDENT);
  const inner = DETAIL_INDENT + LABEL_WIDTH;
  const label = "also at";
  const lines = hang(
    pad + c.dim(label) + " ".repeat(LABEL_WIDTH - label.length),
    inner,
    `${plural(group.more.length, "more place")} with this problem:`,
    ctx.width,
  );
  const limit = ctx.verbose ? Infinity : DEFAULT_MAX_PLACES;
  for (const f of group.more.slice(0, limit)) {
    const place = placeOf(f, group.head);
    // Where is raw data (a request as sent, a pointer): never wrapped, as the request line above.
    lines.push(`${" ".repeat(inner)}· ${s(placeText(place))}`);
    if (place.message) lines.push(...hang(" ".repeat(inner + 2), inner + 2, s(place.message), ctx.width));
    if (place.curl) lines.push(`${" ".repeat(inner + 2)}${s(place.curl)}`);
  }
  const rest = group.more.length - Math.min(limit, group.more.length);
  if (rest > 0) lines.push(" ".repeat(inner) + c.dim(`… and ${plural(rest, "more place")} (--verbose lists ${rest === 1 ? "it" : "them"}; --format json has each in full)`));
  return lines;
}

/** The parts of `GET /companies/{CompanyId}/budgets (modeled) · company c1 · at /Data/0/Name`. */
function location(finding: Finding, ctx: Ctx): string[] {
  const parts: string[] = [];
  if (finding.operation) {
    const op = `${String(finding.operation.method ?? "").toUpperCase()} ${finding.operation.path ?? ""}`;
    parts.push(s(op) + (ctx.modeled.has(normaliseOperation(op)) ? " (modeled)" : ""));
  }
  if (finding.company) parts.push(`company ${s(finding.company)}`);
  if (finding.pointer !== undefined) parts.push(finding.pointer === "" ? "at the body's root" : `at ${s(finding.pointer)}`);
  return parts;
}

/** Joins parts with ` · `, starting a new line between parts (never inside one: a pointer must stay whole). */
function packParts(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line === "") line = part;
    else if (textLength(line) + 3 + textLength(part) <= width) line += ` · ${part}`;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

// ---------------------------------------------------------------- summary

function renderSummary(report: Report, ctx: Ctx): string[] {
  const { c } = ctx;
  const lines = [c.bold("── Summary ") + c.dim("─".repeat(Math.max(2, ctx.width - 11)))];
  const checks = report.checks ?? [];

  const steps = stepsOf(report);
  const titleWidth = Math.max(0, ...steps.map((st) => textLength(stepTitle(st))));
  const verdictWidth = Math.max(0, ...steps.map((st) => textLength(VERDICT_LABEL[st.verdict] ?? "")));
  for (const step of steps) {
    const label = VERDICT_LABEL[step.verdict] ?? s(String(step.verdict));
    const counts = formatCounts(step.counts ?? countChecks(checks.filter((ch) => ch.step === step.step)), false);
    // Padding stays outside the colour codes so that trailing spaces can be trimmed.
    const verdictPad = " ".repeat(Math.max(0, verdictWidth - textLength(label)));
    const head = `  ${stepTitle(step).padEnd(titleWidth)}  ${verdictColor(step.verdict, ctx)(label)}`;
    const headLength = 2 + titleWidth + 2 + textLength(label);
    if (!counts) lines.push(head);
    else if (headLength + verdictPad.length + 2 + textLength(counts) <= ctx.width) {
      lines.push(`${head}${verdictPad}  ${c.dim(counts)}`);
    } else {
      // Too narrow for one row: the counts go under the step title.
      lines.push(head, `    ${c.dim(counts)}`);
    }
  }
  lines.push("");

  const field = (label: string, value: string): string[] =>
    hang(`  ${c.dim(label)}${" ".repeat(LABEL_WIDTH - label.length)}`, 2 + LABEL_WIDTH, value, ctx.width);

  lines.push(...field("checks", `${formatCounts(countChecks(checks), true)} (${checks.length} in all)`));
  const statuses = Object.entries(report.stats?.statuses ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${s(k)} ${v}`);
  const requests = report.stats?.requests ?? 0;
  lines.push(...field("requests", `${requests} sent${statuses.length > 0 ? `: ${statuses.join(", ")}` : ""}${s(notSentText(report))}`));
  lines.push(...field("duration", `${formatDuration(report.durationMs)}, started ${s(report.startedAt ?? "")}`));
  const cov = report.coverage;
  if (cov) {
    const missed = (cov.operations ?? []).filter((o) => !o.exercised);
    const list = missed.map((o) => `${s(o.operation)} (${s(o.reason ?? "not exercised")})`).join("; ");
    lines.push(...field("coverage", `${cov.exercised} of ${cov.total} operations exercised${missed.length > 0 ? `; not exercised: ${list}` : ""}`));
  }
  const reh = report.rehearsal;
  if (reh) {
    lines.push(
      ...field(
        "rehearsal",
        rehearsalText(reh, false),
      ),
    );
    for (const op of reh.operations) {
      lines.push(...field("", `${s(op.operation)}: ${op.count}× p50 ${op.p50Ms} ms, p95 ${op.p95Ms} ms, max ${op.maxMs} ms`));
    }
  }

  const allow = report.allowlist;
  if (allow) {
    const by = (state: string) => (allow.entries ?? []).filter((e) => e.state === state);
    const accepted = checks.reduce((n, ch) => n + (ch.findings ?? []).filter((f) => f.accepted).length, 0);
    lines.push(...field("allowlist", `${s(allow.source ?? "")}: ${plural(accepted, "finding")} accepted by ${plural(by("applied").length, "entry", "entries")}`));
    for (const e of [...by("expired"), ...by("unused")]) {
      const what = `${s(e.check ?? "")}${e.operation ? ` ${s(e.operation)}` : ""}`;
      const why =
        e.state === "expired"
          ? `expired on ${s(e.expires ?? "")}: its ${plural(e.matched ?? 0, "finding")} count again`
          : "matches no finding any more: remove it";
      lines.push(...field("", `${c.yellow("!")} ${what}: ${why}`));
    }
  }
  if (report.integrity?.digest) lines.push(...field("integrity", `sha256 ${s(report.integrity.digest)}`));

  if (!ctx.verbose) {
    const info = checks.reduce((n, ch) => n + (ch.findings ?? []).filter((f) => f.severity === "info").length, 0);
    if (info > 0) lines.push(...field("notes", `${plural(info, "info finding")} not shown (use --verbose)`));
  }

  lines.push("");
  const verdict = report.verdict;
  const head = verdictColor(verdict, ctx)(c.bold(VERDICT_LABEL[verdict] ?? s(String(verdict))));
  lines.push(...hang(`${head}  `, textLength(VERDICT_LABEL[verdict] ?? String(verdict)) + 2, nextStep(report), ctx.width));
  return lines;
}

function countChecks(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, accepted: 0 };
  for (const check of checks) if (check.status in counts) counts[check.status]++;
  return counts;
}

/** `3 pass · 1 warn` (zeros dropped) or, for the totals line, every status (`accepted` only with an allowlist). */
function formatCounts(counts: Record<CheckStatus, number>, all: boolean): string {
  return STATUS_ORDER.filter((st) => (all && st !== "accepted") || (counts[st] ?? 0) > 0)
    .map((st) => `${counts[st] ?? 0} ${st}`)
    .join(" · ");
}

/** One sentence telling the reader what to do now. */
function nextStep(report: Report): string {
  const cut = cutShortStep(report);
  if (cut) return cut;
  const checks = report.checks ?? [];
  const failed = checks.filter((ch) => ch.status === "fail").length;
  const errored = checks.filter((ch) => ch.status === "error").length;
  switch (report.verdict) {
    case "ready":
      return "Every check passed: share the base URL and client credentials with Reach for step 3.";
    case "ready-with-warnings":
      return "Nothing blocks the handoff. Review the warnings above, then share the base URL and client credentials with Reach for step 3.";
    default:
      if (failed === 0 && errored > 0) {
        return `${plural(errored, "check")} could not finish (see ‼ above): resolve the cause and run reach-check again.`;
      }
      return "Fix the failing checks above (✗), then run reach-check again.";
  }
}

// ---------------------------------------------------------------- colours

type Paint = (text: string) => string;

function statusColor(status: CheckStatus, { c }: Ctx): Paint {
  switch (status) {
    case "pass":
      return c.green;
    case "warn":
      return c.yellow;
    case "fail":
      return c.red;
    case "skip":
      return c.gray;
    case "accepted":
      return c.cyan;
    default:
      return c.magenta.bold;
  }
}

function severityColor(severity: FindingSeverity, { c }: Ctx): Paint {
  return severity === "fail" ? c.red : severity === "warn" ? c.yellow : c.cyan;
}

function verdictColor(verdict: Verdict, { c }: Ctx): Paint {
  return verdict === "ready" ? c.green.bold : verdict === "ready-with-warnings" ? c.yellow.bold : c.red.bold;
}

/** Every string from the report passes through here before printing. */
function s(text: string): string {
  return sanitize(String(text ?? ""));
}
