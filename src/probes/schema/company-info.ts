import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { atPointer, makeFinding } from "../support/findings.js";
import { checkDataResponse } from "../support/response.js";
import { emptyNameFinding } from "../support/empty-names.js";
import { NO_COMPANY } from "../support/skips.js";

/** The modeled name field of company information and of user-info's company entries. */
const NAME_FIELD = "CompanyName";

const fieldOf = (value: unknown, field: string): unknown =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[field] : undefined;

export const probe: Probe = {
  id: "schema.company-info",
  family: "schema",
  step: 2,
  title: "Company information matches the spec",
  description:
    "Validates the company information of every company (name, fiscal month end, currency): Reach aligns reporting periods and year-to-date figures on the fiscal month end. The record must be the company asked for: its CompanyId is the one in the path, and its name is the one user-info lists.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "company-info");
    if (!op) return { findings: [], skip: "The spec has no company information operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const listed = await listedNames(ctx);
    const all: Finding[][] = await Promise.all(
      ctx.companies.map(async (company) => {
        const ex = await ctx.data.companyInfo(company);
        if (!ex) return [];
        const checked = checkDataResponse(ctx, this.id, op, ex, { company });
        const empty = checked.ok ? emptyNameFinding(ctx, this.id, op, [ex], company) : undefined;
        return [...checked.findings, ...identity(ctx, this.id, op, ex, company, listed), ...(empty ? [empty] : [])];
      }),
    );
    const findings = all.flat();
    return { findings, summary: findings.length === 0 ? `Valid for ${ctx.companies.length} compan${ctx.companies.length === 1 ? "y" : "ies"}.` : undefined };
  },
};

/** The id field the profile gives companies (user-info's entries), CompanyId by default. */
function idField(ctx: ProbeContext): string {
  return ctx.contract.operations.find((o) => o.profile.role === "user-info")?.profile.companyIdField ?? "CompanyId";
}

/** Company id -> the name user-info lists for it (the run has read user-info already to find the companies). */
async function listedNames(ctx: ProbeContext): Promise<{ names: Map<string, string>; op?: Operation; ex?: Exchange }> {
  const op = ctx.contract.operations.find((o) => o.profile.role === "user-info");
  const names = new Map<string, string>();
  if (!op?.profile.companiesPointer) return { names };
  const ex = await ctx.data.userInfo();
  const list = ex?.response?.status === 200 ? atPointer(ex.response.json, op.profile.companiesPointer) : undefined;
  if (!Array.isArray(list)) return { names };
  const field = idField(ctx);
  for (const entry of list) {
    const id = fieldOf(entry, field);
    const name = fieldOf(entry, NAME_FIELD);
    if (typeof id === "string" && typeof name === "string" && !names.has(id)) names.set(id, name);
  }
  return { names, op, ex };
}

/** The record must describe the company of the path: its id (a failure) and, more loosely, its name (a warning). */
function identity(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  ex: Exchange,
  company: string,
  listed: { names: Map<string, string>; op?: Operation },
): Finding[] {
  const res = ex.response;
  if (res?.status !== 200) return [];
  const field = idField(ctx);
  const id = fieldOf(res.json, field);
  if (typeof id === "string" && id !== company) {
    return [
      makeFinding(ctx, {
        code: `${checkId}/other-company`,
        severity: "fail",
        message: `${op.method} ${op.path} for ${company} answered the record of another company: ${field} is "${id}".`,
        rule: {
          ref: "spec-model:company-info",
          text: "GET /companies/{CompanyId} answers {CompanyId, CompanyName, FiscalMonthEnd, Currency} of the company the path names; Reach files the fiscal month end and currency under that CompanyId.",
        },
        fix: `Look the company up by the {CompanyId} of the path and return its own record (a cache or session keyed by user instead of by company is the usual cause).`,
        operation: op,
        company,
        pointer: `/${field}`,
        exchange: ex,
        evidence: { expected: `${field} "${company}"`, actual: `${field} "${id}"` },
      }),
    ];
  }
  const name = fieldOf(res.json, NAME_FIELD);
  const listedName = listed.names.get(company);
  if (typeof name === "string" && listedName !== undefined && name !== listedName) {
    // The name user-info gives another company: another company's record under this id.
    const other = [...listed.names].find(([id, n]) => id !== company && n === name)?.[0];
    return [
      makeFinding(ctx, {
        code: `${checkId}/name-differs`,
        severity: other !== undefined ? "fail" : "warn",
        message: `${op.method} ${op.path} for ${company} names the company "${name}", but ${listed.op?.method ?? "GET"} ${listed.op?.path ?? "user-info"} lists it as "${listedName}".${
          other !== undefined ? ` "${name}" is the name user-info gives ${other}: this answer holds (at least part of) another company's record.` : ""
        }`,
        rule: {
          ref: "spec-model:company-info",
          text: "Company information and user-info's company list describe the same company by CompanyId and CompanyName.",
        },
        fix:
          other !== undefined
            ? `Look the company up by the {CompanyId} of the path and return its own record, name included (a join or cache that mixes ${company} with ${other} is the usual cause).`
            : "Serve both names from the same record. If the company was just renamed this settles by itself; otherwise one of the two answers reads another company or a stale copy.",
        operation: op,
        company,
        pointer: `/${NAME_FIELD}`,
        exchange: ex,
        evidence: { expected: `${NAME_FIELD} "${listedName}" (as user-info lists it)`, actual: `${NAME_FIELD} "${name}"` },
      }),
    ];
  }
  return [];
}
