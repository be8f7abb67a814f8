/** What the tls.* checks share: whether there is a TLS endpoint to look at at all. */
import type { ProbeContext } from "../types.js";

export const TLS_RULE = {
  ref: "reach:developer-checklist#security",
  text: "The API is served over HTTPS with TLS 1.2 or higher (TLS 1.3 recommended) and a valid certificate chain (Reach developer checklist).",
};

/** Why the TLS checks cannot look at this partner, or undefined when they can. */
export function tlsSkipReason(ctx: ProbeContext): string | undefined {
  if (ctx.http.baseUrl.protocol !== "https:") return "The base URL is http: there is no TLS to check (see tls.https).";
  const reach = ctx.results.get("reachability.connection");
  // A TLS failure is what these checks explain; a host that cannot be resolved or connected to is not.
  const layer = reach?.findings.find((f) => f.code.startsWith("reachability.connection/"))?.code.split("/")[1];
  if (reach?.status === "fail" && layer !== "tls" && layer !== "http") return `reachability.connection failed at ${layer ?? "an earlier step"}; no TLS handshake is possible.`;
  return undefined;
}
