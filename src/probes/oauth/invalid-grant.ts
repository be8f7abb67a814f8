import type { Probe } from "../types.js";
import { CREDENTIALS_MISSING, UNKNOWN_REFRESH_TOKEN, judgeTokenError, postToken, refreshForm, tokenOperation } from "../support/oauth.js";

export const probe: Probe = {
  id: "oauth.invalid-grant",
  family: "oauth",
  step: 3,
  title: "A wrong refresh token is refused",
  description:
    "Asks the token endpoint for a refresh with the right client credentials and a refresh token it never issued. It must answer 400 invalid_grant (RFC 6749 section 5.2), which tells Reach to ask the customer to reconnect.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (!ctx.credentials) return { findings: [], skip: CREDENTIALS_MISSING };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    const ex = await postToken(ctx, op, refreshForm(ctx.credentials, { refresh_token: UNKNOWN_REFRESH_TOKEN }));
    const findings = judgeTokenError(ctx, this.id, op, ex, { status: 400, error: "invalid_grant", what: "a refresh token it never issued" });
    return { findings, summary: findings.length === 0 ? `An unknown refresh token got ${ex.response?.status} invalid_grant.` : undefined };
  },
};
