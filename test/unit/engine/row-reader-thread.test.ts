import { createServer, type Server } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { rowCapacity, StatementReader } from "../../../src/engine/row-reader.js";
import { OFF_THREAD_MIN, readerPlacement, statementReader, stopReaderThread } from "../../../src/engine/row-reader-thread.js";
import { newPools, RowTable, type RowPools } from "../../../src/engine/row-table.js";
import type { BodySink } from "../../../src/http/types.js";
import { spareBlockBytes } from "../../../src/util/array-pool.js";
import { REDACTED } from "../../../src/util/redact.js";
import { TOKEN, client } from "../http/helpers.js";

const FIELDS = { id: "AccountId", period: "Period", amount: "Amount" };

/** A statement body of `rows` rows, a few of them odd, well over OFF_THREAD_MIN when rows is large. */
function statement(rows: number): Buffer {
  const data = Array.from({ length: rows }, (_, i) =>
    i % 997 === 5
      ? { AccountId: `acc-${i % 211}`, Period: "2026-01", Amount: 1, Memo: "extra member" }
      : { AccountId: `acc-${i % 211}`, Period: `2026-${String((i % 12) + 1).padStart(2, "0")}`, Amount: ((i * 7919) % 100000) / 100 - 300 },
  );
  return Buffer.from(JSON.stringify({ Data: data, Total: rows }), "utf8");
}

/** Feeds a body in `size`-byte chunks the way the HTTP client does, waiting when the sink asks to. */
async function feed(sink: BodySink, body: Buffer, size = 65536): Promise<unknown> {
  for (let at = 0; at < body.length; at += size) {
    if (!sink.write(body.subarray(at, at + size))) {
      sink.abort?.();
      return undefined;
    }
    const wait = sink.backlog?.();
    if (wait) await wait;
  }
  return sink.end();
}

function inThread(body: Buffer, pools: RowPools): RowTable | undefined {
  const r = new StatementReader("Data", FIELDS, pools, body.length);
  r.write(body);
  return r.end();
}

describe("statement bodies read on a worker thread", () => {
  const big = statement(60_000);

  it("reads a large body on the worker into the same rows as the in-thread reader, interned in the company's pools", async () => {
    expect(big.length).toBeGreaterThan(OFF_THREAD_MIN);
    expect(readerPlacement(big.length)).toBe("worker");
    const pools = newPools();
    // An id interned before (by the chart of accounts) keeps its index.
    const known = pools.ids.intern("acc-17");
    const table = (await feed(statementReader("Data", FIELDS, pools, big.length), big)) as RowTable;
    expect(table).toBeInstanceOf(RowTable);
    // Digests hash interned indexes: compared within pools that interned the same ids first.
    const referencePools = newPools();
    referencePools.ids.intern("acc-17");
    const reference = inThread(big, referencePools)!;
    expect(table.length).toBe(60_000);
    expect(table.records()).toEqual(reference.records());
    expect(table.digest()).toEqual(reference.digest());
    expect(table.pools).toBe(pools);
    expect(table.idIndex(17)).toBe(known);
    expect(pools.ids.size).toBe(211);
  });

  it("reads into a block of this thread's pool, which the released table gives back for the next body", async () => {
    const first = (await feed(statementReader("Data", FIELDS, newPools(), big.length), big)) as RowTable;
    const block = first.parts().amounts.buffer;
    expect(block.byteLength).toBeGreaterThanOrEqual(rowCapacity(big.length) * 16);
    const before = spareBlockBytes();
    first.release();
    expect(spareBlockBytes()).toBe(before + block.byteLength);
    // The next body of that size is sent the same memory, and its table comes back in it.
    const second = (await feed(statementReader("Data", FIELDS, newPools(), big.length), big)) as RowTable;
    expect(spareBlockBytes()).toBe(before);
    expect(second.records()).toEqual(inThread(big, newPools())!.records());
    second.release();
  });

  it("gives the same rows whatever the chunk size, also of unknown length", async () => {
    const reference = inThread(big, newPools())!.records();
    for (const size of [1000, 70_001, big.length]) {
      const table = (await feed(statementReader("Data", FIELDS, newPools(), undefined), big, size)) as RowTable;
      expect(table.records(), `${size}-byte chunks`).toEqual(reference);
    }
  });

  it("declines what the in-thread reader declines", async () => {
    const bad = Buffer.concat([big.subarray(0, big.length - 1), Buffer.from("]}")]);
    expect(inThread(bad, newPools())).toBeUndefined();
    expect(await feed(statementReader("Data", FIELDS, newPools(), bad.length), bad)).toBeUndefined();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), big]);
    expect(await feed(statementReader("Data", FIELDS, newPools(), bom.length), bom)).toBeUndefined();
  });

  it("lets go of an abandoned body and reads the next ones, side by side", async () => {
    const pools = newPools();
    const dropped = statementReader("Data", FIELDS, pools, big.length);
    dropped.write(big.subarray(0, 300_000));
    dropped.abort?.();
    const reference = inThread(big, newPools())!.records();
    const tables = (await Promise.all([1, 2, 3].map(() => feed(statementReader("Data", FIELDS, pools, big.length), big)))) as RowTable[];
    for (const t of tables) expect(t.records()).toEqual(reference);
  });

  it("reads small bodies in-thread", () => {
    expect(readerPlacement(OFF_THREAD_MIN - 1)).toBe("in-thread");
    expect(statementReader("Data", FIELDS, newPools(), 1000)).toBeInstanceOf(StatementReader);
  });
});

