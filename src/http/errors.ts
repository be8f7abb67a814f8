/**
 * Turns whatever undici or Node threw into a transport error code and one human line. The code
 * may sit on the error itself, on its `cause`, or on one of an AggregateError's members (Node's
 * happy-eyeballs connect reports every address it tried).
 */
import type { TransportErrorCode } from "./types.js";

interface Coded {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  name?: unknown;
}

/** Every error in the chain, outermost first. */
function chain(err: unknown): Coded[] {
  const out: Coded[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const next = queue.shift();
    if (next === null || typeof next !== "object") continue;
    const e = next as Coded;
    out.push(e);
    if (e.cause !== undefined) queue.push(e.cause);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return out;
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);

function codeFor(code: string): TransportErrorCode | undefined {
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") return "dns";
  if (code === "ECONNREFUSED") return "connect-refused";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return "connect-timeout";
  if (code === "UND_ERR_HEADERS_TIMEOUT") return "headers-timeout";
  if (code === "UND_ERR_BODY_TIMEOUT") return "body-timeout";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") return "reset";
  if (code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") return "reset";
  if (code === "ERR_INVALID_URL" || code === "UND_ERR_INVALID_ARG") return "invalid-url";
  if (TLS_CODES.has(code) || code.startsWith("CERT_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) return "tls";
  return undefined;
}

const PREFIX: Record<TransportErrorCode, string> = {
  dns: "DNS lookup failed",
  "connect-refused": "connection refused",
  "connect-timeout": "connection timed out",
  "headers-timeout": "no response headers in time",
  "body-timeout": "response body not complete in time",
  timeout: "request timed out",
  reset: "connection closed by the server",
  tls: "TLS failure",
  "body-too-large": "response body too large",
  redirect: "redirect",
  "budget-exhausted": "request budget exhausted",
  deadline: "the run's deadline passed",
  "invalid-url": "invalid URL",
  other: "request failed",
};

/** One line: newlines and runs of spaces collapsed, length bounded. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function describeError(err: unknown): { code: TransportErrorCode; message: string } {
  const links = chain(err);
  let code: TransportErrorCode | undefined;
  let detail: Coded | undefined;
  for (const link of links) {
    if (typeof link.code !== "string") continue;
    code = codeFor(link.code);
    if (code) {
      detail = link;
      break;
    }
  }
  const source = detail ?? links.find((l) => typeof l.message === "string" && l.message !== "") ?? links[0];
  const rawMessage = source && typeof source.message === "string" && source.message !== "" ? source.message : String(err);
  const rawCode = source && typeof source.code === "string" ? source.code : undefined;
  const suffix = rawCode && !rawMessage.includes(rawCode) ? ` (${rawCode})` : "";
  const final = code ?? "other";
  return { code: final, message: oneLine(`${PREFIX[final]}: ${rawMessage}${suffix}`) };
}

export function transportError(code: TransportErrorCode, detail: string): { code: TransportErrorCode; message: string } {
  return { code, message: oneLine(`${PREFIX[code]}: ${detail}`) };
}
