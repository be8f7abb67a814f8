import type { TlsHandshakeResult } from "../../http/tls.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { TLS_RULE, tlsSkipReason } from "../support/tls.js";

const DAY_MS = 86_400_000;
/** Warn when the certificate runs out within this many days. */
export const EXPIRY_WARNING_DAYS = 30;

/** Chain errors that are really about dates, reported as expiry rather than trust. */
const DATE_ERRORS = new Set(["CERT_HAS_EXPIRED"]);

function describeCert(r: TlsHandshakeResult): string {
  const c = r.certificate;
  if (!c) return "no certificate";
  return [c.subject, c.subjectAltName && `SAN ${c.subjectAltName}`, c.issuer && `issued by ${c.issuer}`, c.validTo && `valid until ${c.validTo}`]
    .filter(Boolean)
    .join("; ");
}

export const probe: Probe = {
  id: "tls.certificate",
  family: "tls",
  step: 3,
  title: "Trusted certificate for the host, not about to expire",
  description:
    "Reads the server certificate: its chain must be trusted (system roots, plus --ca), its names must match the base URL's host, it must not have expired, and it should not expire within 30 days. Dates are judged by this machine's real clock, as any TLS client does.",
  after: ["reachability.connection"],
  async run(ctx) {
    const skip = tlsSkipReason(ctx);
    if (skip) return { findings: [], skip };
    let r = await ctx.http.tlsHandshake();
    // A server that speaks only old versions still shows its certificate that way.
    if (r.outcome === "refused") r = await ctx.http.tlsHandshake({ minVersion: "TLSv1", maxVersion: "TLSv1.1" });
    if (r.outcome !== "accepted" || !r.certificate) {
      return { findings: [], skip: `No TLS handshake completed (${r.error ?? r.outcome}); see tls.protocol.` };
    }
    const cert = r.certificate;
    const evidence = { request: ctx.http.baseUrl.pathname, actual: describeCert(r) };
    const host = ctx.http.baseUrl.hostname;
    const findings: Finding[] = [];
    const nowMs = Date.now();
    const expired = cert.validToMs !== undefined && cert.validToMs <= nowMs;
    if (expired) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/expired`,
          severity: "fail",
          message: `The certificate expired on ${cert.validTo}; every TLS client, Reach's included, refuses it.`,
          rule: TLS_RULE,
          fix: "Renew the certificate and install the new one (automate renewal, e.g. with ACME).",
          evidence: { ...evidence, expected: "notAfter in the future" },
        }),
      );
    }
    if (!r.authorized && r.authorizationError && !DATE_ERRORS.has(r.authorizationError) && !/ALTNAME|HOSTNAME/i.test(r.authorizationError)) {
      // OpenSSL's "unable to verify the first certificate": the leaf's issuer is neither in the chain
      // sent nor trusted, what a chain missing its intermediates gives.
      const leafOnly = r.authorizationError === "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/untrusted`,
          severity: "fail",
          message: leafOnly
            ? `The certificate chain is not trusted (${r.authorizationError}): nothing the server sent, and no trusted CA${ctx.options.extraCa ? " (system roots or --ca)" : ""}, issued its certificate${cert.issuer ? ` (issuer: ${cert.issuer})` : ""}. Either the server sends its certificate without the intermediate certificates between it and the root, or its issuer is not a trusted CA.`
            : `The certificate chain is not trusted (${r.authorizationError})${cert.issuer ? `: issued by ${cert.issuer}` : ""}${ctx.options.extraCa ? ", which is neither a system root nor the CA given with --ca" : ""}.`,
          rule: TLS_RULE,
          fix: leafOnly
            ? "Serve the full chain: the certificate followed by every intermediate up to the root (the CA's full-chain file; in nginx `ssl_certificate fullchain.pem`); Reach's client knows the roots only, so an intermediate added to --ca would hide a missing one." +
              (ctx.options.extraCa ? " For a private test CA, check that the file given with --ca holds the root of the chain." : " (For a private test CA, run reach-check with --ca <file>.)")
            : (r.authorizationError === "DEPTH_ZERO_SELF_SIGNED_CERT" || r.authorizationError === "SELF_SIGNED_CERT_IN_CHAIN"
                ? "Use a certificate from a public CA; a self-signed certificate is refused by Reach."
                : "Serve the full chain (leaf and intermediates) from a public CA.") +
              (ctx.options.extraCa
                ? " For a private test CA, check that the file given with --ca holds the CA that issued this certificate (or its intermediate)."
                : " (For a private test CA, run reach-check with --ca <file>.)"),
          evidence: { ...evidence, expected: "a chain to a trusted root" },
        }),
      );
    }
    if (r.nameMatches === false) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/name-mismatch`,
          severity: "fail",
          message: `The certificate is not valid for ${host}: it names ${cert.subjectAltName ? `only ${cert.subjectAltName}` : `no subjectAltName${cert.subject ? ` (subject ${cert.subject})` : ""}`}${r.nameError ? ` (${r.nameError.replace(/:\s*$/, "")})` : ""}.`,
          rule: TLS_RULE,
          fix: `Serve a certificate whose subjectAltName includes ${host}.`,
          evidence: { ...evidence, expected: `a name matching ${host}` },
        }),
      );
    }
    const daysLeft = cert.validToMs !== undefined ? Math.floor((cert.validToMs - nowMs) / DAY_MS) : undefined;
    if (!expired && daysLeft !== undefined && daysLeft < EXPIRY_WARNING_DAYS) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/expires-soon`,
          severity: "warn",
          message: `The certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${cert.validTo}).`,
          rule: TLS_RULE,
          fix: "Renew the certificate now and automate renewal, so a nightly sync never meets an expired one.",
          evidence: { ...evidence, expected: `more than ${EXPIRY_WARNING_DAYS} days left` },
        }),
      );
    }
    return {
      findings,
      summary: findings.length === 0 ? `Trusted certificate for ${host}, ${daysLeft ?? "?"} days left (${describeCert(r)}).` : undefined,
    };
  },
};
