import { operationPath } from "../../engine/shared-data.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { baseRequest, firstCompany } from "../support/inputs.js";
import { judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { companyOperations } from "../support/requests.js";
import { NO_COMPANY } from "../support/skips.js";

/** A company id no partner has; only its path changes, the rest of each request is valid. */
export const UNKNOWN_COMPANY = "reach-check-no-such-company";

export const probe: Probe = {
  id: "inputs.unknown-company",
  family: "inputs",
  step: 2,
  title: "An unknown CompanyId is refused",
  description:
    "Sends a valid request of every company operation for a CompanyId that does not exist: the answer must be 404 (or 400, or 403 for a company the token cannot see) in the error envelope, never data, a server error or HTML.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const known = firstCompany(ctx);
    if (!known) return { findings: [], skip: NO_COMPANY };
    if (ctx.companies.includes(UNKNOWN_COMPANY)) return { findings: [], skip: `The partner lists a company called ${UNKNOWN_COMPANY}.` };
    const ops = companyOperations(ctx);
    if (ops.length === 0) return { findings: [], skip: "The spec has no operation under /companies/{CompanyId}." };
    let sent = 0;
    const all: Finding[][] = await Promise.all(
      ops.map(async (op) => {
        const req = await baseRequest(ctx, op, known);
        if (!req) return [];
        sent++;
        const ex = await sendBad(ctx, op, { ...req, path: operationPath(op, UNKNOWN_COMPANY) });
        return judgeRejection(ctx, this.id, {
          op,
          company: UNKNOWN_COMPANY,
          what: `for CompanyId ${UNKNOWN_COMPANY}, which does not exist`,
          exchange: ex,
          // 403 passes too: a partner may not want to tell "no such company" from "not yours".
          accept: refusalStatuses(op, [403]),
          expected: "404 Not Found (or 403 Forbidden) for a CompanyId the partner does not have",
        });
      }),
    );
    if (sent === 0) return { findings: [], skip: "No valid company request could be built to spoil." };
    const findings = foldFindings(all.flat(), "request");
    return { findings, summary: findings.length === 0 ? `${sent} operations refuse an unknown CompanyId with the error envelope.` : undefined };
  },
};
