/**
 * The HTML report: one self-contained file a reviewer opens or prints. No network fetch is possible
 * (inline CSS, one small inline script, and a Content-Security-Policy that allows nothing else),
 * failures come first, and each check's details are folded in <details>. Every value from the
 * report is escaped.
 */
import { createHash } from "node:crypto";
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
  type Place,
} from "./view.js";

export interface HtmlOptions {
  /** Also show info findings. */
  verbose?: boolean;
  /**
   * Problems shown per check before the rest are counted; default 50. A problem groups the findings
   * with the same code, rule and fix: the first in full, the other places folded under it.
   */
  maxFindings?: number;
}

const DEFAULT_MAX_FINDINGS = 50;
const MAX_VALUE_CHARS = 400;
const MAX_BODY_CHARS = 4000;

/** Escapes text for element content and double-quoted attributes. */
export function esc(text: unknown): string {
  return sanitize(String(text ?? ""))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const CSS = `
:root{--fg:#1d2125;--muted:#5b636b;--line:#d7dce0;--bg:#fff;--soft:#f5f7f8;--fail:#b42318;--warn:#9a6700;--pass:#1a7f37;--acc:#0b6e99;--skip:#6e7781}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1.5rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid var(--line)}th{background:var(--soft);font-weight:600}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}code{overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);padding:.5rem .7rem;white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0 .8rem}
.verdict{display:inline-block;padding:.25rem .7rem;border-radius:.3rem;font-weight:700;color:#fff}
.v-ready{background:var(--pass)}.v-ready-with-warnings{background:var(--warn)}.v-not-ready{background:var(--fail)}
.s{font-weight:600;white-space:nowrap}.s-fail,.s-error{color:var(--fail)}.s-warn{color:var(--warn)}.s-pass{color:var(--pass)}.s-accepted{color:var(--acc)}.s-skip{color:var(--skip)}
.muted{color:var(--muted)}.facts th{width:11rem;background:none}
details{border:1px solid var(--line);border-radius:.3rem;margin:.5rem 0;padding:.2rem .7rem}details[open]{padding-bottom:.6rem}
summary{cursor:pointer;padding:.3rem 0;font-weight:600}summary .muted{font-weight:400}
.finding{border-left:3px solid var(--line);padding:.1rem .8rem;margin:.8rem 0}.f-fail{border-color:var(--fail)}.f-warn{border-color:var(--warn)}.f-accepted{border-color:var(--acc)}
.finding dl{display:grid;grid-template-columns:8rem 1fr;gap:.15rem .8rem;margin:.4rem 0}.finding dt{color:var(--muted)}.finding dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media print{
 body{max-width:none;padding:0;font-size:11pt}
 details{border:none;padding:0}summary{list-style:none}
 details::details-content{content-visibility:visible;display:contents}
 h2{break-after:avoid}.finding,tr{break-inside:avoid}
 pre{white-space:pre-wrap}
}`;

/** Opens every folded section before printing, so the printout carries all details. */
const SCRIPT = `addEventListener("beforeprint",function(){document.querySelectorAll("details").forEach(function(d){d.open=true})});`;

function scriptHash(): string {
  return `sha256-${createHash("sha256").update(SCRIPT, "utf8").digest("base64")}`;
}

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const verbose = options.verbose ?? false;
  const max = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const checks = report.checks ?? [];
  const modeled = modeledSet(report);
  const tool = report.tool ?? { name: "reach-check", version: "" };
  const spec = report.spec;
  const verdict = report.verdict;
  const b: string[] = [];

  b.push(
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${scriptHash()}'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(`Reach API readiness: ${VERDICT_LABEL[verdict] ?? verdict} · ${report.target?.baseUrl ?? ""}`)}</title>`,
    `<style>${CSS}</style>`,
    `<script>${SCRIPT}</script>`,
    "</head>",
    "<body>",
    "<header>",
    `<p class="muted">${esc(`${tool.name} ${tool.version}`)} · Reach API readiness report</p>`,
    `<h1><span id="verdict" class="verdict v-${esc(verdict)}">${esc(VERDICT_LABEL[verdict] ?? verdict)}</span> ${esc(report.target?.baseUrl ?? "")}</h1>`,
    `<p>${esc(nextStep(report))}</p>`,
    "</header>",
  );

  // ---- facts
  const facts: [string, string][] = [
    ["Target", `<code>${esc(report.target?.baseUrl)}</code>`],
    ["Companies", (report.target?.companies ?? []).length > 0 ? report.target.companies.map((c) => `<code>${esc(c)}</code>`).join(", ") : "none"],
    ["Spec", spec ? `Reach API ${esc(spec.version)} (${spec.source === "bundled" ? "bundled with reach-check" : `from <code>${esc(spec.source)}</code>`}), SHA-256 <code>${esc(spec.sha256)}</code>` : "unknown"],
    ["Modeled parts", spec ? ((spec.modeledOperations ?? []).length === 0 ? "none: every operation checked comes from Reach's published spec" : `${esc(plural(spec.modeledOperations.length, "operation"))} (see “The spec” below)`) : ""],
    ["Tool", esc(`${tool.name} ${tool.version}`)],
    ["Started", esc(report.startedAt)],
    ["Duration", esc(formatDuration(report.durationMs))],
    ["Requests", esc(`${report.stats?.requests ?? 0} sent${statusesText(report.stats?.statuses) ? ` (${statusesText(report.stats?.statuses)})` : ""}${notSentText(report)}`)],
    ["Checks", esc(`${countsText(countChecks(checks), true)} (${checks.length} in all)`)],
  ];
  if (report.allowlist) facts.push(["Allowlist", `<code>${esc(report.allowlist.source)}</code>: ${esc(plural(acceptedCount(report), "finding"))} accepted`]);
  if (report.integrity) facts.push(["Report SHA-256", `<code>${esc(report.integrity.digest)}</code> <span class="muted">(reach-check verify)</span>`]);
  b.push('<section id="run"><table class="facts"><tbody>');
  for (const [k, v] of facts) b.push(`<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`);
  b.push("</tbody></table></section>");

  // ---- details first: failures, errors, warnings, accepted
  const sections: [string, string, (c: CheckResult) => boolean][] = [
    ["failures", "Failures", (c) => c.status === "fail"],
    ["errors", "Checks that could not finish", (c) => c.status === "error"],
    ["warnings", "Warnings", (c) => c.status === "warn"],
    ["accepted", "Accepted failures (allowlist)", (c) => c.status === "accepted"],
  ];
  for (const [id, title, pick] of sections) {
    const picked = byAttention(checks.filter(pick));
    if (picked.length === 0) continue;
    b.push(`<section id="${id}"><h2>${esc(title)} <span class="muted">(${picked.length})</span></h2>`);
    for (const check of picked) b.push(...renderCheck(check, verbose, max, modeled));
    b.push("</section>");
  }

  // ---- steps
  b.push('<section id="steps"><h2>Steps</h2>');
  for (const st of stepsOf(report)) {
    const mine = checks.filter((c) => c.step === st.step);
    b.push(
      `<h3>${esc(stepHeading(st))}: <span class="s s-${st.verdict === "not-ready" ? "fail" : st.verdict === "ready" ? "pass" : "warn"}">${esc(VERDICT_LABEL[st.verdict] ?? st.verdict)}</span> <span class="muted">${esc(countsText(st.counts ?? {}))}</span></h3>`,
    );
    if (mine.length === 0) {
      b.push('<p class="muted">No checks ran for this step.</p>');
      continue;
    }
    b.push("<table><thead><tr><th>Status</th><th>Check</th><th>What it checks</th><th>Result</th></tr></thead><tbody>");
    for (const c of byAttention(mine)) {
      b.push(
        `<tr><td class="s s-${esc(c.status)}">${esc(STATUS_LABEL[c.status] ?? c.status)}</td><td><code>${esc(c.id)}</code></td><td>${esc(c.title)}</td><td>${esc(c.summary)}</td></tr>`,
      );
    }
    b.push("</tbody></table>");
  }
  b.push("</section>");

  if (verbose) {
    const others = checks.filter((c) => !sections.some(([, , pick]) => pick(c)) && shownFindings(c, true).length > 0);
    if (others.length > 0) {
      b.push('<section id="notes"><h2>Notes</h2>');
      for (const check of others) b.push(...renderCheck(check, verbose, max, modeled));
      b.push("</section>");
    }
  }

  // ---- allowlist
  const allow = report.allowlist;
  if (allow) {
    b.push(`<section id="allowlist"><h2>Allowlist</h2><p>Entries from <code>${esc(allow.source)}</code>:</p>`);
    b.push("<table><thead><tr><th>Check</th><th>Operation</th><th>State</th><th>Matched</th><th>Expires</th><th>Reason</th></tr></thead><tbody>");
    for (const e of allow.entries ?? []) {
      const state =
        e.state === "applied"
          ? '<span class="s s-accepted">applied</span>'
          : e.state === "expired"
            ? '<span class="s s-warn">expired: no longer accepted</span>'
            : '<span class="s s-warn">unused: matches nothing, remove it</span>';
      b.push(
        `<tr><td><code>${esc(e.check)}</code></td><td>${e.operation ? `<code>${esc(e.operation)}</code>` : "any"}</td><td>${state}</td><td>${esc(e.matched)}</td><td>${esc(e.expires)}</td><td>${esc(e.reason)}</td></tr>`,
      );
    }
    b.push("</tbody></table></section>");
  }

  // ---- coverage
  const cov = report.coverage;
  if (cov) {
    b.push(`<section id="coverage"><h2>Coverage</h2><p>${esc(`${cov.exercised} of ${cov.total} operations of the spec were exercised with a valid request.`)}</p>`);
    b.push("<details><summary>Operations</summary><table><thead><tr><th>Operation</th><th>Exercised</th><th>Requests</th><th>Why not</th></tr></thead><tbody>");
    for (const o of cov.operations ?? []) {
      b.push(
        `<tr><td><code>${esc(o.operation)}</code>${modeled.has(o.operation) ? ' <span class="muted">(modeled)</span>' : ""}</td><td>${o.exercised ? "yes" : "no"}</td><td>${esc(o.requests)}</td><td>${esc(o.reason ?? "")}</td></tr>`,
      );
    }
    b.push("</tbody></table></details></section>");
  }

  // ---- rehearsal
  const reh = report.rehearsal;
  if (reh) {
    b.push('<section id="rehearsal"><h2>Sync rehearsal</h2>');
    b.push(
      `<p>${esc(rehearsalText(reh, true))}</p>`,
    );
    b.push("<table><thead><tr><th>Operation</th><th>Requests</th><th>p50</th><th>p95</th><th>max</th><th>Responses</th></tr></thead><tbody>");
    for (const o of reh.operations ?? []) {
      b.push(
        `<tr><td><code>${esc(o.operation)}</code></td><td>${esc(o.count)}</td><td>${esc(o.p50Ms)} ms</td><td>${esc(o.p95Ms)} ms</td><td>${esc(o.maxMs)} ms</td><td>${esc(statusesText(o.statuses))}</td></tr>`,
      );
    }
    b.push("</tbody></table></section>");
  }

  // ---- spec
  if (spec) {
    const ops = spec.modeledOperations ?? [];
    b.push('<section id="spec"><h2>The spec</h2>');
    b.push(
      `<p>Reach API ${esc(spec.version)}, ${spec.source === "bundled" ? "bundled with reach-check" : `from <code>${esc(spec.source)}</code>`}, SHA-256 <code>${esc(spec.sha256)}</code>.</p>`,
    );
    if (ops.length === 0) b.push("<p>Every operation checked comes from Reach's published spec.</p>");
    else {
      b.push(
        `<p>${esc(`${plural(ops.length, "operation")} checked ${ops.length === 1 ? "is" : "are"} modeled: Reach's public pages do not show ${ops.length === 1 ? "it" : "them"}, so the bundled spec fills the gap with reach-check's reading. Findings on ${ops.length === 1 ? "it" : "them"} are judged by that reading; Reach's official bundle (--spec) replaces it.`)}</p>`,
      );
      b.push(`<ul>${ops.map((o) => `<li><code>${esc(o)}</code></li>`).join("")}</ul>`);
    }
    b.push("</section>");
  }

  b.push(`<footer>${esc(`${tool.name} ${tool.version}, report version ${report.reportVersion}`)}</footer>`, "</body>", "</html>");
  return b.join("\n") + "\n";
}

