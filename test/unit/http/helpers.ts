/** Loopback servers and clients that are closed after each test. */
import { afterEach } from "vitest";
import { startServer, type RunningServer, type ServerHandler, type ServerOptions } from "../../../src/http/server.js";
import { createHttpClient, type HttpClientOptions } from "../../../src/http/client.js";
import type { HttpClient } from "../../../src/http/types.js";
import { Redactor } from "../../../src/util/redact.js";

const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

export async function server(handler: ServerHandler, options?: ServerOptions): Promise<RunningServer> {
  const s = await startServer(handler, options);
  open.push(s);
  return s;
}

export const TOKEN = "tok_9f8e7d6c5b4a/+=secret";

export function client(baseUrl: string, overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({
    baseUrl,
    token: TOKEN,
    tokenEnvName: "REACH_ACCESS_TOKEN",
    redactor: new Redactor(),
    concurrency: 4,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    maxBodyBytes: 1024 * 1024,
    maxRequests: 1_000,
    userAgent: "reach-check/test",
    ...overrides,
  });
  open.push(c);
  return c;
}

/** A port that was just listening and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = await startServer(() => ({ status: 200 }));
  await s.close();
  return s.port;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
