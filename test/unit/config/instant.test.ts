import { describe, expect, it } from "vitest";
import { parseInstant } from "../../../src/config/parse.js";

describe("--now values", () => {
  it("accepts calendar days and ISO times", () => {
    expect(parseInstant("--now", "2028-02-29").toISOString()).toBe("2028-02-29T12:00:00.000Z");
    expect(parseInstant("--now", "2026-11-15T08:30:00+01:00").toISOString()).toBe("2026-11-15T07:30:00.000Z");
  });

  it.each([
    ["2026-02-30", /--now: 2026-02-30 is not a day of the calendar/],
    ["2025-02-29", /--now: 2025-02-29 is not a day of the calendar/],
    ["2026-13-01", /--now/],
    ["0999-06-15", /--now takes a year from 1900 to 9999, got 0999/],
    ["0050-06-15", /--now takes a year from 1900 to 9999, got 0050/],
  ])("refuses %s instead of rolling it over", (raw, message) => {
    expect(() => parseInstant("--now", raw)).toThrowError(message);
  });
});
