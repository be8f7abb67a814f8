import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { createValidator, prebuildChecks, type PrebuiltChecks } from "../../../src/schema/validator.js";
import type { SchemaIssue } from "../../../src/schema/types.js";
import { DOC_30, DOC_31, RESPONSE_POINTER, account, list, responseSchema, schemaOf } from "./fixtures.js";

const DIALECTS = [
  { dialect: "3.0" as const, doc: DOC_30 },
  { dialect: "3.1" as const, doc: DOC_31 },
];

const pointerOf = (name: string) => `#/components/schemas/${name}`;

interface Expected {
  kind: SchemaIssue["kind"];
  pointer: string;
  message?: string;
  expected?: string;
  severity?: SchemaIssue["severity"];
  /** Only where both dialects name the same spec location. */
  schemaPointer?: string;
}

interface Case {
  name: string;
  schema: string;
  value: unknown;
  issues: Expected[];
}

const CASES: Case[] = [
  { name: "a valid record", schema: "Account", value: account(), issues: [] },
  {
    name: "nulls where nullable (type, enum, $ref, allOf)",
    schema: "Account",
    value: account({ AccountNumber: null, Basis: null, Parent: null, Owner: null }),
    issues: [],
  },
  {
    name: "nullable type given another type",
    schema: "Account",
    value: account({ AccountNumber: 5 }),
    issues: [{ kind: "type", pointer: "/AccountNumber", message: "AccountNumber must be a string or null, got the number 5", expected: "string or null" }],
  },
  {
    name: "integer given as a string",
    schema: "Account",
    value: account({ FiscalMonthEnd: "12" }),
    issues: [
      {
        kind: "type",
        pointer: "/FiscalMonthEnd",
        message: 'FiscalMonthEnd must be an integer, got a string "12"',
        expected: "integer",
        schemaPointer: "#/components/schemas/Account/properties/FiscalMonthEnd/type",
      },
    ],
  },
  {
    name: "enum with the wrong case",
    schema: "Account",
    value: account({ AccountType: "Asset" }),
    issues: [
      {
        kind: "enum",
        pointer: "/AccountType",
        message: 'AccountType must be one of ASSET, LIABILITY, EQUITY, REVENUE but is "Asset"',
        expected: "one of ASSET, LIABILITY, EQUITY, REVENUE",
        schemaPointer: "#/components/schemas/Account/properties/AccountType/enum",
      },
    ],
  },
  { name: "nullable enum given an unknown value", schema: "Account", value: account({ Basis: "MIXED" }), issues: [{ kind: "enum", pointer: "/Basis" }] },
  {
    name: "null where the schema does not allow it",
    schema: "Account",
    value: account({ Name: null }),
    issues: [{ kind: "null", pointer: "/Name", message: "Name must be a string, got null" }],
  },
  {
    name: "required property missing",
    schema: "Account",
    value: (() => {
      const a = account();
      delete a.Name;
      return a;
    })(),
    issues: [
      {
        kind: "required",
        pointer: "/Name",
        message: "Name is required but missing",
        schemaPointer: "#/components/schemas/Account/required",
      },
    ],
  },
  {
    name: "maximum",
    schema: "Account",
    value: account({ FiscalMonthEnd: 13 }),
    issues: [{ kind: "range", pointer: "/FiscalMonthEnd", expected: "<= 12", message: "FiscalMonthEnd must be <= 12, got 13" }],
  },
  { name: "exclusive lower bound hit", schema: "Account", value: account({ Ratio: 0 }), issues: [{ kind: "range", pointer: "/Ratio", expected: "> 0" }] },
  { name: "exclusive upper bound hit", schema: "Account", value: account({ Ratio: 1 }), issues: [{ kind: "range", pointer: "/Ratio", expected: "< 1" }] },
  { name: "inside exclusive bounds", schema: "Account", value: account({ Ratio: 0.999 }), issues: [] },
  { name: "minItems", schema: "Account", value: account({ Tags: [] }), issues: [{ kind: "range", pointer: "/Tags", expected: "at least 1 item" }] },
  {
    name: "impossible date",
    schema: "Account",
    value: account({ StartDate: "2024-02-30" }),
    issues: [{ kind: "format", pointer: "/StartDate", expected: "a date (YYYY-MM-DD)", schemaPointer: "#/components/schemas/Account/properties/StartDate/format" }],
  },
  { name: "date-time without offset", schema: "Account", value: account({ UpdatedAt: "2024-01-31T10:00:00" }), issues: [{ kind: "format", pointer: "/UpdatedAt" }] },
  { name: "date-time with offset", schema: "Account", value: account({ UpdatedAt: "2024-01-31T10:00:00+02:00" }), issues: [] },
  { name: "pattern", schema: "Account", value: account({ Currency: "usd" }), issues: [{ kind: "pattern", pointer: "/Currency" }] },
  {
    name: "nullable $ref given a string",
    schema: "Account",
    value: account({ Parent: "1000" }),
    issues: [{ kind: "type", pointer: "/Parent", message: 'Parent must be an object or null, got a string "1000"', expected: "object or null" }],
  },
  {
    name: "nullable $ref: the error inside is reported, not the anyOf noise",
    schema: "Account",
    value: account({ Parent: account({ FiscalMonthEnd: 0 }) }),
    issues: [{ kind: "range", pointer: "/Parent/FiscalMonthEnd", schemaPointer: "#/components/schemas/Account/properties/FiscalMonthEnd/minimum" }],
  },
  {
    name: "nullable allOf: the error inside the member",
    schema: "Account",
    value: account({ Owner: { Name: 7 } }),
    issues: [{ kind: "type", pointer: "/Owner/Name", schemaPointer: "#/components/schemas/Person/properties/Name/type" }],
  },
  { name: "nullable allOf: a valid member", schema: "Account", value: account({ Owner: { Name: "Ann", Email: "ann@example.com" } }), issues: [] },
  {
    name: "nested array pointers",
    schema: "List",
    value: list([account(), account(), account({ FiscalMonthEnd: "x", AccountType: "Bank" })]),
    issues: [
      { kind: "enum", pointer: "/Data/2/AccountType" },
      { kind: "type", pointer: "/Data/2/FiscalMonthEnd" },
    ],
  },
  { name: "Data null", schema: "List", value: { Data: null, Pagination: { offset: 0, limit: 1, total: 0 } }, issues: [{ kind: "null", pointer: "/Data" }] },
  {
    name: "missing envelope parts",
    schema: "List",
    value: { Data: [] },
    issues: [{ kind: "required", pointer: "/Pagination" }],
  },
  {
    name: "unknown field in an array of $ref'd items",
    schema: "List",
    value: list([account(), account(), account(), account({ Colour: "red" })]),
    issues: [
      {
        kind: "unknown-field",
        pointer: "/Data/3/Colour",
        severity: "warn",
        message: "Colour is not defined by the schema (unknown field)",
        schemaPointer: "#/components/schemas/Account",
      },
    ],
  },
  {
    name: "unknown fields in a plain object and at the root",
    schema: "List",
    value: { ...list([]), Pagination: { offset: 0, limit: 10, total: 0, pages: 0 }, Meta: {} },
    issues: [
      { kind: "unknown-field", pointer: "/Meta" },
      { kind: "unknown-field", pointer: "/Pagination/pages" },
    ],
  },
  {
    name: "unknown field beside a real failure in another row",
    schema: "List",
    value: list([account({ Name: 1 }), account({ Colour: "red" })]),
    issues: [
      { kind: "type", pointer: "/Data/0/Name" },
      { kind: "unknown-field", pointer: "/Data/1/Colour" },
    ],
  },
  { name: "allOf: a sibling's property is no false alarm", schema: "Derived", value: { Id: "1", Name: "n", Extra: 3 }, issues: [] },
  {
    name: "allOf: a property neither member declares",
    schema: "Derived",
    value: { Id: "1", Extra: 3, Colour: "red" },
    issues: [{ kind: "unknown-field", pointer: "/Colour", schemaPointer: "#/components/schemas/Derived" }],
  },
  {
    name: "allOf member used standalone is closed on its own",
    schema: "Base",
    value: { Id: "1", Extra: 3 },
    issues: [{ kind: "unknown-field", pointer: "/Extra", schemaPointer: "#/components/schemas/Base" }],
  },
  {
    name: "allOf members inside an array",
    schema: "DerivedList",
    value: { Items: [{ Id: "1", Extra: 1 }, { Id: "2", Other: true }, { Id: 3 }] },
    issues: [
      { kind: "unknown-field", pointer: "/Items/1/Other" },
      { kind: "type", pointer: "/Items/2/Id", schemaPointer: "#/components/schemas/Base/properties/Id/type" },
    ],
  },
  {
    name: "recursive schema",
    schema: "Tree",
    value: { Name: "root", Children: [{ Name: "a", Children: [{ Name: "b" }, { Name: 2, Size: 1 }] }, { Name: "c", Depth: 1 }] },
    issues: [
      { kind: "type", pointer: "/Children/0/Children/1/Name", schemaPointer: "#/components/schemas/Tree/properties/Name/type" },
      { kind: "unknown-field", pointer: "/Children/0/Children/1/Size" },
      { kind: "unknown-field", pointer: "/Children/1/Depth" },
    ],
  },
  { name: "oneOf: a valid branch", schema: "Pet", value: { petType: "Cat", Lives: 9 }, issues: [] },
  {
    name: "oneOf: only the intended branch is explained, and no unknown-field noise",
    schema: "Pet",
    value: { petType: "Dog", Barks: "yes" },
    issues: [{ kind: "type", pointer: "/Barks", schemaPointer: "#/components/schemas/Dog/properties/Barks/type" }],
  },
  {
    name: "oneOf: unknown field on a valid branch",
    schema: "Pet",
    value: { petType: "Cat", Lives: 9, Whiskers: 12 },
    issues: [{ kind: "unknown-field", pointer: "/Whiskers" }],
  },
  {
    name: "oneOf: the discriminator picks the branch to explain when error counts tie",
    schema: "Pet",
    value: { petType: "Dog", Lives: 9 },
    issues: [{ kind: "required", pointer: "/Barks", schemaPointer: "#/components/schemas/Dog/required" }],
  },
  {
    name: "additionalProperties: false in the spec is a failure, not also an unknown field",
    schema: "Sealed",
    value: { Id: "1", Extra: 2 },
    issues: [{ kind: "other", pointer: "/Extra", schemaPointer: "#/components/schemas/Sealed/additionalProperties" }],
  },
  { name: "oneOf: not an object at all", schema: "Pet", value: 5, issues: [{ kind: "type", pointer: "", message: "The value must be an object, got the number 5" }] },
];

