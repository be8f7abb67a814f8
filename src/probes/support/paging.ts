/**
 * Walking a list with a page size of the check's choosing, and judging what the pages say about
 * each other (total, repeats, page size). Requests are cached, so two checks that walk the same
 * list with the same page size share the pages.
 */
import { idOf, listEnds, operationPath, type ListWalk } from "../../engine/shared-data.js";
import type { Exchange } from "../../http/types.js";
import type { Finding, RuleRef } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { makeFinding } from "./findings.js";
import { integerBounds, parameterSchema } from "./inputs.js";

export const PAGING_RULE: RuleRef = {
  ref: "spec-model:list-envelope",
  text: "Lists page with offset and limit: Pagination.total counts the whole list and is the same on every page, a page holds at most `limit` records, and walking the pages in order returns every record once.",
};

/** Most pages a check-chosen walk may take, whatever the list size: a bound on requests. */
export const MAX_SMALL_WALK_PAGES = 10;

export interface Page {
  exchange: Exchange;
  /** The offset and limit asked for. */
  offset: number;
  limit: number;
  /** The Data array of a 200 answer. */
  data?: unknown[];
  /** Pagination.total, when it is an integer. */
  total?: number;
  /** Pagination.offset and Pagination.limit as answered, when they are integers. */
  echoedOffset?: number;
  echoedLimit?: number;
}

export interface PagedWalk {
  operation: Operation;
  company: string;
  limit: number;
  pages: Page[];
  records: unknown[];
  complete: boolean;
  /** Why the walk stopped before the end. */
  stoppedBecause?: string;
  /** The walk hit its page cap while every page still brought new records. */
  capped: boolean;
}

/** An integer member of a body's Pagination object. */
function paginationInteger(ctx: ProbeContext, body: unknown, field: string): number | undefined {
  const pag = body && typeof body === "object" ? (body as Record<string, unknown>)[ctx.contract.profile.pagination.paginationField] : undefined;
  const v = pag && typeof pag === "object" ? (pag as Record<string, unknown>)[field] : undefined;
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}

function totalOf(ctx: ProbeContext, body: unknown): number | undefined {
  return paginationInteger(ctx, body, ctx.contract.profile.pagination.totalField);
}

/**
 * Pagination.offset and Pagination.limit of a body. The members carry the names of the query
 * parameters they echo (FACTS 5.1: offset, limit, total), so the profile's parameter names are used.
 */
export function echoOf(ctx: ProbeContext, body: unknown): { echoedOffset?: number; echoedLimit?: number } {
  const p = ctx.contract.profile.pagination;
  return { echoedOffset: paginationInteger(ctx, body, p.offsetParam), echoedLimit: paginationInteger(ctx, body, p.limitParam) };
}

/** The Pagination.total all pages of a walk agree on, if they do. */
export function agreedTotal(pages: readonly Page[]): number | undefined {
  const totals = new Set(pages.filter((pg) => pg.data !== undefined && pg.total !== undefined).map((pg) => pg.total!));
  return totals.size === 1 ? [...totals][0] : undefined;
}

export function dataOf(ctx: ProbeContext, ex: Exchange): unknown[] | undefined {
  const res = ex.response;
  if (!res || res.status !== 200 || !res.json || typeof res.json !== "object") return undefined;
  const data = (res.json as Record<string, unknown>)[ctx.contract.profile.pagination.dataField];
  return Array.isArray(data) ? data : undefined;
}

/** The shared walk (run page size) in the same shape as a check-chosen one. */
export function pagesOfListAll(ctx: ProbeContext, walk: ListWalk, limit: number): PagedWalk {
  const pages: Page[] = [];
  let offset = 0;
  for (const ex of walk.pages) {
    const data = dataOf(ctx, ex);
    pages.push({ exchange: ex, offset, limit, data, total: totalOf(ctx, ex.response?.json), ...echoOf(ctx, ex.response?.json) });
    offset += data?.length ?? 0;
  }
  return {
    operation: walk.operation,
    company: walk.company,
    limit,
    pages,
    records: walk.records,
    complete: walk.complete,
    stoppedBecause: walk.stoppedBecause,
    // A walk the page cap stopped while the list was still going (walk.bound) is the run's bound,
    // said once by schema.reference-lists, not an endless list.
    capped: !walk.complete && walk.bound === undefined && (walk.stoppedBecause?.startsWith("stopped after") ?? false),
  };
}

