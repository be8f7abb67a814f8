import type { StatementQuery } from "../../engine/shared-data.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { queryParameter } from "../support/inputs.js";
import { coverageRanges, filterValues } from "../support/ranges.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.statement-filters",
  family: "schema",
  step: 2,
  title: "Financial statements match the spec with every filter and date range",
  description:
    "Requests each statement for each company in every accounting basis over twelve months, a single day and a range across a year boundary, and with each BudgetId, ClassId and DepartmentId the lists return (up to --sample-size of each), and validates every answer.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    if (ops.length === 0) return { findings: [], skip: "The spec has no statement operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const n = ctx.contract.profile.parameters;
    const bases = n.accountingBases;
    const w = ctx.data.recentWindow();
    const ranges = coverageRanges(ctx.now);
    const filterNames = [n.budgetId, n.classId, n.departmentId];
    const keyOf = { [n.budgetId]: "budgetId", [n.classId]: "classId", [n.departmentId]: "departmentId" } as const;
    let requests = 0;
    const filtersTried = new Map<string, number>();
    const perCompany: Finding[][] = await Promise.all(
      ctx.companies.map(async (company) => {
        const values = await filterValues(ctx, company, filterNames);
        const jobs: Promise<Finding[]>[] = [];
        for (const op of ops) {
          const queries: StatementQuery[] = [];
          for (const basis of bases) {
            for (const r of ranges) queries.push({ start: r.start, end: r.end, basis });
            for (const f of values) {
              if (!queryParameter(op, f.name)) continue;
              filtersTried.set(f.name, (filtersTried.get(f.name) ?? 0) + 1);
              queries.push({ start: w.start, end: w.end, basis, [keyOf[f.name]]: f.value });
            }
          }
          requests += queries.length;
          for (const q of queries) {
            jobs.push(ctx.data.statement(op, company, q).then((ex) => checkDataResponse(ctx, this.id, op, ex, { company, allow204: true }).findings));
          }
        }
        return foldFindings((await Promise.all(jobs)).flat(), "request");
      }),
    );
    const findings = perCompany.flat();
    const tried = [...filtersTried.keys()].join(", ") || "no filter (the lists are empty)";
    return {
      findings,
      summary:
        findings.length === 0
          ? `${requests} statement requests (${ranges.map((r) => r.label).join(", ")}; filtered by ${tried}; ${bases.join(" and ")}), all valid.`
          : `${requests} statement requests sent.`,
    };
  },
};
