/**
 * Where a request goes. Paths are appended to the base URL's path prefix by string joining, never
 * resolved like links, so a path cannot climb out of the partner's origin by accident.
 */

export interface BaseUrl {
  url: URL;
  /** Path prefix without a trailing slash ("" for the root). */
  prefix: string;
}

/** Parses and checks the base URL; throws a TypeError with a one-line message when unusable. */
export function parseBaseUrl(raw: string): BaseUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TypeError(`base URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`base URL must use http or https, not ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.username || url.password) throw new TypeError("base URL must not contain credentials");
  if (url.search || url.hash) throw new TypeError("base URL must not contain a query string or fragment");
  const prefix = url.pathname.replace(/\/+$/, "");
  url.pathname = prefix === "" ? "/" : prefix;
  return { url, prefix };
}

/** Appends the query entries in the order given, skipping undefined values. */
export function queryString(query: Record<string, string | number | undefined> | undefined, hasQuery: boolean): string {
  if (!query) return "";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  if (parts.length === 0) return "";
  return (hasQuery ? "&" : "?") + parts.join("&");
}

export interface Target {
  url: URL;
  /** Path and query relative to the base URL (the absolute URL when it points elsewhere). */
  relative: string;
  /** Same scheme, host and port as the base URL: the only place credentials may go. */
  sameOrigin: boolean;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Builds the target of one request. A relative path is joined to the prefix (an empty path means
 * the base URL itself). An absolute http(s) URL is taken as is; the caller decides whether it
 * may carry credentials, based on `sameOrigin`.
 */
export function buildTarget(base: BaseUrl, path: string, query?: Record<string, string | number | undefined>): Target {
  if (ABSOLUTE.test(path)) {
    const url = new URL(path + queryString(query, path.includes("?")));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`unsupported URL scheme ${url.protocol}`);
    const sameOrigin = url.origin === base.url.origin;
    const relative = sameOrigin && url.pathname.startsWith(base.prefix) ? url.pathname.slice(base.prefix.length) + url.search : url.href;
    return { url, relative, sameOrigin };
  }
  const joined = path === "" || path.startsWith("/") || path.startsWith("?") ? path : `/${path}`;
  const withQuery = joined + queryString(query, joined.includes("?"));
  const url = new URL(base.url.origin + base.prefix + (withQuery === "" ? (base.prefix === "" ? "/" : "") : withQuery));
  // Joining by string keeps the origin; checked anyway because credentials depend on it.
  const sameOrigin = url.origin === base.url.origin;
  const relative = url.pathname.startsWith(base.prefix) ? url.pathname.slice(base.prefix.length) + url.search : url.pathname + url.search;
  return { url, relative, sameOrigin };
}

/** Host as the socket layer wants it: IPv6 literals without their brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

export function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}