function run(doc: Record<string, unknown>, dialect: "3.0" | "3.1", c: Case, strict = false): SchemaIssue[] {
  const v = createValidator(doc, dialect, { strict });
  return v.validate(schemaOf(doc, c.schema), c.value, { specPointer: pointerOf(c.schema) });
}

/**
 * The fast checks the build would write for these schemas of `doc`, loaded as a run loads them
 * (a CommonJS module), each wrapped to count its calls.
 */
function prebuilt(doc: Record<string, unknown>, dialect: "3.0" | "3.1", schemas: unknown[]): { checks: PrebuiltChecks; calls: Map<string, number>; count: number } {
  const { code, count } = prebuildChecks(doc, dialect, schemas);
  // Evaluated as CommonJS with this package's require, which finds Ajv's runtime helpers.
  const mod = { exports: {} as Record<string, ValidateFunction> };
  new Function("require", "exports", "module", code)(createRequire(import.meta.url), mod.exports, mod);
  const loaded = mod.exports;
  const calls = new Map<string, number>();
  const checks: Record<string, ValidateFunction> = {};
  for (const [key, fn] of Object.entries(loaded)) {
    checks[key] = ((value: unknown) => (calls.set(key, (calls.get(key) ?? 0) + 1), fn(value))) as ValidateFunction;
  }
  return { checks, calls, count };
}

