import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";

const STEP_FIX: Record<string, string> = {
  dns: "Check the host name in --base-url and that it has a public DNS record.",
  tcp: "Check that the server is running and that the port is open to the internet (firewall, load balancer).",
  tls: "Serve a certificate chain that a standard client trusts for this host name (use --ca only for a private test CA).",
  http: "Check that the server answers HTTP on this URL; a connection that closes without an answer usually means a crash or a proxy misconfiguration.",
};

export const probe: Probe = {
  id: "reachability.connection",
  family: "reachability",
  step: 3,
  title: "Partner base URL is reachable",
  description:
    "Resolves the host, opens a TCP connection, completes the TLS handshake for https, and waits for a first HTTP answer, timing each step. Nothing else can be checked when this fails.",
  async run(ctx) {
    const result = await ctx.http.diagnose();
    const timings = result.steps.map((s) => `${s.name} ${Math.round(s.durationMs)} ms`).join(", ");
    if (result.ok) {
      const proto = result.tls?.protocol ? `, ${result.tls.protocol}` : "";
      return { findings: [], summary: `Answered ${result.firstResponse?.status ?? "?"} (${timings}${proto}).` };
    }
    const failed = result.steps.find((s) => !s.ok) ?? { name: "http" as const, detail: "no answer", durationMs: 0, ok: false };
    return {
      summary: `Failed at ${failed.name}: ${failed.detail}`,
      findings: [
        makeFinding(ctx, {
          code: `reachability.connection/${failed.name}`,
          severity: "fail",
          message: `The partner at ${ctx.http.baseUrl.origin} cannot be reached: the ${failed.name.toUpperCase()} step failed (${failed.detail}).`,
          rule: {
            ref: "reach:developer-checklist#general-setup",
            text: "The API is reachable at the base URL handed to Reach, over HTTPS with a trusted certificate.",
          },
          fix: STEP_FIX[failed.name],
          evidence: {
            request: ctx.http.baseUrl.pathname,
            actual: result.steps.map((s) => `${s.name}: ${s.ok ? "ok" : "FAILED"} (${Math.round(s.durationMs)} ms) ${s.detail}`).join("; "),
          },
        }),
      ],
    };
  },
};
