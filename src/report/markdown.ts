/**
 * The Markdown report, for onboarding tickets: verdict, a table per step, the failing and warning
 * checks with their evidence and curl lines, coverage, rehearsal figures and what the run was judged
 * against. Every value from the report may come from the partner, so all of it is escaped: it can
 * neither break a table nor inject links, HTML or mentions into the ticket.
 */
import { reasonPhrase } from "../http/status.js";
import type { CheckResult, Finding, Report } from "./types.js";
import { clip, sanitize } from "./text.js";
import {
  STATUS_LABEL,
  VERDICT_LABEL,
  acceptedCount,
  byAttention,
  countChecks,
  countsText,
  formatDuration,
  groupFindings,
  groupedCount,
  modeledSet,
  nextStep,
  notSentText,
  rehearsalText,
  operationText,
  placeOf,
  placeParts,
  plural,
  shownFindings,
  statusesText,
  stepHeading,
  stepsOf,
  type FindingGroup,
} from "./view.js";

export interface MarkdownOptions {
  /** Also show info findings. */
  verbose?: boolean;
  /**
   * Problems shown per check before the rest are counted; default 25. A problem groups the findings
   * with the same code, rule and fix: the first in full, then a line for each other place.
   */
  maxFindings?: number;
}

const DEFAULT_MAX_FINDINGS = 25;
/** Other places listed under a problem (all of them when verbose). */
const MAX_PLACES = 20;
const MAX_VALUE_CHARS = 400;
const MAX_BODY_CHARS = 2000;

const STATUS_ICON: Record<string, string> = { pass: "✅", warn: "⚠️", fail: "❌", skip: "⏭️", error: "‼️", accepted: "☑️" };
const VERDICT_ICON: Record<string, string> = { ready: "✅", "ready-with-warnings": "⚠️", "not-ready": "❌" };

/**
 * Text safe anywhere inline, table cells included: one line, Markdown punctuation backslash-escaped
 * (`@` and `#` too, so nothing mentions a user or links an issue; `<` so nothing opens HTML). The
 * escapes are Markdown's, not HTML entities: the raw text reads as the rendered one. `&` is escaped
 * only where it would start an entity reference.
 */
