import { brotliCompressSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../../src/util/redact.js";
import { TOKEN, client, server } from "./helpers.js";

/** Every spelling of the token a careless partner might echo back. */
function spellings(secret: string): string[] {
  const b64 = Buffer.from(secret).toString("base64");
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), b64, b64.replace(/=+$/, "")];
}

describe("HttpClient: secrets never stored", () => {
  it("redacts a token echoed in headers, text and parsed JSON, keeping the real data", async () => {
    const s = await server((req) => ({
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-echo-auth": req.headers.authorization ?? "",
        "x-echo-url": encodeURIComponent(TOKEN),
      },
      body: JSON.stringify({
        Data: [{ AccountId: "a1", Note: `token is ${TOKEN}` }],
        debug: { auth: req.headers.authorization, b64: Buffer.from(`user:${TOKEN}`).toString("base64") },
        [TOKEN]: "as a key",
      }),
    }));
    const redactor = new Redactor();
    const c = client(s.url, { redactor });
    const ex = await c.send({ method: "GET", path: `/companies/c1?echo=${encodeURIComponent(TOKEN)}`, body: undefined });
    const stored = JSON.stringify(ex);
    for (const form of spellings(TOKEN)) expect(stored).not.toContain(form);
    expect(ex.request.url).toContain(`echo=${REDACTED}`);
    expect(ex.request.path).toBe(`/companies/c1?echo=${REDACTED}`);
    expect(ex.response!.headers["x-echo-auth"]).toBe(`Bearer ${REDACTED}`);
    expect(ex.response!.headers["x-echo-url"]).toBe(REDACTED);
    const json = ex.response!.json as { Data: Array<{ AccountId: string; Note: string }>; debug: { auth: string } };
    expect(json.Data[0]!.AccountId).toBe("a1");
    expect(json.Data[0]!.Note).toBe(`token is ${REDACTED}`);
    expect(json.debug.auth).toBe(`Bearer ${REDACTED}`);
    expect(Object.keys(json)).toContain(REDACTED);
    // The shared redactor learned the token, so the rest of the run can mask it too.
    expect(redactor.has(`x ${TOKEN}`)).toBe(true);
  });

  it("redacts secrets in request bodies, parse errors and error messages", async () => {
    const s = await server(() => ({ status: 400, headers: { "content-type": "text/plain" }, body: `${TOKEN} is not json` }));
    const redactor = new Redactor();
    redactor.add("client-secret-xyz");
    const c = client(s.url, { redactor });
    const ex = await c.send({
      method: "POST",
      path: "/oauth2/token",
      auth: "none",
      body: { form: { grant_type: "refresh_token", refresh_token: TOKEN, client_secret: "client-secret-xyz" } },
    });
    expect(ex.request.body).toBe(`grant_type=refresh_token&refresh_token=${REDACTED}&client_secret=${REDACTED}`);
    expect(ex.response!.text).toBe(`${REDACTED} is not json`);
    expect(ex.response!.jsonError).toBeDefined();
    expect(JSON.stringify(ex)).not.toContain(TOKEN.slice(0, 12));
  });

  it("masks a custom bearer value when the partner echoes it", async () => {
    const s = await server((req) => ({ status: 401, body: JSON.stringify({ got: req.headers.authorization }) }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/", auth: { bearer: "reach-check-invalid-token" } });
    expect(ex.response!.json).toEqual({ got: `Bearer ${REDACTED}` });
  });

  it("hides caller-supplied Authorization headers", async () => {
    const s = await server((req) => ({ status: 200, body: JSON.stringify({ got: req.headers.authorization }) }));
    const c = client(s.url);
    const basic = `Basic ${Buffer.from("id:client-secret-abc").toString("base64")}`;
    const ex = await c.send({ method: "POST", path: "/oauth2/token", auth: "none", headers: { Authorization: basic } });
    expect(ex.request.headers.authorization).toBe("Basic ***");
    expect(JSON.stringify(ex)).not.toContain(basic.slice(6));
  });
});

describe("HttpClient: content encodings", () => {
  const payload = JSON.stringify({ Data: [{ id: "é-1" }] });

  it("decodes gzip and br bodies", async () => {
    const s = await server((req) => {
      const enc = req.url.pathname.slice(1);
      const body = enc === "gzip" ? gzipSync(payload) : brotliCompressSync(payload);
      return { status: 200, headers: { "content-type": "application/json", "content-encoding": enc }, body };
    });
    const c = client(s.url);
    for (const enc of ["gzip", "br"]) {
      const ex = await c.send({ method: "GET", path: `/${enc}` });
      expect(ex.error).toBeUndefined();
      expect(ex.response!.text).toBe(payload);
      expect(ex.response!.json).toEqual({ Data: [{ id: "é-1" }] });
      expect(ex.response!.bytes).toBe(Buffer.byteLength(payload));
    }
  });

  it("reports a body that does not match its declared encoding as a clear error", async () => {
    const s = await server((req) => ({
      status: 200,
      headers: { "content-type": "application/json", "content-encoding": req.url.pathname === "/bogus" ? "zstd-ish" : "gzip" },
      body: payload,
    }));
    const c = client(s.url);
    const wrong = await c.send({ method: "GET", path: "/gzip" });
    expect(wrong.error?.code).toBe("other");
    expect(wrong.error?.message).toMatch(/Content-Encoding gzip but did not decode/);
    const unknown = await c.send({ method: "GET", path: "/bogus" });
    expect(unknown.error?.code).toBe("other");
    expect(unknown.error?.message).toMatch(/zstd-ish/);
  });

  it("caps the decoded size of a compressed body", async () => {
    const bomb = gzipSync(Buffer.alloc(200_000, 0x20));
    const s = await server(() => ({ status: 200, headers: { "content-encoding": "gzip" }, body: bomb }));
    const c = client(s.url, { maxBodyBytes: 50_000 });
    expect(bomb.length).toBeLessThan(50_000);
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("body-too-large");
  });
});
