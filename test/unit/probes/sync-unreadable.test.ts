import { describe, expect, it } from "vitest";
import { checkReference, editText, resultOf, tooManyRequests, type Wrap } from "../../helpers/harness.js";

/** Whether a statement request asks for 20 months or more (the sync's 24-month answers; the schema checks ask for less). */
function longStatement(url: URL): boolean {
  if (!/\/(profit-and-loss|balance-sheet|cash-flow)$/.test(url.pathname)) return false;
  const start = url.searchParams.get("StartDate");
  const end = url.searchParams.get("EndDate");
  if (!start || !end) return false;
  const months = (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7)) + 1;
  return months >= 20;
}

/** Long profit-and-loss answers cut to their first half, framing intact (a gateway's buffer limit). */
const cutLong: Wrap = async (req, next) => {
  const reply = await next();
  if (reply.status !== 200 || !longStatement(req.url) || !req.url.pathname.endsWith("/profit-and-loss") || req.url.searchParams.has("ClassId") || req.url.searchParams.has("BudgetId") || req.url.searchParams.has("DepartmentId")) return reply;
  // Cut past reach-check's own 8 KiB of kept text, so the length named is the body's, not the text's.
  return editText(reply, (text) => text.slice(0, Math.max(Math.floor(text.length / 2), Math.min(text.length - 10, 20_000))));
};

/** One Amount of every long balance sheet written as NaN (a serializer that lets it through). */
const nanLong: Wrap = async (req, next) => {
  const reply = await next();
  if (reply.status !== 200 || !longStatement(req.url) || !req.url.pathname.endsWith("/balance-sheet")) return reply;
  return editText(reply, (text) => text.replace(/"Amount":\s*-?[0-9.eE+-]+/, '"Amount":NaN'));
};

describe("statements of the sync that cannot be read", () => {
  it("fail the rehearsal when long answers are cut off, naming the length and the limit", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal", "accuracy.earnings"], wrap: cutLong });
    const r = resultOf(report, "reliability.rehearsal");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("fail");
    const notJson = r.findings.filter((f) => f.code === "reliability.rehearsal/not-json");
    expect(notJson.length).toBeGreaterThan(0);
    const f = notJson[0];
    expect(f.message).toMatch(/^GET \/companies\/\{CompanyId\}\/profit-and-loss answered 200 with a body that is not JSON \(.+\)\. This is a statement of the sync \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, (ACCRUAL|CASH)\): Reach loses it, and the checks that read it could not judge it\. The body ends after \d+ bytes, before the JSON does/);
    expect(f.fix).toMatch(/^Send the whole body of long statements/);
    const named = Number(/The body ends after (\d+) bytes/.exec(f.message)?.[1]);
    expect(named).toBeGreaterThan(8192);
    expect(f.curl).toMatch(/profit-and-loss\?/);
    // Both passes were cut the same way: each request is reported once, from the timed pass.
    expect(r.findings.some((x) => /first pass/.test(x.message))).toBe(false);
    expect(report.verdict).toBe("not-ready");
  });

  it("fail the rehearsal for a NaN only the 24-month answers carry, and say the first pass lost it too", async () => {
    const report = await checkReference({ only: ["reliability.rehearsal", "accuracy.balance-sheet"], wrap: nanLong });
    const r = resultOf(report, "reliability.rehearsal");
    const f = r.findings.find((x) => x.code === "reliability.rehearsal/not-json");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.operation).toEqual({ method: "GET", path: "/companies/{CompanyId}/balance-sheet" });
    expect(f!.message).not.toMatch(/The body ends after/);
    expect(report.verdict).toBe("not-ready");
  });

  it("reports a statement only the first pass could not read, as the first pass's", async () => {
    // The first two answers to each long cash flow (the first pass reads a body it cannot take as
    // it streams in once more, the usual way); the timed pass gets good ones.
    const seen = new Map<string, number>();
    const once: Wrap = async (req, next) => {
      const reply = await next();
      if (reply.status !== 200 || !longStatement(req.url) || !req.url.pathname.endsWith("/cash-flow")) return reply;
      const n = (seen.get(req.url.search) ?? 0) + 1;
      seen.set(req.url.search, n);
      if (n > 2) return reply;
      return editText(reply, (text) => text.replace(/"Amount":\s*-?[0-9.eE+-]+/, '"Amount":NaN'));
    };
    const report = await checkReference({ only: ["reliability.rehearsal", "accuracy.cash-flow"], wrap: once });
    const r = resultOf(report, "reliability.rehearsal");
    const f = r.findings.find((x) => x.code === "reliability.rehearsal/not-json");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toContain("This is a statement of the run's first pass of the sync, which the accuracy and freshness checks read");
  });
});

describe("a Retry-After date already past", () => {
  it("is named in the rehearsal's rate-limit warning", async () => {
    const past = new Date(Date.now() - 86_400_000).toUTCString();
    let limited = 0;
    const wrap: Wrap = async (req, next) => {
      if (limited < 1 && longStatement(req.url) && req.url.pathname.endsWith("/cash-flow")) {
        limited++;
        return tooManyRequests(past);
      }
      return next();
    };
    const r = resultOf(await checkReference({ only: ["reliability.rehearsal"], wrap }), "reliability.rehearsal");
    const f = r.findings.find((x) => x.code === "reliability.rehearsal/rate-limited");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toContain(`Retry-After ${JSON.stringify(past)} is a date already past: a client that follows it asks again at once`);
    expect(f!.fix).toMatch(/^Send Retry-After as a number of seconds/);
  });
});