describe("HttpClient with a worker-read statement", () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  /** A loopback server sending `body` whole with its length; counts requests. */
  async function serving(body: Buffer): Promise<{ url: string; requests: () => number }> {
    let count = 0;
    const s = createServer((_req, res) => {
      count++;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
      res.end(body);
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, requests: () => count };
  }
  const limits = { maxBodyBytes: 64 * 1024 * 1024, bodyTimeoutMs: 10_000 };

  it("streams a large statement over loopback to the worker and gets its table", async () => {
    const body = statement(40_000);
    const s = await serving(body);
    const pools = newPools();
    const ex = await client(s.url, limits).send({ method: "GET", path: "/s", readStream: (expected) => statementReader("Data", FIELDS, pools, expected) });
    expect(ex.error).toBeUndefined();
    expect(s.requests()).toBe(1);
    expect(ex.response!.folded).toBe(true);
    const table = ex.response!.read as RowTable;
    expect(table).toBeInstanceOf(RowTable);
    expect(table.pools).toBe(pools);
    expect(table.records()).toEqual(inThread(body, newPools())!.records());
  });

  it("drops the worker's reading of a large body that echoes the token, and reads it again redacted", async () => {
    const text = statement(40_000).toString("utf8");
    const at = text.indexOf('"Memo":"extra member"');
    const body = Buffer.from(`${text.slice(0, at)}"Memo":"${TOKEN}"${text.slice(at + '"Memo":"extra member"'.length)}`, "utf8");
    const s = await serving(body);
    const ex = await client(s.url, limits).send({ method: "GET", path: "/s", readStream: (expected) => statementReader("Data", FIELDS, newPools(), expected) });
    expect(s.requests()).toBe(2);
    expect(ex.response!.read).toBeUndefined();
    expect(JSON.stringify(ex.response!.json)).toContain(REDACTED);
    expect(JSON.stringify(ex)).not.toContain(TOKEN.slice(0, 8));
    // The worker is still there for the next body.
    const again = await serving(statement(40_000));
    const next = await client(again.url, limits).send({ method: "GET", path: "/s", readStream: (expected) => statementReader("Data", FIELDS, newPools(), expected) });
    expect((next.response!.read as RowTable).length).toBe(40_000);
  });
});

describe("without the worker", () => {
  it("counts a body the worker had when it stopped as declined, and reads later ones in-thread", async () => {
    const big = statement(60_000);
    const sink = statementReader("Data", FIELDS, newPools(), big.length);
    expect(sink).not.toBeInstanceOf(StatementReader);
    sink.write(big.subarray(0, 500_000));
    await stopReaderThread();
    expect(sink.write(big.subarray(500_000))).toBe(false);
    expect(await sink.end()).toBeUndefined();
    expect(readerPlacement(big.length)).toBe("in-thread");
    const table = (await feed(statementReader("Data", FIELDS, newPools(), big.length), big)) as RowTable;
    expect(table.length).toBe(60_000);
  });
});
