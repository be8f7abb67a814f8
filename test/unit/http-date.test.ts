import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../../src/util/dates.js";

const NOW = Date.UTC(2025, 5, 15);

describe("parseHttpDate (RFC 9110 section 5.6.7)", () => {
  it("reads the three HTTP-date forms", () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).toBe(at);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).toBe(at);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994", NOW)).toBe(at);
  });
  it("puts a two-digit year more than 50 years ahead in the past century", () => {
    expect(new Date(parseHttpDate("Monday, 01-Jan-74 00:00:00 GMT", NOW)!).getUTCFullYear()).toBe(2074);
    expect(new Date(parseHttpDate("Tuesday, 01-Jan-76 00:00:00 GMT", NOW)!).getUTCFullYear()).toBe(1976);
  });
  it.each(["0", "-1", "2099", "", "Thu, 01 Jan 2099 00:00:00 +0000", "Thu, 31 Feb 2099 00:00:00 GMT", "Thu, 01 Foo 2099 00:00:00 GMT", "1 day"])(
    "gives nothing for %j",
    (text) => expect(parseHttpDate(text, NOW)).toBeUndefined(),
  );
});
