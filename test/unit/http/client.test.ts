import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createHttpClient } from "../../../src/http/client.js";
import type { ServerRequest } from "../../../src/http/server.js";
import { TOKEN, client, closedPort, server, sleep } from "./helpers.js";

describe("HttpClient: requests and responses", () => {
  it("sends accept, user agent and the bearer token; returns status, headers and parsed JSON", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => {
      seen.push(req);
      return { status: 201, headers: { "content-type": "Application/JSON; charset=utf-8", "x-trace": "t1" }, body: '{"Data":[1,2]}' };
    });
    const c = client(`${s.url}/api/v1/`);
    const ex = await c.send({ method: "GET", path: "/companies/c 1", query: { limit: 10, skip: undefined, q: "a&b" } });
    expect(ex.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.url.pathname).toBe("/api/v1/companies/c%201");
    expect(req.url.search).toBe("?limit=10&q=a%26b");
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.accept).toBe("application/json");
    expect(req.headers["user-agent"]).toBe("reach-check/test");
    expect(req.headers["accept-encoding"]).toBe("gzip, br");
    expect(ex.response).toMatchObject({ status: 201, contentType: "application/json", json: { Data: [1, 2] }, bytes: 14 });
    expect(ex.response!.headers["x-trace"]).toBe("t1");
    expect(ex.response!.jsonError).toBeUndefined();
    expect(ex.request).toMatchObject({
      method: "GET",
      url: `${s.url}/api/v1/companies/c%201?limit=10&q=a%26b`,
      path: "/companies/c%201?limit=10&q=a%26b",
      auth: "default",
    });
    expect(ex.request.headers.authorization).toBe("Bearer ***");
    expect(ex.fromCache).toBe(false);
    expect(ex.ttfbMs).toBeGreaterThan(0);
    expect(ex.durationMs).toBeGreaterThanOrEqual(ex.ttfbMs!);
  });

  it("appends query entries to a path that already has a query string", async () => {
    const seen: string[] = [];
    const s = await server((req) => (seen.push(req.url.pathname + req.url.search), { status: 204 }));
    const c = client(s.url);
    await c.send({ method: "GET", path: "/a?x=1", query: { y: 2 } });
    expect(seen).toEqual(["/a?x=1&y=2"]);
  });

  it("reports non-JSON text with jsonError, an empty body with neither, whatever the content type", async () => {
    const s = await server((req) =>
      req.url.pathname === "/html"
        ? { status: 200, headers: { "content-type": "text/html" }, body: "<html>oops</html>" }
        : req.url.pathname === "/empty"
          ? { status: 200 }
          : { status: 200, headers: { "content-type": "text/plain" }, body: '{"ok":true}' },
    );
    const c = client(s.url);
    const html = await c.send({ method: "GET", path: "/html" });
    expect(html.response!.text).toBe("<html>oops</html>");
    expect(html.response!.json).toBeUndefined();
    expect(html.response!.jsonError).toMatch(/JSON/);
    const empty = await c.send({ method: "GET", path: "/empty" });
    expect(empty.response!.text).toBe("");
    expect(empty.response!.contentType).toBeUndefined();
    expect("json" in empty.response!).toBe(false);
    expect(empty.response!.jsonError).toBeUndefined();
    const plain = await c.send({ method: "GET", path: "/plain" });
    expect(plain.response!.contentType).toBe("text/plain");
    expect(plain.response!.json).toEqual({ ok: true });
  });

  it("encodes JSON, form and raw bodies with their content types", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 200, body: "{}" }));
    const c = client(s.url);
    await c.send({ method: "POST", path: "/j", body: { json: { Data: [{ v: "it's" }] } } });
    await c.send({ method: "POST", path: "/f", auth: "none", body: { form: { grant_type: "refresh_token", scope: "a b" } } });
    await c.send({ method: "POST", path: "/r", body: { raw: "<x/>", contentType: "application/xml" } });
    expect(seen.map((r) => r.headers["content-type"])).toEqual([
      "application/json",
      "application/x-www-form-urlencoded",
      "application/xml",
    ]);
    expect(seen.map((r) => r.body.toString())).toEqual(['{"Data":[{"v":"it\'s"}]}', "grant_type=refresh_token&scope=a+b", "<x/>"]);
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it("sends a custom bearer value as given and never stores it", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 401, body: JSON.stringify({ echo: req.headers.authorization }) }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/x", auth: { bearer: "reach-check-invalid-token" } });
    expect(seen[0]!.headers.authorization).toBe("Bearer reach-check-invalid-token");
    expect(ex.request.auth).toBe("custom");
    expect(ex.request.headers.authorization).toBe("Bearer ***");
    expect(JSON.stringify(ex)).not.toContain("reach-check-invalid-token");
  });

  it("omits Authorization when there is no token", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 200 }));
    const c = createHttpClient({ baseUrl: s.url, tokenEnvName: "T" });
    const ex = await c.send({ method: "GET", path: "/" });
    await c.close();
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(ex.request.headers.authorization).toBeUndefined();
  });

  it("rejects unusable base URLs when created", () => {
    expect(() => createHttpClient({ baseUrl: "not a url" })).toThrow(TypeError);
    expect(() => createHttpClient({ baseUrl: "ftp://x.test" })).toThrow(/http or https/);
    expect(() => createHttpClient({ baseUrl: "https://x.test/?a=1" })).toThrow(/query/);
  });

  it("records one latency sample per request sent, with its operation", async () => {
    const s = await server((req) => ({ status: req.url.pathname === "/a" ? 200 : 404 }));
    const c = client(s.url);
    const op = { method: "GET", path: "/a" };
    await c.send({ method: "GET", path: "/a", operation: op });
    await c.send({ method: "GET", path: "/b" });
    const samples = c.samples();
    expect(samples).toHaveLength(2);
    expect(samples[0]).toMatchObject({ operation: op, status: 200 });
    expect(samples[1]).toMatchObject({ status: 404 });
    expect(samples[1]!.operation).toBeUndefined();
    expect(samples.every((x) => x.durationMs > 0)).toBe(true);
  });

  it("answers with an error exchange after close", async () => {
    const s = await server(() => ({ status: 200 }));
    const c = client(s.url);
    await c.close();
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("other");
    expect(ex.response).toBeUndefined();
  });
});

