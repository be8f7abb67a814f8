import type { Operation, ProbeContext } from "../types.js";

/** Skip reasons several checks share. */
export const NO_COMPANY = "No company to check (see schema.user-info, or pass --company).";


/**
 * Why no company gave a non-financial metric to ask for: none lists one, or the list could not be
 * read (a 5xx, a gateway error, a page that is not a list). Said apart, since "lists none" is a
 * fact about the partner's data and "could not be read" is a fault reported elsewhere.
 */
export async function noMetricsReason(ctx: ProbeContext, valuesOp: Operation, what: string): Promise<string> {
  const listOp = valuesOp.profile.idsFrom ? ctx.contract.operations.find((o) => o.key === valuesOp.profile.idsFrom) : undefined;
  if (listOp) {
    const unread: string[] = [];
    for (const company of ctx.companies) {
      const walk = await ctx.data.listAll(listOp, company);
      if (walk.records.length === 0 && !walk.complete) unread.push(`${company} (${walk.stoppedBecause ?? "the walk did not end"})`);
    }
    if (unread.length > 0) {
      return `The ${listOp.profile.name} list could not be read for ${unread.join("; ")}: see schema.reference-lists. ${what[0].toUpperCase()}${what.slice(1)}.`;
    }
  }
  return `No company lists any non-financial metric, so ${what}.`;
}