describe.each(DIALECTS)("createValidator, OpenAPI $dialect", ({ dialect, doc }) => {
  it.each(CASES)("$name", (c) => {
    const issues = run(doc, dialect, c);
    expect(issues.map((i) => [i.kind, i.pointer])).toEqual(c.issues.map((i) => [i.kind, i.pointer]));
    c.issues.forEach((want, n) => {
      const got = issues[n];
      if (want.message !== undefined) expect(got.message).toBe(want.message);
      if (want.expected !== undefined) expect(got.expected).toBe(want.expected);
      if (want.schemaPointer !== undefined) expect(got.schemaPointer).toBe(want.schemaPointer);
      expect(got.severity).toBe(want.severity ?? (want.kind === "unknown-field" ? "warn" : "fail"));
      expect(got.message.length).toBeGreaterThan(0);
      expect(got.actual.length).toBeLessThanOrEqual(80);
    });
  });

  it("makes unknown fields failures in strict mode, and nothing else changes", () => {
    const c = CASES.find((x) => x.name === "unknown field beside a real failure in another row")!;
    const issues = run(doc, dialect, c, true);
    expect(issues.map((i) => [i.kind, i.severity])).toEqual([
      ["type", "fail"],
      ["unknown-field", "fail"],
    ]);
  });

  it("validates a response schema given by its place under paths", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const issues = v.validate(responseSchema(doc), list([account({ FiscalMonthEnd: "12" })]), { specPointer: RESPONSE_POINTER });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      kind: "type",
      pointer: "/Data/0/FiscalMonthEnd",
      schemaPointer: "#/components/schemas/Account/properties/FiscalMonthEnd/type",
    });
  });

  it("validates a copy of a schema (not a node of the document) with pointers under its specPointer", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const copy = structuredClone(schemaOf(doc, "Person"));
    const issues = v.validate(copy, { Name: 3, Nick: "x" }, { specPointer: "#/somewhere/schema" });
    expect(issues.map((i) => [i.kind, i.pointer, i.schemaPointer])).toEqual([
      ["type", "/Name", "#/somewhere/schema/properties/Name/type"],
      ["unknown-field", "/Nick", "#/somewhere/schema"],
    ]);
  });

  it("uses the document's components for refs inside a standalone schema", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const inline = { type: "object", properties: { Rows: { type: "array", items: { $ref: "#/components/schemas/Row" } } } };
    const issues = v.validate(inline, { Rows: [{ AccountId: "1", Period: "2024-13", Amount: 1 }] }, { specPointer: "#/inline" });
    expect(issues.map((i) => [i.kind, i.pointer, i.schemaPointer])).toEqual([
      ["pattern", "/Rows/0/Period", "#/components/schemas/Row/properties/Period/pattern"],
    ]);
  });

  it("sorts by pointer (indices numerically) and caps at maxIssues", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const rows = Array.from({ length: 12 }, (_, i) => ({ AccountId: i, Period: "2024-01", Amount: 1 }));
    const body = { Data: rows };
    const all = v.validate(schemaOf(doc, "Statement"), body, { specPointer: pointerOf("Statement") });
    expect(all.map((i) => i.pointer)).toEqual(rows.map((_, i) => `/Data/${i}/AccountId`));
    const capped = v.validate(schemaOf(doc, "Statement"), body, { specPointer: pointerOf("Statement"), maxIssues: 3 });
    expect(capped.map((i) => i.pointer)).toEqual(["/Data/0/AccountId", "/Data/1/AccountId", "/Data/2/AccountId"]);
    expect(v.validate(schemaOf(doc, "Statement"), body, { specPointer: pointerOf("Statement"), maxIssues: 0 })).toEqual([]);
  });

  it("caps by default at 50 and is deterministic", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const rows = Array.from({ length: 300 }, (_, i) => ({ AccountId: "a", Period: i % 2 ? "bad" : "2024-01", Amount: "1", Extra: i }));
    const a = v.validate(schemaOf(doc, "Statement"), { Data: rows }, { specPointer: pointerOf("Statement") });
    const b = v.validate(schemaOf(doc, "Statement"), { Data: rows }, { specPointer: pointerOf("Statement") });
    expect(a).toHaveLength(50);
    expect(b).toEqual(a);
    expect(a.slice(0, 4).map((i) => [i.pointer, i.kind])).toEqual([
      ["/Data/0/Amount", "type"],
      ["/Data/0/Extra", "unknown-field"],
      ["/Data/1/Amount", "type"],
      ["/Data/1/Extra", "unknown-field"],
    ]);
    expect(a.some((i) => i.kind === "pattern" && i.pointer === "/Data/1/Period")).toBe(true);
  });

  it("never shows credential values", () => {
    const v = createValidator(doc, dialect, { strict: false });
    const secret = "s3cr3t-value-123";
    const issues = v.validate(
      schemaOf(doc, "Token"),
      { access_token: { nested: secret }, token_type: "bearer", refresh_token: secret, client_secret: 42 },
      { specPointer: pointerOf("Token") },
    );
    expect(issues.map((i) => [i.kind, i.pointer])).toEqual([
      ["type", "/access_token"],
      ["unknown-field", "/client_secret"],
      ["unknown-field", "/refresh_token"],
      ["enum", "/token_type"],
    ]);
    const text = JSON.stringify(issues);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("42");
  });
});

