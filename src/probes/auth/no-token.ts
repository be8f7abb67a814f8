import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { companyOperations, validRequest } from "../support/requests.js";
import { judgeRefusal } from "../support/unauthorized.js";

export const probe: Probe = {
  id: "auth.no-token",
  family: "auth",
  step: 2,
  title: "Requests without a token are refused",
  description:
    "Sends a valid request for every secured operation without an Authorization header. Each must get 401 or 403 with a JSON error body: never data, never an HTML login page.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    return refusalRun(ctx, this.id, "none", "without a token");
  },
};

export async function refusalRun(
  ctx: Parameters<Probe["run"]>[0],
  checkId: string,
  auth: "none" | { bearer: string; public?: boolean },
  what: string,
): Promise<{ findings: Finding[]; skip?: string; summary?: string }> {
  const company = ctx.companies[0];
  const ops = ctx.contract.operations.filter((o) => o.secured);
  if (ops.length === 0) return { findings: [], skip: "The spec declares no secured operation." };
  const findings: Finding[] = [];
  let tried = 0;
  const needCompany = new Set(companyOperations(ctx).map((o) => o.key));
  const results = await Promise.all(
    ops.map(async (op) => {
      if (needCompany.has(op.key) && company === undefined) return [];
      const req = await validRequest(ctx, op, company ?? "");
      if (!req) return [];
      tried++;
      const ex = await ctx.http.send({ ...req, auth });
      return judgeRefusal(ctx, checkId, op, ex, what, needCompany.has(op.key) ? company : undefined);
    }),
  );
  for (const r of results) findings.push(...r);
  if (tried === 0) return { findings, skip: "No company to build requests with (see schema.user-info, or pass --company)." };
  return { findings, summary: findings.length === 0 ? `All ${tried} secured operations refused the request with a JSON error.` : undefined };
}
