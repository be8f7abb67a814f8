import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { frontServerAnswer } from "../support/front-server.js";

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
      const status = result.firstResponse?.status;
      // A gateway's 502/504 is an answer, but not from the API. When the company list (read beside
      // this check) fails the same way, the API behind the gateway is out of reach: one finding
      // here says so, instead of every later check blaming the API for the gateway's answers.
      if (status === 502 || status === 504) {
        const ui = ctx.contract.operations.some((o) => o.profile.role === "user-info") ? await ctx.data.userInfo() : undefined;
        const uiStatus = ui?.response?.status;
        if (ui && (ui.error !== undefined || uiStatus === 502 || uiStatus === 504)) {
          const front = frontServerAnswer(ui);
          const answered = ui.error ? `failed (${ui.error.message})` : `answered ${uiStatus}`;
          return {
            summary: `Answered ${status} (${timings}${proto}), from a gateway that does not reach the API.`,
            findings: [
              makeFinding(ctx, {
                code: "reachability.connection/gateway",
                severity: "fail",
                message: `The server at ${ctx.http.baseUrl.origin} answers, but not the API: ${ctx.http.baseUrl.pathname} answered ${status} and ${ui.request.method} ${ui.request.path} ${answered}.${front?.detail ?? " A 502 or 504 comes from a proxy or gateway in front of the API that gets no answer from the application behind it."}`,
                rule: {
                  ref: "reach:developer-checklist#general-setup",
                  text: "The API is reachable at the base URL handed to Reach, over HTTPS with a trusted certificate.",
                },
                fix: front?.fix ?? "Check that the API application is running and that the proxy's upstream (address, port, scheme) points at it; the proxy's error log names the cause.",
                operation: ui.operation,
                exchange: ui,
              }),
            ],
          };
        }
      }
      return { findings: [], summary: `Answered ${status ?? "?"} (${timings}${proto}).` };
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
          fix:
            failed.name === "tls" && /share no TLS version/.test(failed.detail)
              ? "Enable TLS 1.2 and TLS 1.3 on the server (or the proxy or load balancer in front of it); Reach refuses older versions."
              : failed.name === "tls" && /reply is not TLS/.test(failed.detail)
                ? "Give the base URL of the port that serves TLS, or an http:// base URL for a server without TLS (a test set-up only: Reach needs https)."
                : failed.name === "http" && /not well-formed HTTP\/1\.1/.test(failed.detail)
                  ? "The server answered, but not in well-formed HTTP/1.1 (see the detail): fix what writes the response head or frames the body, often a proxy or a hand-written header."
                  : STEP_FIX[failed.name],
          evidence: {
            request: ctx.http.baseUrl.pathname,
            actual: result.steps.map((s) => `${s.name}: ${s.ok ? "ok" : "FAILED"} (${Math.round(s.durationMs)} ms) ${s.detail}`).join("; "),
          },
        }),
      ],
    };
  },
};
