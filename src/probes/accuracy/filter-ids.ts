import { operationPath } from "../../engine/shared-data.js";
import { idsOf, splitBasis, splitStatement, type StatementFetch } from "../../engine/sync.js";
import type { Finding } from "../../report/types.js";
import type { Exchange } from "../../http/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { isErrorEnvelope, successRefusal } from "../support/error-body.js";
import { frontServerAnswer } from "../support/front-server.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { refusalStatuses } from "../support/rejection.js";

const RULE = {
  ref: "spec-model:accounting-facts",
  text: "BudgetId, ClassId and DepartmentId values accepted by statements are those the lists return; an unknown one is 400 or 404, never silently ignored.",
};

/** Whether the spec gives an operation this query parameter (only a declared filter is sent). */
function declares(op: Operation, name: string): boolean {
  return op.parameters.some((x) => x.in === "query" && x.name === name);
}

/**
 * The answer to a statement asked with a filter id no list of the company returns: "refused" when
 * it is 400 or 404, else what is wrong. `owner` names the other company whose list holds the id.
 */
function judgeUnknown(ctx: ProbeContext, checkId: string, op: Operation, company: string, param: string, unknown: string, listName: string, ex: Exchange, owner?: string): Finding[] | "refused" {
  if (ex.error) return [transportFinding(ctx, checkId, ex, op, company)];
  const status = ex.response!.status;
  const accept = refusalStatuses(op);
  if (accept.includes(status)) return "refused";
  // Throttled or down (429, 503): says nothing about the filter (reliability.rehearsal reports those).
  if (status === 429 || status === 503) return [];
  // An error body with a success status: refused, but a client reads the 2xx as data.
  const refusedInBody = status >= 200 && status < 300 && isErrorEnvelope(ctx, ex.response!.json);
  const ignored = status >= 200 && status < 300 && !refusedInBody;
  // Another 4xx refuses the id, only with a status Reach's guide does not list (as the input checks judge it).
  const otherRefusal = status >= 400 && status < 500;
  const what = owner === undefined ? `${param}=${unknown}, which no list returns` : `${param}=${unknown}, an id of ${owner}'s ${listName} that ${company}'s list does not hold`;
  const refusal = successRefusal(status, "400 (or 404)");
  return [
    makeFinding(ctx, {
      code: `${checkId}/${ignored && owner !== undefined ? "foreign-accepted" : ignored || refusedInBody ? "unknown-accepted" : "status"}`,
      severity: otherRefusal ? "warn" : "fail",
      message: refusedInBody
        ? `The ${op.profile.name} of ${company} refused ${what}, in its body (an error envelope) but with status ${status}: Reach reads a 2xx as data, so the refusal is lost; expected ${accept.join(" or ")}.`
        : ignored && owner !== undefined
        ? `The ${op.profile.name} of ${company} answered ${status} with data to ${what}: the filter is checked against every company's ids, so Reach could file figures under another company's segment.`
        : ignored
        ? `The ${op.profile.name} of ${company} answered ${status} with data to ${what}: an unknown filter is ignored, so a wrong id gives unfiltered figures instead of an error.`
        : `The ${op.profile.name} of ${company} answered ${status} to ${what}; expected ${accept.join(" or ")}.${status >= 500 ? " One answer cannot tell whether the unknown id caused the failure or the server failed at that moment for another reason." : ""}`,
      rule: RULE,
      fix:
        (refusedInBody
          ? refusal.fix
          : owner !== undefined
            ? `Look ${param} up among ${company}'s own ${listName} and answer 400 (or 404) in Reach's error envelope for any other id, another company's included.`
            : `Look ${param} up among the company's ${listName} and answer 400 (or 404) in Reach's error envelope when it is not there.`) +
        (status >= 500 ? " If the same request is refused correctly when sent again, the 5xx is an intermittent fault (reliability.rehearsal measures those)." : ""),
      operation: op,
      company,
      exchange: ex,
      evidence: { expected: accept.join(" or "), actual: refusedInBody ? refusal.actual : String(status) },
    }),
  ];
}

