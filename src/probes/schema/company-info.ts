import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.company-info",
  family: "schema",
  step: 2,
  title: "Company information matches the spec",
  description:
    "Validates the company information of every company (name, fiscal month end, currency): Reach aligns reporting periods and year-to-date figures on the fiscal month end.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "company-info");
    if (!op) return { findings: [], skip: "The spec has no company information operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const all: Finding[][] = await Promise.all(
      ctx.companies.map(async (company) => {
        const ex = await ctx.data.companyInfo(company);
        return ex ? checkDataResponse(ctx, this.id, op, ex, { company }).findings : [];
      }),
    );
    const findings = all.flat();
    return { findings, summary: findings.length === 0 ? `Valid for ${ctx.companies.length} compan${ctx.companies.length === 1 ? "y" : "ies"}.` : undefined };
  },
};
