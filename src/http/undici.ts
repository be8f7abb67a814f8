/**
 * The two parts of undici the client uses: the connection-pooling Agent and the `request` call.
 *
 * undici's package entry loads everything it has (fetch, WebSocket, caches, mocks, proxies,
 * interceptors): about 40 ms of a run's start on the 2-core machine, for code a run never calls.
 * The Agent and the request handler are loaded from their own files instead (undici's package has
 * no `exports` map, so Node resolves them), which takes about 25 ms. If either file is missing or
 * not what it was (a future undici may move them), the package entry is loaded as before: the
 * client works the same either way, only start-up differs.
 */
import { createRequire } from "node:module";
import type { Dispatcher, Agent as UndiciAgent, request as undiciRequest } from "undici";

export interface UndiciParts {
  Agent: typeof UndiciAgent;
  request: typeof undiciRequest;
  /** "lean" when only the two files were loaded, "entry" when undici's package entry was. */
  loaded: "lean" | "entry";
}

type RequestOptions = Parameters<Dispatcher["request"]>[0];
type RawRequest = (this: Dispatcher, opts: RequestOptions) => Promise<Dispatcher.ResponseData>;

const requireHere = createRequire(import.meta.url);

/** undici's own files, or undefined when they are not there or not what this module expects. */
function leanParts(load: (id: string) => unknown = requireHere): UndiciParts | undefined {
  let Agent: unknown;
  let raw: unknown;
  try {
    Agent = load("undici/lib/dispatcher/agent");
    raw = load("undici/lib/api/api-request");
  } catch {
    return undefined;
  }
  if (typeof Agent !== "function" || typeof raw !== "function") return undefined;
  if (typeof (Agent.prototype as { dispatch?: unknown }).dispatch !== "function") return undefined;
  const send = raw as RawRequest;
  // What undici's package entry does around the same handler: split the URL into origin and path
  // and call it on the dispatcher given in the options.
  const request = ((url: string | URL, opts: Omit<RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher }) => {
    const target = typeof url === "string" ? new URL(url) : url;
    const { dispatcher, ...rest } = opts;
    return send.call(dispatcher, {
      ...rest,
      origin: target.origin,
      path: target.search ? `${target.pathname}${target.search}` : target.pathname,
      method: rest.method ?? "GET",
    } as RequestOptions);
  }) as unknown as typeof undiciRequest;
  return { Agent: Agent as typeof UndiciAgent, request, loaded: "lean" };
}

/** The lean parts when `load` finds them, else undici's package entry through the same `load`. */
export function loadUndici(load: (id: string) => unknown = requireHere): UndiciParts {
  const lean = leanParts(load);
  if (lean) return lean;
  const m = load("undici") as { Agent: typeof UndiciAgent; request: typeof undiciRequest };
  return { Agent: m.Agent, request: m.request, loaded: "entry" };
}

let parts: UndiciParts | undefined;

/** The Agent and request the client uses, loaded on first call. */
export function undici(): UndiciParts {
  parts ??= loadUndici();
  return parts;
}