describe("HttpClient: redirects and origins", () => {
  it("returns a 3xx as is and never follows it (the other origin sees nothing)", async () => {
    const elsewhere: ServerRequest[] = [];
    const other = await server((req) => (elsewhere.push(req), { status: 200, body: "{}" }));
    const s = await server(() => ({ status: 302, headers: { location: `${other.url}/steal` } }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/companies" });
    expect(ex.error).toBeUndefined();
    expect(ex.response!.status).toBe(302);
    expect(ex.response!.headers.location).toBe(`${other.url}/steal`);
    expect(elsewhere).toHaveLength(0);
  });

  it("refuses to send credentials to an absolute URL on another origin, allows it without", async () => {
    const elsewhere: ServerRequest[] = [];
    const other = await server((req) => (elsewhere.push(req), { status: 200, body: "{}" }));
    const s = await server(() => ({ status: 200 }));
    const c = client(s.url);
    const refused = await c.send({ method: "POST", path: `${other.url}/oauth2/token` });
    expect(refused.error?.code).toBe("invalid-url");
    expect(refused.error?.message).toMatch(/credentials/);
    const custom = await c.send({ method: "GET", path: `${other.url}/x`, auth: { bearer: "reach-check-invalid" } });
    expect(custom.error?.code).toBe("invalid-url");
    expect(elsewhere).toHaveLength(0);
    const anonymous = await c.send({ method: "GET", path: `${other.url}/x`, auth: "none" });
    expect(anonymous.response?.status).toBe(200);
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]!.headers.authorization).toBeUndefined();
    expect(c.samples()).toHaveLength(1);
  });

  it("keeps same-origin absolute URLs and relative paths on the base origin", async () => {
    const seen: string[] = [];
    const s = await server((req) => (seen.push(req.url.pathname), { status: 200 }));
    const c = client(`${s.url}/base`);
    await c.send({ method: "GET", path: `${s.url}/base/abs` });
    await c.send({ method: "GET", path: "//evil.example/x" });
    await c.send({ method: "GET", path: "" });
    expect(seen).toEqual(["/base/abs", "/base//evil.example/x", "/base"]);
  });
});

