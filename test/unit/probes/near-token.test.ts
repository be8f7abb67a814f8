import { describe, expect, it } from "vitest";
import { checkPartner, checkReference, resultOf, type Wrap } from "../../helpers/harness.js";
import { startPartner } from "../../../src/reference-partner/index.js";
import { NOW } from "../../helpers/cli.js";

/**
 * A partner whose token check is loose in one way: `prefix` accepts any leading part (8 characters
 * or more) of a token it issued, `case` accepts a token in any case. The wrap learns the run's
 * token from the first request that carries one and hands the partner that token instead.
 */
function loose(kind: "prefix" | "case"): Wrap {
  let real: string | undefined;
  return async (req, next) => {
    const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (sent !== undefined) {
      real ??= sent;
      const near = kind === "prefix" ? sent.length >= 8 && sent.length < real.length && real.startsWith(sent) : sent !== real && sent.toLowerCase() === real.toLowerCase();
      if (near) req.headers.authorization = `Bearer ${real}`;
    }
    return next();
  };
}

describe("auth.near-token", () => {
  it("passes a partner that compares the whole token, case included", async () => {
    const report = await checkReference({ only: ["auth.near-token"] });
    const r = resultOf(report, "auth.near-token");
    expect(r.status, JSON.stringify(r)).toBe("pass");
    expect(r.summary).toMatch(/^Refused: one character short: 401/);
    expect(r.requests).toBeGreaterThanOrEqual(2);
  });

  it("fails a token check that accepts a prefix of a real token, with a curl line that rebuilds it", async () => {
    const report = await checkReference({ only: ["auth.near-token"], wrap: loose("prefix") });
    const r = resultOf(report, "auth.near-token");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "auth.near-token/prefix-accepted")!;
    expect(f.severity).toBe("fail");
    expect(f.message).toMatch(/^GET \/companies\/\{CompanyId\} answered 200 with data to the run's token with its last character dropped, a token the partner never issued/);
    expect(f.curl).toContain('"Authorization: Bearer ${REACH_ACCESS_TOKEN%?}"');
    expect(JSON.stringify(report)).not.toMatch(/Bearer [A-Za-z0-9._~+/-]{12,}/);
  });

  it("warns for a token check that ignores case, when the token has letters in both cases", async () => {
    const report = await checkReference({ only: ["auth.near-token"], wrap: loose("case") });
    const r = resultOf(report, "auth.near-token");
    // The reference partner's tokens are base64url: letters in both cases.
    const f = r.findings.find((x) => x.code === "auth.near-token/case-ignored");
    expect(f, JSON.stringify(r)).toBeDefined();
    expect(r.status).toBe("warn");
    expect(f!.severity).toBe("warn");
    expect(f!.curl).toContain(`"Authorization: Bearer $(printf %s "$REACH_ACCESS_TOKEN" | tr 'A-Za-z' 'a-zA-Z')"`);
  });
});

describe("auth.token-in-query beside an operation that needs no token", () => {
  it("does not call a query token accepted where no token is needed at all", async () => {
    // user-info answers every request as if it carried the run's token (learnt from the first one).
    let real: string | undefined;
    const open: Wrap = async (req, next) => {
      real ??= req.headers.authorization;
      if (req.url.pathname === "/oauth2/user-info" && req.headers.authorization === undefined && real !== undefined) req.headers.authorization = real;
      return next();
    };
    const report = await checkReference({ only: ["auth.no-token", "auth.token-in-query"], wrap: open });
    expect(resultOf(report, "auth.no-token").findings.some((f) => f.code === "auth.no-token/not-enforced")).toBe(true);
    const q = resultOf(report, "auth.token-in-query");
    const opened = new Set(resultOf(report, "auth.no-token").findings.filter((f) => f.code === "auth.no-token/not-enforced").map((f) => f.operation?.path));
    expect(opened.has("/oauth2/user-info")).toBe(true);
    expect(q.findings.filter((f) => opened.has(f.operation?.path ?? ""))).toEqual([]);
    expect(q.summary).toMatch(/\/oauth2\/user-info not tried \(answers without a token, see auth\.no-token\)/);
  });
});

describe("auth.company-scope and a company id in the other case", () => {
  /** The access check takes the id as sent; the lookup lower-cases it (and reads with full rights). */
  function caseBlind(): Wrap {
    let runToken: string | undefined;
    return async (req, next) => {
      runToken ??= req.headers.authorization;
      const m = /^\/companies\/([^/]+)(.*)$/.exec(req.url.pathname);
      if (m && m[1] !== m[1].toLowerCase() && runToken !== undefined) {
        req.url.pathname = `/companies/${m[1].toLowerCase()}${m[2]}`;
        req.headers.authorization = runToken;
      }
      return next();
    };
  }

  it("fails a partner that lets the scoped token read the other company by its id in capitals", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], scopedToken: true, wrap: caseBlind() }), "auth.company-scope");
    expect(r.status).toBe("fail");
    const f = r.findings.find((x) => x.code === "auth.company-scope/other-company")!;
    expect(f.message).toMatch(/^GET \/companies\/\{CompanyId\} answered 200 with data for "[A-Z-]+", company [a-z-]+'s id with its letters in the other case, to the token in REACH_SCOPED_TOKEN/);
    expect(f.curl).toMatch(/\/companies\/[A-Z-]+'/);
  });

  it("passes the reference partner, which refuses the other spelling", async () => {
    const r = resultOf(await checkReference({ only: ["auth.company-scope"], scopedToken: true }), "auth.company-scope");
    expect(r.status, JSON.stringify(r.findings.map((f) => f.message))).toBe("pass");
  });
});

describe("auth.near-token and a token ending in base64 padding", () => {
  it("does not try a shorter token (a partner decoding tokens may drop the padding), only the other case", async () => {
    const partner = await startPartner({ now: new Date(NOW), accessToken: "Padded-Token-0123456789abcdefXYZ==" });
    try {
      const r = resultOf(await checkPartner(partner, { only: ["auth.near-token"] }), "auth.near-token");
      expect(r.status, JSON.stringify(r)).toBe("pass");
      expect(r.summary).toMatch(/^Refused: other case: 401 \(the token ends in base64 padding, which a partner may drop when it decodes tokens, so a shorter one was not tried\)\.$/);
      expect(r.requests).toBe(1);
    } finally {
      await partner.close();
    }
  });
});
