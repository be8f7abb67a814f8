/** Input checks shared by the data operations; each problem becomes one item of a 400 envelope. */
import type { ReachError } from "./responses.js";
import { dateBefore, monthNumber, parseIsoDate, type CalendarDate } from "./periods.js";

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;
/** Statement and metric ranges longer than this are refused, so one request cannot ask for millions of rows. */
export const MAX_RANGE_MONTHS = 1200;

export function badRequest(message: string): ReachError {
  return { error: "BadRequest", message, level: 6 };
}

const WHOLE = /^\d+$/;

export interface Paging {
  offset: number;
  limit: number;
}

/** How parsePaging bends the rules for a defect switch. */
export interface PagingLeniency {
  /** An out-of-range limit is clamped into range (accept-bad-limit). */
  clampLimit?: boolean;
  /** A value that is not a number at all falls back to the default (non-numeric-paging-default). */
  defaultNonNumeric?: boolean;
}

const NUMERIC = /^-?\d+(\.\d*)?$/;

/**
 * `offset` >= 0 and `limit` in 1..1000, both whole numbers; `lenient` bends that for the defect
 * switches.
 */
export function parsePaging(q: URLSearchParams, lenient: PagingLeniency = {}): Paging | { errors: ReachError[] } {
  const errors: ReachError[] = [];
  let offset = 0;
  let limit = DEFAULT_LIMIT;
  const defaulted = (raw: string) => lenient.defaultNonNumeric === true && !NUMERIC.test(raw);
  const rawOffset = q.get("offset");
  if (rawOffset !== null && !defaulted(rawOffset)) {
    if (!WHOLE.test(rawOffset)) errors.push(badRequest("offset must be a whole number of at least 0."));
    else offset = Number(rawOffset);
  }
  const clampLimit = lenient.clampLimit === true;
  const rawLimit = q.get("limit");
  if (rawLimit !== null && !defaulted(rawLimit)) {
    const n = WHOLE.test(rawLimit) ? Number(rawLimit) : NaN;
    if (Number.isFinite(n) && n >= 1 && n <= MAX_LIMIT) limit = n;
    else if (clampLimit && /^-?\d+$/.test(rawLimit)) limit = Math.min(MAX_LIMIT, Math.max(1, Number(rawLimit)));
    else errors.push(badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}.`));
  }
  return errors.length > 0 ? { errors } : { offset, limit };
}

export interface MonthRange {
  first: number;
  last: number;
}

/**
 * StartDate and EndDate: required, real calendar dates written YYYY-MM-DD, EndDate not before
 * StartDate. `malformed` tells a badly written date apart from a missing one or a reversed range.
 * `rollOverDays` lets an impossible day run into the next month (the accept-impossible-day switch).
 */
export function parseDateRange(start: unknown, end: unknown, rollOverDays = false): MonthRange | { errors: ReachError[]; malformed: boolean } {
  const errors: ReachError[] = [];
  let malformed = false;
  const one = (name: string, value: unknown): CalendarDate | undefined => {
    if (value === undefined || value === null || value === "") {
      errors.push(badRequest(`${name} is required.`));
      return undefined;
    }
    const parsed = typeof value === "string" ? parseIsoDate(value, rollOverDays) : undefined;
    if (!parsed) {
      malformed = true;
      errors.push(badRequest(`${name} must be a calendar date written YYYY-MM-DD.`));
    }
    return parsed;
  };
  const s = one("StartDate", start);
  const e = one("EndDate", end);
  if (s && e && dateBefore(e, s)) errors.push(badRequest("EndDate must not be before StartDate."));
  if (errors.length > 0) return { errors, malformed };
  const first = monthNumber(s!.year, s!.month);
  const last = monthNumber(e!.year, e!.month);
  if (last - first + 1 > MAX_RANGE_MONTHS) {
    return { errors: [badRequest(`The date range may cover at most ${MAX_RANGE_MONTHS} months.`)], malformed: false };
  }
  return { first, last };
}