/**
 * Walk a list with `limit`, at most `maxPages` pages. Stops at the end (see `listEnds`), at a page
 * that brings no record not seen before (the walk would never progress), or at the cap.
 */
export async function walkList(ctx: ProbeContext, op: Operation, company: string, limit: number, maxPages: number): Promise<PagedWalk> {
  const p = ctx.contract.profile.pagination;
  const walk: PagedWalk = { operation: op, company, limit, pages: [], records: [], complete: false, capped: false };
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    if (walk.pages.length >= maxPages) {
      walk.capped = true;
      walk.stoppedBecause = `stopped after ${maxPages} pages of ${limit}`;
      return walk;
    }
    const ex = await ctx.http.send({
      method: "GET",
      path: operationPath(op, company),
      query: { [p.offsetParam]: offset, [p.limitParam]: limit },
      operation: { method: op.method, path: op.path },
      cache: true,
    });
    const data = dataOf(ctx, ex);
    const total = totalOf(ctx, ex.response?.json);
    walk.pages.push({ exchange: ex, offset, limit, data, total, ...echoOf(ctx, ex.response?.json) });
    if (ex.response?.status === 204) {
      walk.complete = true;
      return walk;
    }
    if (!data) {
      walk.stoppedBecause = ex.error ? `request failed: ${ex.error.message}` : `page at offset ${offset} answered ${ex.response!.status} without a ${p.dataField} array`;
      return walk;
    }
    let fresh = 0;
    for (const r of data) {
      walk.records.push(r);
      const id = idOf(r, op.profile.idField);
      if (!seen.has(id)) fresh++;
      seen.add(id);
    }
    if (listEnds(data.length, limit, offset, total)) {
      walk.complete = true;
      return walk;
    }
    if (fresh === 0) {
      walk.stoppedBecause = `the page at offset ${offset} held only records already seen`;
      return walk;
    }
    offset += data.length;
  }
}

/**
 * A page size for a second walk: about a third of the list, so the walk takes three or four
 * pages, and different from the run's page size. Undefined when the list is empty.
 */
export function smallPageSize(ctx: ProbeContext, count: number, runPageSize: number): number | undefined {
  if (count <= 0) return undefined;
  const { minLimit, maxLimit } = ctx.contract.profile.pagination;
  let size = Math.min(maxLimit, Math.max(minLimit, Math.ceil(count / 3)));
  if (size === runPageSize) size = size > minLimit ? size - 1 : size + 1;
  return Math.min(maxLimit, Math.max(minLimit, size));
}

/** The shared walk (run page size) and a second walk with a small page size, both bounded. */
export interface TwoWalks {
  full: PagedWalk;
  small?: PagedWalk;
  /** Why there is no second walk, or why it covers only a prefix of the list. */
  note?: string;
}

export async function twoWalks(ctx: ProbeContext, op: Operation, company: string): Promise<TwoWalks> {
  const { pageSize, maxPages } = ctx.data.pageLimits();
  const full = pagesOfListAll(ctx, await ctx.data.listAll(op, company), pageSize);
  if (!full.complete) return { full, note: `the walk with limit ${pageSize} did not complete (${full.stoppedBecause ?? "?"})` };
  const count = full.records.length;
  const size = smallPageSize(ctx, count, pageSize);
  if (size === undefined) return { full, note: "the list is empty" };
  // When the first walk ended early (a short page while Pagination.total says more), the list is as
  // long as its total says as far as the second walk can know: budget its pages for that length.
  const total = agreedTotal(full.pages);
  const length = Math.max(count, total ?? 0);
  // The pages the list needs with this size, plus the empty page a partner may need to say "end", plus one.
  const expected = Math.ceil(length / size) + 2;
  const cap = Math.min(expected, maxPages, MAX_SMALL_WALK_PAGES);
  const small = await walkList(ctx, op, company, size, cap);
  if (small.capped && cap < expected) {
    // Our bound, not the partner's fault: compare what was read.
    small.capped = false;
    return { full, small, note: `the walk with limit ${size} read the first ${cap} pages only` };
  }
  if (small.capped) {
    const known =
      total !== undefined && total > count
        ? `Pagination.${ctx.contract.profile.pagination.totalField} says ${total}`
        : `the walk with limit ${pageSize} found ${count}`;
    small.stoppedBecause = `${cap} pages of ${size} brought ${small.records.length} records, more than the list holds (${known}), and the last page was still full`;
  }
  return { full, small };
}

