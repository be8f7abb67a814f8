import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { operationPath } from "../../engine/shared-data.js";
import { makeFinding } from "../support/findings.js";

const RULE = {
  ref: "rfc6750#section-2.3",
  text: "Reach sends the access token in the Authorization header only; a token in the URL query (access_token=) ends up in logs and proxies and must not be accepted.",
};

export const probe: Probe = {
  id: "auth.token-in-query",
  family: "auth",
  step: 2,
  title: "A token in the query string is not accepted",
  description:
    "Sends the run's access token as ?access_token= with no Authorization header to user-info and to one company operation. Neither may answer with data: tokens in URLs leak into logs.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const targets: { op: (typeof ctx.contract.operations)[number]; company?: string }[] = [];
    const userInfo = ctx.contract.operations.find((o) => o.profile.role === "user-info" && o.secured);
    if (userInfo) targets.push({ op: userInfo });
    const companyInfo = ctx.contract.operations.find((o) => o.profile.role === "company-info" && o.secured);
    if (companyInfo && ctx.companies[0] !== undefined) targets.push({ op: companyInfo, company: ctx.companies[0] });
    if (targets.length === 0) return { findings: [], skip: "No secured user-info or company operation to call." };
    const findings: Finding[] = [];
    const statuses: string[] = [];
    for (const t of targets) {
      // The run's token goes into a URL here, deliberately and only to the partner's own origin;
      // every stored copy of the URL is redacted.
      const ex = await ctx.http.send({
        method: "GET",
        path: operationPath(t.op, t.company),
        auth: "query",
        operation: { method: t.op.method, path: t.op.path },
      });
      const status = ex.response?.status;
      statuses.push(`${t.op.path} ${status ?? ex.error?.code}`);
      if (status !== undefined && status >= 200 && status < 300) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/accepted`,
            severity: "fail",
            message: `${t.op.method} ${t.op.path} answered ${status} to a request carrying the token only in the query string.`,
            rule: RULE,
            fix: "Read the access token from the Authorization: Bearer header only; refuse access_token in the query with 401.",
            operation: t.op,
            company: t.company,
            exchange: ex,
            evidence: { expected: "401 (or another refusal)", actual: String(status) },
          }),
        );
      }
    }
    return { findings, summary: findings.length === 0 ? `Refused: ${statuses.join(", ")}.` : undefined };
  },
};
