/** What every request handler of the reference partner shares. */
import type { Dataset } from "./data.js";
import type { DefectSet } from "./defects.js";
import type { Responder } from "./responses.js";
import type { TokenStore } from "./tokens.js";

export interface DemoUser {
  UserId: string;
  Email: string;
  Name: string;
}

export interface PartnerContext {
  defects: DefectSet;
  respond: Responder;
  tokens: TokenStore;
  dataset: Dataset;
  clientId: string;
  clientSecret: string;
  user: DemoUser;
  /** Mutable counters behind the reliability switches. */
  counters: {
    dataRequests: number;
    changes: number;
    /** The rate-limit and maintenance-503 switches: requests let through since the last refusal. */
    windowRequests: number;
    /** performance.now() until which every data request is refused (the Retry-After just given). */
    refuseUntil: number;
  };
}

export const SUPPORTED_SCOPES = ["openid", "profile", "email", "phone", "read:company"] as const;
export const DEFAULT_SCOPE = "read:company";

/** Scheme, host and port the client used to reach us, e.g. `http://127.0.0.1:4312`. */
export function baseUrlOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