/** What a list's pages say about each other: total, repeats, page size, an end. */
export function judgeWalk(ctx: ProbeContext, checkId: string, walk: PagedWalk): Finding[] {
  const op = walk.operation;
  const company = walk.company;
  const name = `the ${op.profile.name} list of ${company} (limit ${walk.limit})`;
  const base = { operation: op, company, rule: PAGING_RULE };
  const p = ctx.contract.profile.pagination;
  const findings: Finding[] = [];
  const ok = walk.pages.filter((pg) => pg.data !== undefined);

  for (const pg of ok) {
    if (pg.data!.length > pg.limit) {
      findings.push(
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/over-limit`,
          severity: "fail",
          message: `A page of ${name} at offset ${pg.offset} holds ${pg.data!.length} records, more than the limit of ${pg.limit}.`,
          fix: `Return at most \`${p.limitParam}\` records per page; Reach sizes its requests with it.`,
          exchange: pg.exchange,
          pointer: `/${p.dataField}/${pg.limit}`,
          evidence: { expected: `at most ${pg.limit} records`, actual: `${pg.data!.length} records` },
        }),
      );
      break;
    }
  }

  // Some pages without a total, others with one: the schema checks read one walk's pages, the
  // missing ones may be on the other (Reach pages with its own limit and reads them all).
  const without = ok.filter((pg) => pg.total === undefined);
  if (without.length > 0 && without.length < ok.length) {
    const first = without[0];
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/total-missing`,
        severity: "fail",
        message: `${without.length} of the ${ok.length} pages of ${name} have no ${p.paginationField}.${p.totalField} (the first at offset ${first.offset}), while the others have one.`,
        fix: `Send ${p.paginationField}.${p.totalField} (the number of records in the whole list) on every page, the last one included.`,
        exchange: first.exchange,
        pointer: `/${p.paginationField}`,
        evidence: { expected: `${p.paginationField}.${p.totalField} on every page`, actual: `missing on the page at offset ${first.offset}` },
      }),
    );
  }

  const totals = [...new Set(ok.map((pg) => pg.total).filter((t): t is number => t !== undefined))];
  if (totals.length > 1) {
    const changed = ok.find((pg) => pg.total !== ok[0].total)!;
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/total-changed`,
        severity: "fail",
        message: `Pagination.${p.totalField} of ${name} changes between pages: ${totals.join(", ")}.`,
        fix: `Report the same ${p.paginationField}.${p.totalField} (the number of records in the whole list) on every page.`,
        exchange: changed.exchange,
        pointer: `/${p.paginationField}/${p.totalField}`,
        evidence: { expected: String(ok[0].total), actual: String(changed.total) },
      }),
    );
  } else if (walk.complete && totals.length === 1 && totals[0] !== walk.records.length) {
    const last = ok[ok.length - 1] ?? walk.pages[walk.pages.length - 1];
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/total-mismatch`,
        severity: "fail",
        message: `Pagination.${p.totalField} of ${name} says ${totals[0]} records, but walking every page returned ${walk.records.length}.`,
        fix: `Set ${p.paginationField}.${p.totalField} to the number of records in the whole list (not the page, not an estimate).`,
        exchange: last.exchange,
        pointer: `/${p.paginationField}/${p.totalField}`,
        evidence: { expected: `${p.totalField} = ${walk.records.length} (records returned)`, actual: `${p.totalField} = ${totals[0]}` },
      }),
    );
  }

  // A page shorter than the limit asked that is not the last: `limit` is the most a page holds, so
  // this is allowed (a server-side cap is a common choice), and a client that pages by
  // Pagination.total, which is required, reads everything; one that stops at the first short page
  // misses the rest. Noted (info), not held against the partner.
  const lastWithData = ok.findLastIndex((pg) => pg.data!.length > 0);
  const short = ok.findIndex((pg, i) => i < lastWithData && pg.data!.length > 0 && pg.data!.length < pg.limit);
  // A partner that lowers the limit and says so in Pagination.limit gets limit-echo, which names the cap.
  const echo = judgeEcho(ctx, checkId, walk);
  if (short >= 0 && !echo.some((f) => f.code === `${checkId}/limit-echo`)) {
    const pg = ok[short];
    const after = ok.slice(short + 1).reduce((n, q) => n + q.data!.length, 0);
    findings.push(
      makeFinding(ctx, {
        ...base,
        rule: SHORT_PAGE_RULE,
        code: `${checkId}/short-page`,
        severity: "info",
        message: `The page of ${name} at offset ${pg.offset} holds ${pg.data!.length} records, fewer than the limit of ${pg.limit}, but is not the last: ${after} more records follow. The spec allows it (\`${p.limitParam}\` is the most a page holds) and reading on by ${p.paginationField}.${p.totalField}, as reach-check did, finds them; only a client that takes a short page for the end of the list would stop early.`,
        fix: `Nothing is required. To be safe with clients that stop at the first short page, fill every page up to the \`${p.limitParam}\` asked for (any value up to the spec's maximum) until the list ends, so that only the last page is short.`,
        exchange: pg.exchange,
        pointer: `/${p.dataField}`,
        evidence: { expected: `${pg.limit} records, or fewer only on the last page`, actual: `${pg.data!.length} records, then ${after} more on later pages` },
      }),
    );
  }

  const seen = new Map<string, { offset: number; record: unknown }>();
  for (const pg of ok) {
    let repeated: string | undefined;
    let twiceOnPage: string | undefined;
    let at = -1;
    for (const [i, r] of pg.data!.entries()) {
      const id = idOf(r, op.profile.idField);
      const before = seen.get(id);
      if (before !== undefined && repeated === undefined && twiceOnPage === undefined) {
        // Paging can only hand out the same record again, and never twice on one page: an id on two
        // different records, or twice on one page, is the list's data.
        if (before.offset === pg.offset || JSON.stringify(before.record) !== JSON.stringify(r)) twiceOnPage = id;
        else repeated = `${id} (first on the page at offset ${before.offset})`;
        at = i;
      }
      if (before === undefined) seen.set(id, { offset: pg.offset, record: r });
    }
    const pointer = at >= 0 ? `/${p.dataField}/${at}${op.profile.idField ? `/${op.profile.idField}` : ""}` : undefined;
    if (twiceOnPage !== undefined) {
      const field = op.profile.idField ?? "id";
      findings.push(
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/duplicate-id`,
          severity: "fail",
          message: `The page of ${name} at offset ${pg.offset} holds a second record with ${field} ${twiceOnPage}: the list gives one id to two records, so whatever refers to that id (a filter, a parent, a row) cannot tell which is meant.`,
          fix: `Give every record of the list its own ${field} (each id once in the whole list).`,
          exchange: pg.exchange,
          ...(pointer ? { pointer } : {}),
          evidence: { expected: `each ${field} once`, actual: `${field} ${twiceOnPage} on two records` },
        }),
      );
      break;
    }
    if (repeated) {
      // What the repeat cost: records the total announces that the walk never read (a record that
      // moved to an earlier page while the pages were read is read twice, and another one never).
      const total = walk.complete ? agreedTotal(ok) : undefined;
      const distinct = new Set(ok.flatMap((q) => q.data!.map((r) => idOf(r, op.profile.idField)))).size;
      const lost =
        total !== undefined && distinct < total
          ? ` The walk read ${distinct} distinct records of the ${total} ${p.paginationField}.${p.totalField} announces: ${total - distinct} never came.`
          : "";
      findings.push(
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/repeated-id`,
          severity: "fail",
          message: `The page of ${name} at offset ${pg.offset} repeats ${op.profile.idField ?? "a record"} ${repeated}: offset paging returns some records twice${walk.stoppedBecause?.includes("already seen") ? " and never reaches the end" : ""}.${lost}`,
          fix: `Apply \`${p.offsetParam}\` and keep a stable order (e.g. by id), so each record appears on exactly one page.`,
          exchange: pg.exchange,
          ...(pointer ? { pointer } : {}),
          evidence: { expected: "each id once across pages", actual: `repeated: ${repeated}` },
        }),
      );
      break;
    }
  }

  findings.push(...echo);

  if (walk.capped) {
    const last = walk.pages[walk.pages.length - 1];
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/endless`,
        severity: "fail",
        message: `${name[0].toUpperCase()}${name.slice(1)} did not end: ${walk.stoppedBecause}.`,
        fix: "Return fewer records than `limit` on the last page and a Pagination.total equal to the number of records.",
        exchange: last.exchange,
      }),
    );
  }
  return findings;
}

const SHORT_PAGE_RULE: RuleRef = {
  ref: "spec-model:list-envelope",
  text: "`limit` is the most records a page holds (1-1000, default 100) and Pagination.total counts the whole list; the spec does not say whether a page may hold fewer before the end, so a client may take the first short page for the last.",
};

export const ECHO_RULE: RuleRef = {
  ref: "reach:reference-data#pagination-metadata",
  text: "The response echoes offset and limit in Pagination.offset (records skipped before this page) and Pagination.limit (the largest page size asked for), beside Pagination.total (REACH_API_FACTS 6, observed on chart-of-accounts).",
};

/**
 * Pagination.offset and Pagination.limit against what each page asked for. An empty page is not
 * judged on its offset: past the end, "records skipped" may fairly be read as the asked offset or
 * as the total. A limit outside the spec's range is not judged (the walks never ask one).
 */
function judgeEcho(ctx: ProbeContext, checkId: string, walk: PagedWalk): Finding[] {
  const op = walk.operation;
  const p = ctx.contract.profile.pagination;
  const name = `the ${op.profile.name} list of ${walk.company} (limit ${walk.limit})`;
  const bounds = integerBounds(parameterSchema(ctx, op, p.limitParam), { min: p.minLimit, max: p.maxLimit });
  const inRange = (n: number) => (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max);
  const ok = walk.pages.filter((pg) => pg.data !== undefined);
  const findings: Finding[] = [];

  const wrongOffset = ok.find((pg) => pg.data!.length > 0 && pg.echoedOffset !== undefined && pg.echoedOffset !== pg.offset);
  if (wrongOffset) {
    findings.push(
      makeFinding(ctx, {
        operation: op,
        company: walk.company,
        rule: ECHO_RULE,
        code: `${checkId}/offset-echo`,
        severity: "fail",
        message: `A page of ${name} reports ${p.paginationField}.${p.offsetParam} ${wrongOffset.echoedOffset}, but ${p.offsetParam}=${wrongOffset.offset} was asked: a client that takes its place in the list from ${p.paginationField} reads the wrong records, or the same page again and again.`,
        fix: `Echo the \`${p.offsetParam}\` that was applied in ${p.paginationField}.${p.offsetParam} (the number of records skipped before the page).`,
        exchange: wrongOffset.exchange,
        pointer: `/${p.paginationField}/${p.offsetParam}`,
        evidence: { expected: `${p.offsetParam} = ${wrongOffset.offset}`, actual: `${p.offsetParam} = ${wrongOffset.echoedOffset}` },
      }),
    );
  }

  const wrongLimit = ok.find((pg) => inRange(pg.limit) && pg.echoedLimit !== undefined && pg.echoedLimit !== pg.limit);
  if (wrongLimit) {
    const held = wrongLimit.data!.length;
    const capped = wrongLimit.echoedLimit! < wrongLimit.limit && held === wrongLimit.echoedLimit;
    findings.push(
      makeFinding(ctx, {
        operation: op,
        company: walk.company,
        rule: ECHO_RULE,
        code: `${checkId}/limit-echo`,
        severity: "fail",
        message:
          `A page of ${name} at offset ${wrongLimit.offset} reports ${p.paginationField}.${p.limitParam} ${wrongLimit.echoedLimit}, but ${p.limitParam}=${wrongLimit.limit} was asked ` +
          `(within the spec's ${bounds.min ?? "?"}..${bounds.max ?? "?"})` +
          (capped
            ? `, and the page holds ${held} records: the partner lowers the page size below what was asked, so a client that stops at a page shorter than its limit stops early.`
            : ": a client that sizes its next request from the echo skips or repeats records."),
        fix: capped
          ? `Honour any \`${p.limitParam}\` from ${bounds.min ?? 1} to ${bounds.max ?? "the spec's maximum"} (no lower cap) and echo it in ${p.paginationField}.${p.limitParam}.`
          : `Echo the \`${p.limitParam}\` that was asked (the default when it is absent) in ${p.paginationField}.${p.limitParam}.`,
        exchange: wrongLimit.exchange,
        pointer: `/${p.paginationField}/${p.limitParam}`,
        evidence: { expected: `${p.limitParam} = ${wrongLimit.limit}`, actual: `${p.limitParam} = ${wrongLimit.echoedLimit} (${held} ${held === 1 ? "record" : "records"} on the page)` },
      }),
    );
  }
  return findings;
}

