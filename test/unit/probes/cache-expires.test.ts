/**
 * freshness.cache-headers and Expires (RFC 9111): a response without max-age is fresh until its
 * Expires, counted from its Date (section 4.2.1), so an Expires more than a day after Date is the
 * same concern as a max-age over a day. What a cache may not reuse without asking, or what is
 * already expired, is no concern.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, resultOf } from "../../helpers/harness.js";

const DAY = 24 * 60 * 60 * 1000;
const httpDate = (ms: number) => new Date(ms).toUTCString();

/** Data answers (200 from /companies/...) get `headers` in place of their cache headers. */
async function cacheHeaders(headers: (now: number) => Record<string, string>) {
  const report = await checkReference({
    only: ["freshness.cache-headers"],
    wrap: async (req, next): Promise<ServerReply> => {
      const reply = await next();
      if (reply.status !== 200 || !req.url.pathname.startsWith("/companies/")) return reply;
      const now = Date.now();
      const kept = Object.fromEntries(Object.entries(reply.headers ?? {}).filter(([k]) => k !== "cache-control"));
      return { ...reply, headers: { ...kept, date: httpDate(now), ...headers(now) } };
    },
  });
  return resultOf(report, "freshness.cache-headers");
}

describe("freshness.cache-headers with Expires", () => {
  it("warns when Expires is three days after Date and no Cache-Control overrides it, naming both headers", async () => {
    const r = await cacheHeaders((now) => ({ expires: httpDate(now + 3 * DAY) }));
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["freshness.cache-headers/stale-cache"]);
    const f = r.findings[0];
    expect(f.message).toMatch(/Expires: .* GMT \(3 days after its Date: .* GMT, no Cache-Control\)/);
    expect(f.evidence?.headers?.expires).toBeDefined();
    expect(f.evidence?.headers?.date).toBeDefined();
    expect(f.rule.text).toContain("RFC 9111");
  });

  it("warns when only s-maxage stands beside it: a private cache still goes by Expires", async () => {
    const r = await cacheHeaders((now) => ({ "cache-control": "s-maxage=60", expires: httpDate(now + 3 * DAY) }));
    // s-maxage also lets a shared cache reuse it for other tokens (its own finding).
    expect(new Set(codes(r))).toEqual(new Set(["freshness.cache-headers/stale-cache", "freshness.cache-headers/shared-cacheable"]));
  });

  it.each([
    ["an Expires within a day", (now: number) => ({ expires: httpDate(now + DAY / 2) })],
    ["an Expires in the past", (now: number) => ({ expires: httpDate(now - 3 * DAY) })],
    ["an invalid Expires (0): already expired", () => ({ expires: "0" })],
    ["an Expires that is not an HTTP-date (a bare year)", () => ({ expires: "2099" })],
    ["max-age=60 beside a far Expires: max-age wins", (now: number) => ({ "cache-control": "private, max-age=60", expires: httpDate(now + 30 * DAY) })],
    ["no-store beside a far Expires", (now: number) => ({ "cache-control": "no-store", expires: httpDate(now + 30 * DAY) })],
    ["no-cache beside a far Expires", (now: number) => ({ "cache-control": "no-cache", expires: httpDate(now + 30 * DAY) })],
  ])("passes with %s", async (_name, headers) => {
    const r = await cacheHeaders(headers);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });
});

describe("freshness.cache-headers judges data, not the OAuth plumbing", () => {
  it("a discovery document cached for a week is not stale data; a company record is", async () => {
    const week = "public, max-age=604800";
    const report = await checkReference({
      only: ["freshness.cache-headers", "auth.discovery"],
      wrap: async (req, next): Promise<ServerReply> => {
        const reply = await next();
        if (reply.status !== 200) return reply;
        const cached = req.url.pathname === "/auth/oauth-discovery" || /^\/companies\/[^/]+$/.test(req.url.pathname);
        return cached ? { ...reply, headers: { ...reply.headers, "cache-control": week } } : reply;
      },
    });
    const r = resultOf(report, "freshness.cache-headers");
    expect(new Set(codes(r))).toEqual(new Set(["freshness.cache-headers/stale-cache", "freshness.cache-headers/shared-cacheable"]));
    expect(r.findings.map((f) => f.operation?.path)).toEqual(["/companies/{CompanyId}", "/companies/{CompanyId}"]);
  });
});

describe("freshness.cache-headers and shared caches (RFC 9111 section 3.5)", () => {
  it("warns on public or s-maxage without Vary: Authorization, once per operation, even within a day", async () => {
    const r = await cacheHeaders(() => ({ "cache-control": "public, max-age=3600" }));
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("warn");
    expect(new Set(codes(r))).toEqual(new Set(["freshness.cache-headers/shared-cacheable"]));
    const ops = r.findings.map((f) => `${f.operation?.method} ${f.operation?.path}`);
    expect(new Set(ops).size).toBe(ops.length);
    const f = r.findings.find((x) => x.operation?.path === "/companies/{CompanyId}/profit-and-loss")!;
    expect(f.message).toMatch(/with Cache-Control: public, max-age=3600 \(\d+ responses\), and no Vary: Authorization: a shared cache/);
    expect(f.rule.ref).toBe("rfc9111#section-3.5");
    expect(f.evidence?.headers?.["cache-control"]).toBe("public, max-age=3600");
    expect(f.curl).toMatch(/profit-and-loss/);
    const s = await cacheHeaders(() => ({ "cache-control": "s-maxage=60" }));
    expect(new Set(codes(s))).toEqual(new Set(["freshness.cache-headers/shared-cacheable"]));
    const m = await cacheHeaders(() => ({ "cache-control": "max-age=60, must-revalidate" }));
    expect(new Set(codes(m))).toEqual(new Set(["freshness.cache-headers/shared-cacheable"]));
  });

  it("passes what keeps one token's answer from another: Vary: Authorization, private, no-store, no-cache", async () => {
    const variants: Record<string, string>[] = [
      { "cache-control": "public, max-age=3600", vary: "Accept-Encoding, Authorization" },
      { "cache-control": "private, max-age=60" },
      { "cache-control": "no-store" },
      { "cache-control": "no-cache, public" },
      { "cache-control": "must-revalidate, max-age=0" },
      { "cache-control": "max-age=60" },
    ];
    for (const headers of variants) {
      const r = await cacheHeaders(() => headers);
      expect(r.status, `${JSON.stringify(headers)}: ${JSON.stringify(r.findings.map((f) => f.message))}`).toBe("pass");
    }
  });
});
