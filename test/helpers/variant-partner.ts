/**
 * Conformant partners that are not ours: the reference partner's handler wrapped so that it makes
 * one choice differently from ours, a choice the spec (SPEC_MODEL.md) and Reach's rules leave open.
 * A variant can rewrite the request before the reference handler sees it, rewrite the reply after,
 * mount the API under a path prefix, and put the reply on the wire in its own way (chunked,
 * compressed). Every variant must stay conformant: reach-check may warn only where its policies say so.
 */
import { createHash } from "node:crypto";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { createPartner, type PartnerApp } from "../../src/reference-partner/index.js";
import type { SecureVersion } from "node:tls";
import { startServer, type ServerHandler, type ServerReply, type ServerRequest } from "../../src/http/server.js";

export interface VariantContext {
  /** The reference partner's own handler. */
  inner: ServerHandler;
  app: PartnerApp;
}

export interface Variant {
  name: string;
  /** Why this is allowed (spec or Reach's rules). */
  why: string;
  /** Path prefix the API is mounted under, e.g. `/api/v1` (the base URL then carries it). */
  mount?: string;
  /** Write the base URL with a trailing slash. */
  trailingSlash?: boolean;
  /** Company ids as the variant shows them, by the reference partner's ids. */
  companyIds?: Record<string, string>;
  /** Replaces the whole exchange; call `ctx.inner` for the reference answer. */
  handle?: (req: ServerRequest, ctx: VariantContext) => Promise<ServerReply> | ServerReply;
  /** Rewrites the reference answer. */
  reply?: (reply: ServerReply, req: ServerRequest, ctx: VariantContext) => Promise<ServerReply> | ServerReply;
  /** Finding codes (exact, or a check id prefix ending in "/") that may warn, as README's policies allow. */
  allowWarnings?: string[];
  /** Serve https with these protocol bounds (the test supplies the certificate). */
  tls?: { minVersion?: SecureVersion; maxVersion?: SecureVersion };
  /** Extra CLI arguments. */
  args?: string[];
}

export interface RunningVariant {
  baseUrl: string;
  app: PartnerApp;
  /** Companies as the variant shows them. */
  companies: string[];
  scopedToken: string;
  /** Answers the variant's `reply` hook changed (proof that the variant did something). */
  touched(): number;
  close(): Promise<void>;
}

// ---- small tools for writing variants ----

export function headerName(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
}

export function withHeaders(reply: ServerReply, set: Record<string, string>, drop: string[] = []): ServerReply {
  const headers: Record<string, string> = {};
  const lowered = new Set([...Object.keys(set), ...drop].map((h) => h.toLowerCase()));
  for (const [k, v] of Object.entries(reply.headers ?? {})) if (!lowered.has(k.toLowerCase())) headers[k] = v;
  return { ...reply, headers: { ...headers, ...set } };
}

export function isJsonReply(reply: ServerReply): boolean {
  const h = reply.headers ?? {};
  const ct = headerName(h, "content-type");
  return ct !== undefined && /json/i.test(h[ct] ?? "") && typeof reply.body === "string" && reply.body.length > 0;
}

/** Rewrites a JSON body (parsed, edited, serialised by `write`); other replies pass unchanged. */
export function mapJson(
  reply: ServerReply,
  edit: (json: unknown) => unknown,
  write: (json: unknown) => string = (j) => JSON.stringify(j),
): ServerReply {
  if (!isJsonReply(reply)) return reply;
  const json = edit(JSON.parse(reply.body as string));
  const out = withHeaders(reply, {}, ["content-length"]);
  return { ...out, body: write(json) };
}

/** Applies `fn` to every object in a JSON tree (depth first), in place. */
export function eachObject(json: unknown, fn: (o: Record<string, unknown>) => void): unknown {
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      fn(v as Record<string, unknown>);
      stack.push(...Object.values(v));
    }
  }
  return json;
}

/** Serialises JSON with a custom writer for numbers (`key` is the member name, or undefined in arrays). */
export function stringifyNumbers(json: unknown, number: (n: number, key: string | undefined) => string): string {
  const write = (v: unknown, key: string | undefined): string => {
    if (typeof v === "number") return number(v, key);
    if (Array.isArray(v)) return `[${v.map((x) => write(x, undefined)).join(",")}]`;
    if (v && typeof v === "object") {
      return `{${Object.entries(v)
        .map(([k, x]) => `${JSON.stringify(k)}:${write(x, k)}`)
        .join(",")}}`;
    }
    return JSON.stringify(v);
  };
  return write(json, undefined);
}

/** Replays a reply as a chunked body (no Content-Length), a few bytes per write. */
export function chunked(reply: ServerReply, method: string): ServerReply {
  if (reply.destroy || reply.raw) return reply;
  const body = Buffer.from(reply.body ?? "");
  const headers = withHeaders(reply, {}, ["content-length"]).headers ?? {};
  return {
    status: reply.status,
    raw: (res) => {
      res.writeHead(reply.status, headers);
      if (method !== "HEAD") for (let i = 0; i < body.length; i += 512) res.write(body.subarray(i, i + 512));
      res.end();
    },
  };
}

