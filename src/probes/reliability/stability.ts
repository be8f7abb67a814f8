import type { Exchange } from "../../http/types.js";
import { passExchanges, statementKey, type CompanySync, type StatementFetch, type SyncPass } from "../../engine/sync.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { describeDiff, diffCount, diffFields, diffRecords, keyBy, type RecordDiff } from "../support/compare.js";
import { makeFinding } from "../support/findings.js";
import { NO_COMPANY } from "../support/skips.js";
import { statementFetch } from "../support/sync-data.js";
import { byCodeUnits } from "../../util/compare.js";
import { liveMonths } from "../../util/dates.js";

/** Differences listed per response at most; the rest are counted. */
const SHOWN = 5;
/** Findings at most (one per company and operation); the rest are summed up in the last one. */
const MAX_FINDINGS = 20;

interface Pair {
  company: string;
  op: Operation;
  label: string;
  first: Exchange;
  second: Exchange;
  diff: RecordDiff;
}

const body = (ex: Exchange | undefined) => (ex?.response?.status === 200 ? ex.response.json : undefined);

function dataOf(json: unknown, field: string): unknown[] | undefined {
  const d = json && typeof json === "object" ? (json as Record<string, unknown>)[field] : undefined;
  return Array.isArray(d) ? d : undefined;
}

/**
 * What changed in a statement between the passes. The sync keeps a digest of every statement and
 * the rows of the unsplit ones: equal digests mean equal rows; unsplit rows are compared record by
 * record; of a split only its row count and its total per period are left to say what changed.
 */
function statementDiff(a: StatementFetch, b: StatementFetch): RecordDiff {
  const da = a.fold.digest!;
  const db = b.fold.digest!;
  if (da.rows === db.rows && da.hash === db.hash) return { added: [], removed: [], changed: [] };
  const op = a.op;
  if (a.fold.table && b.fold.table) {
    const key = keyBy([op.profile.rowIdField, op.profile.periodField].filter((f): f is string => f !== undefined));
    return diffRecords(a.fold.table.records(), b.fold.table.records(), key);
  }
  const changed: RecordDiff["changed"] = [];
  if (da.rows !== db.rows) changed.push({ record: "", field: "rows", before: da.rows, after: db.rows });
  const amount = op.profile.amountField ?? "Amount";
  for (const period of [...new Set([...Object.keys(da.periodSums), ...Object.keys(db.periodSums)])].sort()) {
    const x = da.periodSums[period];
    const y = db.periodSums[period];
    if (x !== y) changed.push({ record: period, field: `total ${amount}`, before: x, after: y });
  }
  if (changed.length === 0) changed.push({ record: "", field: "rows", before: `${da.rows} rows`, after: `${db.rows} rows, some of them changed (same total per period)` });
  return { added: [], removed: [], changed };
}

/**
 * A statement's or metric's differences outside the live months: records are keyed `id period`
 * (a split's totals by `period`), and the current month may move between two passes when the
 * partner's books are in use. Returns what is left and how many were set aside.
 */
function outsideLive(diff: RecordDiff, live: ReadonlySet<string>): { diff: RecordDiff; moved: number } {
  const isLive = (key: string) => live.has(key.slice(key.lastIndexOf(" ") + 1));
  const left: RecordDiff = { added: diff.added.filter((k) => !isLive(k)), removed: diff.removed.filter((k) => !isLive(k)), changed: diff.changed.filter((c) => c.record === "" || !isLive(c.record)) };
  return { diff: left, moved: diffCount(diff) - diffCount(left) };
}

/** Pairs of the same request in both passes that both answered 200 with JSON, with their differences. */
function pairs(ctx: ProbeContext, a: CompanySync, b: CompanySync, live: ReadonlySet<string>, moved: { count: number }): Pair[] {
  const notLive = (diff: RecordDiff) => {
    const r = outsideLive(diff, live);
    moved.count += r.moved;
    return r.diff;
  };
  const p = ctx.contract.profile.pagination;
  const out: Pair[] = [];
  const add = (op: Operation | undefined, label: string, x: Exchange | undefined, y: Exchange | undefined, diff: (jx: unknown, jy: unknown) => RecordDiff) => {
    const jx = body(x);
    const jy = body(y);
    if (!op || jx === undefined || jy === undefined) return;
    out.push({ company: a.company, op, label, first: x!, second: y!, diff: diff(jx, jy) });
  };
  const infoOp = ctx.contract.operations.find((o) => o.profile.role === "company-info");
  add(infoOp, "company info", a.info, b.info, (jx, jy) => ({ added: [], removed: [], changed: diffFields("", jx, jy) }));
  for (const wa of a.lists) {
    const wb = b.lists.find((w) => w.operation.key === wa.operation.key);
    if (!wb || !wa.complete || !wb.complete) continue;
    const op = wa.operation;
    const key = keyBy(op.profile.idField ? [op.profile.idField] : []);
    const total = (w: typeof wa) => {
      const last = body(w.pages[w.pages.length - 1]) as Record<string, unknown> | undefined;
      const pag = last?.[p.paginationField] as Record<string, unknown> | undefined;
      return pag?.[p.totalField];
    };
    const diff = diffRecords(wa.records, wb.records, op.profile.idField ? key : () => undefined);
    const ta = total(wa);
    const tb = total(wb);
    if (ta !== tb) diff.changed.unshift({ record: "", field: `${p.paginationField}.${p.totalField}`, before: ta, after: tb });
    out.push({ company: a.company, op, label: op.profile.name, first: wa.pages[0], second: wb.pages[0], diff });
  }
  for (const sa of a.statements) {
    const sb = statementFetch(b, statementKey(sa));
    if (!sa.fold.usable || !sb?.fold.usable) continue;
    const op = sa.op;
    const split = sa.split ? `, ${sa.split.parameter}=${sa.split.id}` : "";
    out.push({ company: a.company, op, label: `${op.profile.name} (${sa.query.basis}${split})`, first: sa.exchange, second: sb.exchange, diff: notLive(statementDiff(sa, sb)) });
  }
  for (const ma of a.metrics) {
    const mb = b.metrics.find((m) => m.chunk === ma.chunk);
    const op = ma.op;
    const key = keyBy([op.profile.rowIdField, op.profile.periodField].filter((f): f is string => f !== undefined));
    add(op, op.profile.name, ma.exchange, mb?.exchange, (jx, jy) => notLive(diffRecords(dataOf(jx, p.dataField) ?? [], dataOf(jy, p.dataField) ?? [], key)));
  }
  return out;
}

