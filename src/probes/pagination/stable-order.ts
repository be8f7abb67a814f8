import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { idOf } from "../../engine/shared-data.js";
import { PAGING_RULE, twoWalks } from "../support/paging.js";
import { NO_COMPANY } from "../support/skips.js";
import { diffRecords } from "../support/compare.js";

export const probe: Probe = {
  id: "pagination.stable-order",
  family: "pagination",
  step: 2,
  title: "List order does not depend on the page size",
  description:
    "Compares the id sequence of each list walked with two different page sizes: offset paging only returns every record once when the order is the same whatever the limit.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list");
    if (ops.length === 0) return { findings: [], skip: "The spec has no list operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    let compared = 0;
    // Second walks that broke off before their first record (pagination.walk reports why).
    let failedWalks = 0;
    const all: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.map(async (op): Promise<Finding[]> => {
          const w = await twoWalks(ctx, op, company);
          if (!w.small) return [];
          if (w.small.records.length === 0 && !w.small.complete) failedWalks++;
          const a = w.full.records.map((r) => idOf(r, op.profile.idField));
          const b = w.small.records.map((r) => idOf(r, op.profile.idField));
          // A walk that repeats records is pagination.walk's finding; its order says nothing more.
          if (new Set(b).size !== b.length || new Set(a).size !== a.length) return [];
          const n = Math.min(a.length, b.length);
          if (n === 0) return [];
          compared++;
          // The same record read twice, a moment apart, must read the same (the facts: no field
          // changes between calls). A warning: a live system may really change it in between.
          const idField = op.profile.idField;
          const diff = idField ? diffRecords(w.full.records, w.small.records, (r) => idOf(r, idField)).changed : [];
          const changed = diff.length > 0 ? { id: diff[0].record, field: diff[0].field, before: diff[0].before, after: diff[0].after, more: new Set(diff.map((d) => d.record)).size - 1 } : undefined;
          const found: Finding[] = [];
          if (changed) {
            const pageOf = w.small.pages.find((pg) => pg.data?.some((r) => idOf(r, op.profile.idField) === changed.id)) ?? w.small.pages[0];
            const at = pageOf.data ? pageOf.data.findIndex((r) => idOf(r, op.profile.idField) === changed.id) : -1;
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/record-differs`,
                severity: "warn",
                message: `The ${op.profile.name} list of ${company} gave ${op.profile.idField ?? "a record"} ${changed.id} with ${changed.field} ${JSON.stringify(changed.before)} when walked with limit ${w.full.limit}, and ${JSON.stringify(changed.after)} a moment later with limit ${w.small.limit}${changed.more > 0 ? ` (${changed.more} more record${changed.more === 1 ? " differs" : "s differ"} too)` : ""}.`,
                rule: STABLE_RULE,
                fix: "Serve the same record the same way on every call: no field computed per request (a case, a rounding, a timestamp) and no value that depends on the page size.",
                operation: op,
                company,
                exchange: pageOf.exchange,
                ...(at >= 0 ? { pointer: `/${ctx.contract.profile.pagination.dataField}/${at}/${changed.field}` } : {}),
                evidence: { expected: JSON.stringify(changed.before), actual: JSON.stringify(changed.after) },
              }),
            );
          }
          // One walk lacking records the other holds, the rest in the same order: records lost from
          // pages (pagination.walk says which), not an order that depends on the page size.
          if (sameOrderOfShared(a, b)) return found;
          const at = a.slice(0, n).findIndex((id, i) => id !== b[i]);
          if (at < 0) return found;
          const page = w.small.pages.find((pg) => pg.data && at >= pg.offset && at < pg.offset + pg.data.length) ?? w.small.pages[0];
          const field = op.profile.idField ?? "record";
          return [
            ...found,
            makeFinding(ctx, {
              code: `${this.id}/order-differs`,
              severity: "fail",
              message: `The ${op.profile.name} list of ${company} comes in a different order with limit ${w.small.limit} than with limit ${w.full.limit}: position ${at} holds ${field} ${b[at]} instead of ${a[at]}. Offset paging then skips some records and repeats others.`,
              rule: PAGING_RULE,
              fix: "Sort every list by a stable key (e.g. its id) before applying offset and limit, whatever the page size.",
              operation: op,
              company,
              exchange: page.exchange,
              // The record on that page standing where another belongs.
              ...(op.profile.idField && page.data && at >= page.offset ? { pointer: `/${ctx.contract.profile.pagination.dataField}/${at - page.offset}/${op.profile.idField}` } : {}),
              evidence: { expected: `${field} ${a[at]} at position ${at} (as with limit ${w.full.limit})`, actual: `${field} ${b[at]}` },
            }),
          ];
        }),
      ),
    );
    const findings = all.flat();
    if (compared === 0) {
      const why = failedWalks > 0 ? ` The second walk of ${failedWalks} list${failedWalks === 1 ? "" : "s"} got no page back (see pagination.walk).` : "";
      return { findings, skip: `No list had records to compare (or none could be walked twice).${why}` };
    }
    return { findings, summary: findings.length === 0 ? `${compared} lists give the same order with two page sizes.` : undefined };
  },
};

/** The ids both sequences hold come in the same order in each. */
function sameOrderOfShared(a: readonly string[], b: readonly string[]): boolean {
  const inB = new Set(b);
  const inA = new Set(a);
  const x = a.filter((id) => inB.has(id));
  const y = b.filter((id) => inA.has(id));
  return x.every((id, i) => id === y[i]);
}

const STABLE_RULE = {
  ref: "reach:developer-checklist#behaviour-and-stability",
  text: "No field or structure changes between calls: the same request gives the same data (REACH_API_FACTS, checklist).",
};
