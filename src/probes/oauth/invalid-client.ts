import type { Probe } from "../types.js";
import { CREDENTIALS_MISSING, WRONG_CLIENT_SECRET, judgeTokenError, postToken, refreshForm, tokenOperation } from "../support/oauth.js";

export const probe: Probe = {
  id: "oauth.invalid-client",
  family: "oauth",
  step: 3,
  title: "A wrong client secret is refused",
  description:
    "Asks the token endpoint for a refresh with the right client id and refresh token but a wrong client secret. It must answer 401 invalid_client (RFC 6749 section 5.2), never tokens.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    if (!ctx.credentials) return { findings: [], skip: CREDENTIALS_MISSING };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    const ex = await postToken(ctx, op, refreshForm(ctx.credentials, { client_secret: WRONG_CLIENT_SECRET }));
    const findings = judgeTokenError(ctx, this.id, op, ex, { status: 401, error: "invalid_client", what: "a wrong client secret", alsoAllowed: [400] });
    return { findings, summary: findings.length === 0 ? `A wrong client secret got ${ex.response?.status} invalid_client.` : undefined };
  },
};
