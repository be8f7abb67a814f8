/**
 * OAuth client credentials and extra tokens, read from the environment only (never from flags:
 * flags end up in shell history and process listings).
 */
import { UsageError } from "../cli/errors.js";
import { checkSecretShape, looksLikeEnvName } from "./token.js";

export const CREDENTIAL_ENV = {
  clientId: "REACH_CLIENT_ID",
  clientSecret: "REACH_CLIENT_SECRET",
  refreshToken: "REACH_REFRESH_TOKEN",
} as const;

export interface EnvCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * All three of REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN, or none (undefined).
 * A partial set is a usage error naming the missing variables (never any value).
 */
export function readClientCredentials(env: NodeJS.ProcessEnv): EnvCredentials | undefined {
  const names = Object.values(CREDENTIAL_ENV);
  const set = names.filter((n) => value(env, n) !== undefined);
  if (set.length === 0) return undefined;
  if (set.length < names.length) {
    const missing = names.filter((n) => !set.includes(n));
    throw new UsageError(
      `the OAuth checks need ${names.join(", ")} together; ${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not (unset all three to skip those checks)`,
    );
  }
  // Sent in a form body (encoded there), so a space inside is allowed (RFC 6749 appendix A).
  for (const n of names) checkSecretShape(value(env, n)!, n, { spaces: true });
  return { clientId: value(env, CREDENTIAL_ENV.clientId)!, clientSecret: value(env, CREDENTIAL_ENV.clientSecret)!, refreshToken: value(env, CREDENTIAL_ENV.refreshToken)! };
}

/** The client id and secret alone (login needs no refresh token). */
export function readClient(env: NodeJS.ProcessEnv): { clientId: string; clientSecret: string } {
  const clientId = value(env, CREDENTIAL_ENV.clientId);
  const clientSecret = value(env, CREDENTIAL_ENV.clientSecret);
  const missing = [clientId ? undefined : CREDENTIAL_ENV.clientId, clientSecret ? undefined : CREDENTIAL_ENV.clientSecret].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(`login needs the OAuth client in the environment: set ${missing.join(" and ")} (the client id and secret the partner hands to Reach)`);
  }
  checkSecretShape(clientId!, CREDENTIAL_ENV.clientId, { spaces: true });
  checkSecretShape(clientSecret!, CREDENTIAL_ENV.clientSecret, { spaces: true });
  return { clientId: clientId!, clientSecret: clientSecret! };
}

/** A token from a named environment variable (e.g. --scoped-token-env). */
export function readEnvToken(env: NodeJS.ProcessEnv, name: string, option: string): string {
  const t = value(env, name);
  if (!t) {
    // Not repeated when it may be the token itself, given where the variable's name belongs.
    if (!looksLikeEnvName(name)) throw new UsageError(`${option}: the variable it names is not set, and its name does not look like one (if you gave the token itself, put it in a variable and name that variable)`);
    throw new UsageError(`${option} ${name}: the environment variable ${name} is not set or empty`);
  }
  if (/\s/.test(t)) throw new UsageError(`${name} must hold the token alone, without "Bearer " or spaces`);
  checkSecretShape(t, name);
  return t;
}