describe("HttpClient: transport failures", () => {
  it("maps a refused connection to connect-refused and still records a sample", async () => {
    const port = await closedPort();
    const c = client(`http://127.0.0.1:${port}`);
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.response).toBeUndefined();
    expect(ex.error?.code).toBe("connect-refused");
    expect(ex.error?.message).not.toMatch(/\n/);
    expect(c.samples()).toEqual([expect.objectContaining({ error: "connect-refused" })]);
  });

  it("gives up waiting for headers after headersTimeoutMs", async () => {
    const s = await server(() => ({ status: 200, delayMs: 1_500 }));
    const c = client(s.url, { headersTimeoutMs: 200 });
    const t0 = Date.now();
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("headers-timeout");
    expect(Date.now() - t0).toBeLessThan(1_200);
  });

  it("cuts off a trickling body after bodyTimeoutMs in total", async () => {
    const s = await server(() => ({
      status: 200,
      raw: async (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        for (let i = 0; i < 40; i++) {
          res.write(" ");
          await new Promise((r) => setTimeout(r, 50));
        }
        res.end("{}");
      },
    }));
    const c = client(s.url, { bodyTimeoutMs: 300 });
    const t0 = Date.now();
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("body-timeout");
    expect(ex.response).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1_200);
  });

  it("applies a per-request timeout", async () => {
    const s = await server(() => ({ status: 200, delayMs: 1_000 }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/", timeoutMs: 150 });
    expect(ex.error?.code).toBe("timeout");
    expect(ex.durationMs).toBeLessThan(900);
  });

  it("refuses bodies over the cap, declared or streamed", async () => {
    const big = "x".repeat(5_000);
    const s = await server((req) =>
      req.url.pathname === "/declared"
        ? { status: 200, body: big }
        : {
            status: 200,
            raw: (res) => {
              res.writeHead(200, {});
              for (let i = 0; i < 10; i++) res.write(big);
              res.end();
            },
          },
    );
    const c = client(s.url, { maxBodyBytes: 4_096 });
    const declared = await c.send({ method: "GET", path: "/declared" });
    expect(declared.error?.code).toBe("body-too-large");
    const streamed = await c.send({ method: "GET", path: "/streamed" });
    expect(streamed.error?.code).toBe("body-too-large");
    expect(streamed.response).toBeUndefined();
  });

  it("maps a connection reset in the middle of the body to reset", async () => {
    const s = await server(() => ({
      status: 200,
      raw: async (res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"Data":[');
        await new Promise((r) => setTimeout(r, 30));
        res.destroy();
      },
    }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("reset");
    expect(ex.error?.message).toMatch(/^connection closed by the server: /);
  });

  it("maps a connection dropped before any answer to reset", async () => {
    const s = await server(() => ({ status: 200, destroy: true }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("reset");
  });
});

describe("HttpClient: cache, concurrency, budget", () => {
  it("shares one request among concurrent identical cached requests", async () => {
    let hits = 0;
    const s = await server(() => (hits++, { status: 200, delayMs: 100, body: '{"n":1}' }));
    const c = client(s.url);
    const req = { method: "GET" as const, path: "/list", query: { limit: 5 }, cache: true };
    const all = await Promise.all([c.send(req), c.send(req), c.send(req)]);
    expect(hits).toBe(1);
    expect(all.filter((e) => !e.fromCache)).toHaveLength(1);
    expect(new Set(all.map((e) => e.id)).size).toBe(1);
    expect(all.every((e) => e.response?.status === 200)).toBe(true);
    const later = await c.send(req);
    expect(later.fromCache).toBe(true);
    expect(later.response).toBe(all[0]!.response);
    expect(hits).toBe(1);
    expect(c.samples()).toHaveLength(1);
  });

  it("keys the cache by URL, body and auth, and ignores uncached requests", async () => {
    let hits = 0;
    const s = await server(() => (hits++, { status: 200, body: "{}" }));
    const c = client(s.url);
    await c.send({ method: "GET", path: "/a", cache: true });
    await c.send({ method: "GET", path: "/a", cache: true, auth: "none" });
    await c.send({ method: "GET", path: "/a", cache: true, auth: { bearer: "wrong-token" } });
    await c.send({ method: "GET", path: "/a", cache: true, query: { x: 1 } });
    await c.send({ method: "POST", path: "/a", cache: true, body: { json: { a: 1 } } });
    await c.send({ method: "POST", path: "/a", cache: true, body: { json: { a: 2 } } });
    await c.send({ method: "GET", path: "/a" });
    expect(hits).toBe(7);
    expect((await c.send({ method: "POST", path: "/a", cache: true, body: { json: { a: 2 } } })).fromCache).toBe(true);
    expect(hits).toBe(7);
  });

  it("does not cache transport errors", async () => {
    let hits = 0;
    // The first send resets twice (a GET reset before any answer is tried once more).
    const s = await server(() => (++hits <= 2 ? { status: 200, destroy: true } : { status: 200, body: "{}" }));
    const c = client(s.url);
    const first = await c.send({ method: "GET", path: "/a", cache: true });
    expect(first.error).toBeDefined();
    const second = await c.send({ method: "GET", path: "/a", cache: true });
    expect(second.fromCache).toBe(false);
    expect(second.response?.status).toBe(200);
    expect(hits).toBe(3);
  });

  it("never has more requests in flight than the concurrency bound, across origins", async () => {
    let inFlight = 0;
    let peak = 0;
    const handler = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 60));
      inFlight--;
      return { status: 200, body: "{}" };
    };
    const s = await server(handler);
    // A second origin gets its own connection pool, so only the client's own bound can hold the line.
    const other = await server(handler);
    const c = client(s.url, { concurrency: 2 });
    const all = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        c.send(i % 2 === 0 ? { method: "GET", path: `/p${i}` } : { method: "GET", path: `${other.url}/p${i}`, auth: "none" }),
      ),
    );
    expect(all.every((e) => e.response?.status === 200)).toBe(true);
    expect(peak).toBe(2);
    expect(c.samples()).toHaveLength(7);
  });

  it("stops at the request budget without sending", async () => {
    let hits = 0;
    const s = await server(() => (hits++, { status: 200 }));
    const c = client(s.url, { maxRequests: 2 });
    const all = await Promise.all([1, 2, 3].map((i) => c.send({ method: "GET", path: `/${i}` })));
    expect(all.filter((e) => e.error?.code === "budget-exhausted")).toHaveLength(1);
    expect(hits).toBe(2);
    expect(c.samples()).toHaveLength(2);
    expect((await c.send({ method: "GET", path: "/4" })).error?.code).toBe("budget-exhausted");
    expect(hits).toBe(2);
  });
});

