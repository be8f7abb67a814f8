import type { SecureVersion } from "node:tls";
import type { OperationRef } from "../report/types.js";
import type { HostAddresses } from "./address.js";
import type { TlsHandshakeResult } from "./tls.js";

export type HttpMethod = "GET" | "POST" | "HEAD" | "OPTIONS";

/**
 * One request to the partner. `path` is relative to the base URL (it may carry a query string);
 * `query` entries are appended in the order given, undefined values skipped.
 */
/** How a near-miss token is made from the run's token (see HttpRequest.auth). */
export type NearToken = "truncated" | "swapped-case";

export interface HttpRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /**
   * `default`: `Authorization: Bearer <run token>`; `none`: no Authorization header;
   * `{ bearer }`: that value (wrong-token probes). It is treated as a secret unless `public` says it
   * is a deliberately fake value that curl lines and reports may show. `envName`: a real secret
   * that curl lines write as `$<envName>` (e.g. a second token from `--scoped-token-env`).
   * `scheme` replaces `Bearer` in front of the value (a check that other schemes, e.g. a fake
   * `Basic` credential, are refused); curl lines and stored headers keep that scheme.
   * `query`: no Authorization header, the run token as `?access_token=` (a check that this is refused).
   * `{ near }`: a bearer token the partner never issued that differs from the run's token only a
   * little (`truncated`: its last character dropped; `swapped-case`: every letter in the other
   * case), made here from the token the run holds; registered as a secret, and written in curl
   * lines as a shell expression over the token's variable.
   */
  auth?: "default" | "none" | "query" | { bearer: string; public?: boolean; envName?: string; scheme?: string } | { near: NearToken };
  body?: { json: unknown } | { form: Record<string, string> } | { raw: string; contentType: string };
  /** The spec operation this request exercises; used for latency figures and curl lines. */
  operation?: OperationRef;
  /**
   * Identical cached requests (method, URL, body, auth) within one run share one exchange, so
   * probes that read the same data do not fetch it twice.
   */
  cache?: boolean;
  /** Per-request override of the whole-request timeout. */
  timeoutMs?: number;
  /**
   * Wait and retry on 429 or 503 that carry a Retry-After (as Reach's sync does), overriding the
   * client's default. The returned exchange is the last attempt; `retries` lists the earlier ones.
   */
  retry?: { maxRetries: number; maxRetryAfterMs: number };
  /**
   * Top-level JSON fields of the response whose string values are secrets (e.g. `access_token`,
   * `refresh_token` of a token endpoint): registered with the redactor before the exchange is stored.
   */
  secretResponseFields?: string[];
  /**
   * Reads a 200 body chunk by chunk as it arrives instead of parsing it into `json` (the sync's
   * large statements, see engine/row-reader.ts), so the body is never held whole. Given the
   * Content-Length when there is one. When the sink declines the body (`write` or `end` says so) or
   * the body holds a secret, the request is sent once more and read the usual way (the second
   * attempt is an ordinary exchange); a content-encoded body is read the usual way at once. The sink's value lands in
   * `response.read`; `json` stays absent.
   */
  readStream?: (expectedBytes: number | undefined) => BodySink;
  /**
   * Reads the body of the second attempt when `readStream` declined the first (instead of the usual
   * way). Only when this one declines too is the request sent a third time and read the usual way.
   */
  readStreamAgain?: (expectedBytes: number | undefined) => BodySink;
  /**
   * A 500, 502 or 504 answer is sent once more at once (unless false), to tell a failure that comes
   * and goes from one that stays: `Exchange.again` holds the second answer. False for the timed
   * rehearsal's own requests (Reach's sync does not ask again after such an answer).
   */
  confirmServerError?: boolean;
}

