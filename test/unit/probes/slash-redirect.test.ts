import { describe, expect, it } from "vitest";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

/** Django's APPEND_SLASH: every path without a trailing slash is answered 301 to the same path with one. */
const appendSlash: Wrap = async (req, next) => {
  if (req.url.pathname.endsWith("/")) return next();
  return { status: 301, headers: { location: `${req.url.pathname}/${req.url.search}` }, body: "" };
};

describe("a router that redirects every path to its form with a trailing slash", () => {
  it("is named as such, with the framework setting as the fix, not a login redirect or a missing operation", async () => {
    const report = await checkReference({ only: ["auth.no-token", "schema.user-info"], wrap: appendSlash });
    const noToken = resultOf(report, "auth.no-token").findings.find((f) => f.code === "auth.no-token/status")!;
    expect(noToken.message).toMatch(/redirects a request without a token \(301 to \/\S+\/\) instead of answering 401\. The Location is the same path with a trailing slash added: the web framework's router/);
    expect(noToken.message).not.toMatch(/log in/);
    expect(noToken.fix).toMatch(/APPEND_SLASH = False/);
    const ui = resultOf(report, "schema.user-info").findings.find((f) => f.code === "schema.user-info/status")!;
    expect(ui.message).toMatch(/answered 301 to a valid request with a valid token; expected 200\. The Location is the same path with a trailing slash added/);
    expect(ui.fix).toMatch(/^Serve the spec's paths exactly as written/);
  });

  it("on the token endpoint is a redirect, not a refusal, in the OAuth checks", async () => {
    const tokenOnly: Wrap = async (req, next) => (req.url.pathname === "/oauth2/token" ? appendSlash(req, next) : next());
    const report = await checkReference({ only: ["oauth.invalid-client"], oauth: true, wrap: tokenOnly });
    const f = resultOf(report, "oauth.invalid-client").findings.find((x) => x.code === "oauth.invalid-client/status")!;
    expect(f.message).toMatch(/^The token endpoint redirected a refresh request with .* \(301 to \/oauth2\/token\/\) instead of refusing it; Reach follows no redirect\. The Location is the same path with a trailing slash added/);
    expect(f.fix).toMatch(/APPEND_SLASH = False/);
    expect(resultOf(report, "oauth.invalid-client").findings.some((x) => x.code === "oauth.invalid-client/not-json")).toBe(false);
  });
});
