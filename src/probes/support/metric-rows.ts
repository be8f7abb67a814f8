/**
 * What a non-financial values answer must hold beyond its schema, as a pure function over the rows
 * of one response: the spec's request says which metrics to return (NonFinancialIds) and which
 * months (StartDate..EndDate), and each row is one metric's value in one calendar month. So a row
 * names a metric that was asked for (one the company lists), a month inside the range, and no
 * metric and month comes twice. Months missing at the start or the end of a metric's values are
 * not judged (a metric may be new, or have no value yet for the last month); a month missing between
 * two months that have one is (`gaps`).
 */
import type { Exchange } from "../../http/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { monthNumber, monthNumberOfDate, periodOfMonth } from "../../util/dates.js";

export interface MetricRowAt {
  /** Position in the response's data array. */
  index: number;
  id: string;
  period?: string;
}

export interface MetricDuplicate {
  id: string;
  period: string;
  /** Positions of every row of this metric and month, first included. */
  indexes: number[];
}

export interface MetricRowIssues {
  /** Rows of a metric the company's list does not hold (judged only when the whole list is known). */
  unknown: MetricRowAt[];
  /** Rows of a listed metric (or of any metric, without a list) that the request did not ask for. */
  notRequested: MetricRowAt[];
  /** Metric-and-month pairs with more than one row, in order of first appearance. */
  duplicates: MetricDuplicate[];
  /** Rows whose month lies outside the requested range. */
  outside: MetricRowAt[];
  /**
   * Months without a row for a requested metric that has rows in the month before and the month
   * after (a monthly metric with a hole), in order of metric and month. A metric kept quarterly
   * never has two months in a row, so it has no gaps.
   */
  gaps: { id: string; period: string }[];
}

export interface MetricRowRules {
  idField: string;
  periodField: string;
  /** The ids the request's body asked for. */
  asked: ReadonlySet<string>;
  /** Every metric id the company lists; undefined when the list could not be read to its end. */
  listed?: ReadonlySet<string>;
  /** First and last month of the request, `YYYY-MM`. */
  first: string;
  last: string;
}

/** `YYYY-MM` of a `YYYY-MM-DD` date (undefined when it is not one). */
export function monthOf(date: unknown): string | undefined {
  const n = typeof date === "string" ? monthNumberOfDate(date) : undefined;
  return n === undefined ? undefined : periodOfMonth(n);
}

/**
 * Rows a values answer should not hold. Rows without a string id, or whose period is not a
 * `YYYY-MM` month, are the schema check's findings and are only judged on what they do have.
 */
export function metricRowIssues(data: readonly unknown[], rules: MetricRowRules): MetricRowIssues {
  const out: MetricRowIssues = { unknown: [], notRequested: [], duplicates: [], outside: [], gaps: [] };
  const months = new Map<string, Set<number>>();
  const seen = new Map<string, MetricDuplicate>();
  data.forEach((r, index) => {
    if (!r || typeof r !== "object") return;
    const rec = r as Record<string, unknown>;
    const id = rec[rules.idField];
    if (typeof id !== "string") return;
    const raw = rec[rules.periodField];
    const period = typeof raw === "string" && monthNumber(raw) !== undefined ? raw : undefined;
    const at: MetricRowAt = period === undefined ? { index, id } : { index, id, period };
    if (!rules.asked.has(id)) {
      if (rules.listed && !rules.listed.has(id)) out.unknown.push(at);
      else out.notRequested.push(at);
    }
    if (period === undefined) return;
    if (period < rules.first || period > rules.last) out.outside.push(at);
    else if (rules.asked.has(id)) {
      let set = months.get(id);
      if (!set) months.set(id, (set = new Set()));
      set.add(monthNumber(period)!);
    }
    const key = JSON.stringify([id, period]);
    const d = seen.get(key);
    if (d) d.indexes.push(index);
    else seen.set(key, { id, period, indexes: [index] });
  });
  out.duplicates = [...seen.values()].filter((d) => d.indexes.length > 1);
  for (const id of [...months.keys()].sort()) {
    const set = months.get(id)!;
    for (const m of [...set].sort((a, b) => a - b)) {
      if (!set.has(m + 1) && set.has(m + 2)) out.gaps.push({ id, period: periodOfMonth(m + 1) });
    }
  }
  return out;
}

export interface MetricCell {
  id: string;
  period: string;
  value: number;
}

/** The numeric cells of a values answer (rows without a string id, a month or a number are left out). */
export function metricCells(data: readonly unknown[], idField: string, periodField: string, valueField: string): MetricCell[] {
  const out: MetricCell[] = [];
  for (const r of data) {
    if (!r || typeof r !== "object") continue;
    const rec = r as Record<string, unknown>;
    const id = rec[idField];
    const period = rec[periodField];
    const value = rec[valueField];
    if (typeof id === "string" && typeof period === "string" && typeof value === "number" && Number.isFinite(value)) out.push({ id, period, value });
  }
  return out;
}

/** The numeric cells of a 200 values answer; undefined when it holds no data array. */
export function answerCells(ctx: ProbeContext, op: Operation, ex: Exchange): MetricCell[] | undefined {
  const res = ex.response;
  if (!res || res.status !== 200 || !res.json || typeof res.json !== "object") return undefined;
  const data = (res.json as Record<string, unknown>)[ctx.contract.profile.pagination.dataField];
  if (!Array.isArray(data)) return undefined;
  return metricCells(data, op.profile.rowIdField ?? "NonFinancialId", op.profile.periodField ?? "Period", op.profile.amountField ?? "Value");
}

/** Two values are the same figure when they differ by no more than float noise. */
export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Whether a filtered answer repeats the unfiltered one exactly: the same metric-and-month cells
 * with the same values, and the unfiltered one holds at least one value that is not zero (two
 * answers of nothing but zeros say nothing about a filter).
 */
export function sameMetricValues(whole: readonly MetricCell[], filtered: readonly MetricCell[]): boolean {
  if (whole.length === 0 || whole.length !== filtered.length) return false;
  if (!whole.some((c) => c.value !== 0)) return false;
  const key = (c: MetricCell) => JSON.stringify([c.id, c.period]);
  const values = new Map(whole.map((c) => [key(c), c.value]));
  if (values.size !== whole.length) return false;
  if (new Set(filtered.map(key)).size !== filtered.length) return false;
  return filtered.every((c) => {
    const v = values.get(key(c));
    return v !== undefined && sameValue(v, c.value);
  });
}
