import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { redirectPlace, redirectTarget } from "../support/response.js";

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
    "Looks for redirects on the base URL, on discovery, user-info and company information, and on every operation the run's other checks called with the token. reach-check never follows a redirect (so a token never goes to another host); an API call redirected elsewhere fails, since Reach's token would not follow it.",
  after: ["reachability.connection"],
  // Reads what the run's checks were answered: it comes after those that call the operations (the
  // latency check comes after nearly all; the schema checks matter when --check picks a few).
  orderAfter: ["reliability.latency", "schema.company-info", "schema.non-financial", "schema.reference-lists", "schema.statement-filters", "schema.statements"],
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
    // Discovery, user-info and one company's information are asked here, so that the check judges
    // them even when it runs alone (--check); every other operation is judged on what the run's
    // checks sent with the run's token before this one started (it runs after them).
    const calls: { ex: Exchange | undefined; company?: string }[] = [
      { ex: await ctx.data.discovery() },
      { ex: await ctx.data.userInfo() },
    ];
    const company = ctx.companies[0];
    if (company !== undefined) calls.push({ ex: await ctx.data.companyInfo(company), company });
    const seen = ctx.http.redirects();
    const judged = new Set<string>();
    // Redirects that go the same way (to one other origin, to https, or within the origin) make one
    // finding, shown on the first, with the other operations named: a proxy redirecting every call
    // is one fault, not one per operation.
    const groups = new Map<string, { ex: Exchange; op: { method: string; path: string }; company?: string; others: string[] }>();
    for (const { ex, company: c } of [...calls, ...seen.redirected.map((ex) => ({ ex, company: undefined }))]) {
      if (!ex) continue;
      const op = ex.operation ?? { method: ex.request.method, path: ex.request.path };
      const key = `${op.method} ${op.path}`;
      if (judged.has(key)) continue;
      judged.add(key);
      if (!isRedirect(ex)) continue;
      const to = redirectTarget(ex);
      const elsewhere = !to || to.origin !== ctx.http.baseUrl.origin;
      const way = !elsewhere ? "same" : `elsewhere ${to?.origin ?? ex.response!.headers.location ?? ""}`;
      const group = groups.get(way);
      if (group) group.others.push(key);
      else groups.set(way, { ex, op, company: c, others: [] });
    }
    for (const { ex, op, company: c, others } of groups.values()) {
      const to = redirectTarget(ex);
      const elsewhere = !to || to.origin !== ctx.http.baseUrl.origin;
      // http to https on the same host: the base URL should have been the https one.
      const toHttps = to !== undefined && ctx.http.baseUrl.protocol === "http:" && to.protocol === "https:" && to.hostname === ctx.http.baseUrl.hostname;
      const also =
        others.length === 0
          ? ""
          : ` ${others.length === 1 ? "One other operation redirects" : `${others.length} other operations redirect`} the same way: ${others.slice(0, 8).join(", ")}${others.length > 8 ? ` and ${others.length - 8} more` : ""}.`;
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/${elsewhere ? "other-origin" : "same-origin"}`,
          severity: elsewhere ? "fail" : "warn",
          message:
            (toHttps
              ? `${op.method} ${op.path} redirects (${ex.response!.status}) from http to ${to!.origin}: the API is served over https there, and the base URL given is http. reach-check did not follow it; Reach's token would not be sent there.`
              : elsewhere
                ? `${op.method} ${op.path} redirects (${ex.response!.status}) to another origin, ${to?.origin ?? ex.response!.headers.location ?? "?"}. reach-check did not follow it; Reach's token would not be sent there.`
                : `${op.method} ${op.path} redirects (${ex.response!.status}) to ${to.pathname}${to.search} on the same origin; answer directly instead of costing every call a round trip.${redirectPlace(ctx, ex)}`) + also,
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
    // Operations asked with the token that never redirected count too.
    for (const key of seen.operations) judged.add(key);
    const redirected = findings.filter((f) => f.severity !== "info").length;
    return {
      findings,
      summary:
        redirected === 0
          ? `No redirect on ${judged.size} operation${judged.size === 1 ? "" : "s"} called${findings.length > 0 ? " (the base URL itself redirects)" : ""}.`
          : undefined,
    };
  },
};
