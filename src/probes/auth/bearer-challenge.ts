import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { INVALID_TOKEN } from "../support/refusals.js";

const RULE = {
  ref: "rfc6750#section-3",
  text: "A 401 from a protected resource carries a `WWW-Authenticate: Bearer` challenge; for a token that is invalid or expired it carries error=\"invalid_token\", which tells a client to refresh the token.",
};

const BEARER = /(^|,\s*)Bearer(\s|,|$)/i;
const INVALID = /error\s*=\s*"?invalid_token"?/i;

function judge(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, what: string, wantInvalid: boolean): Finding[] {
  const header = ex.response?.headers["www-authenticate"];
  const base = { operation: op, exchange: ex, rule: RULE };
  if (header === undefined || !BEARER.test(header)) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/${header === undefined ? "missing" : "not-bearer"}`,
        severity: "warn",
        message: `The 401 to a request ${what} carries ${header === undefined ? "no WWW-Authenticate header" : `WWW-Authenticate: ${header}, not a Bearer challenge`}.`,
        fix: `Send \`WWW-Authenticate: Bearer realm="…"${wantInvalid ? ', error="invalid_token"' : ""}\` with every 401.`,
        evidence: { expected: wantInvalid ? 'Bearer …, error="invalid_token"' : "Bearer …", actual: header ?? "(absent)" },
      }),
    ];
  }
  if (wantInvalid && !INVALID.test(header)) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/no-invalid-token`,
        severity: "warn",
        message: `The 401 to a request ${what} has a Bearer challenge without error="invalid_token".`,
        fix: 'Add error="invalid_token" to the challenge when a token is unknown, revoked or expired.',
        evidence: { expected: 'error="invalid_token"', actual: header },
      }),
    ];
  }
  return [];
}

export const probe: Probe = {
  id: "auth.bearer-challenge",
  family: "auth",
  step: 2,
  title: "401 answers carry a Bearer challenge",
  description:
    "Calls user-info without a token and with a wrong one. Each 401 must carry `WWW-Authenticate: Bearer`, the wrong token's with error=\"invalid_token\" (RFC 6750), so a client knows to refresh rather than give up.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "user-info" && o.secured) ?? ctx.contract.operations.find((o) => o.secured && !o.path.includes("{"));
    if (!op) return { findings: [], skip: "The spec has no secured operation without parameters to call." };
    const cases = [
      { what: "without a token", auth: "none" as const, invalid: false },
      { what: "with a wrong token", auth: { bearer: INVALID_TOKEN, public: true }, invalid: true },
    ];
    const findings: Finding[] = [];
    let judged = 0;
    for (const c of cases) {
      const ex = await ctx.http.send({ method: op.method.toUpperCase() as "GET", path: op.path, auth: c.auth, operation: { method: op.method, path: op.path } });
      // Other statuses are judged by auth.no-token and auth.invalid-token.
      if (ex.response?.status !== 401) continue;
      judged++;
      findings.push(...judge(ctx, this.id, op, ex, c.what, c.invalid));
    }
    if (judged === 0) return { findings: [], skip: `${op.method} ${op.path} answered no 401 to judge (see auth.no-token and auth.invalid-token).` };
    return { findings, summary: findings.length === 0 ? `${judged} 401 answer${judged === 1 ? "" : "s"} carried the Bearer challenge RFC 6750 asks for.` : undefined };
  },
};
