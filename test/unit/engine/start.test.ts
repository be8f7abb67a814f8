import { describe, expect, it } from "vitest";
import { checkReference, resultOf } from "../../helpers/harness.js";

describe("the start of a run", () => {
  it("reads user-info's company list beside the connection check, not after it", async () => {
    const HOLD_MS = 400;
    const arrived: { path: string; at: number }[] = [];
    const report = await checkReference({
      only: ["reachability.connection", "schema.user-info"],
      wrap: async (req, next) => {
        arrived.push({ path: req.url.pathname, at: performance.now() });
        const reply = await next();
        // The connection check's first answer comes late, as from a partner far away.
        return req.url.pathname === "/" ? { ...reply, delayMs: (reply.delayMs ?? 0) + HOLD_MS } : reply;
      },
    });
    const root = arrived.find((a) => a.path === "/");
    const userInfo = arrived.find((a) => a.path === "/oauth2/user-info");
    expect(root, JSON.stringify(arrived)).toBeDefined();
    expect(userInfo, JSON.stringify(arrived)).toBeDefined();
    // Sent while the connection check still waited for its answer (after it, it would come HOLD_MS later).
    expect(userInfo!.at).toBeLessThan(root!.at + HOLD_MS / 2);
    expect(resultOf(report, "reachability.connection").status).toBe("pass");
    expect(resultOf(report, "schema.user-info").status).toBe("pass");
    expect(report.target.companies.length).toBeGreaterThan(0);
    // Read once: the run's list and the check share the answer.
    expect(arrived.filter((a) => a.path === "/oauth2/user-info").length).toBe(1);
  });
});
