import { describe, expect, it } from "vitest";
import { assertKnownChecks, isDate, parseAllowlist } from "../../../src/config/allowlist.js";

const entry = { check: "schema.reference-lists", operation: "GET /companies/{CompanyId}/budgets", reason: "backfill", expires: "2026-12-31" };

describe("parseAllowlist", () => {
  it("reads {entries: [...]} and a bare array", () => {
    expect(parseAllowlist(JSON.stringify({ entries: [entry] }), "a.json")).toEqual({ source: "a.json", entries: [entry] });
    const { operation: _op, ...noOp } = entry;
    expect(parseAllowlist(JSON.stringify([noOp]), "a.json").entries).toEqual([noOp]);
  });

  const bad: [string, unknown, RegExp][] = [
    ["not JSON", "{", /^--allowlist a\.json: not valid JSON/],
    ["a string", JSON.stringify("x"), /must be a JSON object/],
    ["unknown top key", JSON.stringify({ entries: [], extra: 1 }), /unknown key "extra"/],
    ["entries not an array", JSON.stringify({ entries: {} }), /"entries" must be an array/],
    ["entry not an object", JSON.stringify([1]), /entry 1 must be an object/],
    ["missing check", JSON.stringify([{ reason: "r", expires: "2026-01-01" }]), /entry 1: "check" must be a check id/],
    ["bad check", JSON.stringify([{ ...entry, check: "Schema Lists" }]), /"check" must be a check id/],
    ["bad operation", JSON.stringify([{ ...entry, operation: "budgets" }]), /"operation" must be "METHOD \/path"/],
    ["empty reason", JSON.stringify([{ ...entry, reason: " " }]), /"reason" must say why/],
    ["bad date", JSON.stringify([{ ...entry, expires: "2026-02-30" }]), /"expires" must be a date YYYY-MM-DD/],
    ["missing date", JSON.stringify([{ ...entry, expires: undefined }]), /"expires" must be a date YYYY-MM-DD .*got nothing/],
    ["unknown entry key", JSON.stringify([{ ...entry, ticket: "X-1" }, entry]), /entry 1: unknown key "ticket"/],
    ["second entry", JSON.stringify([entry, { ...entry, expires: "soon" }]), /entry 2: "expires"/],
  ];
  it.each(bad)("rejects %s with one line", (_name, text, pattern) => {
    let message = "";
    try {
      parseAllowlist(text as string, "a.json");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(pattern);
    expect(message).toMatch(/^--allowlist a\.json: /);
    expect(message).not.toContain("\n");
  });

  it("knows real dates and rejects entries for checks that do not exist", () => {
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2027-02-29")).toBe(false);
    expect(() => assertKnownChecks(parseAllowlist(JSON.stringify([entry]), "a.json"), ["schema.user-info"])).toThrow(
      /entry 1: no check named "schema.reference-lists"/,
    );
  });
});
