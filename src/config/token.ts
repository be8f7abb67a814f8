import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../cli/errors.js";

export const DEFAULT_TOKEN_ENV = "REACH_ACCESS_TOKEN";

/** Longest secret accepted: far above any real token, and servers refuse larger headers anyway. */
export const MAX_SECRET_LENGTH = 8192;

/**
 * A secret must be printable ASCII (what an HTTP header or a form field carries as is; RFC 6750's
 * b64token is a subset) and of a sane length. `where` names the variable or file in the message;
 * the value itself never appears.
 */
export function checkSecretShape(value: string, where: string, opts: { spaces?: boolean } = {}): void {
  if (value.length > MAX_SECRET_LENGTH) throw new UsageError(`${where} holds ${value.length} characters; reach-check accepts at most ${MAX_SECRET_LENGTH} (no real token is that long, and servers refuse such headers)`);
  // RFC 6749 appendix A: a client id, client secret or refresh token is any run of VSCHAR
  // (%x20-7E), spaces included; an access token goes in a header as a b64token, without them.
  if (!(opts.spaces ? /^[\x20-\x7e]+$/ : /^[\x21-\x7e]+$/).test(value)) {
    throw new UsageError(`${where} holds a character that is not printable ASCII${opts.spaces ? "" : " or a space"} (tokens and secrets are sent as they are in HTTP headers and forms)`);
  }
}

/**
 * The access token comes from an environment variable or a file, never from a flag value (flags
 * end up in shell history and process listings).
 */
export function readToken(opts: { tokenEnv: string; tokenFile?: string; env: NodeJS.ProcessEnv }): string {
  if (opts.tokenFile !== undefined) {
    let text: string;
    try {
      if (!statSync(opts.tokenFile).isFile()) throw new Error("not a file");
      text = readFileSync(opts.tokenFile, "utf8");
    } catch {
      throw new UsageError(`--token-file: cannot read a token from "${opts.tokenFile}"`);
    }
    const token = text.trim();
    if (token === "") throw new UsageError(`--token-file: "${opts.tokenFile}" is empty`);
    if (/\s/.test(token)) throw new UsageError(`--token-file: "${opts.tokenFile}" must hold the token alone on one line`);
    checkSecretShape(token, `--token-file: "${opts.tokenFile}"`);
    return token;
  }
  const raw = opts.env[opts.tokenEnv];
  if (raw === undefined || raw.trim() === "") {
    // A name that does not look like one may be the token itself, given where its variable's name
    // belongs: then it is not repeated, nor called a variable to set.
    if (!looksLikeEnvName(opts.tokenEnv)) {
      throw new UsageError("no access token: the variable --token-env names is not set, and its name does not look like one (if you gave the token itself, put it in a variable such as REACH_ACCESS_TOKEN and name that variable)");
    }
    throw new UsageError(
      `no access token: set ${opts.tokenEnv} to the partner's OAuth access token${opts.tokenEnv === DEFAULT_TOKEN_ENV ? " (or name another variable with --token-env, or use --token-file)" : ""}`,
    );
  }
  const token = raw.trim();
  if (/\s/.test(token)) throw new UsageError(`${opts.tokenEnv} must hold the token alone, without "Bearer " or spaces`);
  checkSecretShape(token, opts.tokenEnv);
  return token;
}

/**
 * A conventional environment variable name (upper case, digits, underscores, at most 64
 * characters). A value given as a name that is not one, mixed case or long, may be a token.
 */
export function looksLikeEnvName(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]{0,63}$/.test(name);
}
