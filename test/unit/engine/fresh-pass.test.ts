/**
 * The fresh (second) pass of the sync hashes each statement body and reads only those whose bytes
 * changed since the shared pass: counted at a live reference partner, by request.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { StatementReader } from "../../../src/engine/row-reader.js";
import { Redactor } from "../../../src/util/redact.js";
import { CHANGED_BODIES_BEFORE_READING } from "../../../src/engine/sync.js";
import type { ServerReply } from "../../../src/http/server.js";
import { checkReference, resultOf } from "../../helpers/harness.js";

const STATEMENT = /\/(profit-and-loss|balance-sheet|cash-flow)\?/;

/** Runs the stability check after the shared pass and counts how often each sync statement URL (24-month window) was asked for. */
async function statementRequests(defects: string[], edit?: (reply: ServerReply) => Promise<ServerReply>) {
  const counts = new Map<string, number>();
  // Bodies read to their end into rows (the small partner's statements are read in-thread).
  const reads = vi.spyOn(StatementReader.prototype, "end");
  const report = await checkReference({
    defects,
    // As in a full run, an accuracy check reads the shared pass before the rehearsal (the fresh pass) runs alone.
    only: ["accuracy.balance-sheet", "reliability.stability"],
    wrap: async (req, next) => {
      const path = req.url.pathname + req.url.search;
      if (!STATEMENT.test(path)) return next();
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const reply = await next();
      return edit && reply.status === 200 ? edit(reply) : reply;
    },
  });
  // The sync reads 24 months: its StartDate is the first of the month 23 months back.
  const sync = [...counts].filter(([path]) => path.includes("StartDate=2024-12-01&"));
  return { report, sync, reads: reads.mock.calls.length };
}

afterEach(() => vi.restoreAllMocks());

describe("the fresh pass of the sync", () => {
  it("asks for each statement once when the partner answers with the same bytes", async () => {
    const { report, sync, reads } = await statementRequests([]);
    expect(resultOf(report, "reliability.stability").status).toBe("pass");
    // Unsplit statements in both bases and the profit and loss split by budget, class and department.
    expect(sync.length).toBeGreaterThan(20);
    // Once per pass: no body was asked for again to be read.
    expect(sync.filter(([, n]) => n !== 2)).toEqual([]);
    // Read into rows in the shared pass only; the fresh pass hashed them.
    expect(reads).toBe(sync.length);
  });

  it("asks once more for a body whose bytes changed, and after a few such bodies reads every one as it arrives", async () => {
    const { report, sync } = await statementRequests(["changing-data"]);
    const stability = resultOf(report, "reliability.stability");
    expect(stability.status).toBe("warn");
    expect(stability.findings.map((f) => f.code)).toContain("reliability.stability/changed");
    expect(sync.length).toBeGreaterThan(20);
    expect(sync.filter(([, n]) => n !== 2 && n !== 3)).toEqual([]);
    // Every call scales the amounts differently: the first changed bodies are hashed and asked for
    // again; then the pass stops hashing (up to the requests already in flight, 4).
    const again = sync.filter(([, n]) => n === 3).length;
    expect(again).toBeGreaterThanOrEqual(CHANGED_BODIES_BEFORE_READING);
    expect(again).toBeLessThanOrEqual(CHANGED_BODIES_BEFORE_READING + 4);
  });

  it("costs a conformant partner whose envelope changes on every call only a few requests more, and no finding", async () => {
    let calls = 0;
    const { report, sync } = await statementRequests([], async (reply) => {
      // A generation time beside the data: other bytes on every call, the same rows.
      const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
      return { ...reply, body: JSON.stringify({ GeneratedAt: `2026-11-15T12:00:${String(++calls % 60).padStart(2, "0")}Z`, ...body }) };
    });
    const stability = resultOf(report, "reliability.stability");
    expect(stability.status, JSON.stringify(stability.findings, null, 2)).toBe("pass");
    const again = sync.filter(([, n]) => n === 3).length;
    expect(again).toBeGreaterThanOrEqual(CHANGED_BODIES_BEFORE_READING);
    expect(again).toBeLessThanOrEqual(CHANGED_BODIES_BEFORE_READING + 4);
  });

  it("does not scan for secrets the bytes it only hashes, and never shows a secret that turns up in them", async () => {
    const scanned: number[] = [];
    const scan = Redactor.prototype.hasInBytes;
    vi.spyOn(Redactor.prototype, "hasInBytes").mockImplementation(function (this: Redactor, bytes: Buffer) {
      scanned.push(bytes.length);
      return scan.call(this, bytes);
    });
    let token = "";
    let echoed: string | undefined;
    /** Per statement URL, the length of each 200 answer in turn. */
    const answers = new Map<string, number[]>();
    const report = await checkReference({
      only: ["accuracy.balance-sheet", "reliability.stability"],
      wrap: async (req, next) => {
        const path = req.url.pathname + req.url.search;
        token ||= (req.headers.authorization ?? "").replace(/^Bearer /, "");
        let reply = await next();
        if (!STATEMENT.test(path) || reply.status !== 200) return reply;
        const sizes = answers.get(path) ?? [];
        answers.set(path, sizes);
        // The second answer of one sync statement echoes the token; the one after is as the first.
        if (sizes.length === 1 && echoed === undefined && path.includes("StartDate=2024-12-01&")) {
          echoed = path;
          const body = JSON.parse(String(reply.body)) as Record<string, unknown>;
          reply = { ...reply, body: JSON.stringify({ Debug: `authorization: Bearer ${token}`, ...body }) };
        }
        sizes.push(Buffer.byteLength(reply.body ?? ""));
        return reply;
      },
    });
    expect(token.length).toBeGreaterThan(8);
    expect(echoed).toBeDefined();
    // The changed body was asked for once more (and read, as the first, without the token).
    expect(answers.get(echoed!)).toHaveLength(3);
    expect(resultOf(report, "reliability.stability").status).toBe("pass");
    expect(JSON.stringify(report)).not.toContain(token);
    // Scanned as they streamed in: each statement's first answer and the one asked for again, not
    // the second answers the fresh pass only hashed (give or take the joins between chunks).
    const first = [...answers.values()].reduce((sum, sizes) => sum + sizes[0], 0);
    const hashed = [...answers.values()].reduce((sum, sizes) => sum + (sizes[1] ?? 0), 0);
    const total = scanned.reduce((a, b) => a + b, 0);
    expect(hashed).toBeGreaterThan(first / 2);
    expect(total).toBeGreaterThanOrEqual(first);
    expect(total).toBeLessThan(first + answers.get(echoed!)![2] + 200 * scanned.length);
  });
});
