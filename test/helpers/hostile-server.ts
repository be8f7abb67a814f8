/**
 * A hostile partner: the reference partner with one misbehaviour switched on. Everything else stays
 * conformant, so a run against it shows what reach-check makes of exactly that behaviour. Built on
 * node:http directly (not startServer) because several behaviours need the raw socket: lying
 * Content-Length, resets in the middle of a body, trickles, connections that never speak.
 *
 * Body and connection behaviours hit company information (`GET /companies/{CompanyId}`) when the
 * request carries the run's token; list behaviours hit the chart of accounts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { createPartnerHandler } from "../../src/reference-partner/index.js";
import type { ServerReply, ServerRequest } from "../../src/http/server.js";
import { NOW } from "./cli.js";

/** The access token of every hostile run: distinctive, so tests can look for it in any output. */
export const HOSTILE_TOKEN = "hostile_Tok3n-Zq9x7Vw.do-not-print";

export const BEHAVIOURS = {
  // bounds
  "connect-hang": "an https base URL whose TCP connection is accepted but never gets a TLS answer",
  "headers-hang": "company info never sends response headers",
  trickle: "company info sends headers, then one byte every 100 ms, forever",
  "huge-body": "company info streams 24 MB of JSON without a Content-Length",
  "slow-everything": "every request is answered after 400 ms (for --deadline)",
  // bad bodies
  "not-json": "company info is cut-off JSON that echoes the token",
  html: "company info is an HTML page (200, text/html) that echoes the token",
  empty: "company info is an empty 200 application/json body",
  "invalid-utf8": "company info carries bytes that are not UTF-8",
  "deep-json": "company info nests arrays 100,000 levels deep, the token at the bottom",
  "huge-string": "company info's Currency is a 10 MB string",
  "big-numbers": "company info's FiscalMonthEnd is 1e400 and an extra field is a 30-digit integer",
  "duplicate-keys": "company info carries FiscalMonthEnd twice, first as a string",
  "longer-than-length": "company info's body is longer than its Content-Length",
  "shorter-than-length": "company info's body is shorter than its Content-Length, then the connection closes",
  "gzip-no-header": "company info is gzip-compressed without Content-Encoding",
  "gzip-wrong-header": "company info is gzip-compressed but labelled Content-Encoding: br",
  "br-no-header": "company info is brotli-compressed without Content-Encoding",
  // bad connections
  "reset-mid-body": "company info's connection is reset halfway through the body",
  "close-before-answer": "company info's connection is closed before any answer",
  "redirect-loop": "company info redirects (302) to itself",
  "redirect-other-host": "company info redirects (307) to the same path on http://localhost:<port>",
  // lies
  "ok-everything": "every request gets 200 with data, with or without a valid token, whatever it asks",
  "endless-total": "the chart of accounts always returns a full page of new records and a total of 10^9",
  "same-page": "the chart of accounts ignores offset: the same full page forever, total 10^9",
  "retry-after-day": "company info answers 503 with Retry-After: 86400",
  // a conformant partner, for the IPv6 loopback and budget cases
  clean: "no misbehaviour",
} as const;

export type Behaviour = keyof typeof BEHAVIOURS;

export interface SeenRequest {
  method: string;
  host: string;
  path: string;
  authorized: boolean;
  hasAuthorization: boolean;
}

