/** The unknown CompanyId inputs.unknown-company derives from a listed one keeps that id's shape. */
import { describe, expect, it } from "vitest";
import { lookalikeCompanyId } from "../../../src/probes/inputs/unknown-company.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("lookalikeCompanyId", () => {
  it("changes one character within its alphabet", () => {
    const cases: [string, RegExp][] = [
      ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", UUID],
      ["3F2504E0-4F89-41D3-9A0C-0305E82C330F", /^[0-9A-F-]+$/],
      ["100234", /^\d{6}$/],
      ["northwind-outfitters", /^[a-z-]{20}$/],
      ["Acme_Co", /^Acme_C[a-z]$/],
      ["ACME-9", /^ACME-\d$/],
    ];
    for (const [id, shape] of cases) {
      const out = lookalikeCompanyId(id, [id])!;
      expect(out, id).toMatch(shape);
      expect(out).not.toBe(id);
      expect(out.length).toBe(id.length);
      expect([...out].filter((ch, i) => ch !== id[i])).toHaveLength(1);
    }
  });
  it("never returns a listed id", () => {
    const taken = ["1000", "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"];
    const out = lookalikeCompanyId("1000", taken)!;
    expect(taken).not.toContain(out);
    expect(out).toMatch(/^\d{4}$/);
  });
  it("gives up on an id with no letter or digit", () => {
    expect(lookalikeCompanyId("--", ["--"])).toBeUndefined();
  });
});
