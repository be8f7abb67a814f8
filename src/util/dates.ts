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
