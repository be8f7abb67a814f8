import type { Finding } from "../../report/types.js";
import type { HttpMethod, NearToken } from "../../http/types.js";
import type { Probe } from "../types.js";
import { operationPath } from "../../engine/shared-data.js";
import { makeFinding } from "../support/findings.js";
import { isErrorEnvelope } from "../support/error-body.js";

const RULE = {
  ref: "rfc6750#section-3.1",
  text: "A request whose access token is not one the partner issued (expired, revoked, malformed or otherwise invalid) is refused with 401 and error=\"invalid_token\"; a token is compared as the exact string issued.",
};

const CASES: readonly { kind: NearToken; what: string; severity: "fail" | "warn"; why: string; fix: string }[] = [
  {
    kind: "truncated",
    what: "the run's token with its last character dropped",
    severity: "fail",
    why: "the token check accepts a prefix of a real token (a comparison over the length sent, or a LIKE 'token%' lookup), so a much shorter guess reads the company",
    fix: "Compare the whole token sent with the whole token issued (a constant-time comparison of equal-length values, or a lookup of the token's hash), and answer 401 with error=\"invalid_token\" otherwise.",
  },
  {
    kind: "swapped-case",
    what: "the run's token with every letter in the other case",
    severity: "warn",
    why: "the token check ignores case (often a case-insensitive database collation on the token column): tokens that were never issued are accepted, and each token is weaker than it looks",
    fix: "Compare tokens case-sensitively (a binary or case-sensitive collation on the token column, or a lookup of the token's hash), and answer 401 with error=\"invalid_token\" to any other spelling.",
  },
];

export const probe: Probe = {
  id: "auth.near-token",
  family: "auth",
  step: 2,
  title: "A token close to a real one is refused",
  description:
    "Sends one company request with the run's token missing its last character, and (for a token with letters in both cases) with every letter in the other case. Either is a token the partner never issued: data for the shorter one fails (the check matches prefixes), data for the other spelling warns (the check ignores case).",
  after: ["reachability.connection"],
  // An operation that answers without any token is auth.no-token's finding: its verdict is read here.
  orderAfter: ["auth.no-token"],
  blockedByFailure: true,
  async run(ctx) {
    const companyInfo = ctx.contract.operations.find((o) => o.profile.role === "company-info" && o.secured);
    const userInfo = ctx.contract.operations.find((o) => o.profile.role === "user-info" && o.secured);
    const company = ctx.companies[0];
    const target = companyInfo && company !== undefined ? { op: companyInfo, company } : userInfo ? { op: userInfo, company: undefined } : undefined;
    if (!target) return { findings: [], skip: "No secured company-info or user-info operation to call." };
    const request = { method: target.op.method as HttpMethod, path: operationPath(target.op, target.company), operation: { method: target.op.method, path: target.op.path } };
    // A token the operation refuses itself says nothing here; a request without any token that
    // gets data is auth.no-token's finding.
    const own = await ctx.http.send({ ...request, cache: true });
    const ownStatus = own.response?.status;
    if (ownStatus === undefined || ownStatus < 200 || ownStatus >= 300) {
      return { findings: [], skip: `${target.op.method} ${target.op.path} answered the run's own token ${ownStatus ?? own.error?.code}, so tokens close to it say nothing.` };
    }
    const open = ctx.results.get("auth.no-token")?.findings.some((f) => f.code === "auth.no-token/not-enforced" && f.operation?.path === target.op.path);
    if (open) return { findings: [], skip: `${target.op.method} ${target.op.path} answers without any token (auth.no-token), so tokens close to the run's say nothing more.` };
    const findings: Finding[] = [];
    const tried: string[] = [];
    for (const c of CASES) {
      if (!ctx.http.nearTokenUseful(c.kind)) continue;
      const ex = await ctx.http.send({ ...request, auth: { near: c.kind } });
      const status = ex.response?.status;
      tried.push(`${c.kind === "truncated" ? "one character short" : "other case"}: ${status ?? ex.error?.code}`);
      if (status === undefined || status < 200 || status >= 300) continue;
      // An error body with a success status is a refusal sent with the wrong status, not data.
      if (isErrorEnvelope(ctx, ex.response!.json)) continue;
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/${c.kind === "truncated" ? "prefix-accepted" : "case-ignored"}`,
          severity: c.severity,
          message: `${target.op.method} ${target.op.path} answered ${status} with data to ${c.what}, a token the partner never issued: ${c.why}.`,
          rule: RULE,
          fix: c.fix,
          operation: target.op,
          company: target.company,
          exchange: ex,
          evidence: { expected: "401", actual: String(status) },
        }),
      );
    }
    if (tried.length === 0) return { findings: [], skip: "No token close to the run's says anything here: it is too short or ends in base64 padding, and has letters in one case only." };
    const notes = [
      ctx.http.nearTokenUseful("truncated") ? "" : "the token ends in base64 padding, which a partner may drop when it decodes tokens, so a shorter one was not tried",
      ctx.http.nearTokenUseful("swapped-case") ? "" : "the token has letters in one case only, so the other spelling was not tried",
    ].filter(Boolean);
    const note = notes.length > 0 ? ` (${notes.join("; ")})` : "";
    return { findings, summary: findings.length === 0 ? `Refused: ${tried.join(", ")}${note}.` : undefined };
  },
};
