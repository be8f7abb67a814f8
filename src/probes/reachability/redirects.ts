import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { redirectTarget } from "../support/response.js";

const RULE = {
  ref: "reach:developer-checklist#general-setup",
  text: "The base URL handed to Reach answers the API directly. HTTP clients drop the Authorization header when a redirect leads to another host, so a redirected call reaches the partner without its token.",
};

function isRedirect(ex: Exchange | undefined): ex is Exchange {
  const s = ex?.response?.status;
  return s !== undefined && s >= 300 && s < 400 && s !== 304;
}


export const probe: Probe = {
  id: "reachability.redirects",
  family: "reachability",
  step: 3,
  title: "API calls are not redirected",
  description:
    "Looks for redirects on the base URL and on discovery, user-info and company information. reach-check never follows a redirect (so a token never goes to another host); an API call redirected elsewhere fails, since Reach's token would not follow it.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const findings: Finding[] = [];
    const root = await ctx.http.send({ method: "GET", path: "", auth: "none", cache: true });
    if (isRedirect(root)) {
      const to = redirectTarget(root);
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/base-url`,
          severity: "info",
          message: `The base URL itself redirects (${root.response!.status} to ${root.response!.headers.location ?? "?"}). Reach calls the operations' paths, not the base URL, so this alone is harmless${to && to.origin !== ctx.http.baseUrl.origin ? "; if the API really lives elsewhere, hand Reach that URL" : ""}.`,
          rule: RULE,
          fix: "Make sure the base URL you hand Reach is the one the operations answer under.",
          exchange: root,
        }),
      );
    }
    const calls: { ex: Exchange | undefined; company?: string }[] = [
      { ex: await ctx.data.discovery() },
      { ex: await ctx.data.userInfo() },
    ];
    const company = ctx.companies[0];
    if (company !== undefined) calls.push({ ex: await ctx.data.companyInfo(company), company });
    let looked = 0;
    for (const { ex, company: c } of calls) {
      if (!ex) continue;
      looked++;
      if (!isRedirect(ex)) continue;
      const to = redirectTarget(ex);
      const elsewhere = !to || to.origin !== ctx.http.baseUrl.origin;
      // http to https on the same host: the base URL should have been the https one.
      const toHttps = to !== undefined && ctx.http.baseUrl.protocol === "http:" && to.protocol === "https:" && to.hostname === ctx.http.baseUrl.hostname;
      const op = ex.operation ?? { method: ex.request.method, path: ex.request.path };
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/${elsewhere ? "other-origin" : "same-origin"}`,
          severity: elsewhere ? "fail" : "warn",
          message: toHttps
            ? `${op.method} ${op.path} redirects (${ex.response!.status}) from http to ${to!.origin}: the API is served over https there, and the base URL given is http. reach-check did not follow it; Reach's token would not be sent there.`
            : elsewhere
            ? `${op.method} ${op.path} redirects (${ex.response!.status}) to another origin, ${to?.origin ?? ex.response!.headers.location ?? "?"}. reach-check did not follow it; Reach's token would not be sent there.`
            : `${op.method} ${op.path} redirects (${ex.response!.status}) to ${to.pathname}${to.search} on the same origin; answer directly instead of costing every call a round trip.`,
          rule: RULE,
          fix: toHttps
            ? `Give reach-check (and Reach) the https base URL, ${to!.origin}${ctx.http.baseUrl.pathname === "/" ? "" : ctx.http.baseUrl.pathname}; the redirect may stay for browsers.`
            : elsewhere
            ? "Serve the API on the host of the base URL (or hand Reach the host the API really lives on); do not redirect API calls."
            : "Answer API calls at the documented paths without a redirect.",
          operation: op,
          company: c,
          exchange: ex,
          evidence: { expected: "a direct answer", actual: `${ex.response!.status} Location: ${ex.response!.headers.location ?? "(none)"}` },
        }),
      );
    }
    const redirected = findings.filter((f) => f.severity !== "info").length;
    return {
      findings,
      summary: redirected === 0 ? `No redirect on ${looked} API call${looked === 1 ? "" : "s"}${findings.length > 0 ? " (the base URL itself redirects)" : ""}.` : undefined,
    };
  },
};
