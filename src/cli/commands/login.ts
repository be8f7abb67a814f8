/**
 * `reach-check login`: the authorization-code flow Reach runs when a customer connects, so a
 * partner engineer gets the tokens Reach would get. The client id and secret come from the
 * environment; the redirect goes to a listener on 127.0.0.1; `state` is checked; the code is
 * exchanged with client_secret_post. Tokens go to a file readable only by the user, or to stdout
 * as export lines when --print-env asks for exactly that. Everything else goes to stderr and never
 * shows a token, the code or the client secret.
 */
import { randomBytes } from "node:crypto";
import { shellQuote, writePrivateFile } from "../private-file.js";
import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { readClient } from "../../config/credentials.js";
import { readCa } from "./shared.js";
import { packageInfo } from "../../util/package-info.js";

/** The discovery path Reach publishes (observed); the endpoints' fallbacks when it does not answer. */
const DISCOVERY_PATH = "/auth/oauth-discovery";
const FALLBACK = { authorize: "/oauth2/authorize", token: "/oauth2/token" };
const ISSUED = ["access_token", "refresh_token", "id_token"];

/** A failed login (partner refused, timeout, bad state): one line, exit 1. */
class LoginError extends Error {}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>\n`;
}

function absoluteHttpUrl(value: unknown): URL | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:" ? u : undefined;
  } catch {
    return undefined;
  }
}

export default async function login(opts: Record<string, unknown>, io: Io): Promise<number> {
  if (typeof opts.baseUrl !== "string") throw new UsageError("login needs --base-url <url>, the partner API's base URL");
  if (!opts.out && !opts.printEnv) {
    throw new UsageError("login needs --out <file> (tokens written to a file readable only by you) or --print-env (shell export lines on stdout)");
  }
  const client = readClient(io.env);
  knownSecrets.push(client.clientSecret);
  const ca = readCa(opts.ca);
  const timeoutMs = opts.timeout as number;
  const say = (line: string) => io.stderr(`${line}\n`);

  const [{ createHttpClient }, { Redactor }, { startServer }] = await Promise.all([
    import("../../http/client.js"),
    import("../../util/redact.js"),
    import("../../http/server.js"),
  ]);
  const redactor = new Redactor();
  redactor.add(client.clientSecret);
  const http = createHttpClient({
    baseUrl: opts.baseUrl,
    redactor,
    ca,
    headersTimeoutMs: Math.min(30_000, timeoutMs),
    connectTimeoutMs: Math.min(10_000, timeoutMs),
    maxRequests: 10,
    userAgent: `reach-check/${packageInfo().version}`,
  });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    // 1. Where to send the user and where to trade the code: the partner's discovery document.
    const disc = await http.send({ method: "GET", path: DISCOVERY_PATH, auth: "none" });
    const doc = disc.response?.status === 200 && disc.response.json && typeof disc.response.json === "object" ? (disc.response.json as Record<string, unknown>) : {};
    let authorizeUrl = absoluteHttpUrl(doc.authorization_endpoint);
    let tokenUrl = absoluteHttpUrl(doc.token_endpoint);
    if (!authorizeUrl || !tokenUrl) {
      say(`Note: ${DISCOVERY_PATH} gave no usable endpoints (${disc.response ? `HTTP ${disc.response.status}` : disc.error?.message ?? "no answer"}); using ${FALLBACK.authorize} and ${FALLBACK.token} under the base URL.`);
      authorizeUrl ??= new URL(http.baseUrl.href.replace(/\/$/, "") + FALLBACK.authorize);
      tokenUrl ??= new URL(http.baseUrl.href.replace(/\/$/, "") + FALLBACK.token);
    }

    // 2. The loopback listener the browser is sent back to.
    // The spec's state encoding: a JSON object, stringified, base64-encoded (URL-encoded on the wire).
    const state = Buffer.from(JSON.stringify({ nonce: randomBytes(18).toString("base64url") })).toString("base64");
    let settle: { resolve: (code: string) => void; reject: (err: Error) => void } | undefined;
    const codeArrived = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
    const html = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };
    try {
      server = await startServer(
        (req) => {
          if (req.url.pathname !== "/callback") return { status: 404, headers: html, body: page("Not found", "reach-check waits for the redirect at /callback.") };
          const q = req.url.searchParams;
          if (q.get("state") !== state) {
            settle?.reject(new LoginError("the redirect carried a state that does not match the one sent (a stale tab or a forged redirect); run login again"));
            return { status: 400, headers: html, body: page("Sign-in rejected", "The state parameter does not match. Run reach-check login again.") };
          }
          const error = q.get("error");
          if (error !== null) {
            const desc = q.get("error_description");
            settle?.reject(new LoginError(`the partner refused the authorization: ${oneLine(error, 80)}${desc ? ` (${oneLine(desc)})` : ""}`));
            return { status: 200, headers: html, body: page("Sign-in refused", "The partner refused the authorization; see the terminal.") };
          }
          const code = q.get("code");
          if (!code) {
            settle?.reject(new LoginError("the redirect carried neither a code nor an error"));
            return { status: 400, headers: html, body: page("Sign-in failed", "No authorization code arrived.") };
          }
          settle?.resolve(code);
          return { status: 200, headers: html, body: page("Signed in", "reach-check received the authorization code. You can close this window.") };
        },
        { host: "127.0.0.1", port: opts.redirectPort as number },
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`--redirect-port: cannot listen on 127.0.0.1:${String(opts.redirectPort)} (${code ?? "error"})`);
    }
    const redirectUri = `http://127.0.0.1:${server.port}/callback`;
    const url = new URL(authorizeUrl.href);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", client.clientId);
    url.searchParams.set("redirect_uri", redirectUri);
    if (typeof opts.scope === "string" && opts.scope.trim() !== "") url.searchParams.set("scope", opts.scope.trim());
    url.searchParams.set("state", state);
    say("Open this URL in a browser and sign in as the customer whose data Reach should read:");
    say("");
    say(`  ${url.href}`);
    say("");
    say(`Waiting for the redirect to ${redirectUri} (up to ${Math.round(timeoutMs / 1000)} s)…`);

    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new LoginError(`no redirect arrived within ${Math.round(timeoutMs / 1000)} s (--timeout)`)), timeoutMs);
    });
    const code = await Promise.race([codeArrived, timeout]);
    redactor.add(code);
    knownSecrets.push(code);

    // 3. Trade the code for tokens, client_secret_post, as Reach does.
    const ex = await http.send({
      method: "POST",
      path: tokenUrl.href,
      body: { form: { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: client.clientId, client_secret: client.clientSecret } },
      auth: "none",
      secretResponseFields: ISSUED,
    });
    if (!ex.response) throw new LoginError(`the token endpoint did not answer: ${ex.error?.message ?? "no answer"}`);
    const body = ex.response.json && typeof ex.response.json === "object" ? (ex.response.json as Record<string, unknown>) : {};
    if (ex.response.status !== 200) {
      const e = typeof body.error === "string" ? ` ${oneLine(body.error, 80)}` : "";
      const d = typeof body.error_description === "string" ? ` (${oneLine(body.error_description)})` : "";
      throw new LoginError(`the token endpoint answered ${ex.response.status}${e}${d}`);
    }
    // The exchange shows issued tokens redacted; the client keeps the real ones for us.
    const access = http.issuedSecret(ex, "access_token");
    const refresh = http.issuedSecret(ex, "refresh_token");
    if (typeof access !== "string" || access === "") throw new LoginError("the token endpoint answered 200 without an access_token");
    knownSecrets.push(access, ...(typeof refresh === "string" ? [refresh] : []));
    if (typeof body.token_type !== "string" || body.token_type.toLowerCase() !== "bearer") {
      say(`Warning: token_type is ${JSON.stringify(body.token_type)}; Reach expects "Bearer".`);
    }
    if (typeof refresh !== "string" || refresh === "") {
      say("Warning: no refresh_token was issued; Reach needs one to sync without the customer signing in again.");
    }
    const expires = typeof body.expires_in === "number" ? `, expires in ${body.expires_in} s` : "";
    const lines = [
      `# reach-check login: tokens from ${http.baseUrl.origin} (${typeof body.scope === "string" ? `scope ${oneLine(body.scope, 100)}` : "scope not stated"}${expires})`,
      `export REACH_ACCESS_TOKEN=${shellQuote(access)}`,
      ...(typeof refresh === "string" && refresh !== "" ? [`export REACH_REFRESH_TOKEN=${shellQuote(refresh)}`] : []),
      "",
    ].join("\n");
    if (typeof opts.out === "string") {
      writePrivateFile(opts.out, lines, "--out");
      say(`Tokens written to ${opts.out} (readable only by you). Load them with:  . ${shellQuote(opts.out)}`);
    }
    // The one place tokens are printed: the user asked for export lines on stdout.
    if (opts.printEnv) io.stdout(lines);
    return 0;
  } catch (err) {
    if (err instanceof LoginError) {
      io.stderr(`reach-check: login failed: ${redactor.redact(err.message)}\n`);
      return 1;
    }
    throw err;
  } finally {
    clearTimeout(timer);
    await server?.close();
    await http.close();
  }
}
