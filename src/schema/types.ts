import type { JsonSchema } from "../spec/types.js";

export type SchemaIssueKind =
  | "type"
  | "required"
  | "enum"
  | "format"
  | "range"
  | "pattern"
  | "null"
  | "unknown-field"
  | "other";

export interface SchemaIssue {
  kind: SchemaIssueKind;
  /** JSON pointer of the offending value in the validated document ("" for the root). */
  pointer: string;
  /** One readable sentence: what is wrong with the value. */
  message: string;
  /** What the schema expects, e.g. `integer`, `one of CASH, ACCRUAL`, `a date (YYYY-MM-DD)`. */
  expected: string;
  /** A short rendering of what came, e.g. `"12"` (string), `null`, `missing`. */
  actual: string;
  /** JSON pointer of the violated keyword inside the spec document when known, else inside the schema. */
  schemaPointer: string;
  /** `unknown-field` issues are warnings unless the run is strict; every other kind fails. */
  severity: "fail" | "warn";
}

export interface SchemaValidator {
  /**
   * Validate a value against a schema of the contract. `specPointer` says where the schema sits in
   * the spec (e.g. `#/paths/~1companies~1{CompanyId}/get/responses/200/content/application~1json/schema`)
   * and is used to cache the compiled schema and to name the rule in findings.
   * Returns at most `maxIssues` issues (default 50), ordered by pointer.
   */
  validate(schema: JsonSchema, value: unknown, opts: { specPointer: string; maxIssues?: number }): SchemaIssue[];
  /** Why a schema of the contract cannot be compiled, or undefined when it can (compiled and cached). */
  compileFailure(schema: JsonSchema, specPointer: string): string | undefined;
}
