import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY, noMetricsReason } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.non-financial",
  family: "schema",
  step: 2,
  title: "Non-financial metric values match the spec",
  description:
    "Posts a values request for each company's non-financial metrics over the last three months and validates the response.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    let posted = 0;
    const without: string[] = [];
    const all: Finding[][] = await Promise.all(
      ctx.companies.map(async (company) => {
        const body = await ctx.data.metricValuesBody(op, company);
        if (!body) {
          without.push(company);
          return [];
        }
        posted++;
        const ex = await ctx.data.metricValues(op, company, body);
        return checkDataResponse(ctx, this.id, op, ex, { company, allow204: true }).findings;
      }),
    );
    if (posted === 0) {
      ctx.data.noteNotExercised(op, "no company lists a non-financial metric, so there was nothing to request");
      return { findings: [], skip: await noMetricsReason(ctx, op, "there is nothing to request") };
    }
    const findings = all.flat();
    const note = without.length > 0 ? ` (no metrics defined for ${without.sort().join(", ")})` : "";
    return { findings, summary: findings.length === 0 ? `Valid for ${posted} compan${posted === 1 ? "y" : "ies"}${note}.` : undefined };
  },
};
