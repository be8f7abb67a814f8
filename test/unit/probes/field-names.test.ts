/**
 * Findings name a response member by its real name (quoted as JSON), while their pointer keeps the
 * JSON-pointer escapes (~1 for "/", ~0 for "~").
 */
import { describe, expect, it } from "vitest";
import { checkReference, editJson, editText, resultOf } from "../../helpers/harness.js";

const COMPANY = /^\/companies\/[^/]+$/;

describe("member names in schema findings", () => {
  it("unknown-field: the message and fix name \"region/code~x\", the pointer is /region~1code~0x", async () => {
    const report = await checkReference({
      only: ["schema.company-info"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!COMPANY.test(req.url.pathname) || reply.status !== 200) return reply;
        return editJson<Record<string, unknown>>(reply, (b) => (b["region/code~x"] = "EU-1"));
      },
    });
    const f = resultOf(report, "schema.company-info").findings.find((x) => x.code === "schema.company-info/unknown-field");
    expect(f, JSON.stringify(resultOf(report, "schema.company-info"))).toBeDefined();
    expect(f!.pointer).toBe("/region~1code~0x");
    expect(f!.message).toContain(`Field "region/code~x" is not in the spec's schema`);
    expect(f!.fix).toContain(`Remove "region/code~x" from the response`);
    expect(f!.message + f!.fix).not.toContain("~1");
  });

  it("duplicate-key: the message names the member \"a/b\" and keeps the pointer /a~1b", async () => {
    const report = await checkReference({
      only: ["schema.company-info"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!COMPANY.test(req.url.pathname) || reply.status !== 200) return reply;
        return editText(reply, (text) => text.replace(/^\{/, '{"a/b":1,"a/b":2,'));
      },
    });
    const f = resultOf(report, "schema.company-info").findings.find((x) => x.code === "schema.company-info/duplicate-key");
    expect(f, JSON.stringify(resultOf(report, "schema.company-info"))).toBeDefined();
    expect(f!.pointer).toBe("/a~1b");
    expect(f!.message).toContain(`with the member "a/b" twice in one object at /a~1b, with different values`);
    expect(f!.severity).toBe("fail");
  });

  it("duplicate-key with the same value both times warns: nothing is lost, but a strict parser refuses it", async () => {
    const report = await checkReference({
      only: ["schema.company-info"],
      wrap: async (req, next) => {
        const reply = await next();
        if (!COMPANY.test(req.url.pathname) || reply.status !== 200) return reply;
        return editText(reply, (text) => text.replace(/^\{/, `{"CompanyId": ${JSON.stringify((JSON.parse(text) as { CompanyId: string }).CompanyId)},`));
      },
    });
    const r = resultOf(report, "schema.company-info");
    expect(r.status).toBe("warn");
    const f = r.findings.find((x) => x.code === "schema.company-info/duplicate-key")!;
    expect(f.severity).toBe("warn");
    expect(f.pointer).toBe("/CompanyId");
    expect(f.message).toContain("twice in one object at /CompanyId, with the same value both times");
  });
});
