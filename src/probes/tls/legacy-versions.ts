import type { SecureVersion } from "node:tls";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { TLS_RULE, tlsSkipReason } from "../support/tls.js";

const VERSIONS: { version: SecureVersion; name: string }[] = [
  { version: "TLSv1", name: "TLS 1.0" },
  { version: "TLSv1.1", name: "TLS 1.1" },
];

export const probe: Probe = {
  id: "tls.legacy-versions",
  family: "tls",
  step: 3,
  title: "TLS 1.0 and 1.1 are refused",
  description:
    "Offers only TLS 1.0, then only TLS 1.1. A server that accepts either warns (they are deprecated, RFC 8996). When this machine's TLS library cannot offer a version, the check says it could not test it rather than pass.",
  after: ["reachability.connection"],
  async run(ctx) {
    const skip = tlsSkipReason(ctx);
    if (skip) return { findings: [], skip };
    const findings: Finding[] = [];
    const refused: string[] = [];
    const untested: string[] = [];
    for (const v of VERSIONS) {
      const r = await ctx.http.tlsHandshake({ minVersion: v.version, maxVersion: v.version });
      if (r.outcome === "accepted") {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/accepted`,
            severity: "warn",
            message: `The server completed a handshake with ${v.name} (${r.protocol ?? v.version}, ${r.cipher ?? "unknown cipher"}).`,
            rule: { ref: "rfc8996", text: "TLS 1.0 and 1.1 are deprecated (RFC 8996); Reach requires TLS 1.2 or newer, so a server should refuse the older versions." },
            fix: `Disable ${v.name} on the server or load balancer; keep TLS 1.2 and 1.3.`,
            evidence: { request: ctx.http.baseUrl.pathname, expected: "handshake refused", actual: `accepted ${r.protocol ?? v.version}` },
          }),
        );
      } else if (r.outcome === "refused") {
        refused.push(v.name);
      } else {
        const why = r.outcome === "unavailable-locally" ? "this machine's TLS library will not offer it" : (r.error ?? "the handshake failed for another reason");
        untested.push(`${v.name} (${why})`);
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/not-tested`,
            severity: "info",
            message: `Could not test whether the server accepts ${v.name}: ${why}.`,
            rule: TLS_RULE,
            fix: `Test ${v.name} from another machine, e.g. \`openssl s_client -connect ${ctx.http.baseUrl.host} -${v.version === "TLSv1" ? "tls1" : "tls1_1"}\`.`,
            evidence: { request: ctx.http.baseUrl.pathname, actual: r.error ?? r.outcome },
          }),
        );
      }
    }
    if (untested.length === VERSIONS.length) return { findings: [], skip: `Could not test: ${untested.join("; ")}.` };
    const parts = [refused.length > 0 ? `refused ${refused.join(" and ")}` : "", untested.length > 0 ? `could not test ${untested.join("; ")}` : ""].filter(Boolean);
    return { findings, summary: findings.some((f) => f.severity === "warn") ? undefined : `The server ${parts.join("; ")}.` };
  },
};
