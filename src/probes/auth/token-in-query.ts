import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { operationPath } from "../../engine/shared-data.js";
import { makeFinding } from "../support/findings.js";
import { isErrorEnvelope } from "../support/error-body.js";

const RULE = {
  ref: "rfc6750#section-2.3",
  text: "RFC 6750 lets a resource server accept access_token in the URL query but tells clients not to send it there: URLs end up in server and proxy logs, histories and Referer headers. Reach sends the token in the Authorization header only, so accepting it in the query adds nothing for Reach and one more way to leak it.",
};

export const probe: Probe = {
  id: "auth.token-in-query",
  family: "auth",
  step: 2,
  title: "A token in the query string is not accepted",
  description:
    "Sends the run's access token as ?access_token= with no Authorization header to user-info and to one company operation. Answering with data is allowed by RFC 6750 but warns: tokens in URLs leak into logs.",
  after: ["reachability.connection"],
  // An operation that answers without any token is auth.no-token's finding: its verdict is read here.
  orderAfter: ["auth.no-token"],
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
    const open = new Set((ctx.results.get("auth.no-token")?.findings ?? []).filter((f) => f.code === "auth.no-token/not-enforced").map((f) => f.operation?.path));
    for (const t of targets) {
      // Data without any token says nothing of a token in the query (auth.no-token fails it).
      if (open.has(t.op.path)) {
        statuses.push(`${t.op.path} not tried (answers without a token, see auth.no-token)`);
        continue;
      }
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
      // An error body with a success status: the token was refused, only with the wrong status.
      const refused = status !== undefined && status >= 200 && status < 300 && isErrorEnvelope(ctx, ex.response!.json);
      if (refused) {
        // The envelope's list of errors when it has one (Reach's does), else the body as sent.
        const errors = (ex.response!.json as Record<string, unknown> | null)?.errors;
        const quoted = (errors !== undefined ? JSON.stringify(errors) : ex.response!.text).slice(0, 160);
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/refused-with-success`,
            severity: "warn",
            message: `${t.op.method} ${t.op.path} refused a request carrying the token only in the query string, but with status ${status}: its body is an error (${quoted}). A client reads a 2xx as data.`,
            rule: RULE,
            fix: "Answer a refused request with 401 (keeping the error body): a 2xx tells a client the request succeeded.",
            operation: t.op,
            company: t.company,
            exchange: ex,
            evidence: { expected: "401 (or another refusal)", actual: `${status} with an error body` },
          }),
        );
      } else if (status !== undefined && status >= 200 && status < 300) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/accepted`,
            severity: "warn",
            message: `${t.op.method} ${t.op.path} answered ${status} to a request carrying the token only in the query string. RFC 6750 allows this, but a token in a URL is written to logs; Reach never sends one there.`,
            rule: RULE,
            fix: "Read the access token from the Authorization: Bearer header only, and answer access_token in the query with 401; or keep accepting it knowingly and make sure no log keeps query strings.",
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
