/**
 * The reference partner: a conformant implementation of the bundled Reach API 1.0.3 (as
 * SPEC_MODEL.md decides it), used by `demo`, `serve` and the end-to-end tests. Defect switches turn
 * it into specific broken partners.
 */
import { startServer, type ServerHandler, type ServerOptions } from "../http/server.js";
import type { DemoUser, PartnerContext } from "./context.js";
import { Dataset, type DataSize } from "./data.js";
import { parseDefects } from "./defects.js";
import { createHandler } from "./handlers.js";
import { Responder } from "./responses.js";
import { ACCESS_TOKEN_LIFETIME_SECONDS, randomSecret, TokenStore } from "./tokens.js";

export { listDefects, type DefectInfo } from "./defects.js";
export { DATA_SIZES, type DataSize } from "./data.js";

export interface PartnerOptions {
  /** Injected clock: data covers 24 months (36 for `large`) up to and including this calendar month (UTC). */
  now?: Date;
  /** Data size preset: `small` (default, two companies) or `large` (one company of 20,000 accounts, 200 classes). */
  size?: DataSize;
  /** Defect switch ids; an unknown id throws an Error listing the valid ids. */
  defects?: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Fixed access token of the demo user (reads every company, does not expire); default random. */
  accessToken?: string;
  /** Default `reach-check-demo`. */
  clientId?: string;
  /** Default random. */
  clientSecret?: string;
  /** Refresh token of the demo user (reads every company); default random. */
  refreshToken?: string;
  tls?: ServerOptions["tls"];
}

export interface IssueTokenOptions {
  /** Lifetime; default 3600. 0 or less gives a token that is already expired. */
  expiresInSeconds?: number;
}

/** The partner without a listener: its handler plus the credentials a client needs. */
export interface PartnerApp {
  handler: ServerHandler;
  accessToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  companies: { id: string; name: string }[];
  /** An access token that may read only the given companies. */
  issueToken(companyIds: string[], options?: IssueTokenOptions): string;
}

export interface RunningPartner extends Omit<PartnerApp, "handler"> {
  baseUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = "reach-check-demo";
const DEMO_SCOPE = "openid profile email read:company";
const DEMO_USER: DemoUser = { UserId: "usr-0001", Email: "dana.whitfield@example.com", Name: "Dana Whitfield" };

export function createPartner(options: PartnerOptions = {}): PartnerApp {
  const defects = parseDefects(options.defects);
  const startedAt = Date.now();
  const epoch = options.now ? options.now.getTime() : startedAt;
  // The injected clock moves on with real time, so token lifetimes still run out.
  const clock = () => epoch + (Date.now() - startedAt);
  const dataset = new Dataset({ now: new Date(epoch), size: options.size, staleMonths: defects.has("stale-data") ? 3 : 0 });
  const tokens = new TokenStore(clock);
  const companies = dataset.companies();
  const everyCompany = companies.map((c) => c.id);
  const accessToken = tokens.addAccessToken({ companies: everyCompany, scope: DEMO_SCOPE }, null, options.accessToken ?? randomSecret());
  const refreshToken = tokens.addRefreshToken({ companies: everyCompany, scope: DEMO_SCOPE }, options.refreshToken ?? randomSecret(32));
  const ctx: PartnerContext = {
    defects,
    respond: new Responder(defects),
    tokens,
    dataset,
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? randomSecret(),
    user: DEMO_USER,
    counters: { dataRequests: 0, changes: 0, windowRequests: 0, refuseUntil: 0 },
  };
  return {
    handler: createHandler(ctx),
    accessToken,
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
    refreshToken,
    companies,
    issueToken: (companyIds, opts = {}) =>
      tokens.addAccessToken({ companies: [...companyIds], scope: DEMO_SCOPE }, opts.expiresInSeconds ?? ACCESS_TOKEN_LIFETIME_SECONDS),
  };
}

/** The partner's request handler alone, for tests that wrap or drive it without a listener. */
export function createPartnerHandler(options: PartnerOptions = {}): ServerHandler {
  return createPartner(options).handler;
}

/** Starts the partner on loopback (ephemeral port unless told otherwise). */
export async function startPartner(options: PartnerOptions = {}): Promise<RunningPartner> {
  const { handler, ...app } = createPartner(options);
  const server = await startServer(handler, { host: options.host ?? "127.0.0.1", port: options.port ?? 0, tls: options.tls });
  return { ...app, baseUrl: server.url, close: () => server.close() };
}
