import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { foldFindings } from "../support/fold.js";
import { baseRequest, deref, metricValuesBase, withJsonBody } from "../support/inputs.js";
import { judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { NO_COMPANY, noMetricsReason } from "../support/skips.js";

export const probe: Probe = {
  id: "inputs.request-body",
  family: "inputs",
  step: 2,
  title: "A request body missing a required field is refused",
  description:
    "Posts the non-financial values query once without each field its body schema requires (NonFinancialIds, StartDate, EndDate): each should be refused with 400 in the error envelope, not answered as if a default applied (a warning: Reach's pages only suggest the 400; an error body sent with 200 fails).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    if (!op) return { findings: [], skip: "The spec has no metric-values operation." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const schema = deref(ctx, op.requestBody?.schema);
    const required = Array.isArray(schema?.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
    if (required.length === 0) return { findings: [], skip: `The spec declares no required body field for ${op.key}.` };
    const base = await metricValuesBase(ctx, op);
    if (!base) return { findings: [], skip: await noMetricsReason(ctx, op, "no valid body could be built to spoil") };
    // Only fields the valid body carries can be left out of it.
    const fields = required.filter((f) => f in base.body);
    if (fields.length === 0) return { findings: [], skip: `The valid body reach-check builds carries none of the required fields (${required.join(", ")}).` };
    const req = await baseRequest(ctx, op, base.company);
    if (!req) return { findings: [], skip: `No valid request of ${op.key} could be built.` };
    const all: Finding[][] = await Promise.all(
      fields.map(async (field) => {
        const { [field]: _dropped, ...rest } = base.body;
        const ex = await sendBad(ctx, op, withJsonBody(req, rest));
        return judgeRejection(ctx, this.id, {
          op,
          company: base.company,
          what: `whose body lacks the required field ${field}`,
          exchange: ex,
          accept: refusalStatuses(op),
          expected: `400 Bad Request naming the missing field (${field} is required)`,
          // Reach's pages suggest the 400 without stating it, and SPEC_MODEL decides nothing for the body.
          inferred: "Reach's pages suggest, without stating it, that a body missing a required field gets 400, so this is a warning: a default in place of the field sends Reach data it did not ask for.",
        });
      }),
    );
    const findings = foldFindings(all.flat(), "request");
    return { findings, summary: findings.length === 0 ? `Bodies without ${fields.join(", ")} are each refused with the error envelope.` : undefined };
  },
};
