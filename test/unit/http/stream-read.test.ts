import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { HashingSink, SAME_BODY, SameBodySink } from "../../../src/engine/body-hash.js";
import { StatementReader } from "../../../src/engine/row-reader.js";
import { newPools, RowTable } from "../../../src/engine/row-table.js";
import { REDACTED } from "../../../src/util/redact.js";
import { TOKEN, client } from "./helpers.js";

const FIELDS = { id: "AccountId", period: "Period", amount: "Amount" };
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A loopback server that sends each body in the given pieces, 20 ms apart, and counts requests. */
async function piecewise(pieces: (Buffer | string)[], headers: Record<string, string> = {}): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const s = createServer(async (_req, res) => {
    count++;
    res.writeHead(200, { "content-type": "application/json", ...headers });
    for (const p of pieces) {
      res.write(p);
      await new Promise((r) => setTimeout(r, 20));
    }
    res.end();
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests: () => count };
}

const reader = () => new StatementReader("Data", FIELDS, newPools());

describe("HttpClient: bodies read as they stream in", () => {
  it("hands a statement to the reader chunk by chunk and keeps only its start as text", async () => {
    const s = await piecewise(['{"Data":[{"AccountId":"a","Peri', 'od":"2026-01","Amount":1.5},{"AccountId":"b",', '"Period":"2026-02","Amount":-2}]}']);
    const ex = await client(s.url).send({ method: "GET", path: "/s", readStream: reader });
    expect(s.requests()).toBe(1);
    const res = ex.response!;
    expect(res.folded).toBe(true);
    expect(res.json).toBeUndefined();
    expect(res.read).toBeInstanceOf(RowTable);
    expect((res.read as RowTable).records()).toEqual([
      { AccountId: "a", Period: "2026-01", Amount: 1.5 },
      { AccountId: "b", Period: "2026-02", Amount: -2 },
    ]);
    expect(res.text.startsWith('{"Data":[{"AccountId":"a"')).toBe(true);
  });

  it("sends the request again, read and redacted the usual way, when a secret is split between two chunks", async () => {
    const half = Math.floor(TOKEN.length / 2);
    const s = await piecewise([`{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1,"Note":"${TOKEN.slice(0, half)}`, `${TOKEN.slice(half)}"}]}`]);
    const ex = await client(s.url).send({ method: "GET", path: "/s", readStream: reader });
    expect(s.requests()).toBe(2);
    expect(ex.response!.read).toBeUndefined();
    expect((ex.response!.json as { Data: { Note: string }[] }).Data[0].Note).toBe(REDACTED);
    expect(JSON.stringify(ex)).not.toContain(TOKEN.slice(0, 8));
  });

  it("sends the request again for a body the reader declines (a byte order mark)", async () => {
    const s = await piecewise([Buffer.from([0xef, 0xbb, 0xbf]), '{"Data":[]}']);
    const ex = await client(s.url).send({ method: "GET", path: "/s", readStream: reader });
    expect(s.requests()).toBe(2);
    expect(ex.response!.byteOrderMark).toBe(true);
    expect(ex.response!.json).toEqual({ Data: [] });
  });

  it("reads a compressed body the usual way, in one request", async () => {
    const s = await piecewise([gzipSync('{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1}]}')], { "content-encoding": "gzip" });
    const ex = await client(s.url).send({ method: "GET", path: "/s", readStream: reader });
    expect(s.requests()).toBe(1);
    expect(ex.response!.read).toBeUndefined();
    expect(ex.response!.json).toEqual({ Data: [{ AccountId: "a", Period: "2026-01", Amount: 1 }] });
  });

  it("reads a declined body with the second reader when there is one, and the usual way only when that one declines too", async () => {
    const body = ['{"Data":[{"AccountId":"a","Period":"2026-01",', '"Amount":1}]}'];
    const s = await piecewise(body);
    const sha = createHash("sha256").update(body.join("")).digest("base64");
    // Bytes as expected: one request, nothing read.
    const same = await client(s.url).send({ method: "GET", path: "/s", readStream: () => new SameBodySink(sha), readStreamAgain: reader });
    expect(s.requests()).toBe(1);
    expect(same.response!.read).toBe(SAME_BODY);
    // Other bytes: declined, sent again and read by the second reader.
    const changed = await client(s.url).send({ method: "GET", path: "/s", readStream: () => new SameBodySink("not-this"), readStreamAgain: reader });
    expect(s.requests()).toBe(3);
    expect((changed.response!.read as RowTable).records()).toEqual([{ AccountId: "a", Period: "2026-01", Amount: 1 }]);
    // Both readers decline: a third request, read the usual way.
    const neither = await client(s.url).send({ method: "GET", path: "/s", readStream: () => new SameBodySink("not-this"), readStreamAgain: () => new SameBodySink("nor-this") });
    expect(s.requests()).toBe(6);
    expect(neither.response!.read).toBeUndefined();
    expect(neither.response!.json).toEqual({ Data: [{ AccountId: "a", Period: "2026-01", Amount: 1 }] });
  });

  it("hashes exactly the bytes a reader read, and gives no hash for a body it declined", async () => {
    const body = ['{"Data":[{"AccountId":"a","Peri', 'od":"2026-01","Amount":2.5}]}'];
    const s = await piecewise(body);
    let sink: HashingSink | undefined;
    const ex = await client(s.url).send({ method: "GET", path: "/s", readStream: () => (sink = new HashingSink(reader())) });
    expect(sink!.value).toBe(ex.response!.read);
    expect(sink!.digest).toBe(createHash("sha256").update(body.join("")).digest("base64"));
    const bom = await piecewise([Buffer.from([0xef, 0xbb, 0xbf]), '{"Data":[]}']);
    const declined = await client(bom.url).send({ method: "GET", path: "/s", readStream: () => (sink = new HashingSink(reader())) });
    expect(declined.response!.json).toEqual({ Data: [] });
    expect(sink!.digest).toBeUndefined();
    expect(sink!.value).toBeUndefined();
  });

  it("gives the request's slot to the next request once the body is in, while the reader still finishes it", async () => {
    const s = await piecewise(['{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1}]}']);
    const c = client(s.url, { concurrency: 1 });
    let finish!: () => void;
    let endedAt = 0;
    // A reader that needs 300 ms after the last byte (a worker thread finishing a large body).
    const slow = () => {
      const inner = reader();
      return {
        write: (chunk: Buffer) => inner.write(chunk),
        end: () =>
          new Promise<unknown>((resolve) => {
            finish = () => {
              endedAt = performance.now();
              resolve(inner.end());
            };
            setTimeout(finish, 300);
          }),
      };
    };
    const t0 = performance.now();
    const first = c.send({ method: "GET", path: "/first", readStream: slow });
    const second = c.send({ method: "GET", path: "/second" });
    const secondEx = await second;
    const secondDone = performance.now();
    const firstEx = await first;
    // With one slot, the second request went out and came back before the first body's reader was done.
    expect(secondDone).toBeLessThan(endedAt);
    expect(endedAt).toBeGreaterThan(0);
    expect(secondEx.response!.status).toBe(200);
    expect(firstEx.response!.read).toBeInstanceOf(RowTable);
    // The first exchange's duration is the partner's part (to the last byte), not the reader's 300 ms.
    expect(firstEx.durationMs).toBeLessThan(250);
    expect(endedAt - t0).toBeGreaterThanOrEqual(300);
  });
});
