import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { byCodeUnits } from "../../util/compare.js";
import { cacheDirectives } from "../../util/cache-control.js";
import { parseHttpDate } from "../../util/dates.js";

const DAY_SECONDS = 24 * 60 * 60;
const NOT_DATA = new Set(["discovery", "authorize", "token"]);

function maxAge(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  let best: number | undefined;
  for (const m of cacheControl.matchAll(/(?:^|[,\s])(s-maxage|max-age)\s*=\s*"?(\d+)"?/gi)) {
    const v = Number(m[2]);
    best = best === undefined ? v : Math.max(best, v);
  }
  return best;
}

/**
 * Whether a cache may hand out the response without asking the partner first: not when it says
 * `no-store` (kept by no cache) or a bare `no-cache` (validated with the origin before every reuse,
 * RFC 9111 section 5.2.2.4), whatever max-age it gives beside them. `no-cache="field"` only
 * concerns the fields named and does not count.
 */
function reusableWithoutAsking(cacheControl: string | undefined): boolean {
  return !cacheDirectives(cacheControl).some((d) => d.name === "no-store" || (d.name === "no-cache" && d.value === undefined));
}

/** Whether Cache-Control carries a max-age directive (s-maxage does not count: it binds shared caches only). */
function hasMaxAge(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(?:^|[,\s])max-age\s*=/i.test(cacheControl);
}

/**
 * The freshness lifetime, in seconds, that Expires gives a response (RFC 9111 section 4.2.1:
 * Expires minus Date, the time the response arrived when Date is missing). A max-age directive
 * overrides Expires for every cache (section 5.3); s-maxage only for shared ones, so a private
 * cache still goes by Expires beside it. An Expires that is not an HTTP-date (e.g. "0") means
 * already expired: no lifetime.
 */
function expiresLifetime(ex: Exchange): { seconds: number; expires: string; date?: string } | undefined {
  const h = ex.response!.headers;
  if (h.expires === undefined || hasMaxAge(h["cache-control"])) return undefined;
  const received = ex.receivedAt ?? ex.startedAt;
  const expires = parseHttpDate(h.expires, received);
  if (expires === undefined) return undefined;
  const date = h.date !== undefined ? parseHttpDate(h.date, received) : undefined;
  return { seconds: Math.floor((expires - (date ?? received)) / 1000), expires: h.expires, date: date !== undefined ? h.date : undefined };
}

/**
 * Why a shared cache (a CDN, a proxy) may hand this answer to a request with another token, or
 * undefined. RFC 9111 section 3.5: a response to a request with Authorization is reused for other
 * requests only when it says `public`, `s-maxage` or `must-revalidate` (the last one while fresh);
 * `no-store`, a bare `no-cache` or `private` keep it from being reused unasked, and `Vary:
 * Authorization` (or `*`) keys it by token.
 */
