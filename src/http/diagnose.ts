/**
 * Reachability, step by step, so a failure names its layer: name resolution, TCP, TLS, HTTP.
 * Each step is timed on its own; a step is only tried when the one before it worked.
 */
import { lookup } from "node:dns/promises";
import { connect as netConnect, isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from "node:tls";
import { describeError, oneLine } from "./errors.js";
import type { Exchange, ReachabilityResult, ReachabilityStep } from "./types.js";
import { bareHost, defaultPort } from "./url.js";

/** Handshake errors that mean the two sides share no protocol version. */
const VERSION_REFUSED = new Set(["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_VERSION_TOO_LOW"]);

export interface DiagnoseOptions {
  connectTimeoutMs: number;
  /** Trusted CAs when an extra CA was configured (system roots included); undefined for defaults. */
  ca?: string[];
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", reject);
  });
}

interface TlsOutcome {
  protocol?: string;
  cipher?: string;
  authorized: boolean;
  authorizationError?: string;
}

function tlsHandshake(address: string, host: string, port: number, opts: DiagnoseOptions): Promise<TlsOutcome> {
  return new Promise((resolve, reject) => {
    // Verification is reported rather than enforced, so an untrusted certificate still shows
    // its protocol and cipher. SNI carries the name; it is not allowed for IP literals.
    const socket: TLSSocket = tlsConnect({
      host: address,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(opts.ca ? { ca: opts.ca } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
      timeout: opts.connectTimeoutMs,
    });
    socket.once("timeout", () => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${opts.connectTimeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("secureConnect", () => {
      const authError = socket.authorizationError;
      const outcome: TlsOutcome = {
        protocol: socket.getProtocol() ?? undefined,
        cipher: socket.getCipher()?.name,
        authorized: socket.authorized,
        ...(authError ? { authorizationError: typeof authError === "string" ? authError : authError.message } : {}),
      };
      socket.destroy();
      resolve(outcome);
    });
    socket.once("error", reject);
  });
}

export async function diagnoseBase(base: URL, opts: DiagnoseOptions, firstRequest: () => Promise<Exchange>): Promise<ReachabilityResult> {
  const host = bareHost(base);
  const port = defaultPort(base);
  const steps: ReachabilityStep[] = [];
  const result: ReachabilityResult = { ok: false, steps, addresses: [] };

  let t0 = performance.now();
  try {
    const found = await withTimeout(lookup(host, { all: true, verbatim: true }), opts.connectTimeoutMs, "DNS lookup");
    result.addresses = found.map((a) => a.address);
    const detail = isIP(host) !== 0 ? `${host} is an IP address` : `${host} -> ${result.addresses.join(", ")}`;
    steps.push({ name: "dns", ok: result.addresses.length > 0, durationMs: elapsed(t0), detail: oneLine(detail) });
  } catch (err) {
    steps.push({ name: "dns", ok: false, durationMs: elapsed(t0), detail: describeError(err).message });
    return result;
  }
  if (result.addresses.length === 0) return result;

  const address = result.addresses[0]!;
  const shown = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  t0 = performance.now();
  try {
    await tcpConnect(address, port, opts.connectTimeoutMs);
    steps.push({ name: "tcp", ok: true, durationMs: elapsed(t0), detail: `connected to ${shown}` });
  } catch (err) {
    steps.push({ name: "tcp", ok: false, durationMs: elapsed(t0), detail: `${shown}: ${describeError(err).message}` });
    return result;
  }

  if (base.protocol === "https:") {
    t0 = performance.now();
    try {
      const tls = await tlsHandshake(address, host, port, opts);
      result.tls = tls;
      const trust = tls.authorized ? "certificate trusted" : `certificate not trusted (${tls.authorizationError ?? "unknown reason"})`;
      const detail = `${tls.protocol ?? "unknown protocol"}, ${tls.cipher ?? "unknown cipher"}, ${trust}`;
      steps.push({ name: "tls", ok: tls.authorized, durationMs: elapsed(t0), detail: oneLine(detail) });
      if (!tls.authorized) return result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // OpenSSL's own words ("ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/...")
      // say little to a partner engineer: a refused version is named as such.
      const detail =
        typeof code === "string" && VERSION_REFUSED.has(code)
          ? `the server and reach-check share no TLS version: reach-check offers TLS 1.2 and 1.3, so the server offers only older ones (see tls.protocol) [${code}]`
          : code === "ERR_SSL_WRONG_VERSION_NUMBER"
            ? `the server's reply is not TLS: often a plain-HTTP port behind an https:// base URL (try http://, or the port that serves TLS) [${code}]`
            : describeError(err).message;
      steps.push({ name: "tls", ok: false, durationMs: elapsed(t0), detail });
      return result;
    }
  }

  t0 = performance.now();
  const ex = await firstRequest();
  if (ex.response) {
    const { status, contentType } = ex.response;
    result.firstResponse = { status, ...(contentType !== undefined ? { contentType } : {}) };
    const detail = `GET ${base.pathname} answered HTTP ${status}${contentType ? ` (${contentType})` : ""}`;
    steps.push({ name: "http", ok: true, durationMs: Math.round(ex.durationMs * 10) / 10, detail });
    result.ok = steps.every((s) => s.ok);
  } else {
    steps.push({ name: "http", ok: false, durationMs: elapsed(t0), detail: ex.error?.message ?? "no answer" });
  }
  return result;
}
