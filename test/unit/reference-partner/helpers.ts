/** Shared helpers for the reference-partner tests: a fixed clock and small fetch wrappers. */
import { startPartner, type PartnerOptions, type RunningPartner } from "../../../src/reference-partner/index.js";

export const NOW = new Date("2025-06-15T12:00:00Z");
export const NW = "northwind-outfitters";
export const AF = "alder-finch";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface Client {
  partner: RunningPartner;
  /** GET with the demo token unless `token` is given (null: no Authorization header). */
  get(path: string, token?: string | null, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body: string, token?: string | null, contentType?: string): Promise<Answer>;
  form(path: string, fields: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export async function open(options: PartnerOptions = {}): Promise<Client> {
  const partner = await startPartner({ now: NOW, ...options });
  const auth = (token: string | null | undefined): Record<string, string> => {
    const t = token === undefined ? partner.accessToken : token;
    return t === null ? {} : { authorization: `Bearer ${t}` };
  };
  return {
    partner,
    get: async (path, token, headers = {}) =>
      answer(await fetch(partner.baseUrl + path, { headers: { ...auth(token), ...headers }, redirect: "manual" })),
    post: async (path, body, token, contentType = "application/json") =>
      answer(await fetch(partner.baseUrl + path, { method: "POST", headers: { ...auth(token), "content-type": contentType }, body })),
    form: async (path, fields) =>
      answer(
        await fetch(partner.baseUrl + path, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(fields).toString(),
        }),
      ),
    close: () => partner.close(),
  };
}

export function statementPath(company: string, statement: string, params: Record<string, string>): string {
  return `/companies/${company}/${statement}?${new URLSearchParams(params).toString()}`;
}

/** Whole cents, so sums compare exactly. */
export const cents = (amount: number) => Math.round(amount * 100);

/** Checks the Reach error envelope: at least one item with string error and message, level 1..10 if present. */
export function isReachEnvelope(body: any): boolean {
  return (
    body !== null &&
    typeof body === "object" &&
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every(
      (e: any) => typeof e.error === "string" && typeof e.message === "string" && (e.level === undefined || (Number.isInteger(e.level) && e.level >= 1 && e.level <= 10)),
    )
  );
}