export const probe: Probe = {
  id: "reliability.stability",
  family: "reliability",
  step: 4,
  title: "A second sync returns the same data",
  description:
    "Compares the responses of the rehearsed sync with the same requests made earlier in the run: records that appear, disappear or change between two passes minutes apart are listed (which records, which fields). Statement rows and metric values of the current month are set aside: the books of the month in progress may move while they are read.",
  after: ["reachability.connection", "reliability.rehearsal"],
  async run(ctx) {
    if (ctx.results.get("reachability.connection")?.status === "fail") return { findings: [], skip: "Skipped: reachability.connection failed." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const first: SyncPass = await ctx.data.syncPass("shared", ctx.companies);
    const second: SyncPass = await ctx.data.syncPass("fresh", ctx.companies);
    const all: Pair[] = [];
    const live = liveMonths(ctx.now);
    const moved = { count: 0 };
    for (const a of first.companies) {
      const b = second.companies.find((x) => x.company === a.company);
      if (b) all.push(...pairs(ctx, a, b, live, moved));
    }
    if (all.length === 0) return { findings: [], skip: "No request answered 200 in both passes (see reliability.rehearsal)." };
    // One finding per company and operation, listing the first differences of its responses.
    const groups = new Map<string, Pair[]>();
    for (const pair of all) {
      if (diffCount(pair.diff) === 0) continue;
      const k = `${pair.company}|${pair.op.key}`;
      const g = groups.get(k);
      if (g) g.push(pair);
      else groups.set(k, [pair]);
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const changes = group.reduce((n, g) => n + diffCount(g.diff), 0);
      const lines: string[] = [];
      for (const g of group) {
        for (const line of describeDiff(g.diff, SHOWN - lines.length)) lines.push(`${g.label}: ${line}`);
        if (lines.length >= SHOWN) break;
      }
      const { op, company } = group[0];
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/changed`,
          severity: "warn",
          message: `The ${op.profile.name} of ${company} changed between two passes of the sync: ${changes} difference${changes === 1 ? "" : "s"} in ${group.length} of its responses, e.g. ${lines.join("; ")}.`,
          rule: {
            ref: "reach:developer-checklist#behaviour-and-stability",
            text: "Two passes of the same sync, minutes apart, return the same data unless the books changed in between.",
          },
          fix: "If nobody changed the books during the run, find what makes the answers differ (unordered or random data, totals computed while data is loaded, caches answering with different snapshots) and make the endpoint deterministic.",
          operation: op,
          company,
          exchange: group[0].second,
          evidence: { expected: "the same records and values in both passes", actual: lines.join("; ") },
        }),
      );
    }
    findings.sort((x, y) => byCodeUnits(`${x.company}|${x.operation?.path}`, `${y.company}|${y.operation?.path}`));
    if (findings.length > MAX_FINDINGS) {
      const dropped = findings.length - MAX_FINDINGS + 1;
      findings.splice(MAX_FINDINGS - 1);
      findings.push({ ...findings[findings.length - 1], message: `${dropped} more operations changed between the passes (not listed).`, evidence: undefined, curl: undefined });
    }
    // A second pass the run's own bounds cut short compared only part of the sync: said, not hidden.
    const unsent = passExchanges(second).filter((ex) => ex.error?.code === "budget-exhausted" || ex.error?.code === "deadline").length;
    const partNote = unsent > 0 ? ` (partly: ${unsent} request${unsent === 1 ? "" : "s"} of the second pass not sent, the run's request budget or deadline ran out)` : "";
    const liveNote = moved.count > 0 ? ` (${moved.count} difference${moved.count === 1 ? "" : "s"} in the current month, ${[...live].sort().join("/")}, set aside: the books of the month in progress may move while they are read)` : "";
    return { findings, summary: findings.length === 0 ? `${all.length} responses compared between two passes: identical${partNote}${liveNote}.` : `${findings.length} finding${findings.length === 1 ? "" : "s"}${partNote}${liveNote}.` };
  },
};
