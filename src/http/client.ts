/**
 * The tool's only HTTP client toward the partner. Every request becomes an Exchange (plain data,
 * redacted) whatever happens on the wire: probes judge exchanges, they never catch exceptions.
 *
 * Rules it keeps: no redirect is followed (a 3xx is evidence for the probes); credentials only go
 * to the base URL's origin; a bounded number of requests in flight and in total; bounded time to
 * connect, to headers and for the whole body; bounded body size, also after decompression.
 */
import { performance } from "node:perf_hooks";
import type { Agent } from "undici";
import { Redactor } from "../util/redact.js";
import { swapLetterCase } from "../util/case.js";
import { giveBlock } from "../util/array-pool.js";
import { BodyError, decodeContent, decodeText, discard, mediaType, parseJson, readCapped, type BodyStream } from "./body.js";
import { curlLine, type CurlAuth } from "./curl.js";
import { diagnoseBase } from "./diagnose.js";
import { resolveHost, type HostAddresses } from "./address.js";
import { tlsHandshake, type TlsHandshakeResult } from "./tls.js";
import { undici } from "./undici.js";
import { createSecureContext, rootCertificates, type SecureVersion } from "node:tls";
import type { OperationRef } from "../report/types.js";
import { describeError, transportError } from "./errors.js";
import { readBody } from "./json-scan.js";
import { retryAfterMs } from "./retry-after.js";
import type {
  BodySink,
  Exchange,
  ExchangeResponse,
  HttpClient,
  HttpMethod,
  HttpRequest,
  LatencySample,
  NearToken,
  ReachabilityResult,
  TransportErrorCode,
} from "./types.js";
import { bareHost, buildTarget, defaultPort, parseBaseUrl, type BaseUrl, type Target } from "./url.js";
import { Semaphore } from "./semaphore.js";

export interface RetryOptions {
  maxRetries: number;
  /** A Retry-After asking for a longer wait than this is not honoured (the answer is returned). */
  maxRetryAfterMs: number;
}

export interface HttpClientOptions {
  /** `http(s)://host[:port][/prefix]`; request paths are appended to it. */
  baseUrl: string;
  /** The run's access token (a secret). */
  token?: string;
  /** Environment variable named in curl lines instead of the token. Default `REACH_ACCESS_TOKEN`. */
  tokenEnvName?: string;
  /** Shared with the rest of the run; the client adds the token and custom bearer values to it. */
  redactor?: Redactor;
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Time from sending to response headers. Default 30 s. */
  headersTimeoutMs?: number;
  /** Time for the whole body once headers arrived. Default 60 s. */
  bodyTimeoutMs?: number;
  /** Largest body accepted, before and after decompression. Default 50 MiB. */
  maxBodyBytes?: number;
  /** Total requests the client may send in the run. Default unlimited. */
  maxRequests?: number;
  /** Default `reach-check`. */
  userAgent?: string;
  /** An extra trusted CA (PEM), in addition to the system's roots. */
  ca?: string | Buffer;
  /**
   * Operations ("POST /path") that only read although their method is not GET: sent again once,
   * like a GET, when the connection closed before any answer (RFC 9112 section 9.3.1.1 lets a client
   * that knows a request is idempotent retry it).
   */
  repeatableOperations?: string[];
  /** The file `ca` was read from: curl lines name it with --cacert so that they reproduce. */
  caFile?: string;
  /** Honour Retry-After on 429 and 503. Default: no retries. */
  retry?: RetryOptions;
  /** Clock for `startedAt` and HTTP-date Retry-After values. Default Date.now. */
  now?: () => number;
  /**
   * The run's deadline: once aborted, requests in flight stop at once (transport error
   * `deadline`), retry waits end, and no further request is sent.
   */
  signal?: AbortSignal;
  /**
   * Gets a new access token when the run's token is refused with 401 (Reach renews an expired
   * token with its refresh token): the request is then sent once more with it. Resolves to
   * undefined when no token could be had. Called one at a time, within the bounds below.
   */
  renewToken?: () => Promise<string | undefined>;
  /** Least time between two renewals. Default RENEW_SPACING_MS. */
  renewSpacingMs?: number;
}

/**
 * Renewals of the run's token: at most MAX_FUTILE_RENEWALS whose new token was refused as well (an
 * operation that refuses valid tokens is no expiry), MAX_RENEWALS in all (a long run with
 * short-lived tokens renews every time one expires), and RENEW_SPACING_MS at least between two.
 */
export const MAX_FUTILE_RENEWALS = 3;
export const MAX_RENEWALS = 50;
export const RENEW_SPACING_MS = 10_000;

export const HTTP_DEFAULTS = {
  tokenEnvName: "REACH_ACCESS_TOKEN",
  concurrency: 4,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  maxBodyBytes: 50 * 1024 * 1024,
  userAgent: "reach-check",
} as const;

type AuthMode = Exchange["request"]["auth"];

/** A request resolved into what goes on the wire (raw, unredacted: never stored as is). */
interface Prepared {
  req: HttpRequest;
  target: Target;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
  auth: AuthMode;
  /** How curl lines show the Authorization header. */
  curlAuth: CurlAuth;
  /** The check the request is sent for (see HttpClient.forCheck). */
  check?: string;
  /** The run's token the request carries (default or query auth), to tell a renewal since. */
  token?: string;
}

interface Attempt {
  exchange: Exchange;
  /** Raw Retry-After header (the stored copy is redacted and could be mangled). */
  retryAfter?: string;
  /** A 429 or 503 whose Retry-After the client honours: the wait before asking again (see honourRetryAfter). */
  waitMs?: number;
  /** The connection was reset before any response header arrived. */
  resetBeforeHeaders?: boolean;
}