describe.each(DIALECTS)("fast checks prebuilt at build time, OpenAPI $dialect", ({ dialect, doc }) => {
  const names = [...new Set(CASES.map((c) => c.schema))];
  const built = prebuilt(doc, dialect, names.map((n) => schemaOf(doc, n)));

  it("cover every schema asked for, and are what the validator runs first", () => {
    expect(built.count).toBe(names.length);
    const v = createValidator(doc, dialect, { strict: false, prebuilt: built.checks });
    const before = [...built.calls.values()].reduce((a, b) => a + b, 0);
    for (const c of CASES) v.validate(schemaOf(doc, c.schema), c.value, { specPointer: pointerOf(c.schema) });
    expect([...built.calls.values()].reduce((a, b) => a + b, 0) - before).toBe(CASES.length);
  });

  it.each(CASES)("give the issues run-time compilation gives: $name", (c) => {
    for (const strict of [false, true]) {
      const v = createValidator(doc, dialect, { strict, prebuilt: built.checks });
      expect(v.validate(schemaOf(doc, c.schema), c.value, { specPointer: pointerOf(c.schema) })).toEqual(run(doc, dialect, c, strict));
    }
  });

  it("leave a schema they do not cover to run-time compilation", () => {
    const only = prebuilt(doc, dialect, [schemaOf(doc, names[0])]);
    expect(only.count).toBe(1);
    const v = createValidator(doc, dialect, { strict: false, prebuilt: only.checks });
    for (const c of CASES) {
      expect(v.validate(schemaOf(doc, c.schema), c.value, { specPointer: pointerOf(c.schema) })).toEqual(run(doc, dialect, c));
    }
  });
});