/**
 * The same list walked with two page sizes must hold the same records. Each walk can look right on
 * its own (a Pagination.total that counts the page instead of the list ends the walk early, with
 * the total equal to what it read), so the two walks are compared: only when both reached their end
 * and neither has a finding of its own, which would already name the fault.
 */
export function judgeTwoWalks(ctx: ProbeContext, checkId: string, full: PagedWalk, small: PagedWalk): Finding[] {
  if (!full.complete || !small.complete || full.capped || small.capped) return [];
  if (full.records.length === small.records.length) return [];
  const p = ctx.contract.profile.pagination;
  const name = `the ${full.operation.profile.name} list of ${full.company}`;
  const said = (w: PagedWalk): string => {
    const t = agreedTotal(w.pages);
    return `${w.records.length} records in ${w.pages.length} page${w.pages.length === 1 ? "" : "s"}${t !== undefined ? `, Pagination.${p.totalField} ${t}` : ""}`;
  };
  const shorter = small.records.length < full.records.length ? small : full;
  const longer = shorter === small ? full : small;
  const last = shorter.pages[shorter.pages.length - 1];
  return [
    makeFinding(ctx, {
      code: `${checkId}/walks-differ`,
      severity: "fail",
      message: `Walking ${name} with limit ${full.limit} gave ${said(full)}; with limit ${small.limit} it gave ${said(small)}. How much of a list a client reads must not depend on its page size: the walk with limit ${shorter.limit} stopped at offset ${last.offset + (last.data?.length ?? 0)}, ${longer.records.length - shorter.records.length} records short.`,
      rule: PAGING_RULE,
      fix: `Count the whole list in ${p.paginationField}.${p.totalField} (not the page) and serve pages until the end of the list whatever \`${p.limitParam}\` is asked for.`,
      operation: full.operation,
      company: full.company,
      exchange: last.exchange,
      evidence: { expected: `${longer.records.length} records with limit ${shorter.limit} (as with limit ${longer.limit})`, actual: `${shorter.records.length} records` },
    }),
  ];
}