function sharedReuse(headers: Record<string, string>): string | undefined {
  const cc = headers["cache-control"];
  const d = cacheDirectives(cc);
  const has = (name: string) => d.some((x) => x.name === name);
  if (has("no-store") || has("private") || d.some((x) => x.name === "no-cache" && x.value === undefined)) return undefined;
  const vary = (headers.vary ?? "").split(",").map((v) => v.trim().toLowerCase());
  if (vary.includes("authorization") || vary.includes("*")) return undefined;
  const fresh = d.some((x) => (x.name === "max-age" || x.name === "s-maxage") && Number(String(x.value ?? "").replace(/"/g, "")) > 0);
  if (has("public") || has("s-maxage") || (has("must-revalidate") && fresh)) return `Cache-Control: ${cc}`;
  return undefined;
}

const inDays = (seconds: number) => `${Math.round((seconds / DAY_SECONDS) * 10) / 10} days`;

export const probe: Probe = {
  id: "freshness.cache-headers",
  family: "freshness",
  step: 2,
  title: "Data is not served stale from a cache",
  description:
    "Looks at the caching headers of every data response read in this run: an Age, a Cache-Control max-age or an Expires (counted from Date) over 24 hours means Reach may receive yesterday's figures; public, s-maxage or must-revalidate without Vary: Authorization lets a shared cache hand one customer's data to another token.",
  after: ["schema.reference-lists", "schema.statements", "schema.company-info", "schema.non-financial"],
  runsAlone: true,
  async run(ctx) {
    const byOp = new Map<string, { ex: Exchange; why: string; count: number }>();
    const shared = new Map<string, { ex: Exchange; why: string; count: number }>();
    let seen = 0;
    // The OAuth plumbing is not data: a discovery document may well be cached for days, and the
    // token endpoint's caching is oauth.refresh-grant's to judge.
    const notData = new Set(ctx.contract.operations.filter((o) => NOT_DATA.has(o.profile.role)).map((o) => `${o.method.toUpperCase()} ${o.path}`));
    for (const ex of ctx.data.syncExchanges()) {
      const res = ex.response;
      if (!res || res.status !== 200 || !ex.operation) continue;
      if (notData.has(`${ex.operation.method.toUpperCase()} ${ex.operation.path}`)) continue;
      seen++;
      const age = res.headers.age !== undefined ? Number(res.headers.age) : undefined;
      const ma = maxAge(res.headers["cache-control"]);
      const reasons: string[] = [];
      if (age !== undefined && Number.isFinite(age) && age > DAY_SECONDS) reasons.push(`Age: ${age}`);
      const reusable = reusableWithoutAsking(res.headers["cache-control"]);
      if (ma !== undefined && ma > DAY_SECONDS && reusable) reasons.push(`Cache-Control: ${res.headers["cache-control"]}`);
      const exp = reusable ? expiresLifetime(ex) : undefined;
      if (exp && exp.seconds > DAY_SECONDS) {
        reasons.push(`Expires: ${exp.expires} (${inDays(exp.seconds)} after ${exp.date !== undefined ? `its Date: ${exp.date}` : "it arrived, with no Date"}${res.headers["cache-control"] === undefined ? ", no Cache-Control" : ""})`);
      }
      const key = `${ex.operation.method} ${ex.operation.path}`;
      // Every data request carries the token: a shared cache must not answer another token's request with it.
      const reuse = ex.request.headers.authorization !== undefined ? sharedReuse(res.headers) : undefined;
      if (reuse) {
        const e = shared.get(key);
        if (e) e.count++;
        else shared.set(key, { ex, why: reuse, count: 1 });
      }
      if (reasons.length === 0) continue;
      const entry = byOp.get(key);
      if (entry) entry.count++;
      else byOp.set(key, { ex, why: reasons.join(", "), count: 1 });
    }
    if (seen === 0) return { findings: [], skip: "No successful data response was read in this run." };
    const findings: Finding[] = [];
    for (const [key, { ex, why, count }] of [...byOp.entries()].sort(([a], [b]) => byCodeUnits(a, b))) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/stale-cache`,
          severity: "warn",
          message: `${key} is served with ${why}${count > 1 ? ` (${count} responses)` : ""}: the data may be more than a day old when Reach reads it.`,
          rule: {
            ref: "spec-model:freshness",
            text: "Data responses are not served stale from a cache: no Age and no Cache-Control max-age over 24 hours (unless no-store or no-cache make every reuse ask the partner first); an Expires more than 24 hours after Date gives the same lifetime where no max-age overrides it (RFC 9111 sections 4.2.1 and 5.3).",
          },
          fix: "Serve data responses with `Cache-Control: no-store` (or a max-age well under a day; it also overrides Expires), drop far-future Expires headers, and bypass shared caches for the API.",
          operation: ex.operation,
          exchange: ex,
          headers: ["cache-control", "age", "expires", "date"],
        }),
      );
    }
    for (const [key, { ex, why, count }] of [...shared.entries()].sort(([a], [b]) => byCodeUnits(a, b))) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/shared-cacheable`,
          severity: "warn",
          message: `${key} answers a request made with a customer's token with ${why}${count > 1 ? ` (${count} responses)` : ""}, and no Vary: Authorization: a shared cache between Reach and the partner (a CDN, a proxy) may store it and hand one customer's data to a request made with another token.`,
          rule: {
            ref: "rfc9111#section-3.5",
            text: "A shared cache must not reuse a response to a request with Authorization for other requests unless the response allows it (public, s-maxage, or must-revalidate while fresh); per-customer data must not allow it.",
          },
          fix: "Send `Cache-Control: no-store` (or `private`) on data responses; if they must be cached by a shared cache, add `Vary: Authorization`.",
          operation: ex.operation,
          exchange: ex,
          headers: ["cache-control", "vary"],
          evidence: { expected: "no-store or private (or Vary: Authorization)", actual: `${why}${ex.response!.headers.vary !== undefined ? `; Vary: ${ex.response!.headers.vary}` : ""}` },
        }),
      );
    }
    return { findings, summary: findings.length === 0 ? `${seen} data responses, none cacheable for more than a day nor by a shared cache for other tokens.` : undefined };
  },
};