describe("HttpClient: retries", () => {
  it("honours Retry-After on 429 and 503 up to maxRetries, one sample per attempt", async () => {
    let hits = 0;
    const s = await server(() => {
      hits++;
      if (hits === 1) return { status: 429, headers: { "retry-after": "0" } };
      if (hits === 2) return { status: 503, headers: { "retry-after": "0" } };
      return { status: 200, body: '{"ok":true}' };
    });
    const c = client(s.url, { retry: { maxRetries: 3, maxRetryAfterMs: 1_000 } });
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.response?.status).toBe(200);
    expect(hits).toBe(3);
    expect(c.samples().map((x) => x.status)).toEqual([429, 503, 200]);
  });

  it("returns the last answer when retries run out, Retry-After is too long or absent", async () => {
    const s = await server((req) => {
      const p = req.url.pathname;
      if (p === "/always") return { status: 503, headers: { "retry-after": "0" } };
      if (p === "/long") return { status: 429, headers: { "retry-after": "120" } };
      return { status: 429 };
    });
    const c = client(s.url, { retry: { maxRetries: 2, maxRetryAfterMs: 1_000 } });
    expect((await c.send({ method: "GET", path: "/always" })).response?.status).toBe(503);
    expect(c.samples()).toHaveLength(3);
    expect((await c.send({ method: "GET", path: "/long" })).response?.status).toBe(429);
    expect((await c.send({ method: "GET", path: "/none" })).response?.status).toBe(429);
    expect(c.samples()).toHaveLength(5);
  });

  it("reads an HTTP-date Retry-After against the injected clock", async () => {
    const now = Date.parse("2026-01-05T10:00:00Z");
    let hits = 0;
    const s = await server(() =>
      ++hits === 1 ? { status: 503, headers: { "retry-after": "Mon, 05 Jan 2026 10:00:00 GMT" } } : { status: 200 },
    );
    const c = client(s.url, { retry: { maxRetries: 1, maxRetryAfterMs: 500 }, now: () => now });
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.response?.status).toBe(200);
    expect(ex.startedAt).toBe(now);
    expect(hits).toBe(2);
  });

  /** A server that answers /first 429 with Retry-After: 1 once and everything else 200, noting when each request came. */
  async function refusingFirstOnce(delayMs?: number) {
    const arrivals: { path: string; at: number }[] = [];
    let limited = false;
    const s = await server((req) => {
      arrivals.push({ path: req.url.pathname, at: performance.now() });
      if (req.url.pathname === "/first" && !limited) {
        limited = true;
        return { status: 429, headers: { "retry-after": "1" }, ...(delayMs !== undefined ? { delayMs } : {}) };
      }
      return { status: 200, body: "{}" };
    });
    return { s, arrivals };
  }

  it("holds every request while a Retry-After runs, so that the retried one is not starved by the others", async () => {
    const { s, arrivals } = await refusingFirstOnce();
    const c = client(s.url, { retry: { maxRetries: 2, maxRetryAfterMs: 5_000 } });
    const first = c.send({ method: "GET", path: "/first" });
    await sleep(100);
    const refusedAt = arrivals[0]!.at;
    // Sent while the partner's Retry-After runs: they wait for it too, then go out with the retry.
    const others = await Promise.all(["/a", "/b", "/c"].map((path) => c.send({ method: "GET", path })));
    expect((await first).response?.status).toBe(200);
    for (const ex of others) expect(ex.response?.status).toBe(200);
    const later = arrivals.slice(1);
    expect(later.map((a) => a.path).sort()).toEqual(["/a", "/b", "/c", "/first"]);
    for (const a of later) expect(a.at - refusedAt).toBeGreaterThanOrEqual(950);
  });

  it("holds the requests already waiting for a slot as well, and sends the retry ahead of them", async () => {
    const { s, arrivals } = await refusingFirstOnce(50);
    // One slot: /a, /b and /c queue for it while /first is answered 429.
    const c = client(s.url, { concurrency: 1, retry: { maxRetries: 2, maxRetryAfterMs: 5_000 } });
    const all = ["/first", "/a", "/b", "/c"].map((path) => c.send({ method: "GET", path }));
    for (const ex of await Promise.all(all)) expect(ex.response?.status).toBe(200);
    const refusedAt = arrivals[0]!.at;
    const later = arrivals.slice(1);
    for (const a of later) expect(a.at - refusedAt, a.path).toBeGreaterThanOrEqual(950);
    // When the pause ends, the retry goes first, then the queue in order.
    expect(later.map((a) => a.path)).toEqual(["/first", "/a", "/b", "/c"]);
  });

  it("gets every request through a partner that lets 5 a second through, however many wait", async () => {
    // A token bucket of 5, refilled at 5 a second; a refused request is told to come back in 1 s.
    let tokens = 5;
    let last = performance.now();
    let refused = 0;
    const s = await server(() => {
      const now = performance.now();
      tokens = Math.min(5, tokens + ((now - last) * 5) / 1000);
      last = now;
      if (tokens < 1) {
        refused++;
        return { status: 429, headers: { "retry-after": "1" } };
      }
      tokens -= 1;
      return { status: 200, body: "{}" };
    });
    const c = client(s.url, { concurrency: 4, retry: { maxRetries: 5, maxRetryAfterMs: 5_000 } });
    const all = await Promise.all(Array.from({ length: 60 }, (_, i) => c.send({ method: "GET", path: `/r${i}` })));
    expect(refused).toBeGreaterThan(0);
    expect(all.map((ex) => ex.response?.status).filter((st) => st !== 200)).toEqual([]);
  }, 30_000);

  it("waits longer each time the same request is refused again after Retry-After: 0", async () => {
    // A limiter that rounds its wait down: "come back in 0 s", but it refuses for 600 ms.
    let firstRefusal: number | undefined;
    const s = await server(() => {
      const now = performance.now();
      firstRefusal ??= now;
      return now - firstRefusal < 600 ? { status: 429, headers: { "retry-after": "0" } } : { status: 200, body: "{}" };
    });
    const c = client(s.url, { retry: { maxRetries: 5, maxRetryAfterMs: 60_000 } });
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.response?.status).toBe(200);
    // Told 0 every time: at once, then 250 and 500 ms later (the third retry is past the 600 ms).
    expect(ex.retries?.map((r) => r.waitedMs)).toEqual([0, 250, 500]);
  });

  it("does not retry without the retry option", async () => {
    let hits = 0;
    const s = await server(() => (hits++, { status: 429, headers: { "retry-after": "0" } }));
    const c = client(s.url);
    expect((await c.send({ method: "GET", path: "/" })).response?.status).toBe(429);
    expect(hits).toBe(1);
  });
});

