/**
 * TLS handshakes with the partner, made on purpose with chosen protocol versions, so the tls.*
 * checks can tell which versions the server accepts and what certificate it shows. Trust is
 * reported, never enforced: an untrusted certificate is evidence, not an exception.
 *
 * Old protocol versions (TLS 1.0, 1.1) are offered with OpenSSL security level 0, which is what
 * OpenSSL 3 needs to even put them in a ClientHello. When the local library still cannot offer a
 * version, the outcome says so (`unavailable-locally`) instead of pretending the server refused.
 */
import { checkServerIdentity, connect, type PeerCertificate, type SecureVersion, type TLSSocket } from "node:tls";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { oneLine } from "./errors.js";

export interface TlsCertificateInfo {
  subject?: string;
  issuer?: string;
  /** `DNS:api.example.com, IP Address:1.2.3.4` as OpenSSL prints it. */
  subjectAltName?: string;
  validFrom?: string;
  validTo?: string;
  /** validTo as epoch milliseconds, when it parses. */
  validToMs?: number;
  fingerprint256?: string;
}

export type TlsHandshakeOutcome =
  /** The handshake completed with this protocol. */
  | "accepted"
  /** The server refused the offered versions (protocol-version alert, unsupported protocol). */
  | "refused"
  /** This machine's TLS library would not offer the versions asked for: nothing was learned. */
  | "unavailable-locally"
  /** The handshake failed for another reason (network, timeout, other alert). */
  | "failed";

export interface TlsHandshakeResult {
  outcome: TlsHandshakeOutcome;
  /** Negotiated protocol, e.g. `TLSv1.3`, when accepted. */
  protocol?: string;
  cipher?: string;
  /** Chain trusted by the client's roots (plus --ca) and name matching, as Node judges it. */
  authorized?: boolean;
  /** Node's reason when not authorized, e.g. `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  authorizationError?: string;
  /** Our own check of the certificate's names against the host, independent of the chain. */
  nameMatches?: boolean;
  nameError?: string;
  certificate?: TlsCertificateInfo;
  /** Error code and one line, when not accepted. */
  errorCode?: string;
  error?: string;
  durationMs: number;
}

export interface TlsHandshakeOptions {
  host: string;
  port: number;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** Trusted CAs (system roots plus --ca); undefined: Node's defaults. */
  ca?: string[];
  timeoutMs: number;
}

const LEGACY: readonly SecureVersion[] = ["TLSv1", "TLSv1.1"];

/** The server said no to the protocol version (an alert it sent, or a reply that is not TLS at that version). */
const REFUSED_CODES = new Set([
  "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
  "ERR_SSL_UNSUPPORTED_PROTOCOL",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY",
  "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR",
  "ERR_SSL_VERSION_TOO_LOW",
]);

/** Our own library could not build a ClientHello with what was asked. */
const LOCAL_CODES = new Set(["ERR_SSL_NO_PROTOCOLS_AVAILABLE", "ERR_SSL_NO_CIPHERS_AVAILABLE", "ERR_SSL_NO_CIPHER_MATCH", "ERR_TLS_INVALID_PROTOCOL_VERSION"]);

function nameOf(fields: Record<string, unknown> | undefined): string | undefined {
  if (!fields) return undefined;
  const cn = fields.CN;
  const o = fields.O;
  const first = (v: unknown) => (Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v));
  const parts = [first(cn) && `CN=${first(cn)}`, first(o) && `O=${first(o)}`].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function certificateInfo(cert: PeerCertificate): TlsCertificateInfo | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const validToMs = cert.valid_to ? Date.parse(cert.valid_to) : NaN;
  const subject = nameOf(cert.subject as unknown as Record<string, unknown>);
  const issuer = nameOf(cert.issuer as unknown as Record<string, unknown>);
  return {
    ...(subject ? { subject } : {}),
    ...(issuer ? { issuer } : {}),
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    ...(cert.valid_from ? { validFrom: cert.valid_from } : {}),
    ...(cert.valid_to ? { validTo: cert.valid_to } : {}),
    ...(Number.isFinite(validToMs) ? { validToMs } : {}),
    ...(cert.fingerprint256 ? { fingerprint256: cert.fingerprint256 } : {}),
  };
}

function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** Classifies a failed handshake: refused by the server, impossible here, or something else. */
export function classifyHandshakeError(err: unknown, offeredLegacy: boolean): TlsHandshakeOutcome {
  const code = errorCodeOf(err) ?? "";
  const message = err instanceof Error ? err.message : String(err);
  if (LOCAL_CODES.has(code) || /no protocols available|no ciphers available|no cipher match/i.test(message)) return "unavailable-locally";
  if (REFUSED_CODES.has(code) || /protocol version|unsupported protocol|wrong version number|version too low/i.test(message)) return "refused";
  // Servers that do not speak an old version often just close the connection after its ClientHello.
  if (offeredLegacy && (code === "ECONNRESET" || /socket disconnected before secure TLS connection/i.test(message))) return "refused";
  return "failed";
}

/** One handshake; never rejects. */
export function tlsHandshake(opts: TlsHandshakeOptions): Promise<TlsHandshakeResult> {
  const t0 = performance.now();
  const legacy = (opts.minVersion !== undefined && LEGACY.includes(opts.minVersion)) || (opts.maxVersion !== undefined && LEGACY.includes(opts.maxVersion));
  return new Promise((resolve) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    const done = (r: Omit<TlsHandshakeResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve({ ...r, durationMs: Math.round((performance.now() - t0) * 10) / 10 });
    };
    const timer = setTimeout(
      () => done({ outcome: "failed", errorCode: "ETIMEDOUT", error: `no TLS handshake within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    try {
      socket = connect({
        host: opts.host,
        port: opts.port,
        ...(isIP(opts.host) === 0 ? { servername: opts.host } : {}),
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.minVersion ? { minVersion: opts.minVersion } : {}),
        ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
        // OpenSSL 3 leaves TLS 1.0/1.1 out of the ClientHello above security level 0.
        ...(legacy ? { ciphers: "DEFAULT@SECLEVEL=0" } : {}),
        rejectUnauthorized: false,
      });
    } catch (err) {
      done({ outcome: classifyHandshakeError(err, legacy), errorCode: errorCodeOf(err), error: oneLine(err instanceof Error ? err.message : String(err)) });
      return;
    }
    socket.once("secureConnect", () => {
      const s = socket!;
      const peer = s.getPeerCertificate(true);
      const certificate = certificateInfo(peer);
      let nameError: string | undefined;
      if (certificate) {
        const problem = checkServerIdentity(opts.host, peer);
        if (problem) nameError = oneLine(problem.message);
      }
      const authError = s.authorizationError as unknown;
      done({
        outcome: "accepted",
        protocol: s.getProtocol() ?? undefined,
        cipher: s.getCipher()?.name,
        authorized: s.authorized,
        ...(authError ? { authorizationError: typeof authError === "string" ? authError : (authError as Error).message } : {}),
        ...(certificate ? { certificate, nameMatches: nameError === undefined } : {}),
        ...(nameError ? { nameError } : {}),
      });
    });
    socket.once("error", (err) => {
      done({ outcome: classifyHandshakeError(err, legacy), errorCode: errorCodeOf(err), error: oneLine(err.message) });
    });
  });
}
