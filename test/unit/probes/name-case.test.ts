import { describe, expect, it } from "vitest";
import { checkReference, codes, editText, resultOf, type Wrap } from "../../helpers/harness.js";

/** Every member name of the answers to `path` written camelCase, as ASP.NET Core's default serializer does. */
const camelCase =
  (path: RegExp, only?: string): Wrap =>
  async (req, next) => {
    const reply = await next();
    if (!path.test(req.url.pathname) || reply.status !== 200) return reply;
    const lower = (name: string) => (only === undefined || name === only ? name[0].toLowerCase() + name.slice(1) : name);
    return editText(reply, (text) => text.replace(/"([A-Z][A-Za-z]*)":/g, (_m, name: string) => `"${lower(name)}":`));
  };

describe("a member name that differs from the spec's only in case", () => {
  it("is one finding naming both spellings, with a fix about the serializer, not 'remove the field'", async () => {
    const r = resultOf(await checkReference({ only: ["schema.reference-lists"], wrap: camelCase(/\/budgets$/, "Name") }), "schema.reference-lists");
    expect(r.status).toBe("fail");
    expect(new Set(codes(r))).toEqual(new Set(["schema.reference-lists/name-case"]));
    const f = r.findings[0];
    expect(f.message).toMatch(/^Field "name" differs from the spec's "Name" only in case( \(and at \d+ more places? like it\))?: JSON names are case-sensitive, so "Name" is missing\.$/);
    expect(f.pointer).toMatch(/^\/Data\/\d+\/Name$/);
    expect(f.fix).toMatch(/^Send the field as "Name": Reach's names are PascalCase and case-sensitive\. .*PropertyNamingPolicy/);
    expect(f.fix).not.toMatch(/Remove/);
  });

  it("leaves a missing field and an unrelated extra one as they were", async () => {
    const rename: Wrap = async (req, next) => {
      const reply = await next();
      if (!/\/budgets$/.test(req.url.pathname) || reply.status !== 200) return reply;
      return editText(reply, (text) => text.replace(/"Name":/g, '"Title":'));
    };
    const r = resultOf(await checkReference({ only: ["schema.reference-lists"], wrap: rename }), "schema.reference-lists");
    expect(codes(r).sort()).toEqual(["schema.reference-lists/required", "schema.reference-lists/unknown-field"]);
  });

  it("in user-info makes auth.company-scope say the list could not be read, not that the scoped token is wrong", async () => {
    const report = await checkReference({ only: ["auth.company-scope"], scopedToken: true, settings: { companies: ["alder-finch"] }, wrap: camelCase(/\/oauth2\/user-info$/, "Companies") });
    const r = resultOf(report, "auth.company-scope");
    expect(r.status).toBe("skip");
    expect(r.summary).toMatch(/answered 200; but its company list could not be read \(see schema\.user-info\), so the token's companies are unknown\.$/);
  });
});
