import { describe, expect, it } from "vitest";
import {
  describeValue,
  escapePointerSegment,
  isSensitiveName,
  jsonPointer,
  renderValue,
  splitPointer,
  unescapePointerSegment,
} from "../../../src/schema/render.js";

describe("JSON pointers (RFC 6901)", () => {
  it.each([
    [[], ""],
    [["Data", 3, "Colour"], "/Data/3/Colour"],
    [["a/b", "m~n"], "/a~1b/m~0n"],
    [["~1"], "/~01"],
    [[""], "/"],
    [["/companies/{CompanyId}", "get"], "/~1companies~1{CompanyId}/get"],
  ] as [(string | number)[], string][])("jsonPointer(%j) = %j", (segments, pointer) => {
    expect(jsonPointer(segments)).toBe(pointer);
    expect(splitPointer(pointer)).toEqual(segments.map(String));
  });

  it("escapes and unescapes single segments, ~ before /", () => {
    expect(escapePointerSegment("a~/b")).toBe("a~0~1b");
    expect(unescapePointerSegment("a~0~1b")).toBe("a~/b");
    expect(unescapePointerSegment("~01")).toBe("~1");
    expect(escapePointerSegment(7)).toBe("7");
  });

  it("accepts a leading # in splitPointer", () => {
    expect(splitPointer("#/components/schemas/X")).toEqual(["components", "schemas", "X"]);
    expect(splitPointer("#")).toEqual([]);
  });
});

describe("renderValue", () => {
  it.each([
    ["12", '"12" (string)'],
    [13, "13 (number)"],
    [1.5, "1.5 (number)"],
    [true, "true (boolean)"],
    [null, "null"],
    [undefined, "missing"],
    [[1, 2], "[1,2] (array of 2)"],
    [{ a: 1 }, '{"a":1} (object)'],
    [Number.NaN, "NaN (number)"],
  ])("renderValue(%j) = %j", (value, shown) => {
    expect(renderValue(value)).toBe(shown);
  });

  it("truncates to the limit and says so", () => {
    const long = renderValue("x".repeat(500));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^"x+… \(string\)$/);
    const big = renderValue(Array.from({ length: 10_000 }, (_, i) => ({ AccountId: String(i) })));
    expect(big.length).toBeLessThanOrEqual(80);
    expect(big.endsWith("(array of 10000)")).toBe(true);
    expect(renderValue("abcdefghijklmnopqrstuvwxyz", 20).length).toBeLessThanOrEqual(20);
  });

  it("survives cycles and deep nesting", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(renderValue(cyclic)).toContain('"name":"loop"');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(renderValue(deep).length).toBeLessThanOrEqual(80);
  });

  it("hides the values of credential fields at any depth", () => {
    const shown = renderValue({ token_type: "Bearer", access_token: "abc123", nested: { client_secret: "zzz" } }, 200);
    expect(shown).toContain('"token_type":"Bearer"');
    expect(shown).not.toContain("abc123");
    expect(shown).not.toContain("zzz");
    expect(shown).toContain("redacted string of 6 characters");
  });
});

describe("isSensitiveName", () => {
  it.each(["access_token", "refresh_token", "id_token", "client_secret", "password", "Authorization", "api_key", "code", "RefreshToken"])(
    "%s is sensitive",
    (name) => expect(isSensitiveName(name)).toBe(true),
  );
  it.each(["token_type", "token_endpoint", "expires_in", "AccountId", "Name", "scope", "CompanyCode"])("%s is not", (name) =>
    expect(isSensitiveName(name)).toBe(false),
  );
});

describe("describeValue", () => {
  it.each([
    ["12", 'a string "12"'],
    [5, "the number 5"],
    [null, "null"],
    [{}, "an object"],
    [[1], "an array of 1 item"],
    [[], "an empty array"],
    [false, "the boolean false"],
  ])("describeValue(%j) = %j", (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it("says only type and size of a sensitive value", () => {
    expect(describeValue("s3cret", true)).toBe("a redacted string of 6 characters");
  });
});
