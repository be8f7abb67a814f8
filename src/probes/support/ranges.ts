/** Date ranges and filter ids the coverage checks try beyond the recent window every check uses. */
import { isoDate, monthEnd, monthStart } from "../../util/dates.js";
import type { Operation, ProbeContext } from "../types.js";

export interface DateRange {
  label: string;
  start: string;
  end: string;
}

/**
 * Twelve whole months (the last twelve before the current one), a single day (the last day of the
 * previous month, a month-end), and two months across the latest year boundary that lies wholly
 * in the past.
 */
export function coverageRanges(now: Date): DateRange[] {
  const y = now.getUTCMonth() >= 1 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const lastDay = isoDate(monthEnd(now, -1));
  return [
    { label: "12 months", start: isoDate(monthStart(now, -12)), end: lastDay },
    { label: "a single day", start: lastDay, end: lastDay },
    { label: "across a year boundary", start: `${y - 1}-12-01`, end: `${y}-01-31` },
  ];
}

export interface FilterValue {
  /** Parameter (or body field) name, e.g. `BudgetId`. */
  name: string;
  value: string;
}

/**
 * Up to `sampleSize` ids of each list that feeds one of `names` (budgets for BudgetId...), for
 * one company. Names without a feeding list are left out.
 */
export async function filterValues(ctx: ProbeContext, company: string, names: string[]): Promise<FilterValue[]> {
  const out: FilterValue[] = [];
  for (const name of names) {
    const feeder: Operation | undefined = ctx.data.feeder(name);
    if (!feeder) continue;
    for (const value of await ctx.data.ids(feeder, company, ctx.options.sampleSize)) out.push({ name, value });
  }
  return out;
}
