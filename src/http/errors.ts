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
  if (code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" || code.startsWith("HPE_")) return "protocol";
  if (code === "ERR_INVALID_URL" || code === "UND_ERR_INVALID_ARG") return "invalid-url";
  if (TLS_CODES.has(code) || code.startsWith("CERT_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) return "tls";
  return undefined;
}

/** The HTTP parser's terse messages, said in terms of what the server sent. */
const PLAIN_PARSER_ERRORS: [RegExp, string][] = [
  [/unexpected whitespace after header value/i, "a header line starts with a space or tab (an obs-fold continuation, RFC 9112 section 5.2) or a header value ends in stray whitespace"],
  [/invalid header value char/i, "a header value holds a control character (such as NUL or a bare CR)"],
  [/missing expected CR/i, "lines end in a bare LF instead of CRLF"],
  [/invalid header token|invalid character in header/i, "a header name holds a character that is not allowed there"],
  [/content-length can't be present with transfer-encoding/i, "the response has both Content-Length and Transfer-Encoding (RFC 9112 section 6.1)"],
  // undici reports a Content-Length given twice (even with the same value) as this mismatch too.
  [/body length does not match content-length/i, "the body is not as long as its Content-Length says, or Content-Length is given more than once (RFC 9112 section 6.3)"],
  [/invalid character in chunk size|invalid chunk/i, "a chunk of the chunked body is malformed"],
  [/^bad response$/i, "the client's HTTP parser could not read the response (for example an interim 1xx it does not expect)"],
];

const PREFIX: Record<TransportErrorCode, string> = {
  dns: "DNS lookup failed",
  "connect-refused": "connection refused",
  "connect-timeout": "connection timed out",
  "headers-timeout": "no response headers in time",
  "body-timeout": "response body not complete in time",
  timeout: "request timed out",
  reset: "connection closed by the server",
  protocol: "the response is not well-formed HTTP/1.1",
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
    // undici's parser errors carry the parser's message but (in this version) no code.
    if (link.name === "HTTPParserError") {
      code = "protocol";
      detail = link;
      break;
    }
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
  // undici's "bad response" is its parser refusing what it read (an unexpected 1xx, say): the
  // connection was closed by the client, not the server.
  const final = code === "reset" && /^bad response$/i.test(rawMessage) ? "protocol" : (code ?? "other");
  const plain = final === "protocol" ? PLAIN_PARSER_ERRORS.find(([re]) => re.test(rawMessage))?.[1] : undefined;
  return { code: final, message: oneLine(`${PREFIX[final]}: ${plain ? `${plain} [${rawMessage}]` : rawMessage}${suffix}`) };
}

export function transportError(code: TransportErrorCode, detail: string): { code: TransportErrorCode; message: string } {
  return { code, message: oneLine(`${PREFIX[code]}: ${detail}`) };
}