/** `Bearer abc` -> `Bearer ***`: the scheme is useful evidence, the credential never is. */
function authPlaceholder(value: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9._~+/-]*)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ***` : "***";
}

function headerRecord(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export { retryAfterMs } from "./retry-after.js";

/**
 * Bodies larger than this stay in the request cache only while in flight (see send). A page of a
 * list (at most 1,000 records) stays below it and is shared for the whole run; a statement of a
 * large company does not.
 */
export const CACHE_MAX_BODY_BYTES = 512 * 1024;

/** Characters of a body's text an exchange keeps (see ExchangeResponse.text). */
export const KEPT_TEXT_CHARS = 8192;

/**
 * The beginning of a long body: findings quote a few hundred characters of it (whitespace
 * collapsed) and the parsed JSON holds the rest, so keeping megabytes of text for the whole run
 * serves nobody. A beginning that is mostly whitespace is kept whole, so a quote never comes
 * out shorter than it would from the full text.
 */
function keptText(text: string): string {
  if (text.length <= KEPT_TEXT_CHARS) return text;
  const head = text.slice(0, KEPT_TEXT_CHARS);
  if (head.replace(/\s+/g, "").length < KEPT_TEXT_CHARS / 4) return text;
  // A copy, so the kept part does not pin the whole decoded string in memory.
  return Buffer.from(head, "utf8").toString("utf8");
}

/** The kept beginning of a body of `size` bytes from its first bytes (see keptText). */
function headText(head: Buffer, size: number): string {
  // Four bytes per character at most: KEPT_TEXT_CHARS * 4 bytes hold at least KEPT_TEXT_CHARS characters.
  const text = decodeText(head);
  return head.length < size ? keptText(text.slice(0, KEPT_TEXT_CHARS)) : keptText(text);
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The least wait before retry number `earlier + 1` of one request: none for the first, then 250 ms doubling. */
function backoffFloorMs(earlier: number): number {
  return earlier === 0 ? 0 : 250 * 2 ** (earlier - 1);
}

/**
 * An answered exchange kept for later findings without its parsed body (and without its text
 * unless `keepText`): what the client holds on to for the whole run stays small.
 */
function unparsed(ex: Exchange, keepText: boolean): Exchange {
  const { json: _json, read: _read, ...rest } = ex.response!;
  return { ...ex, response: keepText ? rest : { ...rest, text: "" } };
}

/** The headers as kept (secrets masked), and `header <name>` for each one that held a secret. */
function maskedHeaders(r: Redactor, raw: Record<string, string>): { headers: Record<string, string>; echoed: string[] } {
  const headers: Record<string, string> = {};
  const echoed: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    headers[name] = r.redact(value);
    if (headers[name] !== value) echoed.push(`header ${name}`);
  }
  return { headers, echoed };
}

/** Answers kept that echoed a secret: enough to show where, bounded for a partner that echoes on every call. */
const MAX_ECHOES_KEPT = 50;

/**
 * Whether a token endpoint's answer holds a credential beyond the tokens it issues (its
 * `issuedFields`, which may well repeat the refresh token sent): a client secret or a refresh token
 * quoted in an error_description, say. A body that is not a JSON object is not judged here (the
 * answer's form is another check's finding; its tokens were not learned).
 */
function echoBeyondIssued(r: Redactor, parsed: { json?: unknown }, issuedFields: readonly string[]): boolean {
  if (!("json" in parsed) || parsed.json === null || typeof parsed.json !== "object" || Array.isArray(parsed.json)) return false;
  const rest: Record<string, unknown> = { ...(parsed.json as Record<string, unknown>) };
  for (const f of issuedFields) delete rest[f];
  return r.has(JSON.stringify(rest));
}

class UndiciHttpClient implements HttpClient {
  readonly baseUrl: URL;
  private readonly base: BaseUrl;
  private readonly redactor: Redactor;
  private readonly agent: Agent;
  private readonly agentOptions: ConstructorParameters<typeof Agent>[0];
  /** "POST /path" keys of operations that read only (see HttpClientOptions.repeatableOperations). */
  private readonly repeatable: Set<string>;
  private readonly request = undici().request;
  private readonly semaphore: Semaphore;
  private readonly now: () => number;
  private readonly limits: {
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    maxBodyBytes: number;
    maxRequests: number;
    connectTimeoutMs: number;
  };
  private readonly caList?: string[];
  private readonly cache = new Map<string, Promise<Exchange>>();
  /** Requests not sent because of the run's own bounds (see unsent). */
  private readonly notSent = { budget: 0, deadline: 0 };
  /** One slot per request sent, in sending order; filled when the request ends. */
  private readonly slots: Array<LatencySample | undefined> = [];
  /** What each request in flight, and each retry waiting, does when the run's deadline passes. */
  private readonly atDeadline = new Set<() => void>();
  /** The run's token answered with a 2xx: the first such exchange and how many (see tokenAccepted()). */
  private tokenAccepted?: { first: number; count: number };
  /** Operation ("GET /path") -> its slowest answered request so far, without the body (see slowest()). */
  private readonly slowestByOp = new Map<string, Exchange>();
  /**
   * Operation ("GET /path") called with the run's token -> its first answer that redirected (3xx
   * but 304, body dropped), or undefined while none has (see redirects()).
   */
  private readonly redirectByOp = new Map<string, Exchange | undefined>();
  /** Answers that held a secret reach-check knows, before masking (see secretEchoes()), without parsed bodies. */
  private readonly echoes: Exchange[] = [];
  /** Exchange id -> how its curl line writes Authorization. */
  private readonly curlAuthById = new Map<number, CurlAuth>();
  /** Custom bearer value -> its printable form, computed before the client registered it as a secret. */
  private readonly printableBearer = new Map<string, string>();
  /** Exchange id -> secret response fields (issued tokens), by name. */
  private readonly issued = new Map<number, Map<string, string>>();
  private nextId = 1;
  private sent = 0;
  private closed = false;
  /** The run's token: options.token until a renewal replaces it. */
  private token: string | undefined;
  /** Renewals of the run's token (see HttpClientOptions.renewToken). */
  private readonly renewal: { renewed: number; failed: number; futile: number; startedAt?: number; pending?: Promise<string | undefined> } = { renewed: 0, failed: 0, futile: 0 };

  constructor(private readonly options: HttpClientOptions) {
    this.base = parseBaseUrl(options.baseUrl);
    this.baseUrl = new URL(this.base.url.href);
    this.redactor = options.redactor ?? new Redactor();
    this.token = options.token;
    if (options.token) this.redactor.add(options.token);
    this.now = options.now ?? Date.now;
    this.limits = {
      connectTimeoutMs: positive(options.connectTimeoutMs, HTTP_DEFAULTS.connectTimeoutMs),
      headersTimeoutMs: positive(options.headersTimeoutMs, HTTP_DEFAULTS.headersTimeoutMs),
      bodyTimeoutMs: positive(options.bodyTimeoutMs, HTTP_DEFAULTS.bodyTimeoutMs),
      maxBodyBytes: positive(options.maxBodyBytes, HTTP_DEFAULTS.maxBodyBytes),
      maxRequests: options.maxRequests !== undefined && options.maxRequests >= 0 ? options.maxRequests : Infinity,
    };
    const concurrency = Math.max(1, Math.floor(positive(options.concurrency, HTTP_DEFAULTS.concurrency)));
    this.semaphore = new Semaphore(concurrency);
    // One listener on the run's deadline for the whole client: requests in flight and retries waiting
    // register in atDeadline instead of each adding (and removing) a listener of its own.
    options.signal?.addEventListener("abort", () => {
      this.semaphore.open();
      for (const stop of [...this.atDeadline]) stop();
    }, { once: true });
    // Setting `ca` replaces Node's trusted roots, so the extra CA is added to them, not swapped in.
    this.caList = options.ca !== undefined ? [...rootCertificates, options.ca.toString()] : undefined;
    const { Agent } = undici();
    this.agentOptions = {
      headersTimeout: this.limits.headersTimeoutMs,
      // undici's bodyTimeout is an idle timeout between chunks; the whole-body limit is ours.
      bodyTimeout: this.limits.bodyTimeoutMs,
      // One secure context for the run: given `ca` alone, every new TLS connection would parse the
      // system's roots and the extra CA again (about 150 certificates, milliseconds of main-thread
      // time each), which a server that closes connections often makes dominate the run.
      connect: { timeout: this.limits.connectTimeoutMs, ...(this.caList ? { secureContext: createSecureContext({ ca: this.caList }) } : {}) },
    };
    this.agent = new Agent({ connections: concurrency, ...this.agentOptions });
    this.repeatable = new Set(options.repeatableOperations ?? []);
  }

  /** Whether a request may go out again after its connection closed before any answer. */
  private mayRepeat(p: Prepared): boolean {
    if (p.method === "GET" || p.method === "HEAD" || p.method === "OPTIONS") return true;
    return p.req.operation !== undefined && this.repeatable.has(`${p.req.operation.method.toUpperCase()} ${p.req.operation.path}`);
  }

  samples(): readonly LatencySample[] {
    return this.slots.filter((s): s is LatencySample => s !== undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.agent.destroy().catch(() => undefined);
  }

  /**
   * Whether a near-miss token of this kind says something of the run's token: `truncated` needs two
   * characters or more and no base64 padding at the end; `swapped-case` needs letters in both cases
   * (a token in one case, such as a hex string, loses nothing when compared without regard to case).
   */
  nearTokenUseful(kind: NearToken): boolean {
    const token = this.token;
    if (!token) return false;
    // A token ending in base64 padding ("=") decodes to the same bytes without it: a partner that
    // compares decoded tokens rightly takes the shorter spelling, so it is not tried.
    return kind === "truncated" ? token.length >= 2 && !token.endsWith("=") : /[a-z]/.test(token) && /[A-Z]/.test(token);
  }

  curl(ex: Exchange): string {
    let auth: CurlAuth;
    if (ex.request.auth === "none") auth = { kind: "none" };
    else if (ex.request.auth === "default") auth = ex.request.headers.authorization !== undefined ? { kind: "env" } : { kind: "none" };
    else auth = this.curlAuthById.get(ex.id) ?? { kind: "literal", value: "Bearer <redacted>" };
    return curlLine(ex, auth, this.options.tokenEnvName ?? HTTP_DEFAULTS.tokenEnvName, this.options.caFile);
  }

  diagnose(): Promise<ReachabilityResult> {
    return this.diagnoseFor(undefined);
  }

  private diagnoseFor(check: string | undefined): Promise<ReachabilityResult> {
    return diagnoseBase(this.base.url, { connectTimeoutMs: this.limits.connectTimeoutMs, ca: this.caList }, () =>
      this.sendFor({ method: "GET", path: "", auth: "none" }, check),
    );
  }

  forCheck(check: string): HttpClient {
    return {
      baseUrl: this.baseUrl,
      send: (req) => this.sendFor(req, check),
      diagnose: () => this.diagnoseFor(check),
      forCheck: (other) => this.forCheck(other),
      curl: (ex) => this.curl(ex),
      nearTokenUseful: (kind) => this.nearTokenUseful(kind),
      samples: () => this.samples(),
      slowest: (op) => this.slowest(op),
      redirects: () => this.redirects(),
      secretEchoes: () => this.secretEchoes(),
      acceptedToken: () => this.acceptedToken(),
      tlsHandshake: (versions) => this.tlsHandshake(versions),
      resolveHost: () => this.resolveHost(),
      issuedSecret: (ex, field) => this.issuedSecret(ex, field),
      setRequestBudget: (max) => this.setRequestBudget(max),
      unsent: () => this.unsent(),
      tokenRenewals: () => this.tokenRenewals(),
      close: () => this.close(),
    };
  }

  unsent(): { budget: number; deadline: number } {
    return { ...this.notSent };
  }

  setRequestBudget(max: number): void {
    this.limits.maxRequests = max >= 0 ? max : Infinity;
  }

  tlsHandshake(versions: { minVersion?: SecureVersion; maxVersion?: SecureVersion } = {}): Promise<TlsHandshakeResult> {
    const url = this.base.url;
    return tlsHandshake({ host: bareHost(url), port: defaultPort(url), ...versions, ca: this.caList, timeoutMs: this.limits.connectTimeoutMs });
  }

  resolveHost(): Promise<HostAddresses> {
    return resolveHost(bareHost(this.base.url), this.limits.connectTimeoutMs);
  }

  send(req: HttpRequest): Promise<Exchange> {
    return this.sendFor(req, undefined);
  }

  private async sendFor(req: HttpRequest, check: string | undefined): Promise<Exchange> {
    let prepared: Prepared;
    try {
      prepared = this.prepare(req);
      if (check !== undefined) prepared.check = check;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return this.failedBeforeSending(req, "invalid-url", message);
    }
    if (this.closed) return this.failedBeforeSending(req, "other", "the HTTP client is closed", prepared);
    // A body read by readStream has no `json` for another caller: such requests are never shared.
    if (!req.cache || req.readStream) return this.executeRenewing(prepared);

    const key = this.cacheKey(prepared);
    const shared = this.cache.get(key);
    if (shared) return { ...(await shared), fromCache: true };
    const pending = this.executeRenewing(prepared);
    this.cache.set(key, pending);
    const ex = await pending;
    // Only answers are worth sharing; a transport failure may well not happen again. A large body
    // is shared with the requests that asked while it was in flight, not kept for the whole run:
    // holding every multi-megabyte statement a run reads would make memory grow with the data.
    if ((ex.error || (ex.response?.bytes ?? 0) > CACHE_MAX_BODY_BYTES) && this.cache.get(key) === pending) this.cache.delete(key);
    return ex;
  }

  private cacheKey(p: Prepared): string {
    const headers = Object.entries(p.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([p.method, p.target.url.href, p.body ?? null, p.auth, headers]);
  }

  /** Resolves URL, headers, body and credentials; throws for requests that must not be sent. */
  private prepare(req: HttpRequest): Prepared {
    const token = this.token;
    const inQuery = req.auth === "query" && token ? { access_token: token } : undefined;
    const target = buildTarget(this.base, req.path, inQuery ? { ...req.query, ...inQuery } : req.query);
    const headers: Record<string, string> = {
      accept: "application/json",
      "accept-encoding": "gzip, br",
      "user-agent": this.options.userAgent ?? HTTP_DEFAULTS.userAgent,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      if ("json" in req.body) {
        body = JSON.stringify(req.body.json) ?? "null";
        headers["content-type"] = "application/json";
      } else if ("form" in req.body) {
        body = new URLSearchParams(req.body.form).toString();
        headers["content-type"] = "application/x-www-form-urlencoded";
      } else {
        body = req.body.raw;
        headers["content-type"] = req.body.contentType;
      }
    }
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      headers[name.toLowerCase()] = value;
      // A credential the caller put in `headers` is as secret as the token.
      if (name.toLowerCase() === "authorization") {
        this.redactor.add(value);
        this.redactor.add(value.replace(/^\S+\s+/, ""));
      }
    }

    const mode = req.auth ?? "default";
    let auth: AuthMode;
    let curlAuth: CurlAuth;
    if (mode === "none" || mode === "query") {
      auth = mode === "none" ? "none" : "custom";
      curlAuth = inQuery ? { kind: "query" } : { kind: "none" };
      if (inQuery && !target.sameOrigin) throw new TypeError(`refusing to send credentials to ${target.url.origin}, which is not the base URL's origin`);
    } else if (mode === "default") {
      auth = "default";
      if (token) headers.authorization = `Bearer ${token}`;
      curlAuth = token ? { kind: "env" } : { kind: "none" };
    } else if ("near" in mode) {
      // Made from the token held now (a renewal included); as secret as the token itself.
      if (!token) throw new TypeError("a near-miss token is made from the run's token, and this run has none");
      auth = "custom";
      const near = nearToken(token, mode.near);
      this.redactor.add(near);
      headers.authorization = `Bearer ${near}`;
      curlAuth = { kind: mode.near };
    } else {
      auth = "custom";
      const scheme = mode.scheme ?? "Bearer";
      headers.authorization = `${scheme} ${mode.bearer}`;
      const shown = mode.public ? mode.bearer : this.printable(mode.bearer);
      curlAuth = mode.envName && scheme === "Bearer" ? { kind: "env", value: mode.envName } : { kind: "literal", value: `${scheme} ${shown}` };
    }
    if (headers.authorization !== undefined && !target.sameOrigin) {
      throw new TypeError(`refusing to send credentials to ${target.url.origin}, which is not the base URL's origin`);
    }
    return { req, target, method: req.method, headers, body, auth, curlAuth, ...(mode === "default" || mode === "query" ? { token } : {}) };
  }

  /**
   * Probes send deliberately fake bearer values (a wrong-token check), which a curl line may show.
   * The value is still registered as a secret so an echo of it is masked in exchanges; what a
   * curl line shows is decided once, before that, and hides any real secret inside the value.
   */
  private printable(bearer: string): string {
    let shown = this.printableBearer.get(bearer);
    if (shown === undefined) {
      shown = this.redactor.redact(bearer);
      this.printableBearer.set(bearer, shown);
      this.redactor.add(bearer);
    }
    return shown;
  }

  /**
   * `execute`, and when the run's token is refused with 401 and a renewer is set: a new token, and
   * the request once more with it. A 401 to a token renewed for the request is the answer.
   */
  private async executeRenewing(p: Prepared): Promise<Exchange> {
    const ex = await this.execute(p);
    if (p.auth !== "default" || p.token === undefined || !this.options.renewToken || ex.response?.status !== 401) return ex;
    const fresh = await this.renewedSince(p.token);
    if (fresh === undefined || this.closed || this.options.signal?.aborted) return ex;
    let again: Prepared;
    try {
      again = this.prepare(p.req);
    } catch {
      return ex;
    }
    if (p.check !== undefined) again.check = p.check;
    const retried = await this.execute(again);
    if (retried.response?.status === 401 && again.token === fresh) this.renewal.futile++;
    return { ...retried, renewedToken: true };
  }

  /**
   * The run's token to send again with after `used` was refused: the current one when it was
   * renewed since, else a renewal (one at a time, RENEW_SPACING_MS apart, within MAX_RENEWALS and
   * MAX_FUTILE_RENEWALS); undefined when there is none to try.
   */
  private renewedSince(used: string): Promise<string | undefined> {
    if (this.token !== undefined && this.token !== used) return Promise.resolve(this.token);
    const r = this.renewal;
    if (r.pending) return r.pending;
    const now = performance.now();
    const spent = r.renewed + r.failed >= MAX_RENEWALS || r.futile + r.failed >= MAX_FUTILE_RENEWALS;
    if (spent || (r.startedAt !== undefined && now - r.startedAt < (this.options.renewSpacingMs ?? RENEW_SPACING_MS))) return Promise.resolve(undefined);
    r.startedAt = now;
    const pending = (async () => {
      let token: string | undefined;
      try {
        token = await this.options.renewToken!();
      } catch {
        token = undefined;
      }
      if (token) {
        this.redactor.add(token);
        this.token = token;
        r.renewed++;
      } else {
        r.failed++;
      }
      return token || undefined;
    })();
    r.pending = pending;
    void pending.finally(() => {
      if (r.pending === pending) r.pending = undefined;
    });
    return pending;
  }

  tokenRenewals(): { renewed: number; failed: number } {
    return { renewed: this.renewal.renewed, failed: this.renewal.failed };
  }

  private async execute(p: Prepared): Promise<Exchange> {
    const id = this.nextId++;
    if (p.auth === "custom") this.curlAuthById.set(id, p.curlAuth);
    const retry = p.req.retry ?? this.options.retry;
    let last: Exchange | undefined;
    const retries: NonNullable<Exchange["retries"]> = [];
    for (let attempt = 0; ; attempt++) {
      // The slot is taken here: it waits out any pause the partner asked for, and a retry after
      // Retry-After takes it ahead of the requests waiting (each of them could meet the partner's
      // limit again and push the retry back).
      const slot = await this.semaphore.acquire(retries.length > 0);
      if (this.options.signal?.aborted) {
        slot();
        return last ?? this.deadlinePassed(p, id);
      }
      if (this.sent >= this.limits.maxRequests) {
        slot();
        // A retry that no longer fits the budget leaves the last real answer as the result.
        return last ?? this.budgetExhausted(p, id);
      }
      this.sent++;
      // A request that may not go out twice (a token request: a refresh token may be spent by it)
      // goes out on a connection opened for it: a kept-alive one the server closes just as it is
      // reused (RFC 9112 section 9.5 lets a server close an idle connection at any time) would lose
      // it with no way to ask again, and blame the partner for a race.
      const own = this.mayRepeat(p) ? undefined : new (undici().Agent)({ connections: 1, ...this.agentOptions });
      let result: Attempt;
      try {
        result = await this.attempt(p, id, own ?? this.agent, slot, retries.length);
      } finally {
        if (own) void own.close().catch(() => undefined);
      }
      // A kept-alive connection the server closed just as it was reused fails before any answer.
      // Browsers and HTTP libraries send an idempotent request again once on a new connection; so
      // do we, on a connection opened for it (the pool's others may be just as stale). A server that
      // resets every connection still fails on the second try.
      if (result.resetBeforeHeaders && this.mayRepeat(p) && !this.options.signal?.aborted && this.sent < this.limits.maxRequests) {
        this.sent++;
        const fresh = new (undici().Agent)({ connections: 1, ...this.agentOptions });
        try {
          result = await this.attempt(p, id, fresh, undefined, retries.length);
        } finally {
          void fresh.close().catch(() => undefined);
        }
      }
      // A body the stream reader declined goes out once more, read by the second reader when there is
      // one, and the usual way when there is none or it declined as well.
      for (let again = p.req.readStreamAgain; result.exchange.response?.streamDeclined && !this.options.signal?.aborted && this.sent < this.limits.maxRequests; again = undefined) {
        this.sent++;
        result = await this.attempt({ ...p, req: { ...p.req, readStream: again, readStreamAgain: undefined } }, id, undefined, undefined, retries.length);
      }
      last = retries.length > 0 ? { ...result.exchange, retries: [...retries] } : result.exchange;
      if (!retry || attempt >= retry.maxRetries || result.waitMs === undefined) return this.confirmed(p, id, last);
      retries.push({ status: last.response!.status, retryAfter: result.retryAfter, waitedMs: result.waitMs });
    }
  }

  /**
   * A 500, 502 or 504 to a request that may go out twice is sent once more at once (within the
   * budget and deadline), its body read the usual way: the second answer lands in `again`. A
   * partner failing every seventh request fails the first and answers the second; a finding on it
   * then says that a single replay may not show it. A 503 is Retry-After's business, not this.
   */
  private async confirmed(p: Prepared, id: number, ex: Exchange): Promise<Exchange> {
    const status = ex.response?.status;
    if (status !== 500 && status !== 502 && status !== 504) return ex;
    if (p.req.confirmServerError === false || p.req.secretResponseFields || !this.mayRepeat(p)) return ex;
    if (this.options.signal?.aborted || this.sent >= this.limits.maxRequests) return ex;
    this.sent++;
    const plain = { ...p, req: { ...p.req, readStream: undefined, readStreamAgain: undefined } };
    const second = (await this.attempt(plain, id)).exchange;
    return { ...ex, again: second.response ? { status: second.response.status } : { error: second.error!.code } };
  }

  /**
   * The wait before asking again after a 429 or 503, when the client honours its Retry-After
   * (undefined otherwise), after `earlier` retries of the same request. Retry-After is about the
   * client, not this one request (RFC 6585 section 4: "too many requests in a given amount of
   * time"): no request goes out until the wait has passed (the run's deadline ends it early), so that
   * retries are not starved by requests sent meanwhile. A request refused again after waiting what it
   * was told met a wait too short (a limiter rounding it down to 0, say): while retries remain, each
   * waits at least twice as long as the one before, from 250 ms, within --max-retry-wait.
   */
  private honourRetryAfter(p: Prepared, status: number, retryAfter: string | undefined, earlier: number): number | undefined {
    const retry = p.req.retry ?? this.options.retry;
    if (!retry || (status !== 429 && status !== 503)) return undefined;
    const asked = retryAfterMs(retryAfter, this.now());
    if (asked === undefined || asked > retry.maxRetryAfterMs) return undefined;
    const floor = earlier < retry.maxRetries ? Math.min(backoffFloorMs(earlier), retry.maxRetryAfterMs) : 0;
    const wait = Math.max(asked, floor);
    if (wait > 0) this.semaphore.closeUntil(performance.now() + wait);
    return wait;
  }

  /**
   * One request on the wire, under the concurrency bound (`held`: a slot the caller took for it;
   * `earlier`: retries of this request so far).
   */
  private async attempt(p: Prepared, id: number, dispatcher: Agent = this.agent, held?: () => void, earlier = 0): Promise<Attempt> {
    const release = held ?? (await this.semaphore.acquire());
    const slot = this.slots.length;
    this.slots.push(undefined);
    const startedAt = this.now();
    const t0 = performance.now();
    const controller = new AbortController();
    let aborted: TransportErrorCode | undefined;
    const abortAs = (code: TransportErrorCode) => {
      aborted ??= code;
      controller.abort();
    };
    const timers: NodeJS.Timeout[] = [];
    if (p.req.timeoutMs !== undefined && p.req.timeoutMs > 0) {
      timers.push(setTimeout(() => abortAs("timeout"), p.req.timeoutMs));
    }
    // undici checks its headersTimeout on a coarse tick (up to a second late); this one is exact.
    const headersTimer = setTimeout(() => abortAs("headers-timeout"), this.limits.headersTimeoutMs);
    timers.push(headersTimer);
    const deadline = this.options.signal;
    const onDeadline = () => abortAs("deadline");
    if (deadline?.aborted) onDeadline();
    else if (deadline) this.atDeadline.add(onDeadline);
    let ttfbMs: number | undefined;
    let receivedAt: number | undefined;
    let response: ExchangeResponse | undefined;
    let error: { code: TransportErrorCode; message: string } | undefined;
    let retryAfter: string | undefined;
    let waitMs: number | undefined;
    /** What had arrived when the body failed: a failure after the headers is not "no answer". */
    let headSeen: { status: number; length?: number } | undefined;
    /** When the body's last byte arrived: the partner's part of the exchange ends there. */
    let bodyInAt: number | undefined;
    // Once the whole body is in, the request is no longer in flight: its slot goes to the next one
    // while this body is read (parsed, scanned, or finished by a worker), so the partner works on the
    // next answer meanwhile. A 429 or 503 keeps its slot until its Retry-After pause is set (below).
    const bodyIn = (status: number) => {
      bodyInAt = performance.now();
      if (status !== 429 && status !== 503) release();
    };
    try {
      const res = await this.request(p.target.url, {
        dispatcher,
        method: p.method,
        headers: p.headers,
        body: p.body,
        signal: controller.signal,
      });
      ttfbMs = performance.now() - t0;
      receivedAt = Date.now();
      clearTimeout(headersTimer);
      // Whole-body limit: undici's own bodyTimeout only notices a silent server, not a trickling one.
      timers.push(setTimeout(() => abortAs("body-timeout"), this.limits.bodyTimeoutMs));
      const headers = headerRecord(res.headers);
      retryAfter = headers["retry-after"];
      const declared = Number(headers["content-length"]);
      headSeen = { status: res.statusCode, ...(Number.isFinite(declared) ? { length: declared } : {}) };
      if (Number.isFinite(declared) && declared > this.limits.maxBodyBytes) {
        discard(res.body);
        throw new BodyError("body-too-large", `Content-Length ${declared} exceeds the ${this.limits.maxBodyBytes}-byte limit`);
      }
      const encoded = (headers["content-encoding"] ?? "").split(",").some((c) => c.trim() !== "" && c.trim().toLowerCase() !== "identity");
      const sink = p.req.readStream && res.statusCode === 200 && !encoded ? p.req.readStream(Number.isFinite(declared) ? declared : undefined) : undefined;
      if (sink) {
        response = await this.streamedResponse(res.statusCode, headers, res.body, sink, bodyIn);
      } else {
        const raw = await readCapped(res.body, this.limits.maxBodyBytes, Number.isFinite(declared) ? declared : undefined);
        bodyIn(res.statusCode);
        try {
          const decoded = await decodeContent(headers["content-encoding"], raw, this.limits.maxBodyBytes);
          if (p.req.secretResponseFields) this.learnSecrets(id, decoded, p.req.secretResponseFields);
          response = this.storedResponse(res.statusCode, headers, decoded, p.req.secretResponseFields);
        } finally {
          // Everything kept of the body is a copy by now (text, parsed JSON): its bytes can be reused.
          giveBlock(raw.buffer);
        }
      }
    } catch (err) {
      if (aborted === "deadline") {
        error = transportError(aborted, "request aborted");
      } else if (aborted) {
        const limit =
          aborted === "timeout" ? p.req.timeoutMs : aborted === "headers-timeout" ? this.limits.headersTimeoutMs : this.limits.bodyTimeoutMs;
        error = transportError(aborted, `gave up after ${limit} ms`);
      } else if (err instanceof BodyError) {
        error = transportError(err.code, err.message);
      } else {
        error = describeError(err);
      }
      if (headSeen && (error.code === "reset" || error.code === "protocol")) {
        const framing = headSeen.length !== undefined ? `Content-Length ${headSeen.length}` : "no Content-Length";
        error = { code: error.code, message: `${error.message} (after the ${headSeen.status} status line and headers arrived, ${framing}: the body was cut off or malformed)` };
      }
      error = { code: error.code, message: this.redactor.redact(error.message) };
    } finally {
      for (const t of timers) clearTimeout(t);
      this.atDeadline.delete(onDeadline);
      // The pause starts before the slot is given back: the next request in the queue waits it out.
      if (response) waitMs = this.honourRetryAfter(p, response.status, retryAfter, earlier);
      release();
    }
    const durationMs = (bodyInAt ?? performance.now()) - t0;
    this.slots[slot] = {
      ...(p.req.operation ? { operation: p.req.operation } : {}),
      ...(p.check !== undefined ? { check: p.check } : {}),
      ...(response ? { status: response.status } : {}),
      ...(error ? { error: error.code } : {}),
      durationMs,
    };
    const exchange: Exchange = {
      id,
      request: this.storedRequest(p),
      ...(p.req.operation ? { operation: p.req.operation } : {}),
      ...(response ? { response } : {}),
      ...(error ? { error } : {}),
      startedAt,
      durationMs,
      ...(ttfbMs !== undefined ? { ttfbMs } : {}),
      ...(receivedAt !== undefined ? { receivedAt } : {}),
      fromCache: false,
    };
    if (p.req.operation && response) this.noteSlowest(p.req.operation, exchange);
    // A redirect repeats the URL it was asked for: a token reach-check itself put in the query (to
    // check that it is refused) and found again in the Location is not the partner's echo.
    const echoed = p.req.auth === "query" ? response?.echoed?.filter((w) => w !== "header location") : response?.echoed;
    if (response && echoed && echoed.length > 0 && this.echoes.length < MAX_ECHOES_KEPT) {
      this.echoes.push(unparsed({ ...exchange, response: { ...response, echoed } }, true));
    }
    if (p.auth === "default" && p.req.operation && response) this.noteRedirect(p.req.operation, exchange);
    if (p.auth === "default" && response && response.status >= 200 && response.status < 300) {
      this.tokenAccepted ??= { first: id, count: 0 };
      this.tokenAccepted.count++;
    }
    return { exchange, retryAfter, waitMs, resetBeforeHeaders: error?.code === "reset" && ttfbMs === undefined };
  }

  /** Keeps an operation's slowest answered request: what a latency finding shows and reproduces. */
  private noteSlowest(op: OperationRef, ex: Exchange): void {
    const key = `${op.method} ${op.path}`;
    const before = this.slowestByOp.get(key);
    if (before && before.durationMs >= ex.durationMs) return;
    // The body is dropped: a finding about time quotes the status and headers, and a statement's
    // body may be large.
    this.slowestByOp.set(key, unparsed(ex, false));
  }

  /** Keeps an operation's first redirected answer to the run's token (see redirects()). */
  private noteRedirect(op: OperationRef, ex: Exchange): void {
    const key = `${op.method} ${op.path}`;
    if (this.redirectByOp.get(key) !== undefined) return;
    const status = ex.response!.status;
    if (status < 300 || status >= 400 || status === 304) {
      if (!this.redirectByOp.has(key)) this.redirectByOp.set(key, undefined);
      return;
    }
    this.redirectByOp.set(key, unparsed(ex, false));
  }

  secretEchoes(): readonly Exchange[] {
    return this.echoes;
  }

  redirects(): { operations: string[]; redirected: Exchange[] } {
    const redirected = [...this.redirectByOp.values()].filter((ex): ex is Exchange => ex !== undefined);
    return { operations: [...this.redirectByOp.keys()], redirected: redirected.sort((a, b) => a.id - b.id) };
  }

  acceptedToken(): { first: number; count: number } | undefined {
    return this.tokenAccepted ? { ...this.tokenAccepted } : undefined;
  }

  slowest(op: OperationRef): Exchange | undefined {
    return this.slowestByOp.get(`${op.method} ${op.path}`);
  }

  private storedRequest(p: Prepared): Exchange["request"] {
    const r = this.redactor;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(p.headers)) {
      headers[name] = name === "authorization" ? authPlaceholder(value) : r.redact(value);
    }
    return {
      method: p.method,
      url: r.redact(p.target.url.href),
      path: r.redact(p.target.relative),
      headers,
      ...(p.body !== undefined ? { body: r.redact(p.body) } : {}),
      auth: p.auth,
    };
  }

  /**
   * Registers the string values of the named top-level JSON fields (issued tokens) as secrets, and
   * keeps them, outside any exchange, for `issuedSecret`.
   */
  private learnSecrets(id: number, body: Buffer, fields: string[]): void {
    const parsed = parseJson(decodeText(body));
    if (!("json" in parsed) || parsed.json === null || typeof parsed.json !== "object" || Array.isArray(parsed.json)) return;
    const record = parsed.json as Record<string, unknown>;
    const kept = new Map<string, string>();
    for (const f of fields) {
      const v = record[f];
      if (typeof v !== "string") continue;
      this.redactor.add(v);
      kept.set(f, v);
    }
    this.issued.set(id, kept);
  }

  issuedSecret(ex: Exchange, field: string): string | undefined {
    return this.issued.get(ex.id)?.get(field);
  }

  /**
   * JSON is parsed from the raw text so validation sees the partner's real data; only when the
   * text held a secret are the parsed strings rewritten too, so nothing in the exchange leaks.
   */
  private storedResponse(status: number, rawHeaders: Record<string, string>, body: Buffer, issuedFields?: readonly string[]): ExchangeResponse {
    const r = this.redactor;
    const { headers, echoed } = maskedHeaders(r, rawHeaders);
    // Strict UTF-8, a nesting limit, and what JSON.parse hides (repeated names, lossy numbers).
    const parsed = readBody(body, rawHeaders["content-encoding"]);
    const rawText = parsed.text;
    const hasSecret = r.has(rawText);
    if (hasSecret && (!issuedFields || echoBeyondIssued(r, parsed, issuedFields))) echoed.push("body");
    const contentType = mediaType(rawHeaders["content-type"]);
    return {
      status,
      headers,
      ...(echoed.length > 0 ? { echoed } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      text: keptText(hasSecret ? r.redact(rawText) : rawText),
      bytes: body.length,
      ...("json" in parsed ? { json: hasSecret ? r.redactDeep(parsed.json) : parsed.json } : {}),
      // Parse errors quote the text they choke on.
      ...(parsed.jsonError !== undefined ? { jsonError: r.redact(parsed.jsonError) } : {}),
      ...(parsed.duplicateKeys ? { duplicateKeys: parsed.duplicateKeys.map((k) => r.redact(k)) } : {}),
      ...(parsed.conflictingKeys ? { conflictingKeys: parsed.conflictingKeys.map((k) => r.redact(k)) } : {}),
      ...(parsed.byteOrderMark ? { byteOrderMark: true } : {}),
      ...(parsed.impreciseNumbers ? { impreciseNumbers: parsed.impreciseNumbers.map((x) => ({ pointer: r.redact(x.pointer), literal: x.literal })) } : {}),
    };
  }

  /**
   * A body handed to a sink as it arrives. Only the start of the body (for quotes) and the end of
   * the previous chunk (so that a secret split between two chunks is still found) are held. A
   * declined body is not read further: `streamDeclined` asks the caller to send the request again.
   */
  private async streamedResponse(
    status: number,
    rawHeaders: Record<string, string>,
    stream: BodyStream,
    sink: BodySink,
    bodyIn: (status: number) => void,
  ): Promise<ExchangeResponse> {
    const r = this.redactor;
    const { headers, echoed } = maskedHeaders(r, rawHeaders);
    const contentType = mediaType(rawHeaders["content-type"]);
    const headBytes = KEPT_TEXT_CHARS * 4;
    const head: Buffer[] = [];
    let headSize = 0;
    let size = 0;
    let overlap = Buffer.alloc(0);
    // Bytes the sink only compares with a body already scanned need no scan of their own.
    const scan = sink.onlyKnownBytes !== true;
    const keep = scan ? r.longestSpelling() : 0;
    let declined = false;
    let ended = false;
    try {
      for await (const piece of stream) {
        const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        size += chunk.length;
        if (size > this.limits.maxBodyBytes) {
          discard(stream);
          throw new BodyError("body-too-large", `more than ${this.limits.maxBodyBytes} bytes`);
        }
        if (headSize < headBytes) {
          head.push(Buffer.from(chunk.subarray(0, headBytes - headSize)));
          headSize += Math.min(chunk.length, headBytes - headSize);
        }
        // A secret within the chunk, or across its start (the end of the previous chunk and the start of this one).
        const seam = overlap.length > 0 ? Buffer.concat([overlap, chunk.subarray(0, keep - 1)]) : undefined;
        if ((scan && ((seam && r.hasInBytes(seam)) || r.hasInBytes(chunk))) || !sink.write(chunk)) {
          declined = true;
          discard(stream);
          break;
        }
        if (keep > 1) overlap = Buffer.from(chunk.length >= keep - 1 ? chunk.subarray(chunk.length - (keep - 1)) : Buffer.concat([overlap, chunk]).subarray(-(keep - 1)));
        // A sink that reads elsewhere (another thread) may ask the socket to wait for it.
        const wait = sink.backlog?.();
        if (wait) await wait;
      }
      if (!declined) bodyIn(status);
      const base = { status, headers, ...(echoed.length > 0 ? { echoed } : {}), ...(contentType !== undefined ? { contentType } : {}), text: headText(Buffer.concat(head), size), bytes: size };
      // An empty body has nothing to read either way (as the usual reading: no JSON, no error).
      if (size === 0 && !declined) return base;
      if (declined) return { ...base, text: "", streamDeclined: true };
      ended = true;
      const read: unknown = await sink.end();
      if (read === undefined) return { ...base, text: "", streamDeclined: true };
      return { ...base, folded: true, read };
    } finally {
      if (!ended) sink.abort?.();
    }
  }

  private deadlinePassed(p: Prepared, id: number): Exchange {
    this.notSent.deadline++;
    return {
      id,
      request: this.storedRequest(p),
      ...(p.req.operation ? { operation: p.req.operation } : {}),
      error: transportError("deadline", "this request was not sent"),
      startedAt: this.now(),
      durationMs: 0,
      fromCache: false,
    };
  }

  private budgetExhausted(p: Prepared, id: number): Exchange {
    this.notSent.budget++;
    const limit = this.limits.maxRequests;
    return {
      id,
      request: this.storedRequest(p),
      ...(p.req.operation ? { operation: p.req.operation } : {}),
      error: transportError("budget-exhausted", `the run may send at most ${limit} requests; this one was not sent`),
      startedAt: this.now(),
      durationMs: 0,
      fromCache: false,
    };
  }

  /** An exchange for a request that could not even be built; nothing was sent. */
  private failedBeforeSending(req: HttpRequest, code: TransportErrorCode, message: string, p?: Prepared): Exchange {
    const r = this.redactor;
    const auth: AuthMode = req.auth === undefined || req.auth === "default" ? "default" : req.auth === "none" ? "none" : "custom";
    return {
      id: this.nextId++,
      request: p
        ? this.storedRequest(p)
        : { method: req.method, url: r.redact(req.path), path: r.redact(req.path), headers: {}, auth },
      ...(req.operation ? { operation: req.operation } : {}),
      error: { code, message: r.redact(transportError(code, message).message) },
      startedAt: this.now(),
      durationMs: 0,
      fromCache: false,
    };
  }
}

/** Creates the run's client. Throws a TypeError when the base URL is unusable (a configuration error). */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new UndiciHttpClient(options);
}

/** The run's token with its last character dropped, or with every ASCII letter in the other case. */
function nearToken(token: string, kind: NearToken): string {
  if (kind === "truncated") return token.slice(0, -1);
  return swapLetterCase(token);
}
