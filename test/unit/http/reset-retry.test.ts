import { describe, expect, it } from "vitest";
import { client, server } from "./helpers.js";

describe("a connection reset before any answer", () => {
  it("is sent again once for a GET, on a new connection", async () => {
    let hits = 0;
    const s = await server(() => (++hits === 1 ? { status: 200, destroy: true } : { status: 200, headers: { "content-type": "application/json" }, body: "{}" }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/x" });
    expect(ex.error).toBeUndefined();
    expect(ex.response?.status).toBe(200);
    expect(hits).toBe(2);
    expect(c.samples()).toHaveLength(2);
  });

  it("still fails when the server resets every connection", async () => {
    let hits = 0;
    const s = await server(() => {
      hits++;
      return { status: 200, destroy: true };
    });
    const ex = await client(s.url).send({ method: "GET", path: "/x" });
    expect(ex.error?.code).toBe("reset");
    expect(hits).toBe(2);
  });

  it("is not sent again for a POST", async () => {
    let hits = 0;
    const s = await server(() => {
      hits++;
      return { status: 200, destroy: true };
    });
    const ex = await client(s.url).send({ method: "POST", path: "/x", body: { json: {} } });
    expect(ex.error?.code).toBe("reset");
    expect(hits).toBe(1);
  });

  it("is not sent again when the body was cut off after the headers", async () => {
    let hits = 0;
    const s = await server(() => {
      hits++;
      return {
        status: 200,
        raw: (res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
          res.write('{"Data": [');
          setTimeout(() => res.destroy(), 20);
        },
      };
    });
    const ex = await client(s.url).send({ method: "GET", path: "/x" });
    expect(ex.error).toBeDefined();
    expect(hits).toBe(1);
  });
});
