/**
 * Valid requests for any operation of the contract, built from the spec and the profile, so the
 * auth probes can replay them with a missing or wrong token.
 */
import type { HttpRequest } from "../../http/types.js";
import { operationPath } from "../../engine/shared-data.js";
import type { Operation, ProbeContext } from "../types.js";

/** A value for a required query parameter that the profile does not name: default, enum, example. */
function guess(schema: Record<string, unknown> | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.default !== undefined) return String(schema.default);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return String(schema.enum[0]);
  if (schema.example !== undefined) return String(schema.example);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return String(schema.examples[0]);
  return undefined;
}

export async function validRequest(ctx: ProbeContext, op: Operation, company: string): Promise<HttpRequest | undefined> {
  const names = ctx.contract.profile.parameters;
  const window = ctx.data.recentWindow();
  const query: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in !== "query" || !p.required) continue;
    if (p.name === names.startDate) query[p.name] = window.start;
    else if (p.name === names.endDate) query[p.name] = window.end;
    else if (p.name === names.accountingBasis) query[p.name] = names.accountingBases[names.accountingBases.length - 1] ?? "ACCRUAL";
    else {
      const v = guess(p.schema);
      if (v === undefined) return undefined;
      query[p.name] = v;
    }
  }
  const req: HttpRequest = { method: op.method.toUpperCase() as HttpRequest["method"], path: operationPath(op, company), query, operation: op };
  if (op.requestBody) {
    if (op.profile.role === "metric-values") {
      const body = await ctx.data.metricValuesBody(op, company);
      req.body = {
        json: body ?? { [op.profile.bodyIdsField ?? "NonFinancialIds"]: ["reach-check-probe"], [names.startDate]: window.start, [names.endDate]: window.end },
      };
    } else if (op.requestBody.contentType === "application/json") {
      req.body = { json: {} };
    } else {
      return undefined;
    }
  }
  return req;
}

/** Operations a probe exercises with a company: data operations whose path takes the company id. */
export function companyOperations(ctx: ProbeContext): Operation[] {
  return ctx.contract.operations.filter((o) => o.path.includes("{CompanyId}"));
}
