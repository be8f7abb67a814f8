/**
 * Small pure pieces of the sync checks: clock skew from a Date header, Retry-After, status keys.
 */
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/http/types.js";
import { clockSkewMs, MAX_SKEW_MS } from "../../../src/probes/freshness/date-header.js";
import { retryAfterMs, statusKey } from "../../../src/probes/reliability/rehearsal.js";

const exchange = (date: string | undefined, receivedAt: number): Exchange => ({
  id: 1,
  request: { method: "GET", url: "http://x/", path: "/", headers: {}, auth: "default" },
  response: { status: 200, headers: date ? { date } : {}, text: "{}", bytes: 2, json: {} },
  startedAt: receivedAt - 5,
  durationMs: 5,
  receivedAt,
  fromCache: false,
});

describe("clock skew", () => {
  const at = Date.parse("2026-11-26T18:00:00.400Z");
  it("is the Date header minus the receipt time", () => {
    expect(clockSkewMs(exchange("Thu, 26 Nov 2026 18:00:00 GMT", at))).toBe(-400);
    expect(clockSkewMs(exchange("Thu, 26 Nov 2026 17:50:00 GMT", at))).toBe(-600_400);
    expect(Math.abs(clockSkewMs(exchange("Thu, 26 Nov 2026 17:50:00 GMT", at))!)).toBeGreaterThan(MAX_SKEW_MS);
  });
  it("is unknown without a usable Date header", () => {
    expect(clockSkewMs(exchange(undefined, at))).toBeUndefined();
    expect(clockSkewMs(exchange("yesterday", at))).toBeUndefined();
  });
});

describe("Retry-After and status keys", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs("3", 0)).toBe(3000);
    expect(retryAfterMs("Thu, 01 Jan 1970 00:01:00 GMT", 0)).toBe(60_000);
    expect(retryAfterMs("soon", 0)).toBeUndefined();
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
  });
  it("keeps 429 and 503 apart from their classes and folds timeouts", () => {
    expect(statusKey({ status: 200 })).toBe("2xx");
    expect(statusKey({ status: 429 })).toBe("429");
    expect(statusKey({ status: 503 })).toBe("503");
    expect(statusKey({ status: 500 })).toBe("5xx");
    expect(statusKey({ error: "headers-timeout" })).toBe("timeout");
    expect(statusKey({ error: "reset" })).toBe("reset");
  });
});