function renderCheck(check: CheckResult, verbose: boolean, max: number, modeled: Set<string>): string[] {
  const findings = shownFindings(check, verbose);
  const b = [
    `<details class="check" id="check-${esc(check.id)}">`,
    `<summary><span class="s s-${esc(check.status)}">${esc(STATUS_LABEL[check.status] ?? check.status)}</span> <code>${esc(check.id)}</code> ${esc(check.title)} <span class="muted">· step ${esc(check.step)} · ${esc(plural(findings.length, "finding"))}</span></summary>`,
  ];
  if (check.summary) b.push(`<p>${esc(check.summary)}</p>`);
  const groups = groupFindings(findings);
  for (const g of groups.slice(0, max)) b.push(...renderFinding(g.head, modeled, renderPlaces(g)));
  const hidden = groupedCount(groups.slice(max));
  if (hidden > 0) b.push(`<p class="muted">${esc(`… and ${plural(hidden, "more finding")} (see the JSON report).`)}</p>`);
  b.push("</details>");
  return b;
}

/** The other places of a problem, folded: where each is, its own message when it differs, its curl line. */
function renderPlaces(group: FindingGroup): string[] {
  if (group.more.length === 0) return [];
  const b = [`<details class="places"><summary>${esc(`Also at ${plural(group.more.length, "more place")} with this problem`)}</summary>`, "<ul>"];
  for (const f of group.more) {
    const place = placeOf(f, group.head);
    b.push(
      `<li>${where(place)}${place.message ? ` ${esc(place.message)}` : ""}${place.curl ? `<pre>${esc(place.curl)}</pre>` : ""}</li>`,
    );
  }
  b.push("</ul>", "</details>");
  return b;
}

