import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "auth.authorize";

/** Answers GET /oauth2/authorize with `reply` instead of the partner's own answer. */
const authorizeAs =
  (reply: ServerReply): Wrap =>
  async (req, next) =>
    req.url.pathname === "/oauth2/authorize" ? reply : next();

describe("auth.authorize", () => {
  it("passes on the reference partner, which turns the unknown client away with 400", async () => {
    const r = resultOf(await checkReference({ only: [ID] }), ID);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.summary).toBe("Turned an unknown client away: 400.");
  });

  it.each([
    ["authorize-missing", "auth.authorize/missing"],
    ["authorize-open-redirect", "auth.authorize/redirects-unknown-client"],
  ])("fails with --break %s (%s), with the request to reproduce", async (defect, code) => {
    const r = resultOf(await checkReference({ only: [ID], defects: [defect] }), ID);
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => f.code)).toEqual([code]);
    const f = r.findings[0]!;
    expect(f.operation).toEqual({ method: "GET", path: "/oauth2/authorize" });
    expect(f.curl).toMatch(/^curl .*\/oauth2\/authorize\?response_type=code&client_id=reach-check-unknown-client/);
    expect(f.curl).not.toContain("Authorization");
    expect(f.rule.ref.length).toBeGreaterThan(3);
  });

  it("fails a 404 that is no OAuth error (a plain not-found, in any form)", async () => {
    for (const body of ['{"errors":[{"error":"NotFound","message":"No route."}]}', '{"error":"not_found"}', "Cannot GET /oauth2/authorize"]) {
      const r = resultOf(await checkReference({ only: [ID], wrap: authorizeAs({ status: 404, headers: { "content-type": "application/json" }, body }) }), ID);
      expect(r.findings.map((f) => f.code), body).toEqual(["auth.authorize/missing"]);
    }
  });

  it("fails a 5xx and a code handed out in the spec's JSON form", async () => {
    const crash = resultOf(await checkReference({ only: [ID], wrap: authorizeAs({ status: 500, headers: { "content-type": "text/plain" }, body: "boom" }) }), ID);
    expect(crash.findings.map((f) => f.code)).toEqual(["auth.authorize/server-error"]);
    const code = resultOf(
      await checkReference({ only: [ID], wrap: authorizeAs({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ code: "abc", state: "reach-check-probe" }) }) }),
      ID,
    );
    expect(code.findings.map((f) => f.code)).toEqual(["auth.authorize/code-for-unknown-client"]);
    expect(code.findings[0]!.pointer).toBe("/code");
  });

  it.each<[string, ServerReply]>([
    ["an HTML error page (200)", { status: 200, headers: { "content-type": "text/html" }, body: "<h1>Unknown application</h1>" }],
    ["an HTML error page (400)", { status: 400, headers: { "content-type": "text/html" }, body: "<h1>invalid_client</h1>" }],
    ["401 invalid_client", { status: 401, headers: { "content-type": "application/json" }, body: '{"error":"invalid_client"}' }],
    ["404 invalid_client (the client is what was not found)", { status: 404, headers: { "content-type": "application/json" }, body: '{"error":"invalid_client","error_description":"No client is registered with this client_id."}' }],
    ["a redirect to its own sign-in page", { status: 302, headers: { location: "/login?next=%2Foauth2%2Fauthorize" }, body: "" }],
    ["a redirect to its identity provider", { status: 303, headers: { location: "https://login.partner.example/authorize?client_id=x" }, body: "" }],
  ])("passes %s: RFC 6749 4.1.2.1 leaves the form of the error to the server", async (_name, reply) => {
    const r = resultOf(await checkReference({ only: [ID], wrap: authorizeAs(reply) }), ID);
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
  });
});
