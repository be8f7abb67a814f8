import { describe, expect, it } from "vitest";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

/** FastAPI's answer to a query parameter that fails validation: 422 with {"detail": [...]}. */
const fastApi422: Wrap = async (req, next) => {
  const reply = await next();
  if (reply.status !== 400) return reply;
  return {
    status: 422,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ detail: [{ type: "value_error", loc: ["query", "limit"], msg: "Input should be valid", input: "x" }] }),
  };
};

describe("a refusal with a 4xx Reach's guide does not list", () => {
  it("warns about the status and fails a body outside Reach's error envelope", async () => {
    const r = resultOf(await checkReference({ only: ["inputs.paging"], wrap: fastApi422 }), "inputs.paging");
    expect(r.status).toBe("fail");
    const status = r.findings.filter((f) => f.code === "inputs.paging/status");
    const envelope = r.findings.filter((f) => f.code === "inputs.paging/error-envelope");
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((f) => f.severity === "warn")).toBe(true);
    expect(status[0].fix).toMatch(/with Reach's error envelope as the body\.$/);
    expect(envelope.length).toBeGreaterThan(0);
    expect(envelope.every((f) => f.severity === "fail")).toBe(true);
    expect(envelope[0].message).toMatch(/^The 422 answer to a request with .* is not in Reach's error envelope/);
  });

  it("is judged alike by accuracy.filter-ids: the status warns, as in the input checks", async () => {
    const r = resultOf(await checkReference({ only: ["accuracy.filter-ids"], wrap: fastApi422 }), "accuracy.filter-ids");
    const status = r.findings.filter((f) => f.code === "accuracy.filter-ids/status");
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((f) => f.severity === "warn")).toBe(true);
    expect(status[0].message).toMatch(/answered 422 to \w+Id=reach-check-unknown-\w+, which no list returns; expected 400 or 404\.$/);
  });
});

describe("a partner that wants a session cookie besides the token", () => {
  it("says the refusal sets a cookie, instead of calling the token expired", async () => {
    const session: Wrap = async (req, next) => {
      const reply = await next();
      const cookie = { "set-cookie": "sid=5f2e9a; Path=/; HttpOnly, AWSALB=xyz; Path=/" };
      if (req.url.pathname === "/oauth2/user-info") return { ...reply, headers: { ...reply.headers, ...cookie } };
      if (!req.url.pathname.startsWith("/companies/") || /sid=/.test(req.headers.cookie ?? "")) return reply;
      return {
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="reach", error="invalid_token"', ...cookie },
        body: JSON.stringify({ errors: [{ error: "Unauthorized", message: "Session expired. Please sign in again.", level: 8 }] }),
      };
    };
    const r = resultOf(await checkReference({ only: ["schema.company-info"], wrap: session }), "schema.company-info");
    const f = r.findings.find((x) => x.code === "schema.company-info/status")!;
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f.message).toMatch(/this refusal sets a cookie \(Set-Cookie: sid=…\): the partner seems to want a session cookie besides the token/);
    expect(f.message).not.toMatch(/it expired or was revoked while the run went on/);
    expect(f.fix).toMatch(/^Authenticate every API request by its bearer token alone/);
  });
});
