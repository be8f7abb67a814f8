/**
 * JSON Schema (draft 2020-12) of the JSON report, version 1. It is published with the tool so that
 * CI pipelines and Reach reviewers can validate a report they were handed without reading our code.
 * It must match src/report/types.ts exactly; test/unit/report checks the two against each other.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default;

const CHECK_STATUSES = ["pass", "warn", "fail", "skip", "error", "accepted"] as const;
const SEVERITIES = ["fail", "warn", "info"] as const;
const VERDICTS = ["ready", "ready-with-warnings", "not-ready"] as const;
const STEPS = [2, 3, 4] as const;

const nonEmptyString = { type: "string", minLength: 1 } as const;
const count = { type: "integer", minimum: 0 } as const;
const milliseconds = { type: "number", minimum: 0 } as const;
/** An object of counts under fixed names, all required and nothing else. */
const countsOf = <N extends string>(description: string, names: readonly N[]) =>
  ({ type: "object", description, additionalProperties: false, required: names, properties: Object.fromEntries(names.map((n) => [n, count])) }) as const;

export const reportSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:reach-check:report:v1",
  title: "reach-check report, version 1",
  description: "The readiness report reach-check produces for a partner implementation of the Reach API.",
  type: "object",
  additionalProperties: false,
  required: ["reportVersion", "tool", "spec", "target", "startedAt", "durationMs", "verdict", "steps", "checks", "stats", "coverage"],
  properties: {
    reportVersion: { const: 1, description: "Changes whenever a field changes meaning." },
    tool: {
      type: "object",
      additionalProperties: false,
      required: ["name", "version"],
      properties: { name: nonEmptyString, version: nonEmptyString },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      required: ["version", "source", "sha256", "modeledOperations"],
      properties: {
        version: { ...nonEmptyString, description: "Version of the Reach spec the run judged against." },
        source: { ...nonEmptyString, description: "`bundled`, or the file or URL given with --spec." },
        sha256: { type: "string", pattern: "^[0-9a-f]{64}$", description: "Hex SHA-256 of the spec document." },
        modeledOperations: {
          type: "array",
          description: "Operations marked `x-reach-provenance: modeled` that the run relied on, as `METHOD /path`.",
          items: nonEmptyString,
        },
      },
    },
    target: {
      type: "object",
      additionalProperties: false,
      required: ["baseUrl", "companies"],
      properties: {
        baseUrl: { type: "string", format: "uri" },
        companies: { type: "array", items: nonEmptyString },
      },
    },
    startedAt: { type: "string", format: "date-time" },
    durationMs: milliseconds,
    verdict: { $ref: "#/$defs/verdict" },
    steps: { type: "array", items: { $ref: "#/$defs/stepResult" } },
    checks: { type: "array", items: { $ref: "#/$defs/checkResult" } },
    stats: {
      type: "object",
      additionalProperties: false,
      required: ["requests", "statuses"],
      properties: {
        requests: count,
        statuses: {
          type: "object",
          description: "Responses per status class (`2xx`, `4xx` ...) and transport errors (`error`).",
          additionalProperties: count,
        },
        notSent: countsOf(
          "Requests the checks asked for that reach-check did not send, by the bound that stopped them: the request budget (--max-requests) or the run's deadline (--deadline). Absent when none.",
          ["budget", "deadline"],
        ),
        tokenRenewals: countsOf(
          "The run's token was refused with 401 and renewed with the refresh token (REACH_CLIENT_ID, REACH_CLIENT_SECRET, REACH_REFRESH_TOKEN), as Reach renews an expired token: renewals that gave a token and those that did not. Absent when none was tried.",
          ["renewed", "failed"],
        ),
      },
    },
    coverage: {
      type: "object",
      additionalProperties: false,
      required: ["total", "exercised", "operations"],
      description: "Operations of the spec exercised with a valid request, and why the others were not.",
      properties: {
        total: count,
        exercised: count,
        operations: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["operation", "exercised", "requests"],
            properties: {
              operation: { ...nonEmptyString, description: "`METHOD /path` as in the spec." },
              exercised: { type: "boolean" },
              requests: count,
              reason: nonEmptyString,
            },
          },
        },
      },
    },
    rehearsal: {
      type: "object",
      additionalProperties: false,
      required: ["companies", "concurrency", "requests", "durationMs", "statuses", "retries", "operations"],
      description: "Figures of the nightly-sync rehearsal.",
      properties: {
        companies: { type: "array", items: nonEmptyString },
        concurrency: count,
        requests: count,
        durationMs: milliseconds,
        statuses: { type: "object", additionalProperties: count },
        retries: count,
        operations: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["operation", "count", "p50Ms", "p95Ms", "maxMs", "statuses"],
            properties: {
              operation: nonEmptyString,
              count,
              p50Ms: milliseconds,
              p95Ms: milliseconds,
              maxMs: milliseconds,
              statuses: { type: "object", additionalProperties: count },
            },
          },
        },
      },
    },
    allowlist: {
      type: "object",
      additionalProperties: false,
      required: ["source", "entries"],
      description: "The allowlist of known failures the run was judged with (`--allowlist`).",
      properties: {
        source: nonEmptyString,
        entries: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["check", "reason", "expires", "state", "matched"],
            properties: {
              check: nonEmptyString,
              operation: nonEmptyString,
              reason: nonEmptyString,
              expires: { type: "string", format: "date" },
              state: { enum: ["applied", "unused", "expired"] },
              matched: count,
            },
          },
        },
      },
    },
    integrity: {
      type: "object",
      additionalProperties: false,
      required: ["algorithm", "digest"],
      description:
        "SHA-256 of the canonical JSON: the compact JSON report (keys in report order) without this field, UTF-8. `reach-check verify` recomputes it.",
      properties: {
        algorithm: { const: "sha256" },
        digest: { type: "string", pattern: "^[0-9a-f]{64}$" },
      },
    },
  },
  $defs: {
    verdict: { enum: VERDICTS },
    step: { enum: STEPS, description: "Reach onboarding step: 2 implement, 3 provide access, 4 integration testing." },
    checkStatus: { enum: CHECK_STATUSES },
    stepResult: {
      type: "object",
      additionalProperties: false,
      required: ["step", "title", "verdict", "counts"],
      properties: {
        step: { $ref: "#/$defs/step" },
        title: nonEmptyString,
        verdict: { $ref: "#/$defs/verdict" },
        counts: {
          type: "object",
          additionalProperties: false,
          required: [...CHECK_STATUSES],
          properties: Object.fromEntries(CHECK_STATUSES.map((st) => [st, count])),
        },
      },
    },
    checkResult: {
      type: "object",
      additionalProperties: false,
      required: ["id", "family", "step", "title", "status", "summary", "findings", "durationMs", "requests"],
      properties: {
        id: { ...nonEmptyString, description: "`<family>.<name>`." },
        family: nonEmptyString,
        step: { $ref: "#/$defs/step" },
        title: nonEmptyString,
        status: { $ref: "#/$defs/checkStatus" },
        summary: { type: "string" },
        findings: { type: "array", items: { $ref: "#/$defs/finding" } },
        durationMs: milliseconds,
        requests: count,
      },
    },
    finding: {
      type: "object",
      additionalProperties: false,
      required: ["code", "severity", "message", "rule", "fix"],
      properties: {
        code: { ...nonEmptyString, description: "Stable code `<check id>/<reason>`." },
        severity: { enum: SEVERITIES },
        message: nonEmptyString,
        operation: {
          type: "object",
          additionalProperties: false,
          required: ["method", "path"],
          properties: { method: nonEmptyString, path: { type: "string", pattern: "^/" } },
        },
        company: nonEmptyString,
        pointer: { type: "string", format: "json-pointer" },
        evidence: { $ref: "#/$defs/evidence" },
        rule: {
          type: "object",
          additionalProperties: false,
          required: ["ref", "text"],
          properties: { ref: nonEmptyString, text: { type: "string" } },
        },
        fix: { type: "string" },
        curl: nonEmptyString,
        accepted: {
          type: "object",
          additionalProperties: false,
          required: ["reason", "expires"],
          description: "The allowlist entry that accepted this finding; it no longer counts against the verdict.",
          properties: { reason: nonEmptyString, expires: { type: "string", format: "date" } },
        },
      },
    },
    evidence: {
      type: "object",
      additionalProperties: false,
      properties: {
        request: { type: "string", description: "Path and query as sent, without the host." },
        status: { type: "integer", minimum: 100, maximum: 599 },
        headers: { type: "object", additionalProperties: { type: "string" } },
        bodyExcerpt: { type: "string" },
        expected: { type: "string" },
        actual: { type: "string" },
        durationMs: milliseconds,
      },
    },
  },
} as const;

let compiled: ValidateFunction | undefined;

/** Compiling costs a few milliseconds, so it happens on first use and only once. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    compiled = ajv.compile(reportSchema as unknown as Record<string, unknown>);
  }
  return compiled;
}

/** Problems that make `value` not a valid report v1, one readable line each; empty when valid. */
export function validateReport(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  const problems = (validate.errors ?? []).map(describe);
  return [...new Set(problems)];
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === "" ? "report" : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `${at}: missing required property "${String(params.missingProperty)}"`;
    case "additionalProperties":
      return `${at}: unknown property "${String(params.additionalProperty)}"`;
    case "enum":
      return `${at}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `${at}: must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${at}: ${error.message ?? `fails ${error.keyword}`}`;
  }
}
