/**
 * Judging one response against its operation: transport, status, content type, JSON, schema.
 * Issues that repeat in every record of a list are folded into one finding with a count.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { SchemaIssue } from "../../schema/types.js";
import type { ResponseSpec } from "../../spec/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { RULES, makeFinding, transportFinding } from "./findings.js";

export function escapePointer(seg: string): string {
  return seg.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The response object of the spec that applies to a status: exact, then `2XX` style, then `default`. */
export function responseFor(op: Operation, status: number): ResponseSpec | undefined {
  const exact = op.responses.find((r) => r.status === String(status));
  if (exact) return exact;
  const range = op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`);
  return range ?? op.responses.find((r) => r.status === "default");
}

export function isJsonMediaType(ct: string | undefined): boolean {
  return ct !== undefined && (ct === "application/json" || /^application\/[\w.+-]*\+json$/.test(ct));
}

function isHtml(ex: Exchange): boolean {
  const res = ex.response;
  if (!res) return false;
  return res.contentType === "text/html" || /^\s*<(!doctype|html)/i.test(res.text);
}

const OPERATION_TAG = (op: Operation) => (op.provenance === "modeled" ? " (a modeled part of the bundled spec)" : "");

/** Replace array indices by `*`, so one finding speaks for every record with the same problem. */
function shapeOf(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, "/*");
}

export interface ResponseCheck {
  findings: Finding[];
  /** True when the response is a 2xx JSON body that passed the schema (warnings allowed). */
  ok: boolean;
}

export interface ResponseCheckOptions {
  company?: string;
  /** Statuses that count as the expected answer. Default: 200. */
  expect?: number[];
  /** A 204 is tolerated with a warning (lists and statements with no data). */
  allow204?: boolean;
}

/**
 * Check a response to a valid request. Returns findings coded `<checkId>/<reason>`.
 */
export function checkDataResponse(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, opts: ResponseCheckOptions = {}): ResponseCheck {
  const company = opts.company;
  if (ex.error) return { findings: [transportFinding(ctx, checkId, ex, op, company)], ok: false };
  const res = ex.response!;
  const expect = opts.expect ?? [200];
  const base = { operation: op, company, exchange: ex };

  if (res.status === 204 && opts.allow204) {
    return {
      ok: true,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/no-content`,
          severity: "warn",
          message: `${op.method} ${op.path} answered 204 No Content; Reach accepts it, but an empty array in a 200 is what the checklist asks for.`,
          rule: RULES.noNull,
          fix: "Answer 200 with an empty Data array when there is no data.",
        }),
      ],
    };
  }
  if (!expect.includes(res.status)) {
    const html = isHtml(ex);
    return {
      ok: false,
      findings: [
        makeFinding(ctx, {
          ...base,
          code: `${checkId}/status`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${res.status}${html ? " with an HTML page" : ""} to a valid request with a valid token; expected ${expect.join(" or ")}.`,
          rule: RULES.status,
          fix:
            res.status === 401 || res.status === 403
              ? "Accept the access token Reach sends for this company on this operation."
              : res.status >= 500
                ? "Find the server error for this request in your logs; the operation must answer valid requests."
                : "Implement the operation as the spec describes and accept the parameters shown in the request.",
          evidence: { expected: expect.join(" or "), actual: String(res.status) },
        }),
      ],
    };
  }

  const findings: Finding[] = [];
  if (!isJsonMediaType(res.contentType)) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/content-type`,
        severity: "fail",
        message: `${op.method} ${op.path} answered with Content-Type ${res.contentType ?? "(none)"}; expected application/json.`,
        rule: RULES.json,
        fix: "Send `Content-Type: application/json` (charset utf-8) with every JSON response.",
        evidence: { expected: "application/json", actual: res.contentType ?? "(no Content-Type header)" },
      }),
    );
  }
  if (res.json === undefined) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/not-json`,
        severity: "fail",
        message: `${op.method} ${op.path} answered ${res.status} with a body that is not JSON${res.jsonError ? ` (${res.jsonError})` : res.text === "" ? " (empty body)" : ""}.`,
        rule: RULES.json,
        fix: "Return the response as a JSON document matching the spec.",
      }),
    );
    return { findings, ok: false };
  }

  const spec = responseFor(op, res.status);
  const mediaType = spec?.contentTypes.find((c) => isJsonMediaType(c)) ?? spec?.contentTypes[0];
  if (!spec || !spec.schema || !mediaType) {
    return { findings, ok: findings.length === 0 };
  }
  const specPointer = `${spec.specPointer}/content/${escapePointer(mediaType)}/schema`;
  const issues = ctx.validator.validate(spec.schema, res.json, { specPointer, maxIssues: 200 });
  findings.push(...schemaFindings(ctx, checkId, op, ex, issues, specPointer, company));
  return { findings, ok: !findings.some((f) => f.severity === "fail") };
}

/** Turn schema issues into findings, one per distinct (kind, shape of pointer). */
export function schemaFindings(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  ex: Exchange,
  issues: SchemaIssue[],
  specPointer: string,
  company?: string,
): Finding[] {
  const groups = new Map<string, SchemaIssue[]>();
  for (const issue of issues) {
    const key = `${issue.kind}|${shapeOf(issue.pointer)}`;
    const list = groups.get(key);
    if (list) list.push(issue);
    else groups.set(key, [issue]);
  }
  const out: Finding[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    const more = list.length > 1 ? ` (and at ${list.length - 1} more place${list.length > 2 ? "s" : ""} like it${list.length >= 200 ? ", at least" : ""})` : "";
    const unknown = first.kind === "unknown-field";
    const name = first.pointer.split("/").pop() ?? "";
    out.push(
      makeFinding(ctx, {
        code: `${checkId}/${first.kind}`,
        severity: first.severity,
        message: unknown
          ? `Field "${name}" is not in the spec's schema for ${op.method} ${op.path}${more}.`
          : `${first.message}${more}.`.replace(/\.\./g, "."),
        rule: unknown
          ? { ...RULES.fields, ref: `openapi:${first.schemaPointer || specPointer}` }
          : {
              ref: `openapi:${first.schemaPointer || specPointer}`,
              text: `The ${ex.response?.status ?? ""} response of ${op.method} ${op.path} must match its schema in the spec${OPERATION_TAG(op)}.`,
            },
        fix: unknown
          ? `Remove "${name}" from the response (Reach ignores it; run with --strict to treat it as a failure), or ask Reach to add it to the spec.`
          : `Return ${first.expected} at ${shapeOf(first.pointer) || "the top level"}; the schema is at ${first.schemaPointer || specPointer}.`,
        operation: op,
        company,
        pointer: first.pointer,
        exchange: ex,
        evidence: { expected: first.expected, actual: first.actual },
      }),
    );
  }
  return out;
}