describe("3.0 and 3.1 forms of the same schemas", () => {
  it("give the same issues, apart from where the spec says it", () => {
    for (const c of CASES) {
      const strip = (issues: SchemaIssue[]) => issues.map(({ schemaPointer: _sp, ...rest }) => rest);
      expect(strip(run(DOC_30, "3.0", c)), c.name).toEqual(strip(run(DOC_31, "3.1", c)));
    }
  });
});

describe("robustness", () => {
  const v = createValidator(DOC_30, "3.0", { strict: false });

  it("reports a schema it cannot compile as one issue instead of throwing", () => {
    const broken = { type: "object", properties: { a: { $ref: "#/components/schemas/Missing" } } };
    const issues = v.validate(broken, { a: 1 }, { specPointer: "#/broken" });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: "other", pointer: "", severity: "fail", schemaPointer: "#/broken" });
    expect(issues[0].message).toContain("#/components/schemas/Missing");
    expect(issues[0].message).not.toContain("spec#");

    const badType = v.validate({ type: "strin" }, "x", { specPointer: "#/bad-type" });
    expect(badType.map((i) => i.kind)).toEqual(["other"]);
  });

  it("refuses a dereferenced (cyclic) schema object with one issue", () => {
    const node: Record<string, unknown> = { type: "object", properties: {} };
    (node.properties as Record<string, unknown>).self = node;
    const issues = v.validate(node, { self: {} }, { specPointer: "#/cyclic" });
    expect(issues).toHaveLength(1);
    expect(issues[0].kind).toBe("other");
  });

  it("validates a dereferenced (cyclic) copy through the document node its specPointer names", () => {
    const tree = structuredClone(schemaOf(DOC_30, "Tree")) as any;
    tree.properties.Children.items = tree; // what a dereferencing loader produces
    const issues = v.validate(tree, { Name: "r", Children: [{ Name: 1 }] }, { specPointer: pointerOf("Tree") });
    expect(issues.map((i) => [i.kind, i.pointer, i.schemaPointer])).toEqual([
      ["type", "/Children/0/Name", "#/components/schemas/Tree/properties/Name/type"],
    ]);
  });

  it("survives very deep values against a recursive schema", () => {
    let deep: Record<string, unknown> = { Name: "leaf" };
    for (let i = 0; i < 20000; i++) deep = { Name: "n", Children: [deep] };
    const issues = v.validate(schemaOf(DOC_30, "Tree"), deep, { specPointer: pointerOf("Tree") });
    expect(issues.length).toBeLessThanOrEqual(1);
    if (issues.length === 1) expect(issues[0].kind).toBe("other");
  });

  it.each([
    ["undefined", undefined],
    ["a function", () => 1],
    ["NaN", Number.NaN],
    ["a bigint", 10n],
    ["an array", [1, 2, 3]],
    ["a huge string", "x".repeat(100_000)],
  ])("does not throw on %s", (_name, value) => {
    const issues = v.validate(schemaOf(DOC_30, "Account"), value, { specPointer: pointerOf("Account") });
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(i.actual.length).toBeLessThanOrEqual(80);
  });

  it("accepts boolean schemas", () => {
    expect(v.validate(true as never, { anything: 1 }, { specPointer: "#/t" })).toEqual([]);
    expect(v.validate(false as never, 1, { specPointer: "#/f" }).map((i) => i.kind)).toEqual(["other"]);
  });

  it("turns a document it cannot prepare into issues, not exceptions", () => {
    const weird = createValidator({ components: { schemas: { A: "not a schema" } } } as never, "3.1", { strict: false });
    const issues = weird.validate("not a schema" as never, 1, { specPointer: "#/components/schemas/A" });
    expect(issues.map((i) => i.kind)).toEqual(["other"]);
  });
});

describe("throughput sanity", () => {
  it("validates 200,000 statement rows and finds one bad row among them", () => {
    const v = createValidator(DOC_31, "3.1", { strict: false });
    const schema = schemaOf(DOC_31, "Statement");
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ AccountId: `A${i % 500}`, Period: "2024-06", Amount: i * 0.5 }));
    expect(v.validate(schema, { Data: rows }, { specPointer: pointerOf("Statement") })).toEqual([]);
    rows[123_456] = { ...rows[123_456], Amount: "12" as never };
    const issues = v.validate(schema, { Data: rows }, { specPointer: pointerOf("Statement") });
    expect(issues.map((i) => i.pointer)).toEqual(["/Data/123456/Amount"]);
  });
});
