import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import type { Exchange } from "../../http/types.js";
import { duplicateIds } from "../support/accuracy.js";
import { makeFinding } from "../support/findings.js";
import { chartOperation, listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "accuracy.unique-accounts",
  family: "accuracy",
  step: 4,
  title: "Each account appears once in the chart of accounts",
  description:
    "Reads every page of each company's chart of accounts and checks that no AccountId appears twice: Reach keys accounts by id, so a repeated id makes it drop or merge an account.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = chartOperation(ctx);
    if (!op?.profile.idField) return { findings: [], skip: "The spec has no chart-of-accounts list with an id field." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const idField = op.profile.idField;
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let judged = 0;
    let accounts = 0;
    for (const c of pass.companies) {
      const walk = c.lists.find((w) => w.operation.key === op.key);
      if (!walk || walk.records.length === 0) continue;
      judged++;
      accounts += walk.records.length;
      const dups = duplicateIds(walk.records, idField);
      findings.push(...sameAccountTwice(ctx, this.id, op, c.company, walk.records, idField, walk.pages));
      if (dups.length === 0) continue;
      // Point at the second appearance, on the page that holds it.
      const second = dups[0].indexes[1];
      const { page, index } = locate(walk.pages.map((p) => pageSize(p.response?.json, ctx.contract.profile.pagination.dataField)), second);
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/duplicate`,
          severity: "fail",
          message: `The chart of accounts of ${c.company} lists ${dups.length} ${idField}${dups.length === 1 ? "" : "s"} more than once: ${listSome(dups.map((d) => `${d.id} (${d.indexes.length}×)`))}.`,
          rule: { ref: "reach:openapi#chart-of-accounts", text: "Each AccountId appears once in the chart of accounts." },
          fix: "Return each account once: de-duplicate the query behind the list (joins on tags or hierarchy often repeat rows) and keep a stable order by id.",
          operation: op,
          company: c.company,
          pointer: `/${ctx.contract.profile.pagination.dataField}/${index}/${idField}`,
          exchange: walk.pages[page] ?? walk.pages[0],
          evidence: { expected: "every id once", actual: listSome(dups.map((d) => `${d.id} at records ${d.indexes.join(", ")}`)) },
        }),
      );
    }
    if (judged === 0) return { findings: [], skip: "No chart of accounts could be read (see schema.reference-lists)." };
    return { findings, summary: findings.every((f) => f.severity === "info") ? `${accounts} accounts over ${judged} companies, each id once.` : undefined };
  },
};

function pageSize(body: unknown, dataField: string): number {
  const data = body && typeof body === "object" ? (body as Record<string, unknown>)[dataField] : undefined;
  return Array.isArray(data) ? data.length : 0;
}

/** Which page holds the n-th record of a walk, and its index on that page. */
function locate(sizes: number[], n: number): { page: number; index: number } {
  let rest = n;
  for (let page = 0; page < sizes.length; page++) {
    if (rest < sizes[page]) return { page, index: rest };
    rest -= sizes[page];
  }
  return { page: 0, index: n };
}

/**
 * Two ids for one account: records with the same AccountNumber (not null), Name and AccountType.
 * A chart may repeat a name (sub-accounts called "Other" under two parents), but not a number
 * with the same name and type; a partner keeping a second id for the cash flow lists its accounts so.
 */
function sameAccountTwice(ctx: ProbeContext, checkId: string, op: Operation, company: string, records: readonly unknown[], idField: string, pages: readonly Exchange[]): Finding[] {
  const typeField = ctx.contract.profile.accounting.accountTypeField;
  const seen = new Map<string, { id: string; index: number }>();
  const pairs: { first: string; second: string; index: number; number: string }[] = [];
  records.forEach((r, index) => {
    if (!r || typeof r !== "object") return;
    const rec = r as Record<string, unknown>;
    const [id, number, name, type] = [rec[idField], rec.AccountNumber, rec.Name, rec[typeField]];
    if (typeof id !== "string" || typeof number !== "string" || number.trim() === "" || typeof name !== "string" || typeof type !== "string") return;
    const key = JSON.stringify([number.trim(), name.trim().toLowerCase(), type]);
    const before = seen.get(key);
    if (before === undefined) seen.set(key, { id, index });
    else if (before.id !== id) pairs.push({ first: before.id, second: id, index, number: number.trim() });
  });
  if (pairs.length === 0) return [];
  // The second record of the first pair, on the page that holds it.
  const { page, index } = locate(pages.map((p) => pageSize(p.response?.json, ctx.contract.profile.pagination.dataField)), pairs[0].index);
  return [
    makeFinding(ctx, {
      code: `${checkId}/same-account`,
      severity: "warn",
      message: `The chart of accounts of ${company} lists ${pairs.length} account${pairs.length === 1 ? "" : "s"} twice under different ids, with the same AccountNumber, Name and type: ${listSome(pairs.map((p) => `${p.first} and ${p.second} (number ${p.number})`), 4)}. An account on the balance sheet and on the cash flow appears once in the chart, under one id.`,
      rule: { ref: "reach:openapi#chart-of-accounts", text: "An account that is on the balance sheet and on the cash-flow statement appears only once in the chart of accounts." },
      fix: "List each account once, with one AccountId that every statement uses; if the two ids are really two accounts, give them their own numbers or names.",
      operation: op,
      company,
      pointer: `/${ctx.contract.profile.pagination.dataField}/${index}/${idField}`,
      exchange: pages[page] ?? pages[0],
      evidence: { expected: "one id per account", actual: listSome(pairs.map((p) => `${p.first} = ${p.second}`), 8) },
    }),
  ];
}
