import { describe, expect, it } from "vitest";
import { monthNumber } from "../../../src/util/dates.js";

describe("monthNumber", () => {
  it("numbers YYYY-MM periods so that months subtract, and nothing else", () => {
    expect(monthNumber("2026-01")! - monthNumber("2025-12")!).toBe(1);
    expect(monthNumber("2026-11")).toBe(2026 * 12 + 10);
    for (const bad of ["2026-13", "2026-00", "2026-1", "26-01", "2026-01-01", " 2026-01", "", "NaN"]) expect(monthNumber(bad), bad).toBeUndefined();
  });

  it("answers the same, asked again, and after more distinct strings than it keeps", () => {
    // Rows repeat a few periods: answers are kept, and the store is emptied past a few thousand strings.
    expect(monthNumber("2024-02")).toBe(2024 * 12 + 1);
    expect(monthNumber("2024-13")).toBeUndefined();
    for (let i = 0; i < 8_000; i++) expect(monthNumber(`${1000 + i}-0${1 + (i % 9)}`)).toBe((1000 + i) * 12 + (i % 9));
    for (let i = 0; i < 10_000; i++) expect(monthNumber(`x${i}`)).toBeUndefined();
    expect(monthNumber("2024-02")).toBe(2024 * 12 + 1);
    expect(monthNumber("2024-13")).toBeUndefined();
  });
});
