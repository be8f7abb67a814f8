import { describe, expect, it } from "vitest";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

/**
 * Refusals that Reach's pages only suggest, or that SPEC_MODEL decides for another operation: a 2xx
 * without an error body is a warning there, not a failure (REACH_API_FACTS: do not hard-fail on an
 * inferred rule). An error body sent with 200 still fails (never 200 on error, observed).
 */
const empty = { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ Data: [] }) };

const metricBody = (req: Parameters<Wrap>[0]): Record<string, unknown> | undefined =>
  req.method === "POST" && /\/non-financial$/.test(req.url.pathname) ? (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>) : undefined;

/** A YYYY-MM-DD day that exists. */
const calendarDate = (v: unknown): boolean => {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
};

describe("refusals inferred for the non-financial body", () => {
  it("a body missing a required field answered with an empty 200 warns", async () => {
    const wrap: Wrap = async (req, next) => {
      const b = metricBody(req);
      return b && !("NonFinancialIds" in b && "StartDate" in b && "EndDate" in b) ? empty : next();
    };
    const r = resultOf(await checkReference({ only: ["inputs.request-body"], wrap }), "inputs.request-body");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["inputs.request-body/accepted"]);
    expect(r.findings[0].severity).toBe("warn");
    expect(r.findings[0].message).toMatch(/it should refuse it with 400 or 404\. Reach's pages suggest, without stating it, that a body missing a required field gets 400/);
  });

  it("a reversed range answered with an empty 200 warns; a malformed date still fails", async () => {
    const reversed: Wrap = async (req, next) => {
      const b = metricBody(req);
      return b && calendarDate(b.StartDate) && calendarDate(b.EndDate) && String(b.EndDate) < String(b.StartDate) ? empty : next();
    };
    const r = resultOf(await checkReference({ only: ["inputs.dates"], wrap: reversed }), "inputs.dates");
    expect(r.status).toBe("warn");
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([["inputs.dates/accepted", "warn"]]);
    expect(r.findings[0].message).toMatch(/^POST \/companies\/\{CompanyId\}\/non-financial answered 200 to a request with body EndDate \(\S+\) before StartDate \(\S+\); it should refuse it with 400 or 404\. SPEC_MODEL asks for 400 on a reversed range of a statement/);

    const malformed: Wrap = async (req, next) => {
      const b = metricBody(req);
      return b && typeof b.StartDate === "string" && !/^\d{4}-\d{2}-\d{2}$/.test(b.StartDate) ? empty : next();
    };
    const m = resultOf(await checkReference({ only: ["inputs.dates"], wrap: malformed }), "inputs.dates");
    expect(m.status).toBe("fail");
    expect(m.findings.map((f) => [f.code, f.severity])).toEqual([["inputs.dates/accepted", "fail"]]);
  });

  it("an error body sent with 200 fails even where the refusal is inferred", async () => {
    const okOnError: Wrap = async (req, next) => {
      const reply = await next();
      return metricBody(req) && reply.status === 400 ? { ...reply, status: 200 } : reply;
    };
    const r = resultOf(await checkReference({ only: ["inputs.request-body", "inputs.dates"], wrap: okOnError }), "inputs.request-body");
    expect(r.status).toBe("fail");
    expect(r.findings[0].severity).toBe("fail");
  });
});

describe("inputs.accounting-basis and a basis in lower case", () => {
  it("fails a server error to a known basis spelled in lower case, and passes a refusal or the figures", async () => {
    const crash: Wrap = async (req, next) =>
      /^(accrual|cash)$/.test(req.url.searchParams.get("AccountingBasis") ?? "")
        ? { status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "InternalError", message: "Unexpected.", level: 9 }] }) }
        : next();
    const r = resultOf(await checkReference({ only: ["inputs.accounting-basis"], wrap: crash }), "inputs.accounting-basis");
    const f = r.findings.find((x) => x.code === "inputs.accounting-basis/server-error");
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/answered 500 to AccountingBasis=(accrual|cash) \(a basis of the spec in lower case\)/);
    const lenient: Wrap = async (req, next) => {
      const b = req.url.searchParams.get("AccountingBasis");
      if (b === "accrual" || b === "cash") req.url.searchParams.set("AccountingBasis", b.toUpperCase());
      return next();
    };
    const ok = resultOf(await checkReference({ only: ["inputs.accounting-basis"], wrap: lenient }), "inputs.accounting-basis");
    expect(ok.status, JSON.stringify(ok.findings.map((x) => x.message))).toBe("pass");
    const plain = resultOf(await checkReference({ only: ["inputs.accounting-basis"] }), "inputs.accounting-basis");
    expect(plain.status).toBe("pass");
    expect(plain.summary).toMatch(/and answer AccountingBasis=(accrual|cash) without a server error\.$/);
  });
});
