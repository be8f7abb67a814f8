import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadUndici, undici, type UndiciParts } from "../../../src/http/undici.js";
import { describeError } from "../../../src/http/errors.js";
import { closedPort, server } from "./helpers.js";

const realRequire = createRequire(import.meta.url);

/** undici's package entry only: its own files are "missing". */
const entryOnly = (id: string) => {
  if (id !== "undici") throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  return realRequire(id);
};

interface Seen {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string;
}

/** One request through `parts`, on an Agent of its own: what came back. */
async function roundTrip(parts: UndiciParts, baseUrl: string, path: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  const agent = new parts.Agent({ connections: 2 });
  try {
    const res = await parts.request(new URL(path, baseUrl), { dispatcher: agent, ...init });
    return { status: res.statusCode, header: res.headers["x-echo"], text: await res.body.text() };
  } finally {
    await agent.destroy();
  }
}

describe("undici parts", () => {
  it("loads undici's Agent and request handler from their own files, not the package entry", () => {
    const parts = undici();
    expect(parts.loaded).toBe("lean");
    expect(Object.keys(realRequire.cache).some((k) => /[\\/]undici[\\/]index\.js$/.test(k))).toBe(false);
  });

  it("falls back to the package entry when the files are missing or not what they were", () => {
    expect(loadUndici(entryOnly).loaded).toBe("entry");
    // A file that exists but exports something else (a later undici moved things around).
    const moved = (id: string) => (id === "undici" ? realRequire(id) : { notAnAgent: true });
    expect(loadUndici(moved).loaded).toBe("entry");
    // An "Agent" that cannot dispatch.
    const hollow = (id: string) => (id === "undici" ? realRequire(id) : id.endsWith("agent") ? function Agent() {} : realRequire(id));
    expect(loadUndici(hollow).loaded).toBe("entry");
  });

  it("sends and receives the same thing either way", async () => {
    const log: Seen[] = [];
    const s = await server((r) => {
      log.push({ method: r.method, target: `${r.url.pathname}${r.url.search}`, headers: r.headers, body: r.body.toString() });
      return { status: 207, headers: { "x-echo": r.headers["x-probe"] ?? "", "content-type": "text/plain" }, body: `${r.method} ${r.url.search}` };
    });
    const lean = loadUndici();
    const entry = loadUndici(entryOnly);
    expect([lean.loaded, entry.loaded]).toEqual(["lean", "entry"]);
    const cases: { path: string; init: { method: string; headers?: Record<string, string>; body?: string } }[] = [
      { path: "/companies/c%2F1/accounts?page=2&name=a%20b&empty=", init: { method: "GET", headers: { "x-probe": "one", authorization: "Bearer t" } } },
      { path: "/token", init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-probe": "two" }, body: "grant_type=client_credentials" } },
      { path: "/", init: { method: "HEAD" } },
    ];
    for (const c of cases) {
      log.length = 0;
      const a = await roundTrip(lean, s.url, c.path, c.init);
      const b = await roundTrip(entry, s.url, c.path, c.init);
      expect(log).toHaveLength(2);
      const [viaLean, viaEntry] = log;
      expect(viaLean!.method).toBe(c.init.method);
      expect(viaLean!.target).toBe(c.path);
      expect({ ...viaLean, headers: undefined }).toEqual({ ...viaEntry, headers: undefined });
      for (const [k, v] of Object.entries(c.init.headers ?? {})) expect(viaLean!.headers[k]).toBe(v);
      expect(viaLean!.headers).toEqual(viaEntry!.headers);
      expect(a).toEqual(b);
      expect(a.status).toBe(207);
    }
  });

  it("reports aborts and refused connections with the same errors either way", async () => {
    const s = await server(() => ({ status: 200, body: "late", delayMs: 400 }));
    const refused = await closedPort();
    for (const parts of [loadUndici(), loadUndici(entryOnly)]) {
      const agent = new parts.Agent();
      try {
        const controller = new AbortController();
        const pending = parts.request(`${s.url}/slow`, { dispatcher: agent, method: "GET", signal: controller.signal }).catch((e: unknown) => e);
        setTimeout(() => controller.abort(), 20);
        const aborted = (await pending) as Error;
        expect(aborted).toBeInstanceOf(Error);
        expect(aborted.name).toBe("AbortError");
        const failed = await parts.request(`http://127.0.0.1:${refused}/`, { dispatcher: agent, method: "GET" }).catch((e: unknown) => e);
        expect(describeError(failed).code).toBe("connect-refused");
      } finally {
        await agent.destroy();
      }
    }
  });
});
