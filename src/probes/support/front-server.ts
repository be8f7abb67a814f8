import type { Exchange } from "../../http/types.js";

/**
 * Answers that come from the server in front of the API (a reverse proxy, load balancer or API
 * gateway) rather than from the API itself: a gateway that cannot reach the application (502), that
 * gave up waiting for it (504), or that refused a request as too large before passing it on (413,
 * 414, 431, or nginx's 400 "Request Header Or Cookie Too Large"). The status alone would send the
 * partner looking in the wrong place (their application's logs, their input validation); this says
 * which server answered and which setting is at stake. Also the web framework's router redirecting a
 * path to its own spelling (a trailing slash added or taken away) before the API sees the request.
 */
export interface FrontServerAnswer {
  kind: "bad-gateway" | "gateway-timeout" | "too-large" | "slash-redirect";
  /** One or two sentences for a finding's message, starting with a space. */
  detail: string;
  fix: string;
}

const TOO_LARGE_PAGE = /request header or cookie too large|request-uri too large|uri too long|request entity too large|payload too large|header fields too large/i;

/** The `Server` or `Via` header, quoted for a message, when the answer carries one. */
function whoAnswered(ex: Exchange): string {
  const h = ex.response?.headers ?? {};
  const server = h.server ?? h.via;
  return server ? ` (${h.server !== undefined ? "Server" : "Via"}: ${server.length > 60 ? `${server.slice(0, 59)}…` : server})` : "";
}

/** Length of the request line's target, for a request refused as too large. */
function requestSize(ex: Exchange): string {
  const target = ex.request.path || "/";
  const body = ex.request.body !== undefined ? `, a ${Buffer.byteLength(ex.request.body)}-byte body` : "";
  return `a ${target.length}-character request target${body}`;
}

/** Whether a redirect's Location is the request's own URL with a trailing slash added or taken away: "added", "removed" or undefined. */
function slashRedirect(ex: Exchange): "added" | "removed" | undefined {
  const res = ex.response;
  const location = res?.headers.location;
  if (!res || res.status < 300 || res.status >= 400 || !location) return undefined;
  let from: URL;
  let to: URL;
  try {
    from = new URL(ex.request.url);
    to = new URL(location, from);
  } catch {
    return undefined;
  }
  if (to.origin !== from.origin || to.search !== from.search) return undefined;
  if (to.pathname === `${from.pathname}/`) return "added";
  if (from.pathname === `${to.pathname}/`) return "removed";
  return undefined;
}

export function frontServerAnswer(ex: Exchange): FrontServerAnswer | undefined {
  const res = ex.response;
  if (!res) return undefined;
  const slash = slashRedirect(ex);
  if (slash) {
    return {
      kind: "slash-redirect",
      detail: ` The Location is the same path with a trailing slash ${slash}: the web framework's router sends the request to its own spelling of the path before the API sees it, and Reach follows no redirect.`,
      fix: "Serve the spec's paths exactly as written, answering without a redirect (Django: route the paths without the slash or set APPEND_SLASH = False; Flask/Werkzeug: strict_slashes=False; otherwise the rewrite rule or middleware that adds or strips the slash).",
    };
  }
  const who = whoAnswered(ex);
  if (res.status === 502) {
    return {
      kind: "bad-gateway",
      detail: ` A 502 Bad Gateway comes from a proxy or gateway in front of the API${who} that got no valid answer from the application behind it: the request never reached a working API.`,
      fix: "Check that the API application is running and that the proxy's upstream (address, port, scheme) points at it; the proxy's error log names the cause.",
    };
  }
  if (res.status === 504) {
    return {
      kind: "gateway-timeout",
      detail: ` A 504 Gateway Timeout comes from a proxy or gateway in front of the API${who} that gave up waiting for the application after about ${(ex.durationMs / 1000).toFixed(1)} s.`,
      fix: "Make the operation answer faster, and set the proxy's timeout for reading from the application (nginx proxy_read_timeout, a load balancer's idle timeout) well above the operation's slowest answer; Reach's nightly sync asks for 24 months of statements at a time.",
    };
  }
  const tooLarge = res.status === 413 || res.status === 414 || res.status === 431 || (res.status === 400 && TOO_LARGE_PAGE.test(res.text.slice(0, 2000)));
  if (tooLarge) {
    const what = res.status === 413 ? "body" : res.status === 414 ? "URL" : "request line or headers";
    return {
      kind: "too-large",
      detail: ` The server${who} refused the request's ${what} as too large (${requestSize(ex)}) before the API could judge it; Reach's own requests are of the same size, so they would be refused too.`,
      fix:
        res.status === 413
          ? "Raise the front server's body size limit (nginx client_max_body_size) to fit Reach's request bodies."
          : "Raise the front server's limit on the request line and headers (nginx large_client_header_buffers; a load balancer's or gateway's URL and header limits) to fit Reach's requests: statement URLs carry dates, the accounting basis and a filter id, and a bearer token may be several kilobytes.",
    };
  }
  return undefined;
}
