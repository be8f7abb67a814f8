/** Calendar helpers in UTC. Periods are `YYYY-MM`, dates `YYYY-MM-DD`. */

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function periodOf(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}`;
}

/** First day of the month `delta` months away from `d`'s month. */
export function monthStart(d: Date, delta = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + delta, 1));
}

/** Last day of the month `delta` months away from `d`'s month. */
export function monthEnd(d: Date, delta = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + delta + 1, 0));
}

/** `YYYY-MM` of the month `delta` months away from `d`'s month. */
export function periodShift(d: Date, delta: number): string {
  return periodOf(monthStart(d, delta));
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-\d{2}$/;

/**
 * Month numbers of the periods seen lately: checks ask for one per statement row, and a statement
 * names a few dozen periods over and over. Emptied when it grows past MONTHS_KEPT (a partner's rows
 * may hold any strings at all).
 */
const monthsSeen = new Map<string, number | undefined>();
const MONTHS_KEPT = 4096;

/** Months since year 0 of a `YYYY-MM` period, so that months compare and subtract; undefined when it is not one. */
export function monthNumber(period: string): number | undefined {
  let n = monthsSeen.get(period);
  if (n !== undefined || monthsSeen.has(period)) return n;
  const m = PERIOD.exec(period);
  n = m ? Number(m[1]) * 12 + Number(m[2]) - 1 : undefined;
  if (monthsSeen.size >= MONTHS_KEPT) monthsSeen.clear();
  monthsSeen.set(period, n);
  return n;
}

/** The month number (see monthNumber) of a `YYYY-MM-DD` date's month; undefined when it is not one. */
export function monthNumberOfDate(date: string): number | undefined {
  const m = DATE.exec(date);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : undefined;
}

/** The `YYYY-MM-DD` last day of a month number's month. */
export function lastDayOfMonth(n: number): string {
  return isoDate(new Date(Date.UTC(Math.floor(n / 12), (n % 12) + 1, 0)));
}

/** The `YYYY-MM` period of a month number. */
export function periodOfMonth(n: number): string {
  const y = Math.floor(n / 12);
  return `${String(y).padStart(4, "0")}-${pad2(n - y * 12 + 1)}`;
}

/**
 * The `YYYY-MM` months that are "now" somewhere (UTC-12 to UTC+14): the partner's current month,
 * whose books still move while a run reads them (two requests seconds apart may differ there).
 */
export function liveMonths(now: Date): Set<string> {
  const out = new Set<string>();
  for (const hours of [-12, 0, 14]) out.add(periodOf(new Date(now.getTime() + hours * 3_600_000)));
  return out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * An HTTP-date (RFC 9110 section 5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) in
 * ms since the epoch; undefined for anything else. Stricter than Date.parse, which reads "0" or
 * "2099" as dates: a cache treats an invalid date as one in the past (RFC 9111 section 5.3).
 */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  const t = text.trim();
  let parts: { day: string; mon: string; year: number; time: string[] } | undefined;
  let m: RegExpExecArray | null;
  if ((m = IMF_FIXDATE.exec(t))) parts = { day: m[1], mon: m[2], year: Number(m[3]), time: m.slice(4, 7) };
  else if ((m = RFC850_DATE.exec(t))) {
    // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
    let year = 2000 + Number(m[3]);
    if (year > new Date(nowMs).getUTCFullYear() + 50) year -= 100;
    parts = { day: m[1], mon: m[2], year, time: m.slice(4, 7) };
  } else if ((m = ASCTIME_DATE.exec(t))) parts = { day: m[2].trim(), mon: m[1], year: Number(m[6]), time: m.slice(3, 6) };
  if (!parts) return undefined;
  const month = MONTHS.indexOf(parts.mon);
  const day = Number(parts.day);
  const [h, min, sec] = parts.time.map(Number);
  if (month < 0 || day < 1 || h > 23 || min > 59 || sec > 60) return undefined;
  const ms = Date.UTC(parts.year, month, day, h, min, Math.min(sec, 59));
  // 31 Feb and the like roll over in Date.UTC: not a date.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}
