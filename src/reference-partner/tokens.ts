/**
 * Token bookkeeping of the reference partner: authorization codes, access tokens and refresh
 * tokens, each bound to the companies it may read. Values are random (they are secrets), unlike
 * the data; lifetimes follow the partner's clock.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

export interface Grant {
  companies: readonly string[];
  scope: string;
}

interface AccessEntry extends Grant {
  /** Clock milliseconds after which the token is expired; null: never. */
  expiresAt: number | null;
}

interface CodeEntry extends Grant {
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const CODE_LIFETIME_SECONDS = 60;

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** Compares secrets without leaking where they differ through timing. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type AccessLookup = { grant: Grant } | { problem: "unknown" | "expired" };

export class TokenStore {
  private readonly access = new Map<string, AccessEntry>();
  private readonly refresh = new Map<string, Grant>();
  private readonly codes = new Map<string, CodeEntry>();

  /** `clock` returns the partner's current time in milliseconds. */
  constructor(private readonly clock: () => number) {}

  /** `lifetimeSeconds` null: the token never expires (the partner's start-up demo token). */
  addAccessToken(grant: Grant, lifetimeSeconds: number | null, token = randomSecret()): string {
    const expiresAt = lifetimeSeconds === null ? null : this.clock() + lifetimeSeconds * 1000;
    this.access.set(token, { ...grant, expiresAt });
    return token;
  }

  lookupAccessToken(token: string): AccessLookup {
    const entry = this.access.get(token);
    if (!entry) return { problem: "unknown" };
    if (entry.expiresAt !== null && this.clock() >= entry.expiresAt) return { problem: "expired" };
    return { grant: entry };
  }

  /** Refresh tokens do not rotate: the same value keeps working, as a long-lived sync needs. */
  addRefreshToken(grant: Grant, token = randomSecret(32)): string {
    this.refresh.set(token, grant);
    return token;
  }

  lookupRefreshToken(token: string): Grant | undefined {
    return this.refresh.get(token);
  }

  addCode(entry: Omit<CodeEntry, "expiresAt">): string {
    const code = randomSecret(18);
    this.codes.set(code, { ...entry, expiresAt: this.clock() + CODE_LIFETIME_SECONDS * 1000 });
    return code;
  }

  /** Codes are single-use: taking one removes it, whether or not the exchange then succeeds. */
  takeCode(code: string): (CodeEntry & { expired: boolean }) | undefined {
    const entry = this.codes.get(code);
    if (!entry) return undefined;
    this.codes.delete(code);
    return { ...entry, expired: this.clock() >= entry.expiresAt };
  }
}