function where(p: Place): string {
  const parts = placeParts(p).map((part) => esc(part.words) + (part.code !== undefined ? `<code>${esc(part.code)}</code>` : ""));
  return parts.join(" · ") || "the same place";
}

function renderFinding(f: Finding, modeled: Set<string>, places: string[] = []): string[] {
  const kind = f.accepted ? "accepted" : f.severity;
  const label = f.accepted ? `${String(f.severity).toUpperCase()}, ACCEPTED` : String(f.severity).toUpperCase();
  const b = [`<div class="finding f-${esc(kind)}">`, `<p><span class="s s-${esc(kind === "info" ? "skip" : kind)}">${esc(label)}</span> ${esc(f.message)}</p>`, "<dl>"];
  const item = (k: string, v: string) => b.push(`<dt>${esc(k)}</dt><dd>${v}</dd>`);
  const op = operationText(f);
  if (op) item("operation", `<code>${esc(op)}</code>${modeled.has(op) ? ' <span class="muted">(modeled)</span>' : ""}`);
  if (f.company) item("company", `<code>${esc(f.company)}</code>`);
  if (f.pointer !== undefined) item("pointer", f.pointer === "" ? "the whole body" : `<code>${esc(f.pointer)}</code>`);
  const ev = f.evidence;
  if (ev?.request) item("request", `<code>${esc(`${f.operation?.method ? `${f.operation.method.toUpperCase()} ` : ""}${clip(ev.request, MAX_VALUE_CHARS)}`)}</code>`);
  if (ev?.status !== undefined) {
    const reason = reasonPhrase(ev.status);
    item("status", esc(`${ev.status}${reason ? ` ${reason}` : ""}${ev.durationMs !== undefined ? ` after ${formatDuration(ev.durationMs)}` : ""}`));
  } else if (ev?.durationMs !== undefined) item("took", esc(formatDuration(ev.durationMs)));
  const headers = Object.entries(ev?.headers ?? {});
  if (headers.length > 0) item("headers", headers.map(([k, v]) => `<code>${esc(`${k}: ${clip(String(v), MAX_VALUE_CHARS)}`)}</code>`).join("<br>"));
  if (ev?.expected !== undefined) item("expected", esc(clip(ev.expected, MAX_VALUE_CHARS)));
  if (ev?.actual !== undefined) item("actual", esc(clip(ev.actual, MAX_VALUE_CHARS)));
  if (f.rule) item("rule", `<code>${esc(f.rule.ref)}</code>${f.rule.text ? ` ${esc(f.rule.text)}` : ""}`);
  if (f.fix) item("fix", esc(f.fix));
  if (f.accepted) item("accepted", esc(`by the allowlist until ${f.accepted.expires}: ${f.accepted.reason}`));
  item("code", `<code>${esc(f.code)}</code>`);
  b.push("</dl>");
  if (ev?.bodyExcerpt) b.push(`<p class="muted">Response body (excerpt)</p><pre>${esc(clip(ev.bodyExcerpt, MAX_BODY_CHARS))}</pre>`);
  if (f.curl) b.push(`<p class="muted">Reproduce</p><pre>${esc(f.curl)}</pre>`);
  b.push(...places, "</div>");
  return b;
}
