import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { TLS_RULE, tlsSkipReason } from "../support/tls.js";

export const probe: Probe = {
  id: "tls.protocol",
  family: "tls",
  step: 3,
  title: "TLS 1.2 or newer, TLS 1.3 offered",
  description:
    "Completes a TLS handshake offering TLS 1.2 and 1.3 and reads the negotiated protocol: below TLS 1.2 fails (Reach refuses it), TLS 1.2 without 1.3 warns.",
  after: ["reachability.connection"],
  async run(ctx) {
    const skip = tlsSkipReason(ctx);
    if (skip) return { findings: [], skip };
    const modern = await ctx.http.tlsHandshake();
    const base = { rule: TLS_RULE, evidence: { request: ctx.http.baseUrl.pathname } };
    const findings: Finding[] = [];
    if (modern.outcome === "accepted") {
      if (modern.protocol !== "TLSv1.3") {
        findings.push(
          makeFinding(ctx, {
            ...base,
            code: `${this.id}/no-tls13`,
            severity: "warn",
            message: `The server negotiated ${modern.protocol ?? "an unknown protocol"} although the client offered TLS 1.3.`,
            fix: "Enable TLS 1.3 on the server or load balancer (keep TLS 1.2 for older clients).",
            evidence: { ...base.evidence, expected: "TLSv1.3", actual: modern.protocol ?? "unknown" },
          }),
        );
      }
      return { findings, summary: `Negotiated ${modern.protocol} (${modern.cipher ?? "unknown cipher"}).` };
    }
    if (modern.outcome === "refused") {
      // Learn what it does speak, to say so; an old-only server fails either way.
      const old = await ctx.http.tlsHandshake({ minVersion: "TLSv1", maxVersion: "TLSv1.1" });
      const speaks = old.outcome === "accepted" ? ` It completed a handshake with ${old.protocol}.` : "";
      findings.push(
        makeFinding(ctx, {
          ...base,
          code: `${this.id}/below-1.2`,
          severity: "fail",
          message: `The server refused TLS 1.2 and 1.3 (${modern.error ?? modern.errorCode ?? "refused"}).${speaks}`,
          fix: "Enable TLS 1.2 and 1.3 on the server or load balancer; Reach does not connect below TLS 1.2.",
          evidence: { ...base.evidence, expected: "TLSv1.2 or TLSv1.3", actual: old.outcome === "accepted" ? (old.protocol ?? "older") : "no TLS 1.2/1.3 handshake" },
        }),
      );
      return { findings };
    }
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${this.id}/handshake`,
        severity: "fail",
        message: `No TLS handshake with ${ctx.http.baseUrl.host}: ${modern.error ?? modern.outcome}.`,
        fix: "Check that the port speaks TLS and that the server or load balancer is configured for TLS 1.2 and 1.3.",
        evidence: { ...base.evidence, actual: modern.error ?? modern.outcome },
      }),
    );
    return { findings };
  },
};
