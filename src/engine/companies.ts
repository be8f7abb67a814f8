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