describe("HttpClient: requests counted per check", () => {
  it("tags what a check's view sends, shares the cache across views, and leaves the client's own requests untagged", async () => {
    let hits = 0;
    const s = await server(() => {
      hits++;
      return { status: 200, headers: { "content-type": "application/json" }, body: '{"Data":[]}' };
    });
    const c = client(s.url);
    const a = c.forCheck("schema.a");
    const b = c.forCheck("schema.b");
    // Side by side: each view's requests are its own, whatever order they finish in.
    await Promise.all([a.send({ method: "GET", path: "/a1" }), b.send({ method: "GET", path: "/b1" }), a.send({ method: "GET", path: "/a2" })]);
    // A cached request belongs to the view that sent it first; the other reads the cache.
    await a.send({ method: "GET", path: "/shared", cache: true });
    const cached = await b.send({ method: "GET", path: "/shared", cache: true });
    expect(cached.fromCache).toBe(true);
    // Requests the client starts for a view, such as the connection check's first answer, count for it.
    await b.diagnose();
    await c.send({ method: "GET", path: "/nobody" });
    expect(hits).toBe(6);
    const byCheck = (id: string | undefined) => c.samples().filter((x) => x.check === id).length;
    expect([byCheck("schema.a"), byCheck("schema.b"), byCheck(undefined)]).toEqual([3, 2, 1]);
    // A view is the same client: same samples, same base URL, and a view of a view names the new check.
    expect(a.samples()).toEqual(c.samples());
    expect(a.baseUrl.href).toBe(c.baseUrl.href);
    await a.forCheck("schema.c").send({ method: "GET", path: "/c" });
    expect(c.samples().at(-1)?.check).toBe("schema.c");
  });
});

