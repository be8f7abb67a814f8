/**
 * The body of an error answer: JSON, never HTML, in Reach's `{errors: [...]}` envelope. Shared by
 * the checks that expect a refusal (missing or wrong token, bad input).
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { RULES, makeFinding } from "./findings.js";
import { isJsonMediaType, schemaFindings } from "./response.js";

/** Reach's error envelope as its pages show it, for a spec that declares no error schema. */
const OBSERVED_ENVELOPE = {
  type: "object",
  required: ["errors"],
  properties: {
    errors: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["error", "message"],
        properties: { error: { type: "string" }, message: { type: "string" }, level: { type: "integer", minimum: 1, maximum: 10 } },
      },
    },
  },
};

export function isHtml(ex: Exchange): boolean {
  const res = ex.response;
  if (!res) return false;
  return res.contentType === "text/html" || /^\s*<(!doctype|html)/i.test(res.text);
}

/**
 * Whether a parsed body is an error in the spec's envelope (Reach's observed one when the spec
 * declares none): what a refusal sent with a success status still carries.
 */
export function isErrorEnvelope(ctx: ProbeContext, json: unknown): boolean {
  if (json === undefined) return false;
  return ctx.validator.validate(ctx.contract.errorSchema ?? OBSERVED_ENVELOPE, json, { specPointer: "" }).filter((i) => i.kind !== "unknown-field").length === 0;
}

/** The fix for a refusal sent with a 2xx status and an error body, and the evidence that shows it. */
export function successRefusal(status: number, statuses: string): { fix: string; actual: string } {
  return { fix: `Send that refusal with status ${statuses}, keeping the error body: never an error with ${status}.`, actual: `${status} with an error body` };
}

/**
 * Findings about an error body: `<checkId>/html` or `/not-json` when it is not JSON, and
 * `/error-envelope` for each way it misses the envelope. `what` completes "a request …".
 */
export function judgeErrorBody(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  ex: Exchange,
  what: string,
  company: string | undefined,
  example: string,
): Finding[] {
  const res = ex.response!;
  const findings: Finding[] = [];
  const html = isHtml(ex);
  const base = { operation: op, company, exchange: ex };
  if (html || !isJsonMediaType(res.contentType) || res.json === undefined) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/${html ? "html" : "not-json"}`,
        severity: "fail",
        message: `${op.method} ${op.path} refused a request ${what} with ${res.status}, but the body is ${html ? "an HTML page" : res.json === undefined ? "not JSON" : `JSON sent as ${res.contentType ?? "no content type"}`}.`,
        rule: { ref: RULES.envelope.ref, text: "Errors are JSON in the {errors: [{error, message, level?}]} envelope, never HTML." },
        fix: `Send errors as application/json: {"errors": [{"error": "${example}", "message": "…"}]}; never an HTML page.`,
        evidence: { expected: "application/json error envelope", actual: res.contentType ?? "(no Content-Type)" },
      }),
    );
  }
  // Reach's envelope is observed (REACH_API_FACTS): a document that declares none is judged by it.
  const schema = ctx.contract.errorSchema ?? OBSERVED_ENVELOPE;
  if (res.json !== undefined) {
    const specPointer = ctx.contract.errorSchema ? (ctx.contract.errorSchemaPointer ?? ctx.contract.profile.errorSchemaRef) : "reach:error-handling#error-envelope";
    const issues = ctx.validator.validate(schema, res.json, { specPointer }).filter((i) => i.kind !== "unknown-field");
    for (const f of schemaFindings(ctx, checkId, op, ex, issues, specPointer, company)) {
      findings.push({
        ...f,
        code: `${checkId}/error-envelope`,
        message: `The ${res.status} answer to a request ${what} is not in Reach's error envelope: ${f.message}`,
        rule: RULES.envelope,
        fix: `Wrap errors as {"errors": [{"error": "${example}", "message": "…", "level": 6}]}, even a single one.`,
      });
    }
  }
  return findings;
}
