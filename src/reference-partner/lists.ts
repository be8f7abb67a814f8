/**
 * The paginated list operations: chart of accounts, budgets, classes, departments and
 * non-financial metric definitions. Records are served in id order so offset paging neither skips
 * nor repeats; an offset past the end is an empty page.
 */
import type { ServerReply, ServerRequest } from "../http/server.js";
import type { PartnerContext } from "./context.js";
import type { CompanyData } from "./data.js";
import { DEFAULT_LIMIT, parsePaging } from "./params.js";
import { createRng } from "./random.js";

/** The page size the cap-limit and short-pages switches lower larger limits to: below the reference charts of accounts' length. */
const CAPPED_LIMIT = 20;

export type ListName = "chart-of-accounts" | "budgets" | "classes" | "departments" | "non-financial-metrics";
export const LIST_NAMES: readonly ListName[] = ["chart-of-accounts", "budgets", "classes", "departments", "non-financial-metrics"];

function records(ctx: PartnerContext, company: CompanyData, list: ListName): object[] {
  switch (list) {
    case "chart-of-accounts": {
      // Copies only when a switch edits records (20,000 copies per page would be the large preset's cost).
      const edits = ["cyclic-hierarchy", "duplicate-account", "missing-field"].some((id) => ctx.defects.has(id));
      let accounts = edits ? company.accounts.map((a) => ({ ...a })) : company.accounts;
      // defect: cyclic-hierarchy (a child and its parent name each other as parent)
      if (ctx.defects.has("cyclic-hierarchy")) {
        const child = accounts.find((a) => a.ParentAccountId !== null)!;
        const parent = accounts.find((a) => a.AccountId === child.ParentAccountId)!;
        parent.ParentAccountId = child.AccountId;
      }
      // defect: duplicate-account (the fifth account appears twice in a row)
      if (ctx.defects.has("duplicate-account")) accounts.splice(5, 0, { ...accounts[4] });
      // defect: missing-field
      if (ctx.defects.has("missing-field")) {
        accounts = accounts.map((a) => {
          const { Name: _dropped, ...rest } = a;
          return rest as typeof a;
        });
      }
      return accounts;
    }
    case "budgets":
      return company.budgets;
    case "classes":
      // defect: duplicate-class-id (the last class carries the id of the first: two classes, one id)
      if (ctx.defects.has("duplicate-class-id") && company.classes.length > 1) {
        const classes = company.classes.map((c) => ({ ...c }));
        classes[classes.length - 1]!.ClassId = classes[0]!.ClassId;
        return classes;
      }
      return company.classes;
    case "departments":
      return company.departments;
    case "non-financial-metrics":
      return company.metrics;
  }
}

/** A deterministic shuffle keyed by the page size: the order is stable per limit, not across limits. */
function orderForLimit<T>(items: T[], limit: number): T[] {
  const rng = createRng(`unstable-order|${limit}`);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function listOperation(ctx: PartnerContext, req: ServerRequest, company: CompanyData, list: ListName): ServerReply {
  const d = ctx.defects;
  // defect: accept-bad-limit (clamps instead of refusing), non-numeric-paging-default
  const paging = parsePaging(req.url.searchParams, { clampLimit: d.has("accept-bad-limit"), defaultNonNumeric: d.has("non-numeric-paging-default") });
  if ("errors" in paging) return ctx.respond.error(400, paging.errors);
  let all = records(ctx, company, list);
  // defect: unstable-order
  if (d.has("unstable-order")) all = orderForLimit(all, paging.limit);
  // defect: past-end-error
  if (d.has("past-end-error") && paging.offset > 0 && paging.offset >= all.length) {
    return ctx.respond.error(404, { error: "NotFound", message: "No records at this offset.", level: 6 });
  }
  // defect: repeated-page (offset ignored), page-skip (a later page starts one record late)
  const start = d.has("repeated-page") ? 0 : d.has("page-skip") && paging.offset > 0 ? paging.offset + 1 : paging.offset;
  // defect: ignore-limit
  let size = d.has("ignore-limit") ? 100 : paging.limit;
  // defect: cap-limit, short-pages (the same cap, but the asked limit is echoed)
  if (d.has("cap-limit") || d.has("short-pages")) size = Math.min(size, CAPPED_LIMIT);
  let total = all.length;
  // defect: lying-total
  if (d.has("lying-total")) total += 25;
  // defect: changing-data (the total moves on every call)
  if (d.has("changing-data")) total += ++ctx.counters.changes;
  // defect: data-null
  const data = list === "departments" && d.has("data-null") ? null : all.slice(start, start + size);
  // defect: page-total (counts the page, not the list)
  if (d.has("page-total") && data) total = data.length;
  // defect: echo-offset-zero, echo-limit-default (the page is right, its Pagination says otherwise)
  const echoOffset = d.has("echo-offset-zero") ? 0 : paging.offset;
  const echoLimit = d.has("echo-limit-default") ? DEFAULT_LIMIT : d.has("short-pages") ? paging.limit : size;
  return ctx.respond.json(200, { Data: data, Pagination: { offset: echoOffset, limit: echoLimit, total } }, { data: true });
}
