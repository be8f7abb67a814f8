import type { Probe } from "../types.js";
import { isLoopbackHost } from "../../http/address.js";
import { makeFinding } from "../support/findings.js";
import { TLS_RULE } from "../support/tls.js";

export const probe: Probe = {
  id: "tls.https",
  family: "tls",
  step: 3,
  title: "The base URL uses https",
  description:
    "Reach connects over HTTPS only. A plain http base URL fails; on loopback (a local test run, such as the demo) it is reported as information, since such a URL is never what Reach is given.",
  async run(ctx) {
    const url = ctx.http.baseUrl;
    if (url.protocol === "https:") return { findings: [], summary: "The base URL uses https." };
    const loopback = isLoopbackHost(url.hostname);
    const finding = makeFinding(ctx, {
      code: `${this.id}/${loopback ? "loopback-http" : "http"}`,
      severity: loopback ? "info" : "fail",
      message: loopback
        ? `The base URL ${url.origin} is plain http on loopback: fine for a local test, but the URL handed to Reach must be https.`
        : `The base URL ${url.origin} is plain http: tokens and financial data would cross the internet unencrypted.`,
      rule: TLS_RULE,
      fix: "Serve the API over https (TLS 1.2 or newer) with a trusted certificate and hand Reach the https URL.",
      evidence: { request: url.pathname, expected: "https", actual: "http" },
    });
    return {
      findings: [finding],
      summary: loopback ? "Plain http on loopback: accepted for a local test run; Reach needs https." : undefined,
    };
  },
};