/** Receives a body as it arrives (see HttpRequest.readStream). */
export interface BodySink {
  /** False: declined, send no more. */
  write(chunk: Buffer): boolean;
  /** A promise when the sink has more unread bytes than it wants: the body is read on once it settles. */
  backlog?(): Promise<void> | undefined;
  /** The value read (or a promise of it), or undefined when declined at the end. */
  end(): unknown;
  /** The body will not be read to its end (declined, failed, aborted): the sink lets go of what it holds. */
  abort?(): void;
  /**
   * Set by a sink that keeps none of the bytes and ends with a value only for a body identical to
   * one the client already read and scanned for secrets (it compares digests, and declines any
   * other body at its end): the client does not scan these bytes again.
   */
  readonly onlyKnownBytes?: boolean;
}

export type TransportErrorCode =
  | "dns"
  | "connect-refused"
  | "connect-timeout"
  | "headers-timeout"
  | "body-timeout"
  | "timeout"
  | "reset"
  | "protocol"
  | "tls"
  | "body-too-large"
  | "redirect"
  | "budget-exhausted"
  | "deadline"
  | "invalid-url"
  | "other";

export interface ExchangeResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". Redacted. */
  headers: Record<string, string>;
  /** Media type without parameters, lower-cased, e.g. `application/json`; undefined when absent. */
  contentType?: string;
  /**
   * Body decoded as UTF-8 (redacted). Of a long body only the beginning is kept (at least the
   * first 8,192 characters, see KEPT_TEXT_CHARS): enough to quote it; `bytes` is its full size.
   */
  text: string;
  bytes: number;
  /** Parsed body when it is JSON text (whatever the content type says). */
  json?: unknown;
  /**
   * Where the answer held a spelling of a secret reach-check knows before it was masked: `body`,
   * `header <name>`. A token endpoint's answer (HttpRequest.secretResponseFields) is judged without
   * the tokens it issues: its body is marked only for a credential elsewhere in it.
   */
  echoed?: string[];
  /**
   * The parsed body was read into a compact summary and dropped (large sync statements, see
   * engine/statement-fold.ts): `json` is absent although the body was JSON.
   */
  folded?: boolean;
  /**
   * The request's `readStream` declined this body (not read further); the client sends the request
   * again and returns that attempt, so callers only see this on an exchange they never get.
   */
  streamDeclined?: boolean;
  /** What the request's `readStream` made of the body, when it read it. */
  read?: unknown;
  /** Why the body is not JSON (parse error message), when it is not empty and did not parse. */
  jsonError?: string;
  /** JSON pointers of member names repeated within one object (the parsed `json` keeps the last). */
  duplicateKeys?: string[];
  /** Those of duplicateKeys whose repeated value differs from the first one (parsers disagree on the data). */
  conflictingKeys?: string[];
  /** Numbers a double reads differently from their text (beyond 2^53, overflow, underflow). */
  impreciseNumbers?: { pointer: string; literal: string }[];
  /** The JSON body starts with a byte order mark (RFC 8259 section 8.1: senders must not add one). */
  byteOrderMark?: boolean;
}

export interface Exchange {
  /** Sequence number within the run. */
  id: number;
  request: {
    method: HttpMethod;
    /** Absolute URL as sent, redacted. */
    url: string;
    /** Path and query relative to the base URL, redacted. */
    path: string;
    /** Headers as sent, with any Authorization value replaced by a placeholder. */
    headers: Record<string, string>;
    /** Body as sent, redacted. */
    body?: string;
    auth: "default" | "none" | "custom";
  };
  operation?: OperationRef;
  response?: ExchangeResponse;
  error?: { code: TransportErrorCode; message: string };
  startedAt: number;
  /**
   * The machine's real wall clock (ms since the epoch) when the response headers arrived, whatever
   * clock the run injects: what the partner's `Date` header is compared with.
   */
  receivedAt?: number;
  durationMs: number;
  /** Time to response headers. */
  ttfbMs?: number;
  fromCache: boolean;
  /**
   * The answer to the same request sent once more at once after a 500, 502 or 504 (see
   * HttpRequest.confirmServerError): another status means the failure comes and goes, so a single
   * replay may not show it. This exchange stays the first answer.
   */
  again?: { status?: number; error?: TransportErrorCode };
  /** Earlier attempts of this request that were answered 429/503 and retried after waiting. */
  retries?: { status: number; retryAfter?: string; waitedMs: number }[];
  /**
   * The run's token was refused with 401 and this is the request sent again with a token the
   * client renewed for it (HttpClientOptions.renewToken): a 401 here is no expired token.
   */
  renewedToken?: true;
}

