import { describe, expect, it } from "vitest";
import { clip, formatDuration, hang, sanitize, textLength, wrap } from "../../../src/report/text.js";

describe("wrap", () => {
  it("breaks at spaces within the width and keeps paragraphs", () => {
    expect(wrap("aaa bbb ccc ddd", 7)).toEqual(["aaa bbb", "ccc ddd"]);
    expect(wrap("one\n\ntwo", 10)).toEqual(["one", "", "two"]);
    expect(wrap("", 10)).toEqual([""]);
  });

  it("never splits a word longer than the width", () => {
    expect(wrap("a https://example.com/very/long/path b", 10)).toEqual(["a", "https://example.com/very/long/path", "b"]);
  });

  it("can give the first line a different width", () => {
    expect(wrap("aa bb cc dd", 8, 2)).toEqual(["aa", "bb cc dd"]);
  });

  it("counts code points, not UTF-16 units", () => {
    expect(textLength("✓ 😀")).toBe(3);
    expect(wrap("😀😀 😀😀", 5)).toEqual(["😀😀 😀😀"]);
  });
});

describe("hang", () => {
  it("indents continuation lines under the text", () => {
    expect(hang("> ", 2, "aaa bbb ccc", 25)).toEqual(["> aaa bbb ccc"]);
    expect(hang("> ", 2, "aaaa ".repeat(6).trim(), 22)).toEqual(["> aaaa aaaa aaaa aaaa", "  aaaa aaaa"]);
  });

  it("moves the text below a prefix that leaves no room", () => {
    expect(hang("x".repeat(50), 50, "aaa bbb", 60, 4)).toEqual(["x".repeat(50), "    aaa bbb"]);
  });
});

describe("sanitize", () => {
  it("escapes terminal controls and bidi overrides but keeps newlines", () => {
    expect(sanitize("a\u001b[2Jb")).toBe("a\\u001b[2Jb");
    expect(sanitize("x\ry")).toBe("x\\u000dy");
    expect(sanitize("l1\r\nl2\tz")).toBe("l1\nl2  z");
    expect(sanitize("abc\u202edef")).toBe("abc\\u202edef");
    expect(sanitize("✓ café")).toBe("✓ café");
  });
});

describe("clip", () => {
  it("keeps short values and says how much of a long one was cut", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("abcdefghij", 4)).toBe("abcd… (6 more characters, see --format json)");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [999.4, "999 ms"],
    [1000, "1.0 s"],
    [4213, "4.2 s"],
    [60_000, "1 min"],
    [61_500, "1 min 2 s"],
    [-1, "unknown"],
    [Number.NaN, "unknown"],
  ])("%s ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
