import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import SwaggerParser from "@apidevtools/swagger-parser";
import { loadContract } from "../../../src/spec/load.js";
import { bundledSpecFiles } from "../../../src/spec/registry.js";
import type { Contract, Operation, OperationRole } from "../../../src/spec/types.js";

const EXPECTED_ROLES: Record<string, OperationRole> = {
  "GET /auth/oauth-discovery": "discovery",
  "GET /oauth2/authorize": "authorize",
  "POST /oauth2/token": "token",
  "GET /oauth2/user-info": "user-info",
  "GET /companies/{CompanyId}": "company-info",
  "GET /companies/{CompanyId}/chart-of-accounts": "list",
  "GET /companies/{CompanyId}/budgets": "list",
  "GET /companies/{CompanyId}/classes": "list",
  "GET /companies/{CompanyId}/departments": "list",
  "GET /companies/{CompanyId}/non-financial-metrics": "list",
  "POST /companies/{CompanyId}/non-financial": "metric-values",
  "GET /companies/{CompanyId}/profit-and-loss": "statement",
  "GET /companies/{CompanyId}/balance-sheet": "statement",
  "GET /companies/{CompanyId}/cash-flow": "statement",
};

// SPEC_MODEL's "Observed" table; every other operation's path was modeled.
const OBSERVED = [
  "GET /auth/oauth-discovery",
  "GET /oauth2/authorize",
  "POST /oauth2/token",
  "GET /oauth2/user-info",
  "GET /companies/{CompanyId}/chart-of-accounts",
  "POST /companies/{CompanyId}/non-financial",
];
const UNSECURED = ["GET /auth/oauth-discovery", "GET /oauth2/authorize", "POST /oauth2/token"];

let contract: Contract;
let raw: Record<string, any>;
let openapiPath: string;

