/**
 * The refusal checks (auth.no-token, auth.invalid-token, auth.bearer-challenge) on answers the
 * reference partner does not give but a conformant partner may, and on the defects they must
 * name; and that auth.bearer-challenge reads the other two checks' answers instead of sending its own.
 */
import { describe, expect, it } from "vitest";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, codes, resultOf, type Wrap } from "../../helpers/harness.js";

const REFUSALS = ["auth.no-token", "auth.invalid-token", "auth.bearer-challenge"];

/** Every 401 of the partner gets `challenge(old)` as its WWW-Authenticate header. */
function challenge(edit: (old: string) => string): Wrap {
  return async (_req, next) => {
    const r = await next();
    const old = r.headers?.["www-authenticate"];
    return r.status === 401 && old !== undefined ? { ...r, headers: { ...r.headers, "www-authenticate": edit(old) } } : r;
  };
}

/** Requests carrying a Basic credential get `status` in Reach's error envelope. */
function basicAnswered(status: number, error: string): Wrap {
  return async (req, next) => {
    const r = await next();
    if (!/^Basic /i.test(req.headers.authorization ?? "")) return r;
    const reply: ServerReply = {
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errors: [{ error, message: "Only Bearer access tokens are accepted.", level: 8 }] }),
    };
    return reply;
  };
}

describe("auth.invalid-token: a credential of another scheme", () => {
  it.each([
    [400, "BadRequest"],
    [403, "Forbidden"],
  ])("refused with %i in the error envelope passes (RFC 6750 invalid_request; the checklist's 401 or 403)", async (status, error) => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], wrap: basicAnswered(status, error) }), "auth.invalid-token");
    expect(r.status, JSON.stringify(r.findings, null, 2)).toBe("pass");
    expect(r.findings).toEqual([]);
  });

  it("answered with data fails on each operation, with a curl line that shows the fake credential only", async () => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], defects: ["basic-auth-bypass"] }), "auth.invalid-token");
    expect(codes(r)).toEqual(["auth.invalid-token/other-scheme-accepted"]);
    // user-info still refuses it; every company operation does not.
    expect(r.findings.map((f) => f.operation?.path)).not.toContain("/oauth2/user-info");
    expect(r.findings.length).toBe(10);
    for (const f of r.findings) expect(f.curl).toContain("'Authorization: Basic cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0'");
  });

  it("a partner that answers data to any credential gets one finding per operation, not two", async () => {
    const r = resultOf(await checkReference({ only: ["auth.invalid-token"], defects: ["auth-not-enforced"] }), "auth.invalid-token");
    expect(codes(r)).toEqual(["auth.invalid-token/not-enforced"]);
    expect(r.findings.length).toBe(1);
  });
});

describe("auth.invalid-token: 403 for a wrong token", () => {
  it("warns on every operation", async () => {
    const report = await checkReference({ only: REFUSALS, defects: ["invalid-token-403"] });
    const invalid = resultOf(report, "auth.invalid-token");
    expect(invalid.status).toBe("warn");
    expect(codes(invalid)).toEqual(["auth.invalid-token/forbidden"]);
    expect(invalid.findings.length).toBe(11);
  });

  it("a 403 to a request without a token is not warned about (Reach always sends one; the checklist allows 401 or 403)", async () => {
    const wrap: Wrap = async (req, next) => {
      const r = await next();
      if (r.status !== 401 || req.headers.authorization !== undefined) return r;
      return { status: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ error: "Forbidden", message: "No token." }] }) };
    };
    const report = await checkReference({ only: REFUSALS, wrap });
    expect(resultOf(report, "auth.no-token").status).toBe("pass");
    expect(resultOf(report, "auth.invalid-token").status).toBe("pass");
  });
});
