import { describe, expect, it } from "vitest";
import { checkReference, resultOf } from "../../helpers/harness.js";

describe("a run token refused from the first request on", () => {
  it("is not called valid: the 401 finding points at auth.token-accepted and says what to do", async () => {
    const report = await checkReference({ only: ["auth.token-accepted", "schema.user-info"], settings: { token: "reach-check-test-expired-token" } });
    expect(resultOf(report, "auth.token-accepted").status).toBe("fail");
    const f = resultOf(report, "schema.user-info").findings.find((x) => x.code === "schema.user-info/status")!;
    expect(f.message).toMatch(/^GET \/oauth2\/user-info answered 401 to a valid request with the run's token; expected 200\. No request of this run was accepted with this token \(see auth\.token-accepted\)/);
    expect(f.message).not.toContain("with a valid token");
    expect(f.fix).toMatch(/^Run with a token that works/);
  });
});
