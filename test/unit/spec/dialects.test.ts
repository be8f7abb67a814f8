import { beforeAll, describe, expect, it } from "vitest";
import SwaggerParser from "@apidevtools/swagger-parser";
import { loadContract } from "../../../src/spec/load.js";
import type { Contract, Operation } from "../../../src/spec/types.js";

const OAS30 = "fixtures/specs/reach-api-1.0.3-oas30.yaml";

/** What a probe sees of an operation, minus the document it came from. */
function shape(o: Operation) {
  return {
    key: o.key,
    operationId: o.operationId,
    role: o.profile.role,
    provenance: o.provenance,
    secured: o.secured,
    required: o.parameters.filter((p) => p.required).map((p) => `${p.in}:${p.name}`),
    optional: o.parameters.filter((p) => !p.required).map((p) => `${p.in}:${p.name}`),
    body: o.requestBody && { required: o.requestBody.required, contentType: o.requestBody.contentType, schema: o.requestBody.schema },
    responses: o.responses.map((r) => ({ status: r.status, contentTypes: r.contentTypes, schema: r.schema, at: r.specPointer })),
  };
}

let v31: Contract;
let v30: Contract;

beforeAll(async () => {
  [v31, v30] = await Promise.all([loadContract({}), loadContract({ specPath: OAS30 })]);
});

describe("the OpenAPI 3.0 rewrite of the bundled spec", () => {
  it("loads as the 3.0 dialect with the bundled profile of its version", () => {
    expect(v30.dialect).toBe("3.0");
    expect(v30.openapiVersion).toBe("3.0.3");
    expect(v30.specVersion).toBe("1.0.3");
    expect(v30.source).toBe(OAS30);
    expect(v30.profile).toEqual(v31.profile);
    expect(v30.sha256).not.toBe(v31.sha256);
  });

  it("yields the same operations, roles, parameters and responses as the 3.1 original", () => {
    expect(v30.operations.map(shape)).toEqual(v31.operations.map(shape));
  });

  it("differs from the original only in dialect spelling", async () => {
    const a = (await SwaggerParser.parse(OAS30)) as any;
    const account = a.components.schemas.Account.properties.ParentAccountId;
    expect(account).toMatchObject({ type: "string", nullable: true });
    expect(a.components.schemas.TokenResponse.properties.expires_in).toMatchObject({ minimum: 0, exclusiveMinimum: true });
    expect(v31.resolve("#/components/schemas/TokenResponse/properties/expires_in")).toMatchObject({ exclusiveMinimum: 0 });
    expect(Object.keys(a.components.schemas)).toEqual(Object.keys((v31.document.components as any).schemas));
  });
});
