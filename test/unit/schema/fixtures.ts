/**
 * Small hand-written OpenAPI documents for the schema validator tests: the same schemas written
 * once in OpenAPI 3.0 style (nullable, boolean exclusive bounds) and once in 3.1 style.
 */
type Doc = Record<string, unknown>;

export const RESPONSE_POINTER = "#/paths/~1companies~1{CompanyId}~1chart-of-accounts/get/responses/200/content/application~1json/schema";

/** Build the document; `nullable(x, form)` hides how each dialect says "or null". */
function build(version: "3.0" | "3.1"): Doc {
  const is30 = version === "3.0";
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const nullableType = (type: string, extra: Doc = {}) => (is30 ? { type, nullable: true, ...extra } : { type: [type, "null"], ...extra });
  const nullableRef = (name: string) => (is30 ? { ...ref(name), nullable: true } : { anyOf: [ref(name), { type: "null" }] });
  const nullableAllOf = (name: string) =>
    is30 ? { allOf: [ref(name)], nullable: true, description: "owner, if any" } : { anyOf: [{ allOf: [ref(name)] }, { type: "null" }], description: "owner, if any" };
  const nullableEnum = (values: string[]) => (is30 ? { type: "string", enum: values, nullable: true } : { type: ["string", "null"], enum: [...values, null] });
  const openUnitInterval = is30
    ? { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true }
    : { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 };

  const Account = {
    type: "object",
    "x-reach-provenance": "modeled",
    required: ["AccountId", "Name", "AccountType", "FiscalMonthEnd"],
    properties: {
      AccountId: { type: "string", example: "1000" },
      AccountNumber: nullableType("string"),
      Name: { type: "string", xml: { name: "name" } },
      AccountType: { type: "string", enum: ["ASSET", "LIABILITY", "EQUITY", "REVENUE"] },
      Basis: nullableEnum(["CASH", "ACCRUAL"]),
      FiscalMonthEnd: { type: "integer", minimum: 1, maximum: 12 },
      Ratio: openUnitInterval,
      StartDate: { type: "string", format: "date" },
      UpdatedAt: { type: "string", format: "date-time", readOnly: true },
      Currency: { type: "string", pattern: "^[A-Z]{3}$" },
      Parent: nullableRef("Account"),
      Owner: nullableAllOf("Person"),
      Tags: { type: "array", items: { type: "string" }, minItems: 1 },
    },
    externalDocs: { url: "https://example.com/docs" },
  };

  const Person = {
    type: "object",
    required: ["Name"],
    properties: { Name: { type: "string" }, Email: { type: "string", format: "email" } },
  };

  const List = {
    type: "object",
    required: ["Data", "Pagination"],
    properties: {
      Data: { type: "array", items: ref("Account") },
      Pagination: {
        type: "object",
        required: ["offset", "limit", "total"],
        properties: {
          offset: { type: "integer", minimum: 0 },
          limit: { type: "integer", minimum: 1, maximum: 1000 },
          total: { type: "integer", minimum: 0 },
        },
      },
    },
  };

  // Base is used on its own and as an allOf member of Derived.
  const Base = { type: "object", required: ["Id"], properties: { Id: { type: "string" }, Name: { type: "string" } } };
  const Derived = { allOf: [ref("Base"), { type: "object", properties: { Extra: { type: "integer" } } }] };
  const DerivedList = { type: "object", properties: { Items: { type: "array", items: ref("Derived") } } };

  // A recursive tree.
  const Tree = {
    type: "object",
    required: ["Name"],
    properties: { Name: { type: "string" }, Children: { type: "array", items: ref("Tree") } },
  };

  // oneOf with a discriminator (an annotation for Ajv; it only helps pick the branch to explain).
  const Cat = { type: "object", required: ["petType", "Lives"], properties: { petType: { type: "string", enum: ["Cat"] }, Lives: { type: "integer" } } };
  const Dog = { type: "object", required: ["petType", "Barks"], properties: { petType: { type: "string", enum: ["Dog"] }, Barks: { type: "boolean" } } };
  const Pet = { oneOf: [ref("Cat"), ref("Dog")], discriminator: { propertyName: "petType" } };

  // The spec itself forbids extra properties here.
  const Sealed = { type: "object", properties: { Id: { type: "string" } }, additionalProperties: false };

  const Token = {
    type: "object",
    required: ["access_token", "token_type"],
    properties: { access_token: { type: "string" }, token_type: { type: "string", enum: ["Bearer"] }, expires_in: { type: "integer" } },
  };

  const Row = {
    type: "object",
    required: ["AccountId", "Period", "Amount"],
    properties: { AccountId: { type: "string" }, Period: { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" }, Amount: { type: "number" } },
  };
  const Statement = { type: "object", required: ["Data"], properties: { Data: { type: "array", items: ref("Row") } } };

  return {
    openapi: is30 ? "3.0.3" : "3.1.0",
    info: { title: "test", version: "1.0.0" },
    paths: {
      "/companies/{CompanyId}/chart-of-accounts": {
        get: {
          responses: {
            "200": { description: "ok", content: { "application/json": { schema: ref("List"), example: { schema: "not a schema" } } } },
          },
        },
      },
    },
    components: { schemas: { Account, Person, List, Base, Derived, DerivedList, Tree, Cat, Dog, Pet, Sealed, Token, Row, Statement } },
  };
}

export const DOC_30 = build("3.0");
export const DOC_31 = build("3.1");

export function schemaOf(doc: Doc, name: string): Record<string, unknown> {
  const components = doc.components as { schemas: Record<string, Record<string, unknown>> };
  return components.schemas[name];
}

export function responseSchema(doc: Doc): Record<string, unknown> {
  const paths = doc.paths as Record<string, any>;
  return paths["/companies/{CompanyId}/chart-of-accounts"].get.responses["200"].content["application/json"].schema;
}

/** A valid chart-of-accounts record; tests override fields. */
export function account(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AccountId: "1000",
    AccountNumber: null,
    Name: "Cash",
    AccountType: "ASSET",
    Basis: "ACCRUAL",
    FiscalMonthEnd: 12,
    Ratio: 0.5,
    StartDate: "2024-01-31",
    UpdatedAt: "2024-01-31T10:00:00Z",
    Currency: "USD",
    Parent: null,
    Owner: null,
    Tags: ["bank"],
    ...overrides,
  };
}

export function list(records: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Data: records, Pagination: { offset: 0, limit: 100, total: records.length }, ...extra };
}
