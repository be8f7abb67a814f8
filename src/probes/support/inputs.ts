/**
 * Building deliberately bad requests from the spec: the parameter and body schemas say what is
 * valid, so the bad values are chosen just outside (a limit one above the maximum, a value not in
 * the enum). Each starts from a valid request so that only one thing is wrong with it.
 */
import type { HttpRequest } from "../../http/types.js";
import type { JsonSchema } from "../../spec/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { validRequest } from "./requests.js";

/** Follow `$ref`s (and a lone `allOf` member) to the schema that says something. */
export function deref(ctx: ProbeContext, schema: JsonSchema | undefined): JsonSchema | undefined {
  let cur = schema;
  for (let i = 0; i < 10 && cur; i++) {
    if (typeof cur.$ref === "string") cur = ctx.contract.resolve(cur.$ref) as JsonSchema | undefined;
    else if (Array.isArray(cur.allOf) && cur.allOf.length === 1 && Object.keys(cur).length === 1) cur = cur.allOf[0] as JsonSchema;
    else return cur;
  }
  return cur;
}

/** The member names of an operation's JSON request body, from its schema (none when it has no body). */
export function bodyFields(ctx: ProbeContext, op: Operation): string[] {
  const props = deref(ctx, op.requestBody?.schema)?.properties;
  return props && typeof props === "object" ? Object.keys(props) : [];
}

export function queryParameter(op: Operation, name: string) {
  return op.parameters.find((p) => p.in === "query" && p.name === name);
}

export function parameterSchema(ctx: ProbeContext, op: Operation, name: string): JsonSchema | undefined {
  return deref(ctx, queryParameter(op, name)?.schema);
}

/** The first company, where the bad-input checks send their requests (input checking is the same code for every company). */
export function firstCompany(ctx: ProbeContext): string | undefined {
  return ctx.companies[0];
}

/** A valid request of an operation for a company, to be spoiled in one place. */
export async function baseRequest(ctx: ProbeContext, op: Operation, company: string): Promise<HttpRequest | undefined> {
  return validRequest(ctx, op, company);
}

/**
 * A company and a valid body for the metric-values operation: the first company that lists a
 * metric, so that the only thing wrong with a spoiled body is what the check spoils.
 */
export async function metricValuesBase(ctx: ProbeContext, op: Operation): Promise<{ company: string; body: Record<string, unknown> } | undefined> {
  for (const company of ctx.companies) {
    const body = await ctx.data.metricValuesBody(op, company, 5);
    if (body) return { company, body };
  }
  return undefined;
}

/** The request with query parameters replaced (undefined removes one). */
export function withQuery(req: HttpRequest, changes: Record<string, string | number | undefined>): HttpRequest {
  const query: Record<string, string | number | undefined> = { ...(req.query ?? {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete query[k];
    else query[k] = v;
  }
  return { ...req, query };
}

export function withJsonBody(req: HttpRequest, body: Record<string, unknown>): HttpRequest {
  return { ...req, body: { json: body } };
}

/** Integer bounds of a parameter from its schema, falling back to the given ones. */
export function integerBounds(schema: JsonSchema | undefined, fallback: { min?: number; max?: number }): { min?: number; max?: number } {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  let min = num(schema?.minimum) ?? fallback.min;
  let max = num(schema?.maximum) ?? fallback.max;
  // 3.1 numeric exclusive bounds, 3.0 boolean ones
  const exMin = schema?.exclusiveMinimum;
  const exMax = schema?.exclusiveMaximum;
  if (typeof exMin === "number") min = exMin + 1;
  else if (exMin === true && min !== undefined) min = min + 1;
  if (typeof exMax === "number") max = exMax - 1;
  else if (exMax === true && max !== undefined) max = max - 1;
  return { min, max };
}
