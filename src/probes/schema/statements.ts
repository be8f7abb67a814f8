import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { checkDataResponse } from "../support/response.js";
import { NO_COMPANY } from "../support/skips.js";

export const probe: Probe = {
  id: "schema.statements",
  family: "schema",
  step: 2,
  title: "Financial statements match the spec",
  description:
    "Requests each financial statement (profit and loss, balance sheet, cash flow) for each company over the last three months in every accounting basis, and validates the rows.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    if (ops.length === 0) return { findings: [], skip: "The spec has no statement operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const bases = ctx.contract.profile.parameters.accountingBases;
    const w = ctx.data.recentWindow();
    const all: Finding[][] = await Promise.all(
      ctx.companies.flatMap((company) =>
        ops.flatMap((op) =>
          bases.map(async (basis) => {
            const ex = await ctx.data.statement(op, company, { start: w.start, end: w.end, basis });
            return checkDataResponse(ctx, this.id, op, ex, { company, allow204: true }).findings;
          }),
        ),
      ),
    );
    const findings = all.flat();
    const n = ops.length * bases.length * ctx.companies.length;
    return { findings, summary: findings.length === 0 ? `${n} statement requests (${w.start} to ${w.end}, ${bases.join(" and ")}), all valid.` : undefined };
  },
};
