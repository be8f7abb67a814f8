/**
 * No false alarm on conformant partners that are not ours. Each variant wraps the reference partner
 * and makes one choice differently, a choice the spec (SPEC_MODEL.md) and Reach's rules allow; the
 * built CLI runs against it and must find nothing to fail, and warn only where README's policies say
 * so. Needs `npm run build` first.
 *
 * Choices deliberately NOT tested, because they are not conformant:
 * - a UTF-8 byte-order mark before the JSON text: RFC 8259 section 8.1 says implementations MUST NOT
 *   add one to networked JSON (parsers MAY ignore it, so reach-check is free to accept or report it);
 * - statement rows left out for months before a company existed: the spec model asks for one row per
 *   account and calendar month of the range;
 * - 404 for malformed input (a bad date): 400 is for malformed input, 404 for a resource that does
 *   not exist (REACH_API_FACTS section 6); reach-check's inputs checks accept it anyway;
 * - a vendor media type (application/vnd.partner+json): the spec declares application/json;
 * - a token response without Cache-Control: no-store: RFC 6749 section 5.1 says the server MUST
 *   send it on any response carrying tokens (the cache-header variants below leave the token
 *   endpoint alone for that reason).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeTestCerts, type TestCerts } from "../helpers/certs.js";
import { NOW, parseReport, runCli } from "../helpers/cli.js";
import {
  chunked,
  compressed,
  eachObject,
  etagOf,
  isJsonReply,
  mapJson,
  startVariant,
  stringifyNumbers,
  wholeList,
  withHeaders,
  type RunningVariant,
  type Variant,
} from "../helpers/variant-partner.js";
import type { ServerReply } from "../../src/http/server.js";

const TOKEN = "variant-access-token-0123456789";

const COMPANY = /^\/companies\/[^/]+(\/.*)?$/;
const LIST = /^\/companies\/[^/]+\/(chart-of-accounts|budgets|classes|departments|non-financial-metrics)$/;
const STATEMENT = /^\/companies\/[^/]+\/(profit-and-loss|balance-sheet|cash-flow)$/;

function errorsOf(reply: ServerReply): { error: string; message: string; level?: number }[] | undefined {
  if (!isJsonReply(reply)) return undefined;
  const body = JSON.parse(String(reply.body)) as { errors?: { error: string; message: string; level?: number }[] };
  return Array.isArray(body.errors) ? body.errors : undefined;
}

function restatus(reply: ServerReply, status: number, error: string, drop: string[] = []): ServerReply {
  const items = errorsOf(reply) ?? [{ error, message: "Refused." }];
  return {
    ...withHeaders(reply, {}, ["content-length", ...drop]),
    status,
    body: JSON.stringify({ errors: items.map((e) => ({ ...e, error })) }),
  };
}

const is200Json = (r: ServerReply) => r.status === 200 && isJsonReply(r);
/** Token responses keep their own Cache-Control: RFC 6749 section 5.1 requires no-store on them. */
const notToken = (req: { url: URL }) => req.url.pathname !== "/oauth2/token";

/** Every string field called `key` gets `edit` applied (names, ids...). */
function editField(reply: ServerReply, keys: string[], edit: (s: string) => string): ServerReply {
  return mapJson(reply, (j) =>
    eachObject(j, (o) => {
      for (const k of keys) if (typeof o[k] === "string") o[k] = edit(o[k] as string);
    }),
  );
}

const AMOUNT_KEYS = new Set(["Amount", "Value"]);

const ID_KEYS = ["AccountId", "ParentAccountId", "BudgetId", "ClassId", "ParentClassId", "DepartmentId", "ParentDepartmentId", "NonFinancialId"];
const ID_SUFFIX = " / Ünit & Co?#%+ é";
/** The reference partner's id behind one shown outside; ids never shown outside stay unknown. */
const idInward = (id: string) => (id.endsWith(ID_SUFFIX) ? id.slice(0, -ID_SUFFIX.length) : `unknown-${id}`);

