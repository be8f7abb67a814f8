import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract } from "../../../src/spec/load.js";

let dir: string;

/** A small spec that exercises what the bundled one does not: root security, refs to parameters, bodies and responses. */
const SMALL = {
  openapi: "3.0.3",
  info: { title: "Small", version: "2.0.0" },
  security: [{ OAuth2: [] }],
  paths: {
    "/companies/{CompanyId}/budgets": {
      parameters: [
        { $ref: "#/components/parameters/CompanyId" },
        { name: "limit", in: "query", schema: { type: "integer", maximum: 50 } },
      ],
      get: {
        "x-reach-provenance": "observed",
        parameters: [{ name: "limit", in: "query", required: true, schema: { type: "integer", maximum: 1000 } }],
        responses: {
          "200": { $ref: "#/components/responses/Budgets" },
          "4XX": { description: "client error" },
          "x-note": "extensions are not responses",
        },
      },
      post: {
        security: [{}],
        requestBody: { $ref: "#/components/requestBodies/Query" },
        responses: { "204": { description: "done" } },
      },
      delete: {
        security: [],
        "x-reach-provenance": "invented",
        responses: { default: { description: "any" } },
      },
    },
  },
  components: {
    securitySchemes: { OAuth2: { type: "http", scheme: "bearer" } },
    parameters: { CompanyId: { name: "CompanyId", in: "path", required: true, schema: { type: "string" } } },
    requestBodies: {
      Query: {
        required: true,
        content: {
          "text/plain": { schema: { type: "string" } },
          "application/json": { schema: { $ref: "#/components/schemas/Query" } },
        },
      },
    },
    responses: {
      Budgets: {
        description: "budgets",
        content: {
          "text/csv": {},
          "application/vnd.reach+json": { schema: { $ref: "#/components/schemas/Budgets" } },
        },
      },
    },
    schemas: {
      Query: { type: "object" },
      Budgets: { type: "object", properties: { Data: { type: "array" } } },
      Error: { type: "object" },
    },
  },
};

let smallPath: string;
let smallJson: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reach-spec-load-"));
  smallPath = join(dir, "small.json");
  smallJson = JSON.stringify(SMALL, null, 2);
  await writeFile(smallPath, smallJson);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadContract on a user-supplied spec", () => {
  it("reads JSON, hashes the bytes read and names the file as its source", async () => {
    const c = await loadContract({ specPath: smallPath });
    expect(c.title).toBe("Small");
    expect(c.dialect).toBe("3.0");
    expect(c.source).toBe(smallPath);
    expect(c.sha256).toBe(createHash("sha256").update(smallJson).digest("hex"));
    expect(c.operations.map((o) => o.key)).toEqual([
      "GET /companies/{CompanyId}/budgets",
      "POST /companies/{CompanyId}/budgets",
      "DELETE /companies/{CompanyId}/budgets",
    ]);
  });

  it("inherits root security unless the operation overrides it", async () => {
    const c = await loadContract({ specPath: smallPath });
    expect(c.operations.map((o) => o.secured)).toEqual([true, false, false]);
  });

  it("merges path-level parameters under operation-level ones and follows parameter refs", async () => {
    const [get, post] = (await loadContract({ specPath: smallPath })).operations;
    expect(get.parameters).toEqual([
      { name: "CompanyId", in: "path", required: true, schema: { type: "string" } },
      { name: "limit", in: "query", required: true, schema: { type: "integer", maximum: 1000 } },
    ]);
    expect(post.parameters.map((p) => [p.name, p.required, p.schema?.maximum])).toEqual([
      ["CompanyId", true, undefined],
      ["limit", false, 50],
    ]);
  });

  it("follows request body and response refs, prefers JSON media types and skips extension keys", async () => {
    const [get, post, del] = (await loadContract({ specPath: smallPath })).operations;
    expect(post.requestBody).toEqual({
      required: true,
      contentType: "application/json",
      schema: { $ref: "#/components/schemas/Query" },
    });
    expect(get.responses).toEqual([
      {
        status: "200",
        contentTypes: ["text/csv", "application/vnd.reach+json"],
        schema: { $ref: "#/components/schemas/Budgets" },
        specPointer: "#/paths/~1companies~1{CompanyId}~1budgets/get/responses/200",
      },
      {
        status: "4XX",
        contentTypes: [],
        schema: undefined,
        specPointer: "#/paths/~1companies~1{CompanyId}~1budgets/get/responses/4XX",
      },
    ]);
    expect(del.responses.map((r) => r.status)).toEqual(["default"]);
  });

  it("reads provenance markers and falls back to unknown", async () => {
    const c = await loadContract({ specPath: smallPath });
    expect(c.operations.map((o) => o.provenance)).toEqual(["observed", "unknown", "unknown"]);
  });

  it("falls back to the newest bundled profile when none matches the spec version", async () => {
    const c = await loadContract({ specPath: smallPath });
    expect(c.specVersion).toBe("2.0.0");
    expect(c.profile.specVersion).toBe("1.0.3");
    // Same path and method as a bundled profile entry, so it maps; others are unknown.
    expect(c.operations[0].profile).toMatchObject({ role: "list", idField: "BudgetId" });
    expect(c.operations[1].profile).toEqual({ role: "unknown", name: "/companies/{CompanyId}/budgets" });
    expect(c.errorSchema).toBeUndefined();
  });

  it("uses a given profile file instead of the bundled one", async () => {
    const profile = JSON.parse(await readFile("specs/reach-api/1.0.3/profile.json", "utf8"));
    profile.specVersion = "2.0.0";
    profile.errorSchemaRef = "#/components/schemas/Error";
    profile.operations = { "DELETE /companies/{CompanyId}/budgets": { role: "list", name: "budget removal" } };
    const profilePath = join(dir, "profile.json");
    await writeFile(profilePath, JSON.stringify(profile));
    const c = await loadContract({ specPath: smallPath, profilePath });
    expect(c.profile.specVersion).toBe("2.0.0");
    expect(c.errorSchema).toEqual({ type: "object" });
    expect(c.operations[2].profile).toEqual({ role: "list", name: "budget removal" });
    expect(c.operations[0].profile.role).toBe("unknown");
  });

  it("keeps internal refs in the document and leaves the parsed spec untouched by validation", async () => {
    const c = await loadContract({ specPath: smallPath });
    const paths = c.document.paths as any;
    expect(paths["/companies/{CompanyId}/budgets"].get.responses["200"]).toEqual({ $ref: "#/components/responses/Budgets" });
    expect(c.resolve("#/components/responses/Budgets")).toMatchObject({ description: "budgets" });
    expect(c.resolve("#/paths/~1companies~1%7BCompanyId%7D~1budgets/get/x-reach-provenance")).toBe("observed");
  });
});