/**
 * Records one walk holds that the other walk's pages never returned, with the records both hold in
 * the same order: the pages leave records out (a page started one record late loses the record at
 * each page boundary). Only when the longer walk is whole (complete, each id once, as many records
 * as its Pagination.total) and every total the shorter walk saw says that same count, so neither
 * the total nor the order is to blame. `short` is the walk that lost them.
 */
export function judgeLostRecords(ctx: ProbeContext, checkId: string, full: PagedWalk, small: PagedWalk): { finding: Finding; short: PagedWalk } | undefined {
  const op = full.operation;
  const idField = op.profile.idField;
  const p = ctx.contract.profile.pagination;
  const usable = (w: PagedWalk) => w.complete && !w.capped;
  if (!usable(full) || !usable(small)) return undefined;
  const a = full.records.map((r) => idOf(r, idField));
  const b = small.records.map((r) => idOf(r, idField));
  if (new Set(a).size !== a.length || new Set(b).size !== b.length || a.length === b.length) return undefined;
  const [whole, short, wholeIds, shortIds] = a.length > b.length ? [full, small, a, b] : [small, full, b, a];
  const count = wholeIds.length;
  const wholeTotal = agreedTotal(whole.pages);
  if (wholeTotal !== undefined && wholeTotal !== count) return undefined;
  if (short.pages.some((pg) => pg.data !== undefined && pg.total !== undefined && pg.total !== count)) return undefined;
  // Every record of the short walk is in the whole one, in the same relative order.
  const position = new Map(wholeIds.map((id, i) => [id, i]));
  let previous = -1;
  for (const id of shortIds) {
    const at = position.get(id);
    if (at === undefined || at <= previous) return undefined;
    previous = at;
  }
  const got = new Set(shortIds);
  const ok = short.pages.filter((pg) => pg.data !== undefined);
  // Each lost record, with the page of the short walk it belongs on: the last one asked at or before it.
  const lost = wholeIds.flatMap((id, pos) => {
    if (got.has(id)) return [];
    const page = ok.findLast((pg) => pg.offset <= pos) ?? ok[0];
    return page ? [{ id, pos, page, boundary: page.offset === pos }] : [];
  });
  if (lost.length === 0) return undefined;

  const field = idField ?? "record";
  const first = lost[0];
  const head = first.page.data![0];
  const headId = head !== undefined ? idOf(head, idField) : undefined;
  const headPos = headId !== undefined ? position.get(headId) : undefined;
  const listed = lost
    .slice(0, 5)
    .map((x) => `${field} ${x.id} (position ${x.pos}, ${x.boundary ? `where the page at ${p.offsetParam} ${x.page.offset} should start` : `which belongs on the page at ${p.offsetParam} ${x.page.offset}`})`)
    .join(", ");
  const more = lost.length > 5 ? `, and ${lost.length - 5} more` : "";
  const said = wholeTotal !== undefined ? `, as ${p.paginationField}.${p.totalField} says` : "";
  const wholeSays = `${whole.pages.filter((pg) => (pg.data?.length ?? 0) > 0).length === 1 ? "the single page" : "the walk"} with ${p.limitParam} ${whole.limit} holds ${count}${said}`;
  const boundary = lost.every((x) => x.boundary);
  const starts =
    headId !== undefined
      ? `the page at ${p.offsetParam} ${first.page.offset} starts with ${field} ${headId} (position ${headPos}) instead`
      : `the page at ${p.offsetParam} ${first.page.offset} comes back empty though the list holds ${count} records`;
  // How far past its offset the page starts (unknown for an empty page).
  const late = headPos !== undefined ? headPos - first.page.offset : undefined;
  const lateBy = late === undefined ? "late" : late === 1 ? "one record late" : `${late} records late`;
  const cause = boundary
    ? ` ${lost.length === 1 ? "It is" : "Each is"} where a page should start, and ${starts}: a page asked with an ${p.offsetParam} starts ${lateBy}, so the record at a page boundary is never returned.`
    : ` The pages leave ${lost.length === 1 ? "it" : "them"} out while ${p.paginationField}.${p.totalField} counts ${lost.length === 1 ? "it" : "them"}.`;
  const finding = makeFinding(ctx, {
    code: `${checkId}/records-lost`,
    severity: "fail",
    message:
      `Walking the ${op.profile.name} list of ${full.company} with ${p.limitParam} ${short.limit} returned ${shortIds.length} of its ${count} records (${wholeSays}), in the same order, ` +
      `but ${lost.length === 1 ? "this record is" : `these ${lost.length} records are`} on no page (positions in the whole list, counting from 0): ${listed}${more}.${cause}`,
    rule: PAGING_RULE,
    fix: boundary
      ? `Start each page at the record whose position (counting from 0) is \`${p.offsetParam}\`: ${p.offsetParam} ${first.page.offset} must return the record at position ${first.page.offset} first. A start computed as ${p.offsetParam} + 1 (or from positions counted from 1) is an off-by-one that loses the record at every page boundary.`
      : `Serve every record of the list on the page its position puts it on: the page at \`${p.offsetParam}\` N with \`${p.limitParam}\` L holds the records at positions N to N+L-1 of the same list, whatever L is.`,
    operation: op,
    company: full.company,
    exchange: first.page.exchange,
    pointer: first.boundary && headId !== undefined && idField ? `/${p.dataField}/0/${idField}` : `/${p.dataField}`,
    evidence: first.boundary
      ? { expected: `${field} ${first.id} (position ${first.pos}) first on the page at ${p.offsetParam} ${first.page.offset}`, actual: headId !== undefined ? `${field} ${headId} (position ${headPos})` : "an empty page" }
      : { expected: `${field} ${first.id} (position ${first.pos}) on the page at ${p.offsetParam} ${first.page.offset}`, actual: `on no page with ${p.limitParam} ${short.limit}` },
  });
  return { finding, short };
}