/** Per partner: refresh tokens issued by the rotating variant (to the reference token behind them), and revoked ones. */
const rotations = new WeakMap<object, { rotatedTo: Map<string, string>; revoked: Set<string> }>();

const VARIANTS: Variant[] = [
  // ---- status codes Reach allows besides ours ----
  {
    name: "unknown company answered 403",
    why: "README policy: a partner may not reveal whether a company exists; 403 passes for an unknown company",
    reply: (r, req) => (COMPANY.test(req.url.pathname) && r.status === 404 ? restatus(r, 403, "Forbidden") : r),
  },
  {
    name: "unknown company answered 400",
    why: "error guide: a bad Company ID is 400 or 404",
    reply: (r, req) => (COMPANY.test(req.url.pathname) && r.status === 404 ? restatus(r, 400, "BadRequest") : r),
  },
  {
    name: "UUID company ids, checked for shape first (400 for an id that is not a UUID)",
    why: "CompanyId is a string; a partner may validate its own id format first (400 malformed input) and then look the id up (404 unknown)",
    companyIds: { "alder-finch": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "northwind-outfitters": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d" },
    handle: (req, ctx) => {
      const m = /^\/companies\/([^/]+)/.exec(req.url.pathname);
      const id = m ? decodeURIComponent(m[1]!) : undefined;
      // Mapped ids arrive as the reference's own; anything else is what the client sent.
      const internal = ctx.app.companies.some((c) => c.id === id) || id?.startsWith("unknown-");
      if (id !== undefined && !internal && !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) {
        return {
          status: 400,
          headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
          body: JSON.stringify({ errors: [{ error: "BadRequest", message: "CompanyId must be a lower-case UUID.", level: 6 }] }),
        };
      }
      return ctx.inner(req);
    },
  },
  {
    name: "unknown BudgetId/ClassId/DepartmentId answered 404",
    why: "spec model: an unknown filter id is 400 or 404",
    reply: (r) => {
      if (r.status !== 400) return r;
      const items = errorsOf(r);
      return items && items.every((e) => /does not name a/.test(e.message)) ? restatus(r, 404, "NotFound") : r;
    },
  },
  {
    name: "wrong token answered 403",
    why: "checklist: unauthorized requests get 401 or 403 (no failure); the error guide's status rules give 401 to an invalid token, so only a warning",
    reply: (r, req) => (r.status === 401 && req.headers.authorization !== undefined ? restatus(r, 403, "Forbidden", ["www-authenticate"]) : r),
    allowWarnings: ["auth.invalid-token/forbidden"],
  },
  {
    name: "missing or wrong token answered 403",
    why: "checklist: unauthorized requests get 401 or 403 (no failure); the error guide's status rules give 401 to an invalid token, so only a warning",
    reply: (r, req) => (r.status === 401 && req.url.pathname !== "/oauth2/token" ? restatus(r, 403, "Forbidden", ["www-authenticate"]) : r),
    allowWarnings: ["auth.invalid-token/forbidden"],
  },
  {
    name: "a credential of another scheme answered 400 invalid_request",
    why: "RFC 6750 section 3.1: a malformed request (here an Authorization header that is not a Bearer token) may get 400 invalid_request",
    reply: (r, req) =>
      r.status === 401 && /^Basic /i.test(req.headers.authorization ?? "")
        ? withHeaders(restatus(r, 400, "BadRequest"), { "www-authenticate": 'Bearer realm="reach", error="invalid_request"' })
        : r,
  },
  {
    name: "another company's data answered 404 to a scoped token",
    why: "README (auth.company-scope): another company gets 403 or 404; a partner may hide that it exists",
    reply: (r, req) => (COMPANY.test(req.url.pathname) && r.status === 403 ? restatus(r, 404, "NotFound") : r),
  },
  {
    name: "WWW-Authenticate with several challenges, lower-case scheme",
    why: "RFC 9110 section 11.6.1: a header may list several challenges; auth-scheme names are case-insensitive",
    reply: (r) => {
      const h = r.headers?.["www-authenticate"];
      if (r.status !== 401 || h === undefined) return r;
      const bearer = h.replace(/^Bearer/, "bearer") + (/invalid_token/.test(h) ? ', error_description="The access token is not valid"' : "");
      return withHeaders(r, { "www-authenticate": `Basic realm="partner admin", ${bearer}` });
    },
  },
  {
    name: "error items without level",
    why: "error guide: level is optional",
    reply: (r) => (errorsOf(r) ? mapJson(r, (j) => eachObject(j, (o) => void delete o.level)) : r),
  },
  {
    name: "several error items",
    why: "error guide: errors is an array of one or more items",
    reply: (r) =>
      errorsOf(r)
        ? mapJson(r, (j) => {
            (j as { errors: unknown[] }).errors.push({ error: "RequestId", message: "Quote request id 5f2c when asking for support.", level: 1 });
            return j;
          })
        : r,
  },
  {
    name: "extra fields inside error items",
    why: "extra fields are ignored by Reach (FAQ); error bodies are judged on the envelope only",
    reply: (r) =>
      errorsOf(r)
        ? mapJson(r, (j) => {
            for (const e of (j as { errors: Record<string, unknown>[] }).errors) Object.assign(e, { code: 4711, traceId: "00-ab-01", details: { field: null } });
            return j;
          })
        : r,
  },
  {
    name: "204 for a valid request with no data",
    why: "error guide: no data is 200 with an empty array or 204; README policy: 204 warns",
    reply: (r, req) => {
      if (!is200Json(r) || !COMPANY.test(req.url.pathname)) return r;
      const body = JSON.parse(String(r.body)) as { Data?: unknown[] };
      return Array.isArray(body.Data) && body.Data.length === 0 ? { status: 204, headers: withHeaders(r, {}, ["content-type", "content-length"]).headers, body: "" } : r;
    },
    allowWarnings: ["/no-content"],
  },

  // ---- how the bytes travel ----
  {
    name: "application/json without charset",
    why: "RFC 8259: application/json has no charset parameter; UTF-8 is the default",
    reply: (r) => (isJsonReply(r) ? withHeaders(r, { "content-type": "application/json" }) : r),
  },
  {
    name: "application/json;charset=UTF-8",
    why: "charset values are case-insensitive; whitespace around ';' is optional (RFC 9110 section 8.3)",
    reply: (r) => (isJsonReply(r) ? withHeaders(r, { "Content-Type": "application/json;charset=UTF-8" }) : r),
  },
  {
    name: "upper-case header names",
    why: "HTTP header names are case-insensitive",
    reply: (r) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())] = v;
      return { ...r, headers };
    },
  },
  {
    name: "gzip-compressed responses",
    why: "HTTP content coding, asked for by the client's Accept-Encoding",
    reply: (r, req) => compressed(r, req, "gzip"),
  },
  {
    name: "brotli-compressed responses",
    why: "HTTP content coding, asked for by the client's Accept-Encoding",
    reply: (r, req) => compressed(r, req, "br"),
  },
  {
    name: "chunked transfer encoding without Content-Length",
    why: "HTTP/1.1 framing",
    reply: (r, req) => chunked(r, req.method),
  },
  {
    name: "Connection: close on every answer",
    why: "HTTP/1.1 connection management",
    reply: (r) => withHeaders(r, { connection: "close" }),
  },
  {
    name: "gzip and chunked together",
    why: "HTTP/1.1 framing plus content coding",
    reply: (r, req) => chunked(compressed(r, req, "gzip"), req.method),
  },

  // ---- how the JSON is written ----
  {
    name: "pretty-printed JSON with tabs and CRLF",
    why: "RFC 8259: whitespace between tokens is insignificant",
    reply: (r) => mapJson(r, (j) => j, (j) => `${JSON.stringify(j, null, "\t").replace(/\n/g, "\r\n")}\r\n`),
  },
  {
    name: "non-ASCII written as \\u escapes",
    why: "RFC 8259: any character may be escaped",
    reply: (r) =>
      mapJson(
        editField(r, ["Name", "CompanyName"], (s) => `${s} Société Müller 日本 😀`),
        (j) => j,
        (j) => JSON.stringify(j).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
      ),
  },
  {
    name: "non-ASCII names",
    why: "names are strings; JSON is UTF-8",
    reply: (r) => editField(r, ["Name", "CompanyName"], (s) => `${s} – Société Ærø Müller 日本語 𝔘 😀`),
  },
  {
    name: "very long names",
    why: "names are strings without maxLength",
    reply: (r) => editField(r, ["Name", "CompanyName"], (s) => `${s} `.repeat(Math.ceil(4000 / (s.length + 1))).trim()),
  },
  {
    name: "numbers written with exponents",
    why: "RFC 8259: 1e3 and 1.5E+2 are numbers; JSON Schema integer is any number with no fraction",
    reply: (r) =>
      mapJson(r, (j) => j, (j) =>
        stringifyNumbers(j, (n) => {
          if (n === 0) return "0E0";
          if (Number.isInteger(n) && n % 10 === 0) {
            let m = n;
            let e = 0;
            while (m % 10 === 0) {
              m /= 10;
              e++;
            }
            return `${m}e${e}`;
          }
          return n.toExponential().replace("e", "E");
        }),
      ),
  },
  {
    name: "integers written as 100.0",
    why: "JSON Schema: an integer is a number with a zero fractional part, however written",
    reply: (r) => mapJson(r, (j) => j, (j) => stringifyNumbers(j, (n) => (Number.isInteger(n) ? `${n}.0` : String(n)))),
  },
  {
    name: "negative zero amounts",
    why: "-0 is a valid JSON number equal to 0",
    reply: (r) => mapJson(r, (j) => j, (j) => stringifyNumbers(j, (n, key) => (n === 0 && key !== undefined && AMOUNT_KEYS.has(key) ? "-0.0" : String(n)))),
  },
  {
    name: "amounts with many decimals (17 significant digits)",
    why: "valid JSON numbers that read back to the same double",
    reply: (r) =>
      mapJson(r, (j) => j, (j) =>
        stringifyNumbers(j, (n, key) => (key !== undefined && AMOUNT_KEYS.has(key) && !Number.isInteger(n) ? n.toPrecision(17) : String(n))),
      ),
  },
  {
    name: "amounts of a very large company (around 10^13, with cents)",
    why: "amounts are in the company currency with no range given; totals of 10^13-10^14 with cents are ordinary in IDR or ARS. Every amount is multiplied by 20,000,003 in exact decimal arithmetic (the largest becomes about 6.3 * 10^13), so the books still balance to the cent, but sums of doubles in another order drift by more than a cent",
    reply: (r) =>
      mapJson(r, (j) => j, (j) =>
        stringifyNumbers(j, (n, key) => {
          if (key !== "Amount" || Math.abs(n * 100 - Math.round(n * 100)) > 1e-6) return String(n);
          const scaled = BigInt(Math.round(n * 100)) * 20000003n;
          const abs = scaled < 0n ? -scaled : scaled;
          return `${scaled < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
        }),
      ),
  },
  {
    name: "amounts with trailing zeros",
    why: "valid JSON numbers",
    reply: (r) => mapJson(r, (j) => j, (j) => stringifyNumbers(j, (n, key) => (key !== undefined && AMOUNT_KEYS.has(key) ? n.toFixed(12) : String(n)))),
  },

  // ---- headers ----
  {
    name: "extra response headers",
    why: "HTTP: unknown headers are ignored",
    reply: (r) =>
      withHeaders(r, {
        server: "partner-gateway/2.1",
        "x-powered-by": "Express",
        "x-request-id": Math.random().toString(16).slice(2),
        "strict-transport-security": "max-age=31536000",
        "x-content-type-options": "nosniff",
        vary: "Accept-Encoding, Authorization",
        "x-ratelimit-limit": "10000",
        "x-ratelimit-remaining": "9999",
      }),
  },
  {
    name: "no cache headers at all",
    why: "caching headers are optional; only a cacheable-for-over-24-h data answer is a concern",
    reply: (r, req) => (notToken(req) ? withHeaders(r, {}, ["cache-control", "pragma"]) : r),
  },
  {
    name: "discovery with OpenID Connect extras",
    why: "RFC 8414 section 2 allows more metadata; reach-check notes it (info), not even --strict warns",
    reply: (r, req) =>
      req.url.pathname === "/auth/oauth-discovery"
        ? mapJson(r, (j) => ({
            ...(j as object),
            jwks_uri: `${req.url.origin}/.well-known/jwks.json`,
            code_challenge_methods_supported: ["S256"],
          }))
        : r,
  },
  {
    name: "Cache-Control: private, max-age=60 on data",
    why: "spec model: only a max-age over 24 h is a concern",
    reply: (r, req) => (is200Json(r) && notToken(req) ? withHeaders(r, { "cache-control": "private, max-age=60" }) : r),
  },
  {
    name: "Cache-Control: no-cache beside a week's max-age on data",
    why: "RFC 9111 section 5.2.2.4: a no-cache response is never reused without validation, whatever its max-age",
    reply: (r, req) => (is200Json(r) && notToken(req) ? withHeaders(r, { "cache-control": "private, no-cache, max-age=604800" }) : r),
  },
  {
    name: "Cache-Control: no-store, max-age=604800 on data",
    why: "RFC 9111 section 5.2.2.5: a no-store response is not kept by any cache, whatever its max-age",
    reply: (r) => (is200Json(r) ? withHeaders(r, { "cache-control": "no-store, max-age=604800" }) : r),
  },
  {
    name: "Expires: 0 and no Cache-Control on data",
    why: "RFC 9111 section 5.3: an invalid Expires, especially 0, is a time in the past: the response is already stale",
    reply: (r, req) => (is200Json(r) && notToken(req) ? withHeaders(r, { expires: "0" }, ["cache-control"]) : r),
  },
  {
    name: "Cache-Control: private, max-age=60 beside an Expires a week ahead on data",
    why: "RFC 9111 section 5.3: with max-age a cache ignores Expires",
    reply: (r, req) =>
      is200Json(r) && notToken(req) ? withHeaders(r, { "cache-control": "private, max-age=60", expires: new Date(Date.now() + 7 * 86_400_000).toUTCString() }) : r,
  },
  {
    name: "ETag and Age: 30 on data",
    why: "spec model: only an Age over 24 h is a concern",
    reply: (r) => (is200Json(r) ? withHeaders(r, { etag: etagOf(r.body), age: "30", "last-modified": new Date(NOW).toUTCString() }) : r),
  },

  // ---- where the API lives ----
  { name: "base URL with a path prefix", why: "the partner chooses the base URL", mount: "/api/v1" },
  { name: "base URL with a path prefix and a trailing slash", why: "the partner chooses the base URL; the old rendering writes servers with a trailing slash", mount: "/api/v1", trailingSlash: true },
  { name: "base URL with a trailing slash", why: "the old rendering writes servers with a trailing slash", trailingSlash: true },

  // ---- order and identifiers ----
  {
    name: "lists ordered by AccountNumber / Name, not by id",
    why: "the order must be stable between calls so offset paging works; its key is the partner's choice",
    handle: async (req, ctx) => {
      const first = await ctx.inner(req);
      const list = LIST.exec(req.url.pathname);
      if (!list || first.status !== 200 || req.method !== "GET") return first;
      const body = JSON.parse(String(first.body)) as { Data: unknown[]; Pagination: { offset: number; limit: number; total: number } };
      const all = await wholeList(req, ctx);
      const key = (o: Record<string, unknown>) => String(list[1] === "chart-of-accounts" ? (o.AccountNumber ?? "~") + String(o.AccountId) : `${String(o.Name)}|${JSON.stringify(o)}`);
      all.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
      body.Data = all.slice(body.Pagination.offset, body.Pagination.offset + body.Pagination.limit);
      return { ...withHeaders(first, {}, ["content-length"]), body: JSON.stringify(body) };
    },
  },
  {
    name: "statement and metric rows in another order",
    why: "the spec model fixes which rows exist, not their order",
    reply: (r, req) => {
      if (!is200Json(r) || !(STATEMENT.test(req.url.pathname) || req.url.pathname.endsWith("/non-financial"))) return r;
      return mapJson(r, (j) => {
        const rows = (j as { Data: Record<string, string>[] }).Data;
        rows.sort((a, b) => (a.Period !== b.Period ? (a.Period < b.Period ? 1 : -1) : JSON.stringify(a) < JSON.stringify(b) ? 1 : -1));
        return j;
      });
    },
  },
  {
    name: "a company that uses no classes, departments, budgets or metrics",
    why: "glossary: not all companies use classes; empty sets are 200 with an empty Data array",
    reply: (r, req) => {
      const m = /^\/companies\/northwind-outfitters\/(budgets|classes|departments|non-financial-metrics)$/.exec(req.url.pathname);
      if (!m || !is200Json(r)) return r;
      return mapJson(r, (j) => {
        const page = j as { Data: unknown[]; Pagination: { total: number } };
        page.Data = [];
        page.Pagination.total = 0;
        return page;
      });
    },
  },
  {
    name: "flat chart of accounts: no numbers, no parents, inactive accounts",
    why: "AccountNumber and ParentAccountId are string or null; IsActive false still has history",
    reply: (r, req) =>
      /\/chart-of-accounts$/.test(req.url.pathname) && is200Json(r)
        ? mapJson(r, (j) => {
            for (const a of (j as { Data: Record<string, unknown>[] }).Data) {
              a.AccountNumber = null;
              a.ParentAccountId = null;
              if (String(a.AccountId).endsWith("0")) a.IsActive = false;
            }
            return j;
          })
        : r,
  },
  {
    name: "user-info lists companies in another order",
    why: "the order of Companies is not specified",
    reply: (r, req) =>
      req.url.pathname === "/oauth2/user-info" && is200Json(r)
        ? mapJson(r, (j) => {
            (j as { Companies: unknown[] }).Companies.reverse();
            return j;
          })
        : r,
  },
  {
    name: "company ids that need URL encoding",
    why: "CompanyId is a string with no pattern, so it must be percent-encoded in paths",
    companyIds: { "alder-finch": "Alder & Finch/UK é", "northwind-outfitters": "north wind 100%?#1" },
  },
  {
    name: "ids that need URL encoding in queries and bodies",
    why: "BudgetId, ClassId, DepartmentId, NonFinancialId and AccountId are strings with no pattern",
    handle: (req, ctx) => {
      const q = req.url.searchParams;
      const url = new URL(req.url.href);
      for (const k of ["BudgetId", "ClassId", "DepartmentId"]) if (q.has(k)) url.searchParams.set(k, idInward(q.get(k)!));
      let body = req.body;
      if (req.method === "POST" && req.url.pathname.endsWith("/non-financial")) {
        try {
          const j = JSON.parse(req.body.toString("utf8")) as Record<string, unknown>;
          if (Array.isArray(j.NonFinancialIds)) j.NonFinancialIds = j.NonFinancialIds.map((x) => (typeof x === "string" ? idInward(x) : x));
          for (const k of ["BudgetId", "ClassId"]) if (typeof j[k] === "string") j[k] = idInward(j[k] as string);
          body = Buffer.from(JSON.stringify(j));
        } catch {
          /* not JSON: the reference partner refuses it */
        }
      }
      return ctx.inner({ ...req, url, body });
    },
    reply: (r) =>
      is200Json(r)
        ? mapJson(r, (j) =>
            eachObject(j, (o) => {
              for (const k of ID_KEYS) if (typeof o[k] === "string") o[k] = `${o[k] as string}${ID_SUFFIX}`;
            }),
          )
        : r,
  },
  {
    name: "refresh tokens rotated, the old one revoked",
    why: "RFC 6749 section 6: the server may issue a new refresh token and revoke the old one",
    handle: async (req, ctx) => {
      if (req.url.pathname !== "/oauth2/token" || req.method !== "POST") return ctx.inner(req);
      const form = new URLSearchParams(req.body.toString("utf8"));
      if (form.get("grant_type") !== "refresh_token") return ctx.inner(req);
      const given = form.get("refresh_token") ?? "";
      if (!rotations.has(ctx.app)) rotations.set(ctx.app, { rotatedTo: new Map(), revoked: new Set() });
      const { rotatedTo, revoked } = rotations.get(ctx.app)!;
      if (revoked.has(given)) {
        return { status: 400, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify({ error: "invalid_grant", error_description: "Revoked." }) };
      }
      form.set("refresh_token", rotatedTo.get(given) ?? given);
      const reply = await ctx.inner({ ...req, body: Buffer.from(form.toString()) });
      if (reply.status !== 200) return reply;
      const fresh = `rotated-${rotatedTo.size + 1}-${Math.random().toString(36).slice(2)}`;
      rotatedTo.set(fresh, rotatedTo.get(given) ?? given);
      revoked.add(given);
      return mapJson(reply, (j) => ({ ...(j as object), refresh_token: fresh }));
    },
  },
  {
    name: "refresh answers without refresh_token and scope",
    why: "RFC 6749 sections 5.1 and 6: scope may be left out when unchanged, a new refresh token is optional; the spec requires neither",
    reply: (r, req) =>
      req.url.pathname === "/oauth2/token" && r.status === 200 && /grant_type=refresh_token/.test(req.body.toString("utf8"))
        ? mapJson(r, (j) => {
            const t = j as Record<string, unknown>;
            delete t.refresh_token;
            delete t.scope;
            return t;
          })
        : r,
  },
  {
    name: "token answers with OpenID Connect and vendor members (id_token, refresh_expires_in, not-before-policy)",
    why: "RFC 6749 section 5.1: the client must ignore unrecognized value names in the token response",
    reply: (r, req) =>
      req.url.pathname === "/oauth2/token" && r.status === 200
        ? mapJson(r, (j) => ({ ...(j as object), id_token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", refresh_expires_in: 1800, "not-before-policy": 0 }))
        : r,
  },
  {
    name: "https with TLS 1.3 only",
    why: "checklist: TLS 1.2 or higher, 1.3 recommended",
    tls: { minVersion: "TLSv1.3" },
  },
  {
    name: "https with TLS 1.2 and 1.3",
    why: "checklist: TLS 1.2 or higher, 1.3 recommended",
    tls: { minVersion: "TLSv1.2", maxVersion: "TLSv1.3" },
  },
  {
    name: "last pages exactly limit long",
    why: "a list whose length is a multiple of limit ends with a full page (an offset at the end is an empty page)",
    args: ["--page-size", "1"],
  },
];

interface Outcome {
  code: number | null;
  verdict: string;
  problems: string[];
  companies: string[];
}

async function runAgainst(variant: Variant, partner: RunningVariant): Promise<Outcome> {
  const r = await runCli(
    [
      "run",
      "--base-url",
      partner.baseUrl,
      "--format",
      "json",
      "--now",
      NOW,
      "--scoped-token-env",
      "REACH_SCOPED_TOKEN",
      ...(variant.tls ? ["--ca", certs.caFile] : []),
      ...(variant.args ?? []),
    ],
    {
      env: {
        REACH_ACCESS_TOKEN: TOKEN,
        REACH_SCOPED_TOKEN: partner.scopedToken,
        REACH_CLIENT_ID: partner.app.clientId,
        REACH_CLIENT_SECRET: partner.app.clientSecret,
        REACH_REFRESH_TOKEN: partner.app.refreshToken,
      },
      timeoutMs: 120_000,
    },
  );
  const report = parseReport(r);
  const allowed = variant.allowWarnings ?? [];
  const problems: string[] = [];
  for (const c of report.checks) {
    if (c.status === "fail" || c.status === "error") problems.push(`${c.id}: ${c.status} ${c.summary}`);
    for (const f of c.findings) {
      if (f.severity === "fail") problems.push(`${f.code}: ${f.message}`);
      else if (f.severity === "warn" && !allowed.some((a) => (a.startsWith("/") ? f.code.endsWith(a) : f.code === a))) {
        problems.push(`${f.code} (warn): ${f.message}`);
      }
    }
  }
  return { code: r.code, verdict: report.verdict, problems, companies: report.target.companies };
}

let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs?.cleanup());

let running: RunningVariant | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("conformant partners that are not ours raise no false alarm", () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))("%s", async (_name, variant) => {
    running = await startVariant(variant, new Date(NOW), TOKEN, variant.tls ? certs.good : undefined);
    const out = await runAgainst(variant, running);
    expect(out.problems, variant.why).toEqual([]);
    if (variant.reply) expect(running.touched(), "the variant changed no answer").toBeGreaterThan(0);
    expect(out.code).toBe(0);
    expect(["ready", "ready-with-warnings"]).toContain(out.verdict);
    if (!variant.allowWarnings) expect(out.verdict).toBe("ready");
    expect([...out.companies].sort()).toEqual([...running.companies].sort());
  }, 150_000);
});

describe("the variant harness itself", () => {
  it("changes what it says it changes", async () => {
    const gz = VARIANTS.find((v) => v.name === "gzip-compressed responses")!;
    running = await startVariant(gz, new Date(NOW), TOKEN);
    const res = await fetch(`${running.baseUrl}/oauth2/user-info`, { headers: { authorization: `Bearer ${TOKEN}`, "accept-encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(((await res.json()) as { Companies: unknown[] }).Companies).toHaveLength(2);
    await running.close();

    const encoded = VARIANTS.find((v) => v.name === "company ids that need URL encoding")!;
    running = await startVariant(encoded, new Date(NOW), TOKEN);
    const info = await fetch(`${running.baseUrl}/companies/${encodeURIComponent("north wind 100%?#1")}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(info.status).toBe(200);
    expect(((await info.json()) as { CompanyId: string }).CompanyId).toBe("north wind 100%?#1");
    const internal = await fetch(`${running.baseUrl}/companies/northwind-outfitters`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(internal.status).toBe(404);
    await running.close();

    // the reordering variant pages through an order that is not the reference's
    const ordered = VARIANTS.find((v) => v.name.startsWith("lists ordered by"))!;
    running = await startVariant(ordered, new Date(NOW), TOKEN);
    const ids = async (base: string, query: string) => {
      const res = await fetch(`${base}/companies/alder-finch/chart-of-accounts?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return ((await res.json()) as { Data: { AccountId: string }[] }).Data.map((a) => a.AccountId);
    };
    const whole = await ids(running.baseUrl, "limit=1000");
    expect(whole).not.toEqual([...whole].sort());
    expect([...(await ids(running.baseUrl, "offset=0&limit=7")), ...(await ids(running.baseUrl, "offset=7&limit=7"))]).toEqual(whole.slice(0, 14));
    await running.close();

    // the rotating variant issues a new refresh token and refuses the old one
    const rotating = VARIANTS.find((v) => v.name.startsWith("refresh tokens rotated"))!;
    running = await startVariant(rotating, new Date(NOW), TOKEN);
    const refresh = (token: string) =>
      fetch(`${running!.baseUrl}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token, client_id: running!.app.clientId, client_secret: running!.app.clientSecret }).toString(),
      });
    const first = await refresh(running.app.refreshToken);
    expect(first.status).toBe(200);
    const next = ((await first.json()) as { refresh_token: string }).refresh_token;
    expect(next).not.toBe(running.app.refreshToken);
    expect((await refresh(running.app.refreshToken)).status).toBe(400);
    expect((await refresh(next)).status).toBe(200);
  });
});
