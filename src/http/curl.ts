/**
 * Shell lines that reproduce a request. Everything is single-quoted (POSIX, no expansion) except
 * the Authorization header of the run's token and the OAuth secrets of a token request's form,
 * which are double-quoted so that `$<ENV NAME>` expands from the user's environment and the
 * secret itself is never written down.
 */
import { CREDENTIAL_ENV } from "../config/credentials.js";
import { REDACTED } from "../util/redact.js";
import type { Exchange, NearToken } from "./types.js";

/**
 * Form fields that carry the run's OAuth secrets, and the variables the user keeps them in: a
 * masked value in a token request is written as that variable.
 */
const FORM_SECRETS: Record<string, string> = { refresh_token: CREDENTIAL_ENV.refreshToken, client_secret: CREDENTIAL_ENV.clientSecret };

/**
 * A form body whose secrets were masked, as curl arguments that rebuild it: the masked fields as
 * `--data-urlencode "name=$VARIABLE"` (expanded by the shell, encoded by curl), the others as they
 * were sent. Undefined when the body has no masked secret field (it is then sent as it is).
 */
function formWithVariables(body: string): string[] | undefined {
  const pairs = body.split("&");
  let replaced = false;
  const args = pairs.map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    const variable = FORM_SECRETS[name];
    if (variable !== undefined && (value === REDACTED || value === encodeURIComponent(REDACTED))) {
      replaced = true;
      return ["--data-urlencode", `"${name}=$${variable}"`];
    }
    return ["--data-raw", shellQuote(pair)];
  });
  return replaced ? args.flat() : undefined;
}

/** Quotes one shell word. Control characters (newlines) use bash's $'...' so the line stays one line. */
export function shellQuote(word: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(word)) {
    const escaped = word.replace(/[\\']/g, (c) => `\\${c}`).replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/g,
      (c) => {
        const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
        return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
      },
    );
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Request headers a plain curl call sends by itself or that only matter to our client. */
const IMPLIED = new Set(["user-agent", "accept-encoding", "content-length", "host", "connection"]);

/** `content-type` -> `Content-Type`, for lines people read. */
function headerCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export interface CurlAuth {
  /**
   * `env`: a token via an environment variable (`value` names it; default: the run token's);
   * `literal`: a value safe to print; `query`: the run's token in the access_token query
   * parameter, rebuilt from the variable (`value` names it, as for `env`).
   */
  kind: "env" | "literal" | "none" | "query" | NearToken;
  value?: string;
}

/** The shell expression curl lines use for a near-miss token made from the token in `variable`. */
function nearTokenExpression(kind: NearToken, variable: string): string {
  // `${V%?}` drops the last character (POSIX sh); tr swaps the case of ASCII letters.
  return kind === "truncated" ? `\${${variable}%?}` : `$(printf %s "$${variable}" | tr 'A-Za-z' 'a-zA-Z')`;
}

/** A valid shell variable name for the token: `wanted`, or the default one. */
function tokenVariable(wanted: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(wanted) ? wanted : "REACH_ACCESS_TOKEN";
}

/** `url` without its `name=...` query parameters; the others keep their text and order. */
function withoutQueryParam(url: string, name: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const kept = url
    .slice(q + 1)
    .split("&")
    .filter((pair) => (pair.includes("=") ? pair.slice(0, pair.indexOf("=")) : pair) !== name);
  return kept.length > 0 ? `${url.slice(0, q)}?${kept.join("&")}` : url.slice(0, q);
}

export function curlLine(ex: Exchange, auth: CurlAuth, tokenEnvName: string, caFile?: string): string {
  const { method, url, headers, body } = ex.request;
  // -i prints the status line and headers, which findings about a status or a header are about;
  // HEAD gets -I instead, below, which prints them too.
  const parts = method === "HEAD" ? ["curl", "-sS"] : ["curl", "-sS", "-i"];
  // The run trusted an extra CA (--ca): so must curl, or it stops at the certificate.
  if (caFile !== undefined && url.startsWith("https:")) parts.push("--cacert", shellQuote(caFile));
  // `-X HEAD` would make curl wait for a body that never comes; -I is its way to send HEAD.
  if (method === "HEAD") parts.push("-I");
  else parts.push("-X", method);
  if (auth.kind === "query") {
    // The stored URL holds a masked token (curl would read "[REDACTED]" as a glob): it is dropped
    // and -G adds it back at the end of the query, encoded by curl from the variable. Only
    // body-less requests carry the token this way (-G would move a body into the query too).
    parts.push(shellQuote(withoutQueryParam(url, "access_token")), "-G", "--data-urlencode", `"access_token=$${tokenVariable(auth.value ?? tokenEnvName)}"`);
  } else {
    parts.push(shellQuote(url));
  }
  if (auth.kind === "env") {
    parts.push("-H", `"Authorization: Bearer $${tokenVariable(auth.value ?? tokenEnvName)}"`);
  } else if (auth.kind === "truncated" || auth.kind === "swapped-case") {
    parts.push("-H", `"Authorization: Bearer ${nearTokenExpression(auth.kind, tokenVariable(auth.value ?? tokenEnvName))}"`);
  } else if (auth.kind === "literal") {
    parts.push("-H", shellQuote(`Authorization: ${auth.value ?? ""}`));
  }
  const contentType = headers["content-type"];
  if (contentType !== undefined) parts.push("-H", shellQuote(`Content-Type: ${contentType}`));
  for (const [name, value] of Object.entries(headers)) {
    if (IMPLIED.has(name) || name === "authorization" || name === "content-type") continue;
    parts.push("-H", shellQuote(`${headerCase(name)}: ${value}`));
  }
  if (body !== undefined && method !== "HEAD") {
    const form = /^application\/x-www-form-urlencoded\b/i.test(contentType ?? "") ? formWithVariables(body) : undefined;
    // --data reads a file when the value starts with "@"; --data-raw never does.
    if (form) parts.push(...form);
    else parts.push(body.startsWith("@") ? "--data-raw" : "--data", shellQuote(body));
  }
  return parts.join(" ");
}
