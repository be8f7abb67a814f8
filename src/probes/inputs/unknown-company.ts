import { companiesFromUserInfo } from "../../engine/companies.js";
import { operationPath } from "../../engine/shared-data.js";
import type { Probe } from "../types.js";
import { baseRequest, firstCompany } from "../support/inputs.js";
import { foldRejections, judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { companyOperations } from "../support/requests.js";
import { NO_COMPANY } from "../support/skips.js";

/** A company id no partner has; only its path changes, the rest of each request is valid. */
export const UNKNOWN_COMPANY = "reach-check-no-such-company";

const DIGITS = "0123456789";
const HEX = "0123456789abcdef";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();

/**
 * An id shaped like a real one that is none of them: one character of `id` changed within its own
 * alphabet (digits stay digits, a hex id stays hex, so a UUID stays a valid UUID, letters keep
 * their case). A partner that validates the shape first refuses reach-check's made-up id before
 * it ever looks the company up; this one reaches the lookup.
 */
export function lookalikeCompanyId(id: string, taken: readonly string[]): string | undefined {
  const hexOnly = /^[0-9a-f-]+$/i.test(id) && /[0-9a-f]/i.test(id);
  for (let i = id.length - 1; i >= 0; i--) {
    const ch = id[i];
    const alphabet = DIGITS.includes(ch)
      ? DIGITS
      : hexOnly
        ? ch === ch.toLowerCase() ? HEX : HEX.toUpperCase()
        : LOWER.includes(ch)
          ? LOWER
          : UPPER.includes(ch)
            ? UPPER
            : undefined;
    if (!alphabet) continue;
    const at = alphabet.indexOf(ch);
    for (let step = 1; step < alphabet.length; step++) {
      const candidate = id.slice(0, i) + alphabet[(at + step) % alphabet.length] + id.slice(i + 1);
      if (!taken.includes(candidate)) return candidate;
    }
  }
  return undefined;
}

export const probe: Probe = {
  id: "inputs.unknown-company",
  family: "inputs",
  step: 2,
  title: "An unknown CompanyId is refused",
  description:
    "Sends a valid request of every company operation for two CompanyIds that do not exist, reach-check's own and one shaped like a listed id (one character changed, so a partner that checks the shape first still looks it up): the answer must be 404 (or 400, or 403 for a company the token cannot see) in the error envelope, never data, a server error or HTML.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const known = firstCompany(ctx);
    if (!known) return { findings: [], skip: NO_COMPANY };
    if (ctx.companies.includes(UNKNOWN_COMPANY)) return { findings: [], skip: `The partner lists a company called ${UNKNOWN_COMPANY}.` };
    const ops = companyOperations(ctx);
    if (ops.length === 0) return { findings: [], skip: "The spec has no operation under /companies/{CompanyId}." };
    // Two unknown ids: reach-check's own, and one shaped like the first listed company's id.
    const unknown = [UNKNOWN_COMPANY];
    // Not a company user-info lists either (with --company the run covers fewer than the token reads).
    const listed = [...ctx.companies, ...(await companiesFromUserInfo(ctx.contract, ctx.data))];
    const lookalike = lookalikeCompanyId(known, listed);
    if (lookalike !== undefined) unknown.push(lookalike);
    let sent = 0;
    const all = await Promise.all(
      ops.flatMap((op) =>
        unknown.map(async (id) => {
          const req = await baseRequest(ctx, op, known);
          if (!req) return { what: id, findings: [] };
          sent++;
          const ex = await sendBad(ctx, op, { ...req, path: operationPath(op, id) });
          const findings = judgeRejection(ctx, this.id, {
            op,
            company: id,
            what:
              id === UNKNOWN_COMPANY
                ? `for CompanyId ${id}, which does not exist`
                : `for CompanyId ${id} (shaped like ${known}, one character changed; not a company the partner lists)`,
            exchange: ex,
            // 403 passes too: a partner may not want to tell "no such company" from "not yours".
            accept: refusalStatuses(op, [403]),
            expected: "404 Not Found (or 403 Forbidden) for a CompanyId the partner does not have",
          });
          return { what: `for CompanyId ${id}`, findings };
        }),
      ),
    );
    if (sent === 0) return { findings: [], skip: "No valid company request could be built to spoil." };
    const findings = foldRejections(all);
    return {
      findings,
      summary: findings.length === 0 ? `${sent / unknown.length} operations refuse the unknown CompanyIds ${unknown.join(", ")} with the error envelope.` : undefined,
    };
  },
};
