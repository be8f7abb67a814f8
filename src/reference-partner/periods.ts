/**
 * Calendar months as plain integers (year * 12 + month - 1) so that ranges, offsets and fiscal-year
 * arithmetic are simple subtraction. Everything is UTC: the partner's data has no time zone.
 */

export interface CalendarDate {
  year: number;
  month: number; // 1..12
  day: number;
}

export function monthNumber(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function monthOfDate(date: Date): number {
  return monthNumber(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

export function yearOf(monthNo: number): number {
  return Math.floor(monthNo / 12);
}

/** 1..12 */
export function calendarMonthOf(monthNo: number): number {
  return monthNo - yearOf(monthNo) * 12 + 1;
}

/** `YYYY-MM`, the Period format of statements and metric values. */
export function periodLabel(monthNo: number): string {
  return `${String(yearOf(monthNo)).padStart(4, "0")}-${String(calendarMonthOf(monthNo)).padStart(2, "0")}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A strict `YYYY-MM-DD` that names a real calendar day, or undefined. `rollOver` lets a day up to
 * 31 run past the end of its month into the next one, as a lenient date library does (2025-02-30
 * becomes 2025-03-02): the accept-impossible-day switch.
 */
export function parseIsoDate(text: string, rollOver = false): CalendarDate | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) {
    if (!rollOver || day > 31) return undefined;
    const d = new Date(Date.UTC(year, month - 1, day));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  return { year, month, day };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether a is strictly before b. */
export function dateBefore(a: CalendarDate, b: CalendarDate): boolean {
  if (a.year !== b.year) return a.year < b.year;
  if (a.month !== b.month) return a.month < b.month;
  return a.day < b.day;
}

/**
 * First month of the fiscal year that contains `monthNo`, for a fiscal year ending in calendar month
 * `fiscalMonthEnd` (12: calendar years; 3: April to March).
 */
export function fiscalYearStart(monthNo: number, fiscalMonthEnd: number): number {
  const firstCalendarMonth = (fiscalMonthEnd % 12) + 1;
  const back = (calendarMonthOf(monthNo) - firstCalendarMonth + 12) % 12;
  return monthNo - back;
}
