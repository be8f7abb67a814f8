import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer, type ServerRequest } from "../../../src/http/server.js";
import { loadContract, SpecError } from "../../../src/spec/load.js";

const SECRET = "s3cr3t-pa55";

/** A one-operation spec whose user-info schema is an external $ref. */
const splitSpec = (ref: string): string =>
  [
    "openapi: 3.1.0",
    'info: {title: t, version: "1.0.3"}',
    "paths:",
    "  /oauth2/user-info:",
    "    get:",
    "      responses:",
    "        '200':",
    "          description: ok",
    "          content:",
    "            application/json:",
    `              schema: {$ref: '${ref}'}`,
    "",
  ].join("\n");
let server: RunningServer;
let specBytes: Buffer;
const seen: ServerRequest[] = [];

beforeAll(async () => {
  specBytes = await readFile("fixtures/specs/reach-api-1.0.3-oas30.yaml");
  server = await startServer((req) => {
    seen.push(req);
    if (req.url.pathname === "/openapi.yaml") {
      return { status: 200, headers: { "content-type": "application/yaml" }, body: specBytes };
    }
    if (req.url.pathname === "/split/openapi.yaml" || req.url.pathname === "/split/elsewhere.yaml") {
      const ref = req.url.pathname === "/split/openapi.yaml" ? "./schemas.yaml#/User" : "http://localhost:9/schemas.yaml#/User";
      return { status: 200, headers: { "content-type": "application/yaml" }, body: splitSpec(ref) };
    }
    if (req.url.pathname === "/split/schemas.yaml") {
      return { status: 200, headers: { "content-type": "application/yaml" }, body: "User:\n  type: object\n  properties:\n    UserId: {type: string}\n" };
    }
    if (req.url.pathname === "/private/openapi.yaml") {
      const expected = `Basic ${Buffer.from(`reach:${SECRET}`).toString("base64")}`;
      return req.headers.authorization === expected
        ? { status: 200, body: specBytes }
        : { status: 401, body: "{}" };
    }
    return { status: 404, headers: { "content-type": "text/html" }, body: "<h1>gone</h1>" };
  });
});
afterAll(async () => {
  await server.close();
});

describe("loading a spec from a URL", () => {
  it("fetches it once, hashes exactly the bytes served and names the URL as source", async () => {
    seen.length = 0;
    const url = `${server.url}/openapi.yaml`;
    const c = await loadContract({ specPath: url });
    expect(c.source).toBe(url);
    expect(c.dialect).toBe("3.0");
    expect(c.operations).toHaveLength(14);
    expect(c.sha256).toBe(createHash("sha256").update(specBytes).digest("hex"));
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(["GET /openapi.yaml"]);
  });

  it("reads a split spec's files from the spec's own (loopback) host, and no other host", async () => {
    seen.length = 0;
    const c = await loadContract({ specPath: `${server.url}/split/openapi.yaml` });
    expect(c.operations.map((o) => o.key)).toEqual(["GET /oauth2/user-info"]);
    expect(seen.map((r) => r.url.pathname)).toEqual(["/split/openapi.yaml", "/split/schemas.yaml"]);
    const err = await loadContract({ specPath: `${server.url}/split/elsewhere.yaml` }).catch((e) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect(err.message).toMatch(/cannot resolve external \$ref "http:\/\/localhost:9\/schemas\.yaml" \(.*a remote spec to URLs on its own host only\)/);
  });

  it("turns an HTTP error into a one-line SpecError", async () => {
    const url = `${server.url}/missing.yaml`;
    await expect(loadContract({ specPath: url })).rejects.toThrowError(new SpecError(`${url}: cannot fetch spec (HTTP 404)`));
  });

  it("sends URL credentials as Basic auth and keeps them and the query out of source and messages", async () => {
    const host = server.url.replace(/^http:\/\//, "");
    const c = await loadContract({ specPath: `http://reach:${SECRET}@${host}/private/openapi.yaml?token=${SECRET}` });
    expect(c.source).toBe(`${server.url}/private/openapi.yaml?…`);
    expect(JSON.stringify({ source: c.source, document: c.document })).not.toContain(SECRET);

    const err = await loadContract({ specPath: `http://reach:wrong-${SECRET}@${host}/private/openapi.yaml` }).catch((e) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect(err.message).toBe(`${server.url}/private/openapi.yaml: cannot fetch spec (HTTP 401)`);
  });

  it("reports a refused connection without a stack", async () => {
    const closed = await startServer(() => ({ status: 200 }));
    const url = `${closed.url}/openapi.yaml`;
    await closed.close();
    const err = await loadContract({ specPath: url }).catch((e) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect(err.message).toBe(`${url}: cannot fetch spec (ECONNREFUSED)`);
  });
});