export const probe: Probe = {
  id: "accuracy.filter-ids",
  family: "accuracy",
  step: 4,
  title: "Statement filters take the listed ids and refuse unknown ones",
  description:
    "Checks that the profit and loss accepts every BudgetId, ClassId and DepartmentId its lists return (the sync's splits), that every statement declaring such a filter answers 400 or 404 to an id no list returns, instead of ignoring the filter and sending unfiltered figures, and (with two companies or more) that the profit and loss refuses an id of another company's list.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = splitStatement(ctx.contract.operations);
    const names = ctx.contract.profile.parameters;
    const basis = splitBasis(names.accountingBases);
    if (!op || !basis) return { findings: [], skip: "The spec has no statement operation." };
    const statements = ctx.contract.operations.filter((o) => o.profile.role === "statement");
    const params = [names.budgetId, names.classId, names.departmentId].filter((p) => statements.some((s) => declares(s, p)));
    if (params.length === 0) return { findings: [], skip: "No statement takes a budget, class or department filter." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const pass = await sharedSync(ctx);
    const w = ctx.data.recentWindow();
    const n = ctx.contract.profile.parameters;
    // Every company and filter at once (the HTTP client bounds the requests in flight); findings
    // keep company, then filter order.
    const outcomes = await Promise.all(
      pass.companies.flatMap((c) =>
        params.map(async (param) => {
          const found: Finding[] = [];
          let rejected = 0;
          const list = c.lists.find((l) => l.operation.profile.feedsParameter === param);
          // Listed ids that the statement refused as bad input. When the same statement without a
          // filter (same range and basis) was refused as well, the request is what the partner
          // refuses (a range it does not serve, say), not the id: the checks of the sync say so.
          const isRefusal = (ex: Exchange) => ex.response?.status === 400 || ex.response?.status === 404;
          const unfilteredRefused = (s: StatementFetch) =>
            c.statements.some((u) => !u.split && u.op.key === s.op.key && u.query.basis === s.query.basis && u.query.start === s.query.start && u.query.end === s.query.end && isRefusal(u.exchange));
          const refused = c.statements.filter((s) => s.split?.parameter === param && isRefusal(s.exchange) && !unfilteredRefused(s));
          const accepted = c.statements.filter((s) => s.split?.parameter === param && s.exchange.response?.status === 200).length;
          // Ids of the other companies' lists for this filter (complete lists only).
          const othersIds = new Map<string, string>();
          for (const o of pass.companies) {
            if (o === c) continue;
            const l = o.lists.find((x) => x.operation.profile.feedsParameter === param);
            if (l?.complete) for (const id of idsOf(l)) if (!othersIds.has(id)) othersIds.set(id, o.company);
          }
          if (refused.length > 0) {
            const first = refused[0];
            const front = frontServerAnswer(first.exchange);
            // Refused ids that another company lists: this company's list holds the other's records.
            const foreign = refused.map((x) => x.split!.id).filter((id) => othersIds.has(id));
            const listName = list?.operation.profile.name ?? "list";
            const mixed = !front && foreign.length === refused.length ? ` They are ids of ${[...new Set(foreign.map((id) => othersIds.get(id)!))].join(", ")}'s ${listName}: the ${listName} list of ${c.company} holds another company's records.` : "";
            found.push(
              makeFinding(ctx, {
                code: `${this.id}/refused`,
                severity: "fail",
                message: `The ${op.profile.name} of ${c.company} refuses ${refused.length} ${param} value${refused.length === 1 ? "" : "s"} that the ${listName} returns: ${listSome(refused.map((s) => s.split!.id))} (answered ${first.exchange.response!.status}).${front?.detail ?? mixed}`,
                rule: RULE,
                fix: front?.fix ?? (mixed ? `List only ${c.company}'s own records in its ${listName} list (the statements are right to refuse another company's ids).` : `Accept every ${param} the list returns (inactive ones too) as a statement filter.`),
                operation: op,
                company: c.company,
                exchange: first.exchange,
                evidence: { expected: "200", actual: String(first.exchange.response!.status) },
              }),
            );
          }
          // An id no list returns: must be refused. A partial list cannot tell which ids are unknown.
          if (!list?.complete) return { found, accepted, rejected, foreignRefused: 0 };
          const listed = new Set(idsOf(list));
          let unknown = `reach-check-unknown-${param.replace(/Id$/, "").toLowerCase()}`;
          while (listed.has(unknown)) unknown += "-x";
          // Every statement that declares the filter: each may parse its filters on its own.
          const asked = statements.filter((s) => declares(s, param));
          /** The statement over the recent window, filtered by `id`. */
          const askWith = (s: Operation, id: string) =>
            ctx.http.send({
              method: s.method.toUpperCase() as "GET",
              path: operationPath(s, c.company),
              query: { [n.startDate]: w.start, [n.endDate]: w.end, [n.accountingBasis]: basis, [param]: id },
              operation: s,
              retry: ctx.data.syncOptions().retry,
            });
          const judged = await Promise.all(asked.map(async (s) => judgeUnknown(ctx, this.id, s, c.company, param, unknown, list.operation.profile.name, await askWith(s, unknown))));
          for (const j of judged) {
            if (j === "refused") rejected++;
            else found.push(...j);
          }
          // An id of another company's list: a filter checked against every company's ids (a global
          // table) takes it and answers this company's figures under another company's segment.
          const foreignId = [...othersIds.keys()].find((id) => !listed.has(id));
          let foreignRefused = 0;
          // Only where the made-up id was refused: when that one is taken too, the filter is not
          // checked at all (unknown-accepted says so), and another company's id adds nothing.
          const madeUpRefused = judged[asked.indexOf(op)] === "refused";
          if (foreignId !== undefined && declares(op, param) && madeUpRefused) {
            const ex = await askWith(op, foreignId);
            const j = judgeUnknown(ctx, this.id, op, c.company, param, foreignId, list.operation.profile.name, ex, othersIds.get(foreignId));
            if (j === "refused") foreignRefused++;
            else found.push(...j);
          }
          return { found, accepted, rejected, foreignRefused };
        }),
      ),
    );
    const findings = outcomes.flatMap((o) => o.found);
    const accepted = outcomes.reduce((sum, o) => sum + o.accepted, 0);
    const rejected = outcomes.reduce((sum, o) => sum + o.rejected, 0);
    const foreign = outcomes.reduce((sum, o) => sum + o.foreignRefused, 0);
    if (accepted + rejected + findings.length === 0) return { findings: [], skip: "No budget, class or department list could be read (see schema.reference-lists)." };
    return {
      findings,
      summary: findings.length === 0 ? `${accepted} listed ids accepted, ${rejected} unknown ids refused${foreign > 0 ? `, ${foreign} ids of another company's lists refused` : ""}.` : undefined,
    };
  },
};
