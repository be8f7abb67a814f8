/**
 * Renewing the run's token (issue: a partner's short-lived tokens expiring mid-run). Reach renews
 * an expired access token with its refresh token (REACH_API_FACTS 3.1), so a run that holds the
 * OAuth client and a refresh token does the same, sends the refused request once more, and the
 * partner is judged on that answer. The renewed tokens are secrets like the first.
 */
import { describe, expect, it } from "vitest";
import { checkReference, type Wrap } from "../../helpers/harness.js";
import type { Finding } from "../../../src/report/types.js";
import { notSentText } from "../../../src/report/view.js";

const CHECKS = ["schema.reference-lists", "schema.statements", "pagination.walk"];

/**
 * A partner whose first access token (the run's) expires after `lifetime` answered requests: from
 * then on it is refused with 401 invalid_token, as RFC 6750 says; tokens the token endpoint issues
 * later keep working. `seen` collects every bearer value that reached the partner.
 */
function expiringToken(lifetime: number, seen: Set<string>): Wrap {
  let first: string | undefined;
  let used = 0;
  return async (req, next) => {
    const auth = req.headers.authorization;
    const bearer = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (bearer !== undefined && !req.url.pathname.startsWith("/oauth2/token")) {
      seen.add(bearer);
      first ??= bearer;
      if (bearer === first && ++used > lifetime) {
        return {
          status: 401,
          headers: { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token", error_description="The access token expired"' },
          body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "The access token expired.", level: 7 }] }),
        };
      }
    }
    return next();
  };
}

const with401 = (findings: Finding[]) => findings.filter((f) => f.evidence?.status === 401);

describe("the run's token expiring mid-run", () => {
  it("is renewed with the refresh token, and every request refused for it is sent again and judged", async () => {
    const seen = new Set<string>();
    const report = await checkReference({ only: CHECKS, oauth: true, wrap: expiringToken(25, seen) });
    expect(report.stats.tokenRenewals).toEqual({ renewed: 1, failed: 0 });
    expect(report.stats.statuses["4xx"]).toBeGreaterThan(0);
    // The summary's requests line says so.
    expect(notSentText(report)).toBe("; the run's token was refused with 401 and renewed with the refresh token once");
    for (const c of report.checks) {
      expect(c.status, `${c.id}: ${JSON.stringify(c.findings.map((f) => f.message))}`).toBe("pass");
      expect(with401(c.findings)).toEqual([]);
    }
    // Two tokens reached the partner: the run's and the renewed one; neither is in the report.
    expect(seen.size).toBe(2);
    const text = JSON.stringify(report);
    for (const token of seen) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(encodeURIComponent(token));
    }
  });

  it("without the OAuth client, fails as before and says that the client would let reach-check renew it", async () => {
    const report = await checkReference({ only: CHECKS, wrap: expiringToken(25, new Set()) });
    expect(report.stats.tokenRenewals).toBeUndefined();
    const refused = report.checks.flatMap((c) => with401(c.findings));
    expect(refused.length).toBeGreaterThan(0);
    for (const f of refused.filter((x) => /accepted earlier in this run/.test(x.message))) {
      expect(f.message).toContain("With REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN set, reach-check renews an expired token as Reach does.");
    }
    expect(refused.some((f) => /accepted earlier in this run/.test(f.message))).toBe(true);
  });

  it("an operation that refuses every valid token costs a few renewals at most, and is named as no expiry", async () => {
    // The classes list refuses any token; the other operations accept the run's.
    const wrap: Wrap = async (req, next) =>
      /\/classes$/.test(req.url.pathname)
        ? { status: 401, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "No.", level: 7 }] }) }
        : next();
    const report = await checkReference({ only: ["schema.reference-lists"], oauth: true, wrap });
    const renewals = report.stats.tokenRenewals!;
    expect(renewals.renewed).toBeGreaterThanOrEqual(1);
    expect(renewals.renewed + renewals.failed).toBeLessThanOrEqual(3);
    const r = report.checks.find((c) => c.id === "schema.reference-lists")!;
    expect(r.status).toBe("fail");
    const classes = r.findings.filter((f) => f.evidence?.status === 401);
    expect(classes.length).toBeGreaterThan(0);
    expect(classes.some((f) => f.message.includes("renewed with the refresh token for this request, and the new token was refused as well: this is no expired token"))).toBe(true);
  });
});