describe("HttpClient: the run's deadline", () => {
  it("stops requests in flight and retry waits at once, through a single listener on the signal", async () => {
    const s = await server((req) =>
      req.url.pathname === "/busy" ? { status: 429, headers: { "retry-after": "30" }, body: "{}" } : { status: 200, body: "{}", delayMs: 5_000 },
    );
    const deadline = new AbortController();
    const c = client(s.url, { signal: deadline.signal, concurrency: 16, retry: { maxRetries: 2, maxRetryAfterMs: 60_000 }, headersTimeoutMs: 10_000 });
    const slow = Array.from({ length: 12 }, (_, i) => c.send({ method: "GET", path: `/slow/${i}` }));
    const busy = c.send({ method: "GET", path: "/busy" });
    await sleep(150);
    // However many requests are in flight or waiting, the client listens to the signal once.
    expect(getEventListeners(deadline.signal, "abort")).toHaveLength(1);
    const t0 = performance.now();
    deadline.abort();
    const done = await Promise.all(slow);
    const retried = await busy;
    expect(performance.now() - t0).toBeLessThan(1_000);
    for (const ex of done) expect(ex.error?.code).toBe("deadline");
    // The wait before the retry ended with the deadline: the last real answer is the result.
    expect(retried.response?.status).toBe(429);
    // Nothing is sent after the deadline.
    expect((await c.send({ method: "GET", path: "/later" })).error?.code).toBe("deadline");
  });
});

