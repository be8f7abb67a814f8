import { describe, expect, it } from "vitest";
import { byCodeUnits } from "../../../src/util/compare.js";

describe("byCodeUnits", () => {
  it("orders by code units, whatever the locale would say (capitals, punctuation, accents)", () => {
    const words = ["b", "a-c", "B", "ab", "é", "a.b", "e", "a_b", ""];
    expect([...words].sort(byCodeUnits)).toEqual(["", "B", "a-c", "a.b", "a_b", "ab", "b", "e", "é"]);
    // A locale-aware order differs here (it puts "B" after "a…" and ignores some punctuation).
    expect([...words].sort((x, y) => x.localeCompare(y, "en"))).not.toEqual([...words].sort(byCodeUnits));
  });

  it("says equal only for equal strings", () => {
    expect(byCodeUnits("x", "x")).toBe(0);
    expect(byCodeUnits("x", "y")).toBe(-1);
    expect(byCodeUnits("y", "x")).toBe(1);
  });
});