export interface HostileServer {
  url: string;
  behaviour: Behaviour;
  /** Every request the server received, in order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

const COMPANY_INFO = /^\/companies\/[^/]+$/;
const CHART = /^\/companies\/[^/]+\/chart-of-accounts$/;
const MB = 1024 * 1024;

function readAll(msg: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    msg.on("data", (c: Buffer) => chunks.push(c));
    msg.on("end", () => resolve(Buffer.concat(chunks)));
    msg.on("error", reject);
  });
}

function headerRecord(msg: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(msg.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes an ordinary reply. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer = ""): void {
  const h: Record<string, string> = { ...headers };
  if (!Object.keys(h).some((k) => k.toLowerCase() === "content-length")) h["content-length"] = String(Buffer.byteLength(body));
  res.writeHead(status, h);
  res.end(body);
}

function sendReply(res: ServerResponse, reply: ServerReply, method: string): void {
  if (reply.destroy) {
    res.socket?.destroy();
    return;
  }
  send(res, reply.status, reply.headers ?? {}, method === "HEAD" ? "" : (reply.body ?? ""));
}

function chartPage(offset: number, limit: number): string {
  const data = [];
  for (let i = 0; i < limit; i++) {
    const n = offset + i;
    data.push({ AccountId: `acct-${String(n).padStart(9, "0")}`, AccountNumber: String(10000 + n), Name: `Account ${n}`, AccountType: "EXPENSE", ParentAccountId: null, IsActive: true });
  }
  return JSON.stringify({ Data: data, Pagination: { offset, limit, total: 1_000_000_000 } });
}

/** A TCP listener that accepts connections and never says a word (for https base URLs). */
async function startSilent(host: string): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    behaviour: "connect-hang",
    seen: [],
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startHostile(behaviour: Behaviour, opts: { host?: string } = {}): Promise<HostileServer> {
  const host = opts.host ?? "127.0.0.1";
  if (behaviour === "connect-hang") return startSilent(host);
  const inner = createPartnerHandler({ now: new Date(NOW), accessToken: HOSTILE_TOKEN });
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let port = 0;

  const handle = async (msg: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(msg);
    const headers = headerRecord(msg);
    const url = new URL(msg.url ?? "/", `http://${headers.host ?? host}`);
    const method = (msg.method ?? "GET").toUpperCase();
    const authorized = headers.authorization === `Bearer ${HOSTILE_TOKEN}`;
    seen.push({ method, host: url.hostname, path: url.pathname, authorized, hasAuthorization: headers.authorization !== undefined });
    const req: ServerRequest = { method, url, headers, body, remoteAddress: msg.socket.remoteAddress ?? "" };
    const genuine = () => Promise.resolve(inner(req));
    const isInfo = method === "GET" && COMPANY_INFO.test(url.pathname) && authorized;
    const isChart = method === "GET" && CHART.test(url.pathname) && authorized;
    const json = { "content-type": "application/json; charset=utf-8" };

    if (behaviour === "slow-everything") await sleep(400);
    if (behaviour === "ok-everything") {
      const real = await inner({ ...req, headers: { ...headers, authorization: `Bearer ${HOSTILE_TOKEN}` } });
      return send(res, 200, { ...(real.headers ?? {}), ...json }, real.body ?? "{}");
    }
    if ((behaviour === "endless-total" || behaviour === "same-page") && isChart) {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? "100") || 100));
      const offset = behaviour === "same-page" ? 0 : Math.max(0, Number(url.searchParams.get("offset") ?? "0") || 0);
      return send(res, 200, json, chartPage(offset, limit));
    }
    if (!isInfo) return sendReply(res, await genuine(), method);

    const real = await genuine();
    if (real.status !== 200) return sendReply(res, real, method);
    const text = typeof real.body === "string" ? real.body : String(real.body ?? "");
    const record = JSON.parse(text) as Record<string, unknown>;
    switch (behaviour) {
      case "headers-hang":
        return; // never answers; the socket is destroyed on close()
      case "trickle": {
        res.writeHead(200, json);
        res.write('{"CompanyId": "');
        let n = 0;
        const t = setInterval(() => {
          if (res.destroyed || res.writableEnded || ++n > 600) {
            clearInterval(t);
            timers.delete(t);
            if (!res.destroyed) res.destroy();
            return;
          }
          res.write("x");
        }, 100);
        timers.add(t);
        return;
      }
      case "huge-body": {
        res.writeHead(200, json);
        res.write('{"CompanyId": "c", "Padding": "');
        const chunk = Buffer.alloc(64 * 1024, "a");
        let written = 0;
        const pump = () => {
          while (written < 24 * MB) {
            if (res.destroyed) return;
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end('"}');
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      case "not-json":
        return send(res, 200, json, `{"Debug": "called with Bearer ${HOSTILE_TOKEN}", "CompanyId": "${String(record.CompanyId)}", "CompanyName": `);
      case "html":
        return send(
          res,
          200,
          { "content-type": "text/html; charset=utf-8" },
          `<!doctype html><html><head><title>Welcome</title></head><body><h1>Sign in</h1><p>Debug: Authorization: Bearer ${HOSTILE_TOKEN}</p></body></html>`,
        );
      case "empty":
        return send(res, 200, json, "");
      case "invalid-utf8": {
        const [head, tail] = text.split(String(record.CompanyName));
        return send(res, 200, json, Buffer.concat([Buffer.from(head), Buffer.from([0x41, 0xc3, 0x28, 0xff, 0xfe, 0x42]), Buffer.from(tail)]));
      }
      case "deep-json": {
        const depth = 100_000;
        return send(res, 200, json, `{"CompanyId": ${"[".repeat(depth)}"Bearer ${HOSTILE_TOKEN}"${"]".repeat(depth)}}`);
      }
      case "huge-string":
        return send(res, 200, json, JSON.stringify({ ...record, Currency: "Q".repeat(10 * MB) }));
      case "big-numbers":
        return send(res, 200, json, text.replace(/"FiscalMonthEnd":\s*\d+/, '"FiscalMonthEnd": 1e400, "RevenueCents": 123456789012345678901234567890'));
      case "duplicate-keys":
        return send(res, 200, json, text.replace(/^\{/, '{"FiscalMonthEnd": "twelve", '));
      case "longer-than-length":
        // Declares 20 bytes fewer than it sends: a reader stops short, inside the JSON.
        return send(res, 200, { ...json, "content-length": String(Buffer.byteLength(text) - 20) }, text);
      case "shorter-than-length": {
        res.writeHead(200, { ...json, "content-length": String(Buffer.byteLength(text) + 500) });
        res.write(text);
        const t = setTimeout(() => res.socket?.destroy(), 50);
        timers.add(t);
        return;
      }
      case "gzip-no-header":
        return send(res, 200, json, gzipSync(text));
      case "gzip-wrong-header":
        return send(res, 200, { ...json, "content-encoding": "br" }, gzipSync(text));
      case "br-no-header":
        return send(res, 200, json, brotliCompressSync(Buffer.from(text)));
      case "reset-mid-body": {
        res.writeHead(200, { ...json, "content-length": String(Buffer.byteLength(text)) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        const t = setTimeout(() => res.socket?.destroy(), 50);
        timers.add(t);
        return;
      }
      case "close-before-answer":
        res.socket?.destroy();
        return;
      case "redirect-loop":
        return send(res, 302, { location: `${url.pathname}${url.search}`, "cache-control": "no-store" });
      case "redirect-other-host":
        return send(res, 307, { location: `http://localhost:${port}${url.pathname}${url.search}` });
      case "retry-after-day":
        return send(
          res,
          503,
          { ...json, "retry-after": "86400" },
          JSON.stringify({ errors: [{ error: "ServiceUnavailable", message: "Down for maintenance until tomorrow.", level: 7 }] }),
        );
      default:
        return sendReply(res, real, method);
    }
  };

  const server = createServer((msg, res) => {
    res.on("error", () => undefined);
    handle(msg, res).catch(() => {
      if (!res.headersSent) send(res, 500, { "content-type": "application/json" }, '{"errors":[{"error":"InternalError","message":"hostile server bug"}]}');
      else res.destroy();
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    behaviour,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
