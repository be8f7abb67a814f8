/**
 * Statement bodies read on a worker thread. Reading a 20 MB statement takes the byte reader some
 * 40 ms of CPU; done on the main thread, that time is taken from draining the sockets, the partner's
 * writes wait on a full socket, and a sync of hundreds of such bodies runs measurably slower than
 * the partner allows. Here the main thread only copies the bytes into batches and hands them on;
 * the worker reads them (row-reader-worker.ts) and hands back the table's columns, which are
 * interned into the company's pools on arrival.
 *
 * Small bodies (a known length under OFF_THREAD_MIN) are read in-thread: handing them over costs
 * more than reading them. Without a worker (it cannot start, or it failed) every body is read
 * in-thread, and a body the worker had when it failed counts as declined: the client reads it once
 * more the usual way.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BodySink } from "../http/types.js";
import { claimBlock, takeBlock } from "../util/array-pool.js";
import { rowCapacity, StatementReader } from "./row-reader.js";
import type { FromWorker, ToWorker } from "./row-reader-worker.js";
import { RowTable, type RowFields, type RowPools } from "./row-table.js";

/** Bodies of at least this many bytes (or of unknown length) go to the worker. */
export const OFF_THREAD_MIN = 1024 * 1024;
/** Bytes handed to the worker per message. */
const BATCH_BYTES = 1024 * 1024;
/** Batches the worker may have unread before the sockets wait for it (bounds the memory in between). */
const MAX_QUEUED = 4;
/**
 * The worker's heap: it holds a few readers' unfinished rows and the ids of the bodies in hand, not
 * data of the run, so a small young generation (V8 gives 48 MB by default) keeps the process small.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/** Where the worker's code is: beside this module once built; from the build when the tests run the sources. */
function workerFile(): string | undefined {
  const here = import.meta.url;
  const url = here.endsWith(".ts") ? new URL("../../dist/engine/row-reader-worker.js", here) : new URL("./row-reader-worker.js", here);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

interface Stream {
  declined: boolean;
  done?: (table: RowTable | undefined) => void;
  pools: RowPools;
  fields: RowFields;
}

class ReaderThread {
  private readonly worker: Worker;
  private readonly streams = new Map<number, Stream>();
  private nextId = 1;
  private queued = 0;
  private readonly spare: ArrayBuffer[] = [];
  private waiters: (() => void)[] = [];
  dead = false;

  constructor(file: string) {
    this.worker = new Worker(file, { resourceLimits: WORKER_LIMITS });
    this.worker.unref();
    this.worker.on("message", (m: FromWorker) => this.receive(m));
    this.worker.on("error", () => this.fail());
    this.worker.on("exit", () => this.fail());
  }

  /** Ends the worker; bodies it had count as declined. */
  async stop(): Promise<void> {
    await this.worker.terminate();
    this.fail();
  }

  private send(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private receive(m: FromWorker): void {
    const s = this.streams.get(m.id);
    if (m.t === "ack") {
      this.queued--;
      if (this.spare.length < MAX_QUEUED) this.spare.push(m.buf);
      if (s && !m.ok) s.declined = true;
      if (this.queued < MAX_QUEUED) this.wake();
      return;
    }
    this.close(m.id);
    let table: RowTable | undefined;
    if (m.table && s) {
      // The columns' block joins this thread's pool once the table is released, for the next body.
      claimBlock(m.table.amounts.buffer as ArrayBuffer);
      table = RowTable.rebase(s.pools, s.fields, m.table);
    }
    s?.done?.(table);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The worker is gone: every open body counts as declined, and no new body comes here. */
  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    const open = [...this.streams.values()];
    this.streams.clear();
    for (const s of open) {
      s.declined = true;
      s.done?.(undefined);
    }
    this.wake();
  }

  private close(id: number): void {
    this.streams.delete(id);
    // Only while a body is being read does the worker keep the process alive.
    if (this.streams.size === 0) this.worker.unref();
  }

  open(dataField: string, fields: RowFields, pools: RowPools, expected: number | undefined): BodySink {
    const id = this.nextId++;
    const stream: Stream = { declined: false, pools, fields };
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, stream);
    // Memory for the table's columns, from this thread's pool: it comes back with the table.
    const block = takeBlock(rowCapacity(expected) * 16);
    this.send({ t: "open", id, dataField, fields, block, ...(expected !== undefined ? { expected } : {}) }, [block]);
    let batch: Uint8Array | undefined;
    let used = 0;
    const flush = () => {
      if (!batch || used === 0 || this.dead) return;
      const buf = batch.buffer as ArrayBuffer;
      this.queued++;
      this.send({ t: "data", id, buf, len: used }, [buf]);
      batch = undefined;
      used = 0;
    };
    let ended = false;
    return {
      write: (chunk) => {
        if (stream.declined || this.dead) return false;
        for (let at = 0; at < chunk.length; ) {
          batch ??= new Uint8Array(this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES));
          const n = Math.min(chunk.length - at, batch.length - used);
          batch.set(chunk.subarray(at, at + n), used);
          used += n;
          at += n;
          if (used === batch.length) flush();
        }
        return true;
      },
      backlog: () => (this.queued >= MAX_QUEUED && !this.dead ? new Promise<void>((resolve) => this.waiters.push(resolve)) : undefined),
      end: () => {
        ended = true;
        if (stream.declined || this.dead) {
          this.abandon(id);
          return undefined;
        }
        flush();
        return new Promise<RowTable | undefined>((resolve) => {
          stream.done = (table) => resolve(stream.declined ? (table?.release(), undefined) : table);
          this.send({ t: "close", id });
        });
      },
      abort: () => {
        if (!ended) this.abandon(id);
        ended = true;
      },
    };
  }

  private abandon(id: number): void {
    if (!this.streams.has(id)) return;
    this.close(id);
    if (!this.dead) this.send({ t: "drop", id });
  }
}

let thread: ReaderThread | undefined;
let unavailable = false;

function readerThread(): ReaderThread | undefined {
  if (thread && !thread.dead) return thread;
  if (unavailable || thread?.dead) return undefined;
  const file = workerFile();
  try {
    if (file) thread = new ReaderThread(file);
  } catch {
    thread = undefined;
  }
  if (!thread) unavailable = true;
  return thread;
}

/**
 * Stops the worker (it does not come back in this process): bodies it was reading count as
 * declined and later ones are read in-thread. What a worker that fails (out of memory) does too.
 */
export async function stopReaderThread(): Promise<void> {
  unavailable = true;
  await thread?.stop();
}

/** The worker for a body of this size, when it goes to one. */
function threadFor(expected: number | undefined): ReaderThread | undefined {
  return expected === undefined || expected >= OFF_THREAD_MIN ? readerThread() : undefined;
}

/** Where statement bodies of this size are read now (for the tests): "worker" or "in-thread". */
export function readerPlacement(expected: number | undefined): "worker" | "in-thread" {
  return threadFor(expected) ? "worker" : "in-thread";
}

/** A reader for one statement body (see HttpRequest.readStream): on the worker when it is large. */
export function statementReader(dataField: string, fields: RowFields, pools: RowPools, expected: number | undefined): BodySink {
  const t = threadFor(expected);
  return t ? t.open(dataField, fields, pools, expected) : new StatementReader(dataField, fields, pools, expected);
}
