/**
 * The one place that listens for HTTP. The reference partner (and test fixture servers) describe
 * answers as data; this adapter puts them on the wire. Loopback only by default.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { SecureVersion } from "node:tls";

export interface ServerRequest {
  method: string;
  url: URL;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress: string;
}

/** Low-level control for replies that misbehave on purpose (partial bodies, resets, trickles). */
export interface RawReply {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string | Buffer): void;
  end(chunk?: string | Buffer): void;
  /** Reset the connection. */
  destroy(): void;
}

export interface ServerReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before answering (slow partner). */
  delayMs?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /** Take over the response entirely. */
  raw?: (res: RawReply) => void | Promise<void>;
  /** Send no Date header (Node adds one by default), as a server without a clock would. */
  noDate?: boolean;
}

export type ServerHandler = (req: ServerRequest) => ServerReply | Promise<ServerReply>;

export interface ServerOptions {
  host?: string;
  port?: number;
  /** `ciphers` e.g. `DEFAULT@SECLEVEL=0`, which OpenSSL 3 needs to serve TLS 1.0/1.1 (tests of old servers). */
  tls?: { key: string | Buffer; cert: string | Buffer; minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string };
  /** Largest request body accepted; larger ones get 413. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

function headerRecord(msg: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(msg.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function readBody(msg: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    msg.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    msg.on("end", () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    msg.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startServer(handler: ServerHandler, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sockets = new Set<Socket>();

  const listener = async (msg: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(msg, maxBody);
      if (body === undefined) {
        res.writeHead(413, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ error: "PayloadTooLarge", message: "Request body too large." }] }));
        return;
      }
      const hostHeader = msg.headers.host ?? `${host}`;
      const scheme = options.tls ? "https" : "http";
      const req: ServerRequest = {
        method: (msg.method ?? "GET").toUpperCase(),
        url: new URL(msg.url ?? "/", `${scheme}://${hostHeader}`),
        headers: headerRecord(msg),
        body,
        remoteAddress: msg.socket.remoteAddress ?? "",
      };
      const reply = await handler(req);
      if (reply.noDate) res.sendDate = false;
      if (reply.delayMs) await sleep(reply.delayMs);
      if (reply.destroy) {
        msg.socket.destroy();
        return;
      }
      if (reply.raw) {
        await reply.raw({
          writeHead: (status, headers) => res.writeHead(status, headers),
          write: (chunk) => res.write(chunk),
          end: (chunk) => (chunk === undefined ? res.end() : res.end(chunk)),
          destroy: () => msg.socket.destroy(),
        });
        return;
      }
      const payload = reply.body ?? "";
      const headers = { ...(reply.headers ?? {}) };
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
        headers["content-length"] = String(Buffer.byteLength(payload));
      }
      res.writeHead(reply.status, headers);
      res.end(req.method === "HEAD" ? undefined : payload);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ error: "InternalError", message: "Unexpected server error.", level: 9 }] }));
      } else {
        res.destroy(err instanceof Error ? err : undefined);
      }
    }
  };

  const server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          minVersion: options.tls.minVersion,
          maxVersion: options.tls.maxVersion,
          ...(options.tls.ciphers ? { ciphers: options.tls.ciphers } : {}),
        },
        listener,
      )
    : createHttpServer(listener);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // TLS handshakes also arrive as secureConnection; connection covers both.

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `${options.tls ? "https" : "http"}://${shownHost}:${addr.port}`;
  return {
    url,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
