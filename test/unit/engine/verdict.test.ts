import { describe, expect, it } from "vitest";
import { statusOf, stepResults, verdictOf, worst } from "../../../src/engine/verdict.js";
import { executionOrder } from "../../../src/engine/order.js";
import type { Finding } from "../../../src/report/types.js";
import type { Probe } from "../../../src/probes/types.js";

const f = (severity: Finding["severity"]): Finding => ({ code: "x/y", severity, message: "m", rule: { ref: "r", text: "t" }, fix: "do it" });

describe("verdicts", () => {
  it.each([
    [[], "pass"],
    [[f("info")], "pass"],
    [[f("info"), f("warn")], "warn"],
    [[f("warn"), f("fail")], "fail"],
  ] as const)("statusOf(%j) = %s", (findings, expected) => {
    expect(statusOf([...findings])).toBe(expected);
  });

  it.each([
    [["pass", "skip"], "ready"],
    [["pass", "warn"], "ready-with-warnings"],
    [["warn", "fail"], "not-ready"],
    [["pass", "error"], "not-ready"],
  ] as const)("verdictOf(%j) = %s", (statuses, expected) => {
    expect(verdictOf([...statuses])).toBe(expected);
  });

  it("takes the worst verdict and counts per step", () => {
    expect(worst(["ready", "ready-with-warnings"])).toBe("ready-with-warnings");
    expect(worst(["ready", "not-ready", "ready-with-warnings"])).toBe("not-ready");
    const base = { family: "x", title: "t", summary: "", findings: [], durationMs: 0, requests: 0 };
    const steps = stepResults([
      { ...base, id: "a.a", step: 2, status: "pass" },
      { ...base, id: "a.b", step: 2, status: "warn" },
      { ...base, id: "a.c", step: 3, status: "fail" },
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(["ready-with-warnings", "not-ready", "ready"]);
    expect(steps[0].counts).toEqual({ pass: 1, warn: 1, fail: 0, skip: 0, error: 0, accepted: 0 });
  });
});

describe("execution order", () => {
  const p = (id: string, family: string, after?: string[]): Probe => ({
    id, family, step: 2, title: id, description: id, after, run: async () => ({ findings: [] }),
  });
  it("puts dependencies first, then family order, then id", () => {
    const order = executionOrder([p("b.z", "b"), p("a.y", "a", ["b.z"]), p("a.x", "a"), p("r.c", "r")], ["r", "a", "b"]);
    expect(order.map((x) => x.id)).toEqual(["r.c", "a.x", "b.z", "a.y"]);
  });
  it("rejects a cycle", () => {
    expect(() => executionOrder([p("a.a", "a", ["a.b"]), p("a.b", "a", ["a.a"])], ["a"])).toThrow(/cycle/);
  });
});
