/**
 * Where a redirect leads next to the base URL (support/response.ts redirectPlace), and what the
 * refusal checks say of a redirect instead of a 401.
 */
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/http/types.js";
import type { ProbeContext } from "../../../src/probes/types.js";
import { redirectPlace } from "../../../src/probes/support/response.js";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

const ctxAt = (base: string) => ({ http: { baseUrl: new URL(base) } }) as unknown as ProbeContext;
const redirect = (from: string, location: string) => ({ request: { url: from }, response: { status: 308, headers: { location } } }) as unknown as Exchange;

describe("redirectPlace", () => {
  it("names a redirect that drops the base URL's path prefix", () => {
    const ctx = ctxAt("https://api.partner.example/reach/api/v1");
    expect(redirectPlace(ctx, redirect("https://api.partner.example/reach/api/v1/companies/c1/budgets", "/companies/c1/budgets?offset=0"))).toBe(
      " It leads to /companies/c1/budgets, outside the base URL's path /reach/api/v1: the redirect drops the base path (a proxy or framework building Location without it).",
    );
  });

  it("names another origin, and says nothing of a redirect that stays under the base URL", () => {
    const ctx = ctxAt("https://api.partner.example/reach/api/v1/");
    expect(redirectPlace(ctx, redirect("https://api.partner.example/reach/api/v1/x", "https://other.example/x"))).toBe(" It leads to another origin, https://other.example, where Reach would not send its token.");
    expect(redirectPlace(ctx, redirect("https://api.partner.example/reach/api/v1/x", "/reach/api/v1/x/"))).toBe("");
    expect(redirectPlace(ctxAt("https://api.partner.example"), redirect("https://api.partner.example/x", "/y"))).toBe("");
    expect(redirectPlace(ctx, redirect("https://api.partner.example/reach/api/v1/x", ""))).toBe("");
  });
});

describe("a redirect instead of a 401", () => {
  const redirectWithoutToken =
    (location: string): Wrap =>
    async (req, next) =>
      req.headers.authorization === undefined && req.url.pathname.startsWith("/companies/") ? { status: 302, headers: { location }, body: "" } : next();

  it("speaks of a browser login only when the redirect goes to one", async () => {
    const toLogin = resultOf(await checkReference({ only: ["auth.no-token"], wrap: redirectWithoutToken("/login?next=%2F") }), "auth.no-token");
    const f = toLogin.findings.find((x) => x.code === "auth.no-token/status")!;
    expect(f.message).toMatch(/instead of answering 401: Reach's sync has no browser to log in with\.$/);
    const elsewhere = resultOf(await checkReference({ only: ["auth.no-token"], wrap: redirectWithoutToken("/status") }), "auth.no-token");
    const g = elsewhere.findings.find((x) => x.code === "auth.no-token/status")!;
    expect(g.message).toMatch(/\(302 to \/status\) instead of answering 401: a request without a valid token must be refused, not sent elsewhere\.$/);
  });
});

describe("reachability.redirects on every operation", () => {
  // Budgets and classes (asked only by the list checks) answer the run's token with a redirect elsewhere.
  const budgetsElsewhere: Wrap = async (req, next) =>
    req.headers.authorization !== undefined && /^\/companies\/[^/]+\/(budgets|classes)$/.test(req.url.pathname)
      ? { status: 307, headers: { location: `https://mirror.partner.example${req.url.pathname}${req.url.search}` }, body: "" }
      : next();

  it("fails a redirect the list checks met, not only on the calls it asks itself", async () => {
    const report = await checkReference({ only: ["reachability.redirects", "schema.reference-lists"], wrap: budgetsElsewhere });
    const r = resultOf(report, "reachability.redirects");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "reachability.redirects/other-origin")!;
    // Whichever of the two was sent first carries the finding; the other is named in it.
    const [first, other] = f.operation!.path.endsWith("/budgets") ? ["budgets", "classes"] : ["classes", "budgets"];
    expect(f.operation).toEqual({ method: "GET", path: `/companies/{CompanyId}/${first}` });
    expect(f.message).toMatch(new RegExp(`^GET /companies/\\{CompanyId\\}/${first} redirects \\(307\\) to another origin, https://mirror\\.partner\\.example\\.`));
    expect(f.curl).toContain(`/${first}`);
    // One fault, one finding: the other operation redirected the same way is named in it.
    expect(f.message).toMatch(new RegExp(` One other operation redirects the same way: GET /companies/\\{CompanyId\\}/${other}\\.$`));
    expect(r.findings.filter((x) => x.code === "reachability.redirects/other-origin")).toHaveLength(1);
  });

  it("counts every operation the run called with its token when none redirects", async () => {
    const r = resultOf(await checkReference({ only: ["reachability.redirects", "schema.reference-lists"] }), "reachability.redirects");
    expect(r.status).toBe("pass");
    const [, n] = /^No redirect on (\d+) operations called\.$/.exec(r.summary ?? "")!;
    // discovery, user-info, company info and the four lists at least.
    expect(Number(n)).toBeGreaterThanOrEqual(7);
  });
});
