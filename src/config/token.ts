import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../cli/errors.js";

export const DEFAULT_TOKEN_ENV = "REACH_ACCESS_TOKEN";

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
    return token;
  }
  const raw = opts.env[opts.tokenEnv];
  if (raw === undefined || raw.trim() === "") {
    throw new UsageError(
      `no access token: set ${opts.tokenEnv} to the partner's OAuth access token${opts.tokenEnv === DEFAULT_TOKEN_ENV ? " (or name another variable with --token-env, or use --token-file)" : ""}`,
    );
  }
  const token = raw.trim();
  if (/\s/.test(token)) throw new UsageError(`${opts.tokenEnv} must hold the token alone, without "Bearer " or spaces`);
  return token;
}
