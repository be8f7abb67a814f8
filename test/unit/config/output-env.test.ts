import { describe, expect, it } from "vitest";
import { showProgress } from "../../../src/cli/output.js";

describe("progress on stderr", () => {
  const tty = { stdoutIsTty: true, stderrIsTty: true, env: {} };
  it("shows on a sized terminal, not in CI, not on a dumb one", () => {
    expect(showProgress({ ...tty, stderrColumns: 80 })).toBe(true);
    expect(showProgress({ ...tty, stderrColumns: 80, env: { CI: "1" } })).toBe(false);
    expect(showProgress({ ...tty, env: { TERM: "dumb" } })).toBe(false);
  });
  it("does not show on a terminal that reports no columns (the spinner would redraw without end)", () => {
    expect(showProgress({ ...tty, stderrColumns: 0 })).toBe(false);
  });
});
