import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { bodyFields as bodyFieldsOf } from "../support/inputs.js";
import { coverageRanges, filterValues } from "../support/ranges.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY, noMetricsReason } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.non-financial-filters",
  family: "schema",
  step: 2,
  title: "Non-financial values match the spec with every filter and date range",
  description:
    "Posts the non-financial values query for each company's metrics over twelve months, a single day and a range across a year boundary, and with each BudgetId and ClassId the lists return (up to --sample-size of each), and validates every answer.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const n = ctx.contract.profile.parameters;
    const bodyFields = bodyFieldsOf(ctx, op);
    // Only the filters the body schema has (the observed body has BudgetId and ClassId, no DepartmentId).
    const filterNames = [n.budgetId, n.classId, n.departmentId].filter((f) => bodyFields.includes(f));
    const ranges = coverageRanges(ctx.now);
    let requests = 0;
    let companies = 0;
    const perCompany: Finding[][] = await Promise.all(
      ctx.companies.map(async (company) => {
        const body = await ctx.data.metricValuesBody(op, company);
        if (!body) return [];
        companies++;
        const bodies: Record<string, unknown>[] = [
          ...ranges.map((r) => ({ ...body, [n.startDate]: r.start, [n.endDate]: r.end })),
          ...(await filterValues(ctx, company, filterNames)).map((f) => ({ ...body, [f.name]: f.value })),
        ];
        requests += bodies.length;
        const found = await Promise.all(
          bodies.map(async (b) => checkDataResponse(ctx, this.id, op, await ctx.data.metricValues(op, company, b), { company, allow204: true }).findings),
        );
        return foldFindings(found.flat(), "request");
      }),
    );
    if (companies === 0) return { findings: [], skip: await noMetricsReason(ctx, op, "there is nothing to request") };
    const findings = perCompany.flat();
    return {
      findings,
      summary:
        findings.length === 0
          ? `${requests} values requests for ${companies} compan${companies === 1 ? "y" : "ies"} (${ranges.map((r) => r.label).join(", ")}; filtered by ${filterNames.join(", ") || "nothing"}), all valid.`
          : `${requests} values requests sent.`,
    };
  },
};