describe("HttpClient: a kept-alive connection the server closes when it is reused", () => {
  /**
   * Every connection answers its first request and drops the next one it gets without a word (a
   * server or proxy closing idle connections as the client reuses them). Answers count the
   * connections and what each request got.
   */
  async function oneShotServer() {
    const { createServer } = await import("node:net");
    const log: string[] = [];
    let connections = 0;
    const sockets = new Set<import("node:net").Socket>();
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      const n = ++connections;
      let served = 0;
      let buffered = "";
      socket.on("data", (chunk) => {
        buffered += chunk.toString("latin1");
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffered.slice(0, end);
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        const line = head.split("\r\n")[0]!;
        if (served++ > 0) {
          log.push(`drop ${line} on ${n}`);
          socket.destroy();
          return;
        }
        log.push(`answer ${line} on ${n}`);
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\n{}");
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as { port: number }).port;
    return {
      url: `http://127.0.0.1:${port}`,
      log,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise<void>((r) => srv.close(() => r()));
      },
    };
  }

  it("sends a GET again once after a pooled connection dropped it, and the answer comes on a new connection", async () => {
    const s = await oneShotServer();
    try {
      const c = client(s.url);
      // Two connections in the pool, each used once: both drop their next request.
      await Promise.all([c.send({ method: "GET", path: "/a" }), c.send({ method: "GET", path: "/b" })]);
      const ex = await c.send({ method: "GET", path: "/c" });
      expect(ex.error, s.log.join("\n")).toBeUndefined();
      expect(ex.response?.status).toBe(200);
      // Dropped on a pooled connection, then answered on the third, new one.
      expect(s.log.filter((l) => l.includes("/c"))).toEqual([expect.stringMatching(/^drop GET \/c HTTP\/1\.1 on [12]$/), "answer GET /c HTTP/1.1 on 3"]);
    } finally {
      await s.close();
    }
  });

  it("sends a read-only POST again (repeatableOperations); another POST goes out once, on a connection of its own", async () => {
    const s = await oneShotServer();
    try {
      // One pooled connection, so that each request reuses the one before it.
      const c = client(s.url, { repeatableOperations: ["POST /values"], concurrency: 1 });
      await c.send({ method: "GET", path: "/warm" });
      const read = await c.send({ method: "POST", path: "/values", body: { json: { ids: ["a"] } }, operation: { method: "POST", path: "/values" } });
      expect(read.error, s.log.join("\n")).toBeUndefined();
      expect(read.response?.status).toBe(200);
      await c.send({ method: "GET", path: "/warm2" });
      const token = await c.send({ method: "POST", path: "/token", body: { form: { grant_type: "refresh_token" } }, operation: { method: "POST", path: "/token" } });
      // Not on the pooled connection (which drops its second request): on a new one, answered.
      expect(token.error, s.log.join("\n")).toBeUndefined();
      expect(token.response?.status).toBe(200);
      const lines = s.log.filter((l) => l.includes("/token"));
      expect(lines).toEqual([expect.stringMatching(/^answer POST \/token HTTP\/1\.1 on \d+$/)]);
      const pooled = Number(/on (\d+)$/.exec(s.log.find((l) => l.includes("/warm2"))!)![1]);
      expect(Number(/on (\d+)$/.exec(lines[0]!)![1])).toBeGreaterThan(pooled);
    } finally {
      await s.close();
    }
  });
});

