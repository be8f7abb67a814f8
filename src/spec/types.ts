/** A JSON Schema object as found in the spec (OpenAPI 3.0 or 3.1 dialect). */
export type JsonSchema = Record<string, unknown>;

export type OperationRole =
  | "discovery"
  | "authorize"
  | "token"
  | "user-info"
  | "company-info"
  | "list"
  | "statement"
  | "metric-values"
  | "unknown";

export type Provenance = "observed" | "modeled" | "unknown";

/**
 * What reach-check needs to know about one operation beyond plain OpenAPI. Lives in
 * `specs/reach-api/<version>/profile.json`, keyed by `METHOD /path`.
 */
export interface OperationProfile {
  role: OperationRole;
  /** Short human name, e.g. "chart of accounts". */
  name: string;
  /** Lists: the id field of each record (e.g. `AccountId`). */
  idField?: string;
  /** Lists: the field referring to a parent record of the same list (hierarchies). */
  parentField?: string;
  /** Lists whose ids feed a parameter of statements or metric values, e.g. `BudgetId`. */
  feedsParameter?: string;
  /** User-info: JSON pointer of the array of companies and the id field in each item. */
  companiesPointer?: string;
  companyIdField?: string;
  /** Statements. */
  statement?: "profit-and-loss" | "balance-sheet" | "cash-flow";
  /** Account types whose rows belong on this statement (empty: any type). */
  accountTypes?: string[];
  /** `movement`: a row is the month's change; `balance`: a month-end balance. */
  periodKind?: "movement" | "balance";
  /** Statement and metric-value rows: the record id, period and number fields. */
  rowIdField?: string;
  periodField?: string;
  amountField?: string;
  /** Metric values: the list operation whose ids go in the body, and the body field. */
  idsFrom?: string;
  bodyIdsField?: string;
}

export interface Profile {
  specVersion: string;
  /** Pagination conventions of list operations (observed on chart-of-accounts). */
  pagination: {
    offsetParam: string;
    limitParam: string;
    defaultOffset: number;
    defaultLimit: number;
    minLimit: number;
    maxLimit: number;
    dataField: string;
    paginationField: string;
    totalField: string;
  };
  /** Ref of the Reach error envelope schema in the spec, e.g. `#/components/schemas/ErrorResponse`. */
  errorSchemaRef: string;
  /** Chart-of-accounts facts used by accuracy checks. */
  accounting: {
    accountTypeField: string;
    debitNormal: string[];
    creditNormal: string[];
  };
  /** Query/body parameter names shared by statements and metric values. */
  parameters: {
    startDate: string;
    endDate: string;
    accountingBasis: string;
    accountingBases: string[];
    budgetId: string;
    classId: string;
    departmentId: string;
  };
  operations: Record<string, OperationProfile>;
}

export interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema?: JsonSchema;
}

export interface ResponseSpec {
  /** `200`, `4XX`, `default` ... as written in the spec. */
  status: string;
  /** Media types declared for the response, e.g. `application/json`. */
  contentTypes: string[];
  schema?: JsonSchema;
  /** JSON pointer of this response object in the spec document, e.g. `#/paths/~1x/get/responses/200`. */
  specPointer: string;
}

export interface Operation {
  /** `GET /companies/{CompanyId}/budgets` */
  key: string;
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  tags: string[];
  provenance: Provenance;
  /** True when the operation has a non-empty security requirement (its own or the document's). */
  secured: boolean;
  parameters: ParameterSpec[];
  requestBody?: { required: boolean; contentType: string; schema?: JsonSchema };
  responses: ResponseSpec[];
  profile: OperationProfile;
  /** JSON pointer of the operation in the spec document. */
  specPointer: string;
}

/** The spec and profile, read once per run, as the probes see them. */
export interface Contract {
  title: string;
  specVersion: string;
  openapiVersion: string;
  dialect: "3.0" | "3.1";
  /** `bundled` or the path/URL given with --spec. */
  source: string;
  /** SHA-256 of the spec file's bytes. */
  sha256: string;
  operations: Operation[];
  profile: Profile;
  /** The error envelope schema (resolved), used to judge non-2xx bodies. */
  errorSchema?: JsonSchema;
  /**
   * Where errorSchema was found when the profile's errorSchemaRef names nothing in the document
   * (a 4xx response's schema); absent when it is the profile's.
   */
  errorSchemaPointer?: string;
  /** Resolve a local `$ref` (e.g. `#/components/schemas/X`) in the document. */
  resolve(ref: string): unknown;
  /** The document as loaded (refs kept), for the schema compiler. */
  document: Record<string, unknown>;
  /**
   * A bundled version read as the build prepared it: the module with its fast checks compiled at
   * build time (see spec/prebuilt.ts), which the validator uses when its digest matches.
   */
  prebuiltChecks?: string;
}