export function mdText(text: unknown): string {
  return sanitize(String(text ?? ""))
    .replace(/\s*\n\s*/g, " ")
    .replace(/[\\`*_[\]#|~@<]/g, "\\$&")
    // A numeric one (&#38;) is already broken by the escaped `#`.
    .replace(/&(?=[A-Za-z0-9]+;)/g, "\\&");
}

/** Like mdText, for text that starts a line: a leading list, quote or heading marker is escaped too. */
export function mdLine(text: unknown): string {
  return mdText(text)
    .replace(/^([-+=>])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

/**
 * A code span when the text allows one, else escaped text; never breaks a table. Backticks inside
 * get a longer fence (padded with a space, which Markdown strips); a `|` would end a table cell.
 */
export function mdCode(text: unknown): string {
  const t = sanitize(String(text ?? "")).replace(/\s*\n\s*/g, " ");
  if (t === "" || t.includes("|") || /^\s|\s$/.test(t)) return mdText(t);
  const longest = longestBacktickRun(t);
  if (longest === 0) return `\`${t}\``;
  const fence = "`".repeat(longest + 1);
  return `${fence} ${t} ${fence}`;
}

/** The longest run of backticks in the text (0 without any): a fence around it must be longer. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

/** A fenced block whose fence is longer than any run of backticks inside, so the content cannot close it. */
export function mdBlock(text: unknown, lang = ""): string {
  const t = sanitize(String(text ?? ""));
  const fence = "`".repeat(Math.max(3, longestBacktickRun(t) + 1));
  return `${fence}${lang}\n${t}\n${fence}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(head: string[], rows: string[][]): string[] {
  return [row(head), row(head.map(() => "---")), ...rows.map(row)];
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const verbose = options.verbose ?? false;
  const max = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const checks = report.checks ?? [];
  const modeled = modeledSet(report);
  const out: string[] = [];

  const verdict = report.verdict;
  out.push(`# Reach API readiness: ${VERDICT_ICON[verdict] ?? ""} ${VERDICT_LABEL[verdict] ?? mdText(verdict)}`.replace("  ", " "), "");
  out.push(`**Verdict: ${mdText(verdict)}.** ${mdText(nextStep(report))}`, "");

  // ---- the run
  const tool = report.tool ?? { name: "reach-check", version: "" };
  const spec = report.spec;
  const facts: string[][] = [
    ["Target", mdCode(report.target?.baseUrl)],
    ["Companies", (report.target?.companies ?? []).length > 0 ? report.target.companies.map(mdCode).join(", ") : "none"],
    ["Spec", spec ? `Reach API ${mdText(spec.version)} (${spec.source === "bundled" ? "bundled with reach-check" : `from ${mdCode(spec.source)}`})` : "unknown"],
    ["Spec SHA-256", spec ? mdCode(spec.sha256) : ""],
    ["Modeled parts", spec ? modeledLine(spec.modeledOperations ?? []) : ""],
    ["Tool", `${mdText(tool.name)} ${mdText(tool.version)}`],
    ["Started", mdText(report.startedAt)],
    ["Duration", mdText(formatDuration(report.durationMs))],
    ["Requests", mdText(`${report.stats?.requests ?? 0} sent${statusesText(report.stats?.statuses) ? ` (${statusesText(report.stats?.statuses)})` : ""}${notSentText(report)}`)],
    ["Checks", mdText(`${countsText(countChecks(checks), true)} (${checks.length} in all)`)],
  ];
  if (report.allowlist) facts.push(["Allowlist", `${mdCode(report.allowlist.source)}: ${mdText(plural(acceptedCount(report), "finding"))} accepted`]);
  if (report.integrity) facts.push(["Report SHA-256", `${mdCode(report.integrity.digest)} (check with \`reach-check verify\`)`]);
  out.push(...table(["Run", ""], facts), "");

  // ---- steps
  out.push("## Steps", "");
  out.push(
    ...table(
      ["Step", "Verdict", "Checks"],
      stepsOf(report).map((st) => [mdText(stepHeading(st)), `${VERDICT_ICON[st.verdict] ?? ""} ${mdText(VERDICT_LABEL[st.verdict] ?? st.verdict)}`, mdText(countsText(st.counts ?? {}))]),
    ),
    "",
  );
  for (const st of stepsOf(report)) {
    out.push(`### ${mdText(stepHeading(st))}: ${mdText(VERDICT_LABEL[st.verdict] ?? st.verdict)}`, "");
    const mine = checks.filter((c) => c.step === st.step);
    if (mine.length === 0) {
      out.push("No checks ran for this step.", "");
      continue;
    }
    out.push(
      ...table(
        ["Status", "Check", "What it checks", "Result"],
        byAttention(mine).map((c) => [
          `${STATUS_ICON[c.status] ?? ""} ${mdText(STATUS_LABEL[c.status] ?? c.status)}`,
          mdCode(c.id),
          mdText(c.title),
          mdText(c.summary),
        ]),
      ),
      "",
    );
  }

  // ---- details, failures first
  const sections: [string, (c: CheckResult) => boolean][] = [
    ["Failures", (c) => c.status === "fail"],
    ["Checks that could not finish", (c) => c.status === "error"],
    ["Warnings", (c) => c.status === "warn"],
    ["Accepted failures (allowlist)", (c) => c.status === "accepted"],
  ];
  for (const [title, pick] of sections) {
    const picked = byAttention(checks.filter(pick));
    if (picked.length === 0) continue;
    out.push(`## ${title}`, "");
    for (const check of picked) out.push(...renderCheck(check, verbose, max, modeled));
  }
  if (verbose) {
    const others = checks.filter((c) => !sections.some(([, pick]) => pick(c)) && shownFindings(c, true).length > 0);
    if (others.length > 0) {
      out.push("## Notes", "");
      for (const check of others) out.push(...renderCheck(check, verbose, max, modeled));
    }
  }

  // ---- allowlist
  const allow = report.allowlist;
  if (allow) {
    out.push("## Allowlist", "");
    out.push(`Entries from ${mdCode(allow.source)}:`, "");
    out.push(
      ...table(
        ["Check", "Operation", "State", "Matched", "Expires", "Reason"],
        (allow.entries ?? []).map((e) => [
          mdCode(e.check),
          e.operation ? mdCode(e.operation) : "any",
          e.state === "applied" ? "applied" : e.state === "expired" ? "⚠️ expired: no longer accepted" : "⚠️ unused: matches nothing, remove it",
          String(e.matched),
          mdText(e.expires),
          mdText(e.reason),
        ]),
      ),
      "",
    );
  }

  // ---- coverage
  const cov = report.coverage;
  if (cov) {
    out.push("## Coverage", "");
    out.push(`${cov.exercised} of ${cov.total} operations of the spec were exercised with a valid request.`, "");
    out.push(
      ...table(
        ["Operation", "Exercised", "Requests", "Why not"],
        (cov.operations ?? []).map((o) => [
          mdCode(o.operation) + (modeled.has(o.operation) ? " (modeled)" : ""),
          o.exercised ? "yes" : "no",
          String(o.requests),
          mdText(o.reason ?? ""),
        ]),
      ),
      "",
    );
  }

  // ---- rehearsal
  const reh = report.rehearsal;
  if (reh) {
    out.push("## Sync rehearsal", "");
    out.push(
      mdLine(
        rehearsalText(reh, true),
      ),
      "",
    );
    out.push(
      ...table(
        ["Operation", "Requests", "p50", "p95", "max", "Responses"],
        (reh.operations ?? []).map((o) => [mdCode(o.operation), String(o.count), `${o.p50Ms} ms`, `${o.p95Ms} ms`, `${o.maxMs} ms`, mdText(statusesText(o.statuses))]),
      ),
      "",
    );
  }

  // ---- spec
  if (spec) {
    out.push("## The spec this run was judged against", "");
    out.push(
      `Reach API ${mdText(spec.version)}, ${spec.source === "bundled" ? "bundled with reach-check" : `from ${mdCode(spec.source)}`}, SHA-256 ${mdCode(spec.sha256)}.`,
      "",
    );
    const ops = spec.modeledOperations ?? [];
    if (ops.length === 0) out.push("Every operation checked comes from Reach's published spec.", "");
    else {
      out.push(
        `${plural(ops.length, "operation")} checked ${ops.length === 1 ? "is" : "are"} modeled: Reach's public pages do not show ${ops.length === 1 ? "it" : "them"}, so the bundled spec fills the gap with reach-check's reading; findings on ${ops.length === 1 ? "it" : "them"} are judged by that reading, and Reach's official bundle (\`--spec\`) replaces it.`,
        "",
      );
      for (const op of ops) out.push(`- ${mdCode(op)}`);
      out.push("");
    }
  }
  out.push(`<sub>${mdText(`${tool.name} ${tool.version}`)}, report version ${mdText(report.reportVersion)}.</sub>`);
  return out.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

function modeledLine(ops: readonly string[]): string {
  if (ops.length === 0) return "none: every operation checked comes from Reach's published spec";
  return `${mdText(plural(ops.length, "operation"))} modeled by reach-check (listed below)`;
}

function renderCheck(check: CheckResult, verbose: boolean, max: number, modeled: Set<string>): string[] {
  const out = [`### ${STATUS_ICON[check.status] ?? ""} ${mdCode(check.id)}: ${mdText(check.title)}`, ""];
  if (check.summary) out.push(mdLine(check.summary), "");
  const groups = groupFindings(shownFindings(check, verbose));
  groups.slice(0, max).forEach((g, i) => out.push(...renderFinding(g.head, i + 1, modeled), ...renderPlaces(g, verbose)));
  const hidden = groupedCount(groups.slice(max));
  if (hidden > 0) out.push(`… and ${plural(hidden, "more finding")} (see the JSON report).`, "");
  return out;
}

/** One list item per other place of a problem: where, its own message when it differs, its curl line. */
function renderPlaces(group: FindingGroup, verbose: boolean): string[] {
  if (group.more.length === 0) return [];
  const limit = verbose ? Infinity : MAX_PLACES;
  const out = [`Also at ${plural(group.more.length, "more place")} with this problem:`, ""];
  for (const f of group.more.slice(0, limit)) {
    const place = placeOf(f, group.head);
    const where = placeParts(place).map((part) => mdText(part.words) + (part.code !== undefined ? mdCode(part.code) : ""));
    const parts = [where.join(" · ") || "the same place"];
    if (place.message) parts.push(mdText(place.message));
    if (place.curl) parts.push(`reproduce: ${mdCode(place.curl)}`);
    out.push(`- ${parts.join(" — ")}`);
  }
  const rest = group.more.length - Math.min(limit, group.more.length);
  if (rest > 0) out.push(`- … and ${plural(rest, "more place")} (see the JSON report)`);
  out.push("");
  return out;
}

function renderFinding(f: Finding, n: number, modeled: Set<string>): string[] {
  const severity = f.accepted ? `${String(f.severity).toUpperCase()}, ACCEPTED` : String(f.severity).toUpperCase();
  const out = [`**${n}. ${mdText(severity)}:** ${mdText(f.message)}`, ""];
  const rows: string[][] = [];
  const op = operationText(f);
  if (op) rows.push(["Operation", mdCode(op) + (modeled.has(op) ? " (modeled)" : "")]);
  if (f.company) rows.push(["Company", mdCode(f.company)]);
  if (f.pointer !== undefined) rows.push(["Pointer", f.pointer === "" ? "the whole body" : mdCode(f.pointer)]);
  const ev = f.evidence;
  if (ev?.request) rows.push(["Request", mdCode(`${f.operation?.method ? `${f.operation.method.toUpperCase()} ` : ""}${clip(ev.request, MAX_VALUE_CHARS)}`)]);
  if (ev?.status !== undefined) {
    const reason = reasonPhrase(ev.status);
    rows.push(["Status", mdText(`${ev.status}${reason ? ` ${reason}` : ""}${ev.durationMs !== undefined ? ` after ${formatDuration(ev.durationMs)}` : ""}`)]);
  } else if (ev?.durationMs !== undefined) rows.push(["Took", mdText(formatDuration(ev.durationMs))]);
  const headers = Object.entries(ev?.headers ?? {});
  if (headers.length > 0) rows.push(["Headers", headers.map(([k, v]) => mdCode(`${k}: ${clip(String(v), MAX_VALUE_CHARS)}`)).join("<br>")]);
  if (ev?.expected !== undefined) rows.push(["Expected", mdText(clip(ev.expected, MAX_VALUE_CHARS))]);
  if (ev?.actual !== undefined) rows.push(["Actual", mdText(clip(ev.actual, MAX_VALUE_CHARS))]);
  if (f.rule) rows.push(["Rule", `${mdCode(f.rule.ref)}${f.rule.text ? `: ${mdText(f.rule.text)}` : ""}`]);
  if (f.fix) rows.push(["Fix", mdText(f.fix)]);
  if (f.accepted) rows.push(["Accepted", mdText(`by the allowlist until ${f.accepted.expires}: ${f.accepted.reason}`)]);
  rows.push(["Code", mdCode(f.code)]);
  out.push(...table(["", ""], rows), "");
  if (ev?.bodyExcerpt) out.push("Response body (excerpt):", "", mdBlock(clip(ev.bodyExcerpt, MAX_BODY_CHARS), "text"), "");
  if (f.curl) out.push("Reproduce:", "", mdBlock(f.curl, "sh"), "");
  return out;
}
