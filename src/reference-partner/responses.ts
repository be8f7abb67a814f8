/**
 * Builds the partner's replies. Everything that decides how an answer looks on the wire (content
 * types, cache headers, the error envelope, HTML error pages) is here, so the defect switches that
 * bend those rules each have one place.
 */
import type { ServerReply } from "../http/server.js";
import type { DefectSet } from "./defects.js";

export const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";

export interface ReachError {
  error: string;
  message: string;
  level?: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlPage(status: number, message: string): string {
  const title = `${status} ${STATUS_TEXT[status] ?? "Error"}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${escapeHtml(message)}</p></body></html>\n`;
}

export class Responder {
  constructor(private readonly defects: DefectSet) {}

  /** A JSON answer. `data` marks answers of data operations (the freshness switches target those). */
  json(status: number, body: unknown, options: { headers?: Record<string, string>; data?: boolean } = {}): ServerReply {
    const headers: Record<string, string> = { "content-type": JSON_TYPE, "cache-control": "no-store", ...options.headers };
    // defect: stale-cache
    if (options.data && status < 300 && this.defects.has("stale-cache")) {
      headers["cache-control"] = "max-age=604800";
      headers["age"] = "172800";
    }
    // defect: expires-header (Expires three days after Date, no Cache-Control: fresh for three days, RFC 9111 4.2.1)
    if (options.data && status < 300 && this.defects.has("expires-header")) {
      const now = Date.now();
      delete headers["cache-control"];
      headers["date"] = new Date(now).toUTCString();
      headers["expires"] = new Date(now + 3 * 24 * 60 * 60 * 1000).toUTCString();
    }
    return { status, headers, body: JSON.stringify(body) };
  }

  /** An error in Reach's `{errors: [...]}` envelope (every data operation, unknown paths, 405). */
  error(status: number, errors: ReachError | ReachError[], headers: Record<string, string> = {}): ServerReply {
    const list = Array.isArray(errors) ? errors : [errors];
    const message = list.map((e) => e.message).join(" ");
    // defect: html-401
    const html401 = status === 401 && this.defects.has("html-401");
    // defect: html-errors
    const htmlOther = (status === 400 || status === 404) && this.defects.has("html-errors");
    // defect: ok-on-error
    const sent = this.defects.has("ok-on-error") ? 200 : status;
    if (html401 || htmlOther) {
      return { status: sent, headers: { "content-type": HTML_TYPE, "cache-control": "no-store", ...headers }, body: htmlPage(status, message) };
    }
    // defect: bad-error-envelope
    const body = this.defects.has("bad-error-envelope") ? { message } : { errors: list };
    return { status: sent, headers: { "content-type": JSON_TYPE, "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
  }

  /** An error as an HTML page (the switches that break the JSON-always rule). */
  htmlError(status: number, message: string): ServerReply {
    return { status, headers: { "content-type": HTML_TYPE, "cache-control": "no-store" }, body: htmlPage(status, message) };
  }

  /** An OAuth error (RFC 6749 section 5.2 shape), used by the token and authorize endpoints. */
  oauthError(status: number, error: string, description: string): ServerReply {
    return {
      status,
      headers: { "content-type": JSON_TYPE, "cache-control": "no-store", pragma: "no-cache" },
      body: JSON.stringify({ error, error_description: description }),
    };
  }

  /** Header rules that apply to every answer, whatever produced it. */
  finish(reply: ServerReply): ServerReply {
    if (reply.destroy || reply.raw) return reply;
    const headers = { ...(reply.headers ?? {}) };
    // defect: text-content-type
    if (this.defects.has("text-content-type") && headers["content-type"] === JSON_TYPE) headers["content-type"] = TEXT_TYPE;
    // defect: clock-skew
    if (this.defects.has("clock-skew")) headers["date"] = new Date(Date.now() - 10 * 60 * 1000).toUTCString();
    return { ...reply, headers };
  }
}
