import type { Operation, Probe } from "../types.js";
import { baseRequest, firstCompany, metricValuesBase, queryParameter, withJsonBody, withQuery } from "../support/inputs.js";
import { foldRejections, judgeRejection, refusalStatuses, sendBad } from "../support/rejection.js";
import { NO_COMPANY } from "../support/skips.js";

/** Written in a layout other than YYYY-MM-DD, and a month that does not exist: no reading of either is a date. */
const WRONG_LAYOUT = "31-01-2025";
const NO_SUCH_MONTH = "2025-13-01";
/**
 * Well written, in a real month, but a day the month does not have (2025 is not a leap year): a
 * `format: date` value must be a real calendar day (RFC 3339 full-date), so this is malformed too,
 * although a lenient date library rolls it into 2 March. Asked with a StartDate in the same
 * February, so that the range would be valid if the day were.
 */
const NO_SUCH_DAY = "2025-02-30";
const NO_SUCH_DAY_START = "2025-02-01";

export const probe: Probe = {
  id: "inputs.dates",
  family: "inputs",
  step: 2,
  title: "Malformed dates and reversed ranges are refused",
  description:
    "Sends statements and non-financial values a StartDate in the wrong layout, an EndDate with month 13, an EndDate of 30 February, and an EndDate before StartDate: each must be refused with 400 in the error envelope, not answered with data or an empty 200 that Reach would take for real figures (for a reversed range in the non-financial body, a warning: SPEC_MODEL decides that 400 for statements).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const n = ctx.contract.profile.parameters;
    const company = firstCompany(ctx);
    if (!company) return { findings: [], skip: NO_COMPANY };
    const w = ctx.data.recentWindow();
    const cases: { op: Operation; company: string; what: string; req: Parameters<typeof sendBad>[2]; inferred?: string }[] = [];
    for (const op of ctx.contract.operations.filter((o) => o.profile.role === "statement")) {
      if (!queryParameter(op, n.startDate) || !queryParameter(op, n.endDate)) continue;
      const req = await baseRequest(ctx, op, company);
      if (!req) continue;
      cases.push(
        { op, company, what: `with ${n.startDate}=${WRONG_LAYOUT}`, req: withQuery(req, { [n.startDate]: WRONG_LAYOUT }) },
        { op, company, what: `with ${n.endDate}=${NO_SUCH_MONTH}`, req: withQuery(req, { [n.endDate]: NO_SUCH_MONTH }) },
        {
          op,
          company,
          what: `with ${n.endDate}=${NO_SUCH_DAY} (February 2025 has no 30th day)`,
          req: withQuery(req, { [n.startDate]: NO_SUCH_DAY_START, [n.endDate]: NO_SUCH_DAY }),
        },
        { op, company, what: `with ${n.endDate} (${w.start}) before ${n.startDate} (${w.end})`, req: withQuery(req, { [n.startDate]: w.end, [n.endDate]: w.start }) },
      );
    }
    const mv = ctx.contract.operations.find((o) => o.profile.role === "metric-values");
    let metricNote = "";
    if (mv) {
      const base = await metricValuesBase(ctx, mv);
      const req = base ? await baseRequest(ctx, mv, base.company) : undefined;
      if (base && req) {
        const b = base.body;
        cases.push(
          { op: mv, company: base.company, what: `with body ${n.startDate} "${WRONG_LAYOUT}"`, req: withJsonBody(req, { ...b, [n.startDate]: WRONG_LAYOUT }) },
          { op: mv, company: base.company, what: `with body ${n.endDate} "${NO_SUCH_MONTH}"`, req: withJsonBody(req, { ...b, [n.endDate]: NO_SUCH_MONTH }) },
          {
            op: mv,
            company: base.company,
            what: `with body ${n.endDate} "${NO_SUCH_DAY}" (February 2025 has no 30th day)`,
            req: withJsonBody(req, { ...b, [n.startDate]: NO_SUCH_DAY_START, [n.endDate]: NO_SUCH_DAY }),
          },
          {
            op: mv,
            company: base.company,
            what: `with body ${n.endDate} (${w.start}) before ${n.startDate} (${w.end})`,
            req: withJsonBody(req, { ...b, [n.startDate]: w.end, [n.endDate]: w.start }),
            // SPEC_MODEL makes a reversed range 400 for statements; for the values body both dates are
            // valid, and an empty 200 is what the spec gives a request without data.
            inferred: `SPEC_MODEL asks for 400 on a reversed range of a statement; for non-financial values it is inferred, so this is a warning: an empty answer to a reversed range looks to Reach like a company without figures.`,
          },
        );
      } else {
        metricNote = " (no company lists a non-financial metric, so the values request was not tried)";
      }
    }
    if (cases.length === 0) return { findings: [], skip: `No operation takes ${n.startDate} and ${n.endDate}.` };
    const all = await Promise.all(
      cases.map(async (c) => {
        const ex = await sendBad(ctx, c.op, c.req);
        const findings = judgeRejection(ctx, this.id, {
          op: c.op,
          company: c.company,
          what: c.what,
          exchange: ex,
          accept: refusalStatuses(c.op),
          expected: `400 Bad Request when ${n.startDate} or ${n.endDate} is not a YYYY-MM-DD calendar date or ${n.endDate} is before ${n.startDate}`,
          ...(c.inferred ? { inferred: c.inferred } : {}),
        });
        return { what: c.what, findings };
      }),
    );
    const findings = foldRejections(all);
    return { findings, summary: findings.length === 0 ? `${cases.length} bad date requests to ${company}, all refused with the error envelope${metricNote}.` : undefined };
  },
};
