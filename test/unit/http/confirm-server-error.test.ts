import { describe, expect, it } from "vitest";
import { makeFinding } from "../../../src/probes/support/findings.js";
import type { ProbeContext } from "../../../src/probes/types.js";
import { client, server } from "./helpers.js";

const json = (status: number) => ({ status, headers: { "content-type": "application/json" }, body: status < 400 ? "{}" : '{"errors":[{"error":"x","message":"y"}]}' });

/** A server answering each request in turn with the next status of the list (the last one after that). */
async function answering(...statuses: number[]) {
  let hits = 0;
  const s = await server(() => json(statuses[Math.min(hits++, statuses.length - 1)]));
  return { url: s.url, hits: () => hits };
}

describe("a 500, 502 or 504", () => {
  for (const status of [500, 502, 504]) {
    it(`(${status}) is sent once more at once; the exchange stays the first answer and says what the second was`, async () => {
      const s = await answering(status, 200);
      const c = client(s.url);
      const ex = await c.send({ method: "GET", path: "/x" });
      expect(ex.response?.status).toBe(status);
      expect(ex.again).toEqual({ status: 200 });
      expect(s.hits()).toBe(2);
      // Both requests were sent, and count as such.
      expect(c.samples().map((x) => x.status)).toEqual([status, 200]);
    });
  }

  it("that stays is sent once more only", async () => {
    const s = await answering(500);
    const ex = await client(s.url).send({ method: "GET", path: "/x" });
    expect(ex.again).toEqual({ status: 500 });
    expect(s.hits()).toBe(2);
  });

  it("is not sent again when the request says not to (the rehearsal's own requests), nor for a 503 or a 501", async () => {
    const s = await answering(500, 503, 501, 200);
    const c = client(s.url);
    expect((await c.send({ method: "GET", path: "/a", confirmServerError: false })).again).toBeUndefined();
    expect((await c.send({ method: "GET", path: "/b" })).again).toBeUndefined();
    expect((await c.send({ method: "GET", path: "/c" })).again).toBeUndefined();
    expect(s.hits()).toBe(3);
  });

  it("is not sent again for a request that may not go out twice (a POST, a token request)", async () => {
    const s = await answering(500, 200);
    const c = client(s.url);
    const ex = await c.send({ method: "POST", path: "/oauth2/token", body: { form: { grant_type: "refresh_token" } }, secretResponseFields: ["access_token"] });
    expect(ex.again).toBeUndefined();
    expect(s.hits()).toBe(1);
  });

  it("is not sent again when the request budget has no room for it", async () => {
    const s = await answering(500, 200);
    const c = client(s.url, { maxRequests: 1 });
    const ex = await c.send({ method: "GET", path: "/x" });
    expect(ex.response?.status).toBe(500);
    expect(ex.again).toBeUndefined();
    expect(s.hits()).toBe(1);
  });

  it("that the second request did not get makes a finding say so, and the fix say how to reproduce it", async () => {
    const s = await answering(500, 200, 500);
    const c = client(s.url);
    const ctx = { http: c } as unknown as ProbeContext;
    const input = {
      code: "x/status",
      severity: "fail" as const,
      message: "GET /x answered 500 to a valid request.",
      rule: { ref: "reach:error-handling", text: "500 is a failure." },
      fix: "Find the error in your logs.",
    };
    const flaky = makeFinding(ctx, { ...input, exchange: await c.send({ method: "GET", path: "/x" }) });
    expect(flaky.message).toBe("GET /x answered 500 to a valid request. Sent again at once, the same request was answered 200.");
    expect(flaky.fix).toMatch(/^Find the error in your logs\. The failure comes and goes: one replay of the curl line may not show it/);
    // A server error that stays (500 twice) is not called intermittent.
    const steady = makeFinding(ctx, { ...input, exchange: await c.send({ method: "GET", path: "/y" }) });
    expect(steady.message).toBe(input.message);
    expect(steady.fix).toBe(input.fix);
  });
});
