/**
 * The companies a user-info answer lists. The run takes its companies from it, and a few checks
 * read it again for another token (the scoped one, the refreshed one).
 */
import type { Exchange } from "../http/types.js";
import type { Contract, Operation } from "../spec/types.js";
import { atPointer } from "../probes/support/findings.js";
import type { SharedData } from "./shared-data.js";

/**
 * A company id no URL path can carry: "." and ".." (also percent-encoded, %2E being ".") are dot
 * segments, which URL resolution removes (RFC 3986 sections 5.2.4 and 6.2.2.2), so the request would
 * reach another path. schema.user-info reports such an id; the run leaves it out.
 */
export function isDotSegment(id: string): boolean {
  return id === "." || id === "..";
}

/** Company ids a user-info answer lists (by the profile's pointer and id field), each once; undefined when it is not a 200 with a list. */
export function listedCompanies(op: Operation, ex: Exchange | undefined): string[] | undefined {
  const res = ex?.response;
  if (!res || res.status !== 200 || !op.profile.companiesPointer) return undefined;
  const list = atPointer(res.json, op.profile.companiesPointer);
  if (!Array.isArray(list)) return undefined;
  const field = op.profile.companyIdField ?? "CompanyId";
  const ids: string[] = [];
  for (const item of list) {
    const id = item && typeof item === "object" ? (item as Record<string, unknown>)[field] : undefined;
    if (typeof id === "string" && id !== "" && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Company ids user-info lists for the run's token (the run's companies without --company; read from the shared cache). */
export async function companiesFromUserInfo(contract: Contract, data: SharedData): Promise<string[]> {
  const op = contract.operations.find((o) => o.profile.role === "user-info");
  if (!op?.profile.companiesPointer) return [];
  return (listedCompanies(op, await data.userInfo()) ?? []).filter((id) => !isDotSegment(id));
}

/** A listed company whose own record the run's token cannot open, with the answer that said so. */
export interface UnopenedCompany {
  id: string;
  exchange: Exchange;
}

/**
 * Listed companies whose company information answers 403 or 404 to the run's token while another
 * listed company's answers 200: the list names a company the partner does not know (or will not
 * show this token), so every request for it would fail the same way. With no 200 among them the
 * operation itself is at fault (schema.company-info reports it) and nobody is singled out. Reads
 * the shared cache: the company information is asked once per run.
 */
export async function unopenedCompanies(contract: Contract, data: SharedData, ids: readonly string[]): Promise<UnopenedCompany[]> {
  if (ids.length < 2 || !contract.operations.some((o) => o.profile.role === "company-info")) return [];
  const answers = await Promise.all(ids.map(async (id) => ({ id, exchange: await data.companyInfo(id) })));
  if (!answers.some((a) => a.exchange?.response?.status === 200)) return [];
  return answers.filter((a): a is UnopenedCompany => a.exchange?.response?.status === 403 || a.exchange?.response?.status === 404);
}