const op = (key: string): Operation => {
  const found = contract.operations.find((o) => o.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
};

beforeAll(async () => {
  contract = await loadContract({});
  ({ openapiPath } = await bundledSpecFiles("1.0.3"));
  raw = (await SwaggerParser.parse(openapiPath)) as Record<string, any>;
});

describe("bundled Reach API 1.0.3", () => {
  it("loads as an OpenAPI 3.1 document with the expected identity", async () => {
    expect(contract.title).toBe("Reach API");
    expect(contract.specVersion).toBe("1.0.3");
    expect(contract.openapiVersion).toBe("3.1.0");
    expect(contract.dialect).toBe("3.1");
    expect(contract.source).toBe("bundled");
    expect(contract.profile.specVersion).toBe("1.0.3");
    const bytes = await readFile(openapiPath);
    expect(contract.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("has exactly the 14 operations with the right roles, in document order", () => {
    expect(contract.operations.map((o) => o.key)).toEqual(Object.keys(EXPECTED_ROLES));
    for (const o of contract.operations) expect(o.profile.role, o.key).toBe(EXPECTED_ROLES[o.key]);
  });

  it("marks observed and modeled operations as SPEC_MODEL decides", () => {
    const observed = contract.operations.filter((o) => o.provenance === "observed").map((o) => o.key);
    expect(observed.sort()).toEqual([...OBSERVED].sort());
    for (const o of contract.operations) expect(["observed", "modeled"]).toContain(o.provenance);
  });

  it("carries a provenance marker on every operation and every component schema", () => {
    for (const [path, item] of Object.entries<any>(raw.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        if (method === "parameters") continue;
        expect(["observed", "modeled"], `${method} ${path}`).toContain(operation["x-reach-provenance"]);
      }
    }
    const schemas = Object.entries<any>(raw.components.schemas);
    expect(schemas.length).toBeGreaterThanOrEqual(28);
    for (const [name, schema] of schemas) expect(["observed", "modeled"], name).toContain(schema["x-reach-provenance"]);
    expect(raw.components.securitySchemes.OAuth2["x-reach-provenance"]).toBe("modeled");
  });

  it("never closes response schemas with additionalProperties: false", () => {
    const offenders: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((child, i) => visit(child, `${where}/${i}`));
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "additionalProperties" && value === false) offenders.push(where);
          visit(value, `${where}/${key}`);
        }
      }
    };
    visit(raw.components.schemas, "#/components/schemas");
    expect(offenders).toEqual([]);
  });

  it("maps every profile key to an operation of the spec", () => {
    const keys = new Set(contract.operations.map((o) => o.key));
    for (const key of Object.keys(contract.profile.operations)) expect(keys.has(key), key).toBe(true);
    const idsFrom = op("POST /companies/{CompanyId}/non-financial").profile.idsFrom;
    expect(idsFrom && keys.has(idsFrom)).toBe(true);
  });

  it("declares OAuth2 on data operations and nothing on discovery, authorize and token", () => {
    for (const o of contract.operations) expect(o.secured, o.key).toBe(!UNSECURED.includes(o.key));
    for (const key of UNSECURED) expect(raw.paths[op(key).path][op(key).method.toLowerCase()].security).toEqual([]);
  });

  it("gives every data operation a JSON 200 and the error envelope on 400/401/403/404/500/503", () => {
    for (const o of contract.operations.filter((x) => x.secured)) {
      expect(o.responses.map((r) => r.status), o.key).toEqual(["200", "400", "401", "403", "404", "500", "503"]);
      expect(o.responses[0].contentTypes).toEqual(["application/json"]);
      for (const r of o.responses.slice(1)) expect(r.schema, `${o.key} ${r.status}`).toEqual({ $ref: "#/components/schemas/ErrorResponse" });
    }
  });

  it("keeps $refs in schemas and points responses at their place in the document", () => {
    const budgets = op("GET /companies/{CompanyId}/budgets");
    const ok = budgets.responses[0];
    expect(ok.specPointer).toBe("#/paths/~1companies~1{CompanyId}~1budgets/get/responses/200");
    expect(ok.schema).toEqual({ $ref: "#/components/schemas/BudgetList" });
    expect(budgets.specPointer).toBe("#/paths/~1companies~1{CompanyId}~1budgets/get");
    expect(contract.resolve(budgets.specPointer)).toMatchObject({ operationId: "getBudgets" });
    expect(contract.resolve(ok.specPointer)).toMatchObject({ description: "One page of budgets" });
    const list = contract.resolve("#/components/schemas/BudgetList") as any;
    expect(list.properties.Pagination).toEqual({ $ref: "#/components/schemas/PaginationMetadata" });
  });

  it("resolves the error envelope named by the profile", () => {
    expect(contract.profile.errorSchemaRef).toBe("#/components/schemas/ErrorResponse");
    expect(contract.errorSchema).toMatchObject({ required: ["errors"], properties: { errors: { minItems: 1 } } });
  });

  it("describes list parameters as observed on chart-of-accounts", () => {
    for (const o of contract.operations.filter((x) => x.profile.role === "list")) {
      const byName = Object.fromEntries(o.parameters.map((p) => [p.name, p]));
      expect(byName.CompanyId).toMatchObject({ in: "path", required: true });
      expect(byName.offset).toMatchObject({ in: "query", required: false, schema: { type: "integer", minimum: 0, default: 0 } });
      expect(byName.limit).toMatchObject({ required: false, schema: { minimum: 1, maximum: 1000, default: 100 } });
    }
  });

  it("requires StartDate, EndDate and AccountingBasis on statements and leaves the filters optional", () => {
    for (const o of contract.operations.filter((x) => x.profile.role === "statement")) {
      const required = o.parameters.filter((p) => p.required).map((p) => p.name);
      const optional = o.parameters.filter((p) => !p.required).map((p) => p.name);
      expect(required, o.key).toEqual(["CompanyId", "StartDate", "EndDate", "AccountingBasis"]);
      expect(optional, o.key).toEqual(["BudgetId", "ClassId", "DepartmentId"]);
      const basis = o.parameters.find((p) => p.name === "AccountingBasis")!;
      expect(contract.resolve(basis.schema!.$ref as string)).toMatchObject({ enum: ["CASH", "ACCRUAL"] });
      expect(o.parameters.find((p) => p.name === "StartDate")!.schema).toMatchObject({ type: "string", format: "date" });
    }
  });

  it("takes the non-financial query as a required JSON body without DepartmentId", () => {
    const o = op("POST /companies/{CompanyId}/non-financial");
    expect(o.requestBody).toMatchObject({ required: true, contentType: "application/json" });
    const body = contract.resolve(o.requestBody!.schema!.$ref as string) as any;
    expect(body.required).toEqual(["NonFinancialIds", "StartDate", "EndDate"]);
    expect(Object.keys(body.properties)).not.toContain("DepartmentId");
  });

  it("describes the token endpoint as a form post answered with tokens or an RFC 6749 error", () => {
    const o = op("POST /oauth2/token");
    expect(o.requestBody).toMatchObject({ required: true, contentType: "application/x-www-form-urlencoded" });
    expect(o.responses.map((r) => [r.status, r.schema?.$ref])).toEqual([
      ["200", "#/components/schemas/TokenResponse"],
      ["400", "#/components/schemas/OAuthError"],
      ["401", "#/components/schemas/OAuthError"],
    ]);
    const error = contract.resolve("#/components/schemas/OAuthError") as any;
    expect(error.properties.error.enum).toEqual([
      "invalid_request",
      "invalid_client",
      "invalid_grant",
      "unauthorized_client",
      "unsupported_grant_type",
      "invalid_scope",
    ]);
    expect(error.required).toEqual(["error"]);
  });

  it("accepts both a JSON 200 and a modeled 302 redirect from authorize", () => {
    const o = op("GET /oauth2/authorize");
    expect(o.responses.map((r) => r.status)).toEqual(["200", "302"]);
    const redirect = contract.resolve(o.responses[1].specPointer) as any;
    expect(redirect["x-reach-provenance"]).toBe("modeled");
    expect(redirect.headers.Location.required).toBe(true);
    expect(o.parameters.filter((p) => p.required).map((p) => p.name)).toEqual(["response_type", "client_id", "redirect_uri"]);
  });

  it("declares the servers, tags and OAuth2 scheme as published", () => {
    expect(raw.servers.map((s: any) => s.url)).toEqual(["http://localhost:{port}", "https://{baseUrl}"]);
    expect(raw.servers[0].variables.port.default).toBe("3000");
    expect(raw.servers[1].variables.baseUrl.default).toBe("example.com");
    expect(raw.tags.map((t: any) => t.name)).toEqual([
      "Authentication",
      "Company Information",
      "Reference Data",
      "Metrics",
      "Financial Statements",
    ]);
    const flow = raw.components.securitySchemes.OAuth2.flows.authorizationCode;
    expect(flow).toMatchObject({ authorizationUrl: "/oauth2/authorize", tokenUrl: "/oauth2/token" });
    expect(Object.keys(flow.scopes)).toEqual(["openid", "profile", "email", "phone", "read:company"]);
  });

  it("gives statement and metric profiles the fields the accuracy probes read", () => {
    const pl = op("GET /companies/{CompanyId}/profit-and-loss").profile;
    expect(pl).toMatchObject({ statement: "profit-and-loss", periodKind: "movement", rowIdField: "AccountId", amountField: "Amount" });
    expect(op("GET /companies/{CompanyId}/balance-sheet").profile).toMatchObject({
      periodKind: "balance",
      accountTypes: ["ASSET", "LIABILITY", "EQUITY"],
    });
    expect(op("GET /oauth2/user-info").profile).toMatchObject({ companiesPointer: "/Companies", companyIdField: "CompanyId" });
    const debit = new Set(contract.profile.accounting.debitNormal);
    const credit = contract.profile.accounting.creditNormal;
    expect(credit.some((t) => debit.has(t))).toBe(false);
    const types = (contract.resolve("#/components/schemas/AccountType") as any).enum;
    expect([...debit, ...credit].sort()).toEqual([...types].sort());
  });

  it("refuses to resolve a missing or non-local $ref", () => {
    expect(() => contract.resolve("#/components/schemas/Nope")).toThrowError(/\$ref target not found: #\/components\/schemas\/Nope/);
    expect(() => contract.resolve("other.yaml#/x")).toThrowError(/only local/);
  });
});

describe("every bundled version", () => {
  it("validates against the OpenAPI schema (runs skip this for bundled specs)", async () => {
    const { bundledVersions } = await import("../../../src/spec/registry.js");
    for (const version of await bundledVersions()) {
      const c = await loadContract({ specVersion: version, validate: true });
      expect(c.specVersion).toBe(version);
    }
  });
});