export interface LatencySample {
  operation?: OperationRef;
  /** The check the request was sent for (see HttpClient.forCheck), when it was sent for one. */
  check?: string;
  status?: number;
  error?: TransportErrorCode;
  durationMs: number;
}

export interface ReachabilityStep {
  name: "dns" | "tcp" | "tls" | "http";
  ok: boolean;
  durationMs: number;
  detail: string;
}

export interface ReachabilityResult {
  ok: boolean;
  steps: ReachabilityStep[];
  /** Resolved addresses of the host. */
  addresses: string[];
  tls?: { protocol?: string; cipher?: string; authorized: boolean; authorizationError?: string };
  firstResponse?: { status: number; contentType?: string };
}

export interface HttpClient {
  readonly baseUrl: URL;
  send(req: HttpRequest): Promise<Exchange>;
  /** A shell line reproducing the exchange's request; the token written as `$<token env name>`. */
  curl(ex: Exchange): string;
  /** Whether a near-miss token of this kind can be made from the run's token and says something (see HttpRequest.auth). */
  nearTokenUseful(kind: NearToken): boolean;
  /** DNS, TCP, TLS and first HTTP answer against the base URL, with timings. */
  diagnose(): Promise<ReachabilityResult>;
  /**
   * The same client, with every request sent through it (and every request it starts, such as
   * diagnose's) counted for `check` in samples(). The engine gives each check its own.
   */
  forCheck(check: string): HttpClient;
  /** Every request actually sent (cache hits not counted). */
  samples(): readonly LatencySample[];
  /**
   * The operations called with the run's own token so far ("GET /companies/{CompanyId}"), and the
   * first answer of each that was a redirect (3xx but 304; body dropped), in sending order.
   */
  redirects(): { operations: string[]; redirected: Exchange[] };
  /** Answers so far that echoed a secret reach-check sent or holds (masked in them), at most 50, in arrival order. */
  secretEchoes(): readonly Exchange[];
  /**
   * Whether the run's own token was answered with a 2xx so far: the id of the first such exchange
   * and how many. A 401 to that token after it is a token that stopped working during the run.
   */
  acceptedToken(): { first: number; count: number } | undefined;
  /** The slowest answered request of an operation so far (its body dropped), to show and reproduce. */
  slowest(op: OperationRef): Exchange | undefined;
  /** One TLS handshake with the base URL's host and port (https), trust reported, not enforced. */
  tlsHandshake(versions?: { minVersion?: SecureVersion; maxVersion?: SecureVersion }): Promise<TlsHandshakeResult>;
  /** The base URL's host resolved, each address classified (public, private, loopback...). */
  resolveHost(): Promise<HostAddresses>;
  /**
   * The real value of a `secretResponseFields` field of an exchange's response (the stored
   * exchange shows it redacted), e.g. an access token issued by the token endpoint, to use it.
   */
  issuedSecret(ex: Exchange, field: string): string | undefined;
  /** Sets how many requests the whole run may send (those already sent count). */
  setRequestBudget(max: number): void;
  /** Requests reach-check did not send: the request budget was used up, or the run's deadline had passed. */
  unsent(): { budget: number; deadline: number };
  /** How often the run's token was renewed after a 401 (see HttpClientOptions.renewToken), and renewals that failed. */
  tokenRenewals(): { renewed: number; failed: number };
  close(): Promise<void>;
}
