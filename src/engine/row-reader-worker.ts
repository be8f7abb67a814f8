/**
 * The worker side of row-reader-thread.ts: reads statement bodies with StatementReader off the
 * main thread. Messages (all from the main thread, answered in order):
 *   open    a body starts: its reader is made, with interners of its own, and the block of memory
 *           the main thread sent for its columns;
 *   data    bytes of a body, in a batch buffer that goes back with the `ack` (ok: not declined);
 *   close   the body has ended: `done` carries the table's columns (their block transferred) and
 *           the strings its indexes point to, or no table when the body was declined;
 *   drop    the body was abandoned: its reader lets go of its memory.
 * The column blocks belong to the main thread's pool and only visit: the worker allocates one only
 * when a table outgrows the block it was sent, so its own memory stays that of a few readers.
 */
import { parentPort } from "node:worker_threads";
import { limitSpare } from "../util/array-pool.js";
import { StatementReader } from "./row-reader.js";
import { newPools, type RowFields, type RowPools, type RowTableParts } from "./row-table.js";

export type ToWorker =
  | { t: "open"; id: number; dataField: string; fields: RowFields; expected?: number; block?: ArrayBuffer }
  | { t: "data"; id: number; buf: ArrayBuffer; len: number }
  | { t: "close"; id: number }
  | { t: "drop"; id: number };

export type FromWorker =
  | { t: "ack"; id: number; ok: boolean; buf: ArrayBuffer }
  | {
      t: "done";
      id: number;
      table?: RowTableParts & { idNames: string[]; periodNames: string[] };
    };

const port = parentPort;
if (port) {
  // Only blocks outgrown by a table end up here.
  limitSpare(4 * 1024 * 1024);
  const open = new Map<number, { reader: StatementReader; pools: RowPools }>();
  port.on("message", (m: ToWorker) => {
    switch (m.t) {
      case "open": {
        const pools = newPools();
        open.set(m.id, { reader: new StatementReader(m.dataField, m.fields, pools, m.expected, m.block), pools });
        break;
      }
      case "data": {
        // A declined reader answers false without reading on.
        const ok = open.get(m.id)?.reader.write(Buffer.from(m.buf, 0, m.len)) ?? false;
        const answer: FromWorker = { t: "ack", id: m.id, ok, buf: m.buf };
        port.postMessage(answer, [m.buf]);
        break;
      }
      case "close": {
        const s = open.get(m.id);
        open.delete(m.id);
        const table = s?.reader.end();
        if (!s || !table) {
          port.postMessage({ t: "done", id: m.id } satisfies FromWorker);
          break;
        }
        const parts = table.parts();
        const answer: FromWorker = {
          t: "done",
          id: m.id,
          table: { ...parts, idNames: [...s.pools.ids.all()], periodNames: [...s.pools.periods.all()] },
        };
        // The three columns are views of one block: it moves to the main thread, whose pool keeps it.
        const block = parts.amounts.buffer as ArrayBuffer;
        port.postMessage(answer, block.byteLength > 0 ? [block] : []);
        break;
      }
      case "drop": {
        open.get(m.id)?.reader.abort();
        open.delete(m.id);
        break;
      }
    }
  });
}