export function compressed(reply: ServerReply, req: ServerRequest, coding: "gzip" | "br"): ServerReply {
  if (reply.destroy || reply.raw || !reply.body || reply.body.length === 0) return reply;
  const accepted = (req.headers["accept-encoding"] ?? "").split(",").map((c) => c.trim().split(";")[0]?.toLowerCase());
  if (!accepted.includes(coding)) return reply;
  const raw = Buffer.from(reply.body);
  const body = coding === "gzip" ? gzipSync(raw) : brotliCompressSync(raw);
  return { ...withHeaders(reply, { "content-encoding": coding, vary: "Accept-Encoding" }, ["content-length"]), body };
}

export function etagOf(body: string | Buffer | undefined): string {
  return `"${createHash("sha256")
    .update(body ?? "")
    .digest("base64url")
    .slice(0, 27)}"`;
}

/** Every record of a list, read from the reference handler page by page (for variants that reorder lists). */
export async function wholeList(req: ServerRequest, ctx: VariantContext): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 1000) {
    const url = new URL(req.url.href);
    url.searchParams.set("offset", String(offset));
    url.searchParams.set("limit", "1000");
    const reply = await ctx.inner({ ...req, url });
    const page = JSON.parse(String(reply.body)) as { Data: Record<string, unknown>[]; Pagination: { total: number } };
    out.push(...page.Data);
    if (page.Data.length < 1000 || out.length >= page.Pagination.total) return out;
  }
}

const COMPANY_PATH = /^\/companies\/([^/]+)(\/.*)?$/;

/**
 * Starts the variant on loopback; `now` and `accessToken` as for the reference partner; `keyPair`
 * is the certificate used when the variant serves https.
 */
export async function startVariant(variant: Variant, now: Date, accessToken: string, keyPair?: { key: string; cert: string }): Promise<RunningVariant> {
  const app = createPartner({ now, accessToken, clientId: "variant-client", refreshToken: `refresh-${accessToken}` });
  const ctx: VariantContext = { inner: app.handler, app };
  const outward = variant.companyIds ?? {};
  const inward = new Map(Object.entries(outward).map(([k, v]) => [v, k]));
  const prefix = variant.mount ?? "";
  let touched = 0;
  const toOutside = (id: unknown) => (typeof id === "string" && id in outward ? outward[id] : id);

  const handler: ServerHandler = async (incoming) => {
    let path = incoming.url.pathname;
    if (prefix) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) {
        return {
          status: 404,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ errors: [{ error: "NotFound", message: "Nothing is served here." }] }),
        };
      }
      path = path.slice(prefix.length) || "/";
    }
    const m = COMPANY_PATH.exec(path);
    if (m && inward.size > 0) {
      let id: string | undefined;
      try {
        id = decodeURIComponent(m[1]!);
      } catch {
        id = undefined;
      }
      const mapped = id !== undefined ? inward.get(id) : undefined;
      if (mapped !== undefined) path = `/companies/${encodeURIComponent(mapped)}${m[2] ?? ""}`;
      else if (id !== undefined && id in outward) path = `/companies/unknown-${encodeURIComponent(id)}${m[2] ?? ""}`; // internal ids are not visible outside
    }
    const url = new URL(incoming.url.href);
    url.pathname = path;
    const req: ServerRequest = { ...incoming, url };

    let reply = variant.handle ? await variant.handle(req, ctx) : await ctx.inner(req);
    if (prefix && path === "/auth/oauth-discovery") {
      reply = mapJson(reply, (j) => {
        const d = j as Record<string, unknown>;
        for (const k of ["issuer", "authorization_endpoint", "token_endpoint"]) {
          if (typeof d[k] === "string") d[k] = (d[k] as string).replace(url.origin, url.origin + prefix);
        }
        return d;
      });
    }
    if (inward.size > 0) {
      reply = mapJson(reply, (j) =>
        eachObject(j, (o) => {
          if ("CompanyId" in o) o.CompanyId = toOutside(o.CompanyId);
        }),
      );
    }
    if (variant.reply) {
      const before = reply;
      reply = await variant.reply(reply, req, ctx);
      if (reply !== before) touched++;
    }
    return reply;
  };

  if (variant.tls && !keyPair) throw new Error(`variant "${variant.name}" serves https: pass a certificate`);
  const server = await startServer(handler, variant.tls && keyPair ? { tls: { ...keyPair, ...variant.tls } } : {});
  const baseUrl = server.url + prefix + (variant.trailingSlash ? "/" : "");
  const scopedToken = app.issueToken([app.companies[0]!.id], { expiresInSeconds: 24 * 3600 });
  return {
    baseUrl,
    app,
    companies: app.companies.map((c) => String(toOutside(c.id))),
    scopedToken,
    touched: () => touched,
    close: () => server.close(),
  };
}
