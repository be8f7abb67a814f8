import { readFile } from "node:fs/promises";
import { SpecError } from "./errors.js";
import type { OperationProfile, OperationRole, Profile } from "./types.js";

const ROLES: readonly OperationRole[] = [
  "discovery",
  "authorize",
  "token",
  "user-info",
  "company-info",
  "list",
  "statement",
  "metric-values",
  "unknown",
];
const STATEMENTS = ["profit-and-loss", "balance-sheet", "cash-flow"] as const;
const PERIOD_KINDS = ["movement", "balance"] as const;
const OPERATION_KEY = /^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) \/\S*$/;

const STRING_FIELDS = [
  "idField",
  "parentField",
  "feedsParameter",
  "companiesPointer",
  "companyIdField",
  "rowIdField",
  "periodField",
  "amountField",
  "idsFrom",
  "bodyIdsField",
] as const;

/** Read and check a profile file (JSON). `label` names it in error messages. */
export async function readProfile(path: string, label = path): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new SpecError(`${label}: cannot read profile (${describeFsError(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SpecError(`${label}: profile is not valid JSON (${(err as Error).message})`);
  }
  return checkProfile(data, label);
}

/**
 * Check the shape of a parsed profile so that probes can trust it without re-checking. The checks
 * are structural only: whether each key matches an operation of a given spec is the caller's
 * business (a user's spec may lack operations the profile knows).
 */
export function checkProfile(data: unknown, label: string): Profile {
  const fail = (where: string, what: string): never => {
    throw new SpecError(`${label}: invalid profile at ${where}: ${what}`);
  };
  const root = asObject(data) ?? fail("/", "expected an object");
  if (typeof root.specVersion !== "string" || root.specVersion === "") fail("/specVersion", "expected a version string");

  const pagination = asObject(root.pagination) ?? fail("/pagination", "expected an object");
  for (const key of ["offsetParam", "limitParam", "dataField", "paginationField", "totalField"]) {
    if (typeof pagination[key] !== "string") fail(`/pagination/${key}`, "expected a string");
  }
  for (const key of ["defaultOffset", "defaultLimit", "minLimit", "maxLimit"]) {
    if (!Number.isInteger(pagination[key])) fail(`/pagination/${key}`, "expected an integer");
  }

  if (typeof root.errorSchemaRef !== "string") fail("/errorSchemaRef", "expected a string");

  const accounting = asObject(root.accounting) ?? fail("/accounting", "expected an object");
  if (typeof accounting.accountTypeField !== "string") fail("/accounting/accountTypeField", "expected a string");
  for (const key of ["debitNormal", "creditNormal"]) {
    if (!isStringArray(accounting[key])) fail(`/accounting/${key}`, "expected an array of strings");
  }

  const parameters = asObject(root.parameters) ?? fail("/parameters", "expected an object");
  for (const key of ["startDate", "endDate", "accountingBasis", "budgetId", "classId", "departmentId"]) {
    if (typeof parameters[key] !== "string") fail(`/parameters/${key}`, "expected a string");
  }
  if (!isStringArray(parameters.accountingBases)) fail("/parameters/accountingBases", "expected an array of strings");

  const operations = asObject(root.operations) ?? fail("/operations", "expected an object");
  for (const [key, value] of Object.entries(operations)) {
    const where = `/operations/${key}`;
    if (!OPERATION_KEY.test(key)) fail(where, 'key must look like "GET /path"');
    checkOperationProfile(value, (what) => fail(where, what));
  }
  return root as unknown as Profile;
}

function checkOperationProfile(value: unknown, fail: (what: string) => never): asserts value is OperationProfile {
  const op = asObject(value) ?? fail("expected an object");
  if (!ROLES.includes(op.role as OperationRole)) fail(`role must be one of ${ROLES.join(", ")}`);
  if (typeof op.name !== "string" || op.name === "") fail("name must be a non-empty string");
  for (const key of STRING_FIELDS) {
    if (op[key] !== undefined && typeof op[key] !== "string") fail(`${key} must be a string`);
  }
  if (op.statement !== undefined && !STATEMENTS.includes(op.statement as (typeof STATEMENTS)[number])) {
    fail(`statement must be one of ${STATEMENTS.join(", ")}`);
  }
  if (op.periodKind !== undefined && !PERIOD_KINDS.includes(op.periodKind as (typeof PERIOD_KINDS)[number])) {
    fail(`periodKind must be one of ${PERIOD_KINDS.join(", ")}`);
  }
  if (op.accountTypes !== undefined && !isStringArray(op.accountTypes)) fail("accountTypes must be an array of strings");
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "file not found";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return code ?? (err as Error)?.message ?? String(err);
}
