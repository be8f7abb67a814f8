/**
 * The requests that must be refused: a valid request for every secured operation, sent without a
 * token, with a bearer token the partner never issued, or with a credential of another scheme.
 * auth.no-token and auth.invalid-token judge the status and body; auth.bearer-challenge judges the
 * WWW-Authenticate header of the same answers. The requests go through the client's cache, so the
 * check that asks second reads the first one's exchanges instead of sending them again.
 */
import type { Exchange, HttpRequest } from "../../http/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { companyOperations, validRequest } from "./requests.js";

/** Deliberately fake and public: safe to print in curl lines. */
export const INVALID_TOKEN = "reach-check-invalid-token";

/**
 * base64 of "reach-check:not-a-secret": a made-up user and password, public, safe to print. No
 * partner has this user, so a partner that answers it with data is not checking the credential.
 */
export const FAKE_BASIC = "cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0";

export interface RefusalCase {
  kind: "no-token" | "wrong-token" | "other-scheme";
  /** Completes "a request …". */
  what: string;
  auth: HttpRequest["auth"];
}

export const NO_TOKEN: RefusalCase = { kind: "no-token", what: "without a token", auth: "none" };
export const WRONG_TOKEN: RefusalCase = { kind: "wrong-token", what: "with a wrong token", auth: { bearer: INVALID_TOKEN, public: true } };
export const OTHER_SCHEME: RefusalCase = {
  kind: "other-scheme",
  what: "with a made-up Basic credential instead of a bearer token",
  auth: { scheme: "Basic", bearer: FAKE_BASIC, public: true },
};

export interface RefusalExchange {
  op: Operation;
  /** The company in the path, for company operations. */
  company?: string;
  ex: Exchange;
}

/**
 * Sends (or reads from the cache) the case's request for every secured operation that a valid
 * request can be built for. `secured: 0` when the spec declares none; an empty `sent` with
 * secured operations means there was no company to build requests with.
 */
export async function sendRefusals(ctx: ProbeContext, c: RefusalCase): Promise<{ secured: number; sent: RefusalExchange[] }> {
  const company = ctx.companies[0];
  const ops = ctx.contract.operations.filter((o) => o.secured);
  const needCompany = new Set(companyOperations(ctx).map((o) => o.key));
  const results = await Promise.all(
    ops.map(async (op): Promise<RefusalExchange | undefined> => {
      if (needCompany.has(op.key) && company === undefined) return undefined;
      const req = await validRequest(ctx, op, company ?? "");
      if (!req) return undefined;
      const ex = await ctx.http.send({ ...req, auth: c.auth, cache: true });
      return { op, company: needCompany.has(op.key) ? company : undefined, ex };
    }),
  );
  return { secured: ops.length, sent: results.filter((r): r is RefusalExchange => r !== undefined) };
}