describe("HttpClient: a POST that may not be repeated", () => {
  it("goes out once, even when its own connection is closed before any answer", async () => {
    const { createServer } = await import("node:net");
    let posts = 0;
    const srv = createServer((socket) => {
      socket.on("data", (chunk) => {
        if (chunk.toString("latin1").startsWith("POST ")) posts++;
        socket.destroy();
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    try {
      const c = client(`http://127.0.0.1:${(srv.address() as { port: number }).port}`);
      const ex = await c.send({ method: "POST", path: "/token", body: { form: { grant_type: "refresh_token" } }, operation: { method: "POST", path: "/token" } });
      expect(ex.error?.code).toBe("reset");
      expect(posts).toBe(1);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});

describe("HttpClient: responses that break HTTP/1.1 framing", () => {
  /** Answers every request with `bytes`, then closes the connection. */
  async function rawServer(bytes: string) {
    const { createServer } = await import("node:net");
    const srv = createServer((socket) => {
      socket.once("data", () => socket.end(Buffer.from(bytes, "latin1")));
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, close: () => new Promise<void>((r) => srv.close(() => r())) };
  }

  it("names a folded header line in plain words, as a protocol error", async () => {
    const s = await rawServer("HTTP/1.1 200 OK\r\nContent-Type: application/json;\r\n charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    try {
      const ex = await client(s.url).send({ method: "GET", path: "/" });
      expect(ex.error?.code).toBe("protocol");
      expect(ex.error?.message).toMatch(/^the response is not well-formed HTTP\/1\.1: a header line starts with a space or tab \(an obs-fold continuation/);
    } finally {
      await s.close();
    }
  });

  it("names a Content-Length given twice as a possible cause of a length that does not match", async () => {
    const s = await rawServer('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{}');
    try {
      const ex = await client(s.url).send({ method: "GET", path: "/" });
      expect(ex.error?.code).toBe("protocol");
      expect(ex.error?.message).toMatch(/^the response is not well-formed HTTP\/1\.1: the body is not as long as its Content-Length says, or Content-Length is given more than once \(RFC 9112 section 6\.3\)/);
    } finally {
      await s.close();
    }
  });

  it("says what had arrived when the body is cut short", async () => {
    const s = await rawServer('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"Data":[');
    try {
      const ex = await client(s.url).send({ method: "GET", path: "/" });
      expect(["reset", "protocol"]).toContain(ex.error?.code);
      expect(ex.error?.message).toMatch(/\(after the 200 status line and headers arrived, Content-Length 50: the body was cut off or malformed\)$/);
    } finally {
      await s.close();
    }
  });
});

describe("HttpClient: a content coding the request did not accept", () => {
  it("says which codings were asked for and what to send instead", async () => {
    const s = await server(() => ({ status: 200, headers: { "content-type": "application/json", "content-encoding": "zstd" }, body: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]) }));
    const ex = await client(s.url).send({ method: "GET", path: "/" });
    expect(ex.error?.message).toMatch(/Content-Encoding "zstd", which was not asked for \(the request said Accept-Encoding: gzip, br\) and cannot be decoded; send an encoding the request accepts, or none/);
  });
});

describe("HttpClient: renewing the run's token after a 401", () => {
  /** A server whose tokens each work for `uses` requests (the run's first token for `firstUses`), then answer 401. */
  function expiring(uses: number, firstUses = uses) {
    const left = new Map<string, number>([[TOKEN, firstUses]]);
    const handler = (req: ServerRequest) => {
      const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      const n = left.get(token) ?? 0;
      if (n <= 0) return { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' }, body: "{}" };
      left.set(token, n - 1);
      return { status: 200, body: '{"ok":true}' };
    };
    let issued = 0;
    const renew = async () => {
      const token = `renewed-token-${++issued}-secret`;
      left.set(token, uses);
      return token;
    };
    return { handler, renew, issued: () => issued };
  }

  it("renews each time the token expires in a long run, sends the refused request again, and keeps the tokens secret", async () => {
    const p = expiring(3);
    const s = await server(p.handler);
    const c = client(s.url, { renewToken: p.renew, renewSpacingMs: 0, concurrency: 1 });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await c.send({ method: "GET", path: `/data/${i}` }));
    expect(answers.map((a) => a.response?.status)).toEqual(Array(20).fill(200));
    // The first token served 3 requests; each renewed one 3 more: 6 renewals for 20 requests.
    expect(p.issued()).toBe(6);
    expect(c.tokenRenewals()).toEqual({ renewed: 6, failed: 0 });
    expect(answers.filter((a) => a.renewedToken).length).toBe(6);
    const text = JSON.stringify(answers.map((a) => ({ ...a, curl: c.curl(a) })));
    expect(text).not.toContain("renewed-token-");
    expect(text).not.toContain(TOKEN);
  });

  it("stops renewing after a few renewals whose new token was refused too", async () => {
    let renewals = 0;
    const s = await server(() => ({ status: 401, body: "{}" }));
    const c = client(s.url, { renewToken: async () => `never-accepted-${++renewals}`, renewSpacingMs: 0, concurrency: 1 });
    for (let i = 0; i < 10; i++) expect((await c.send({ method: "GET", path: "/x" })).response?.status).toBe(401);
    expect(renewals).toBe(3);
    expect(c.tokenRenewals()).toEqual({ renewed: 3, failed: 0 });
  });

  it("renews once for requests refused together, and a request with another token is never renewed", async () => {
    const p = expiring(100, 0);
    const s = await server(p.handler);
    const c = client(s.url, { renewToken: p.renew, renewSpacingMs: 0 });
    const all = await Promise.all(Array.from({ length: 4 }, (_, i) => c.send({ method: "GET", path: `/d/${i}` })));
    expect(all.map((a) => a.response?.status)).toEqual([200, 200, 200, 200]);
    expect(p.issued()).toBe(1);
    const other = await c.send({ method: "GET", path: "/d/x", auth: { bearer: "someone-else" } });
    expect(other.response?.status).toBe(401);
    expect(other.renewedToken).toBeUndefined();
    expect(p.issued()).toBe(1);
  });
});
