import type { Probe } from "../types.js";
import { CREDENTIALS_MISSING, UNKNOWN_GRANT_TYPE, judgeTokenError, oauthErrorCode, postToken, tokenOperation } from "../support/oauth.js";

export const probe: Probe = {
  id: "oauth.unsupported-grant",
  family: "oauth",
  step: 3,
  title: "An unknown grant type is refused",
  description:
    "Asks the token endpoint, with the right client credentials and no code or refresh token, for a grant type no server defines. It must answer 400 unsupported_grant_type (RFC 6749 section 5.2), never tokens and never a server error.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const creds = ctx.credentials;
    if (!creds) return { findings: [], skip: CREDENTIALS_MISSING };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    // No refresh token in the form: whatever the partner does with this request, nothing is spent.
    const ex = await postToken(ctx, op, { grant_type: UNKNOWN_GRANT_TYPE, client_id: creds.clientId, client_secret: creds.clientSecret });
    const findings = judgeTokenError(ctx, this.id, op, ex, {
      status: 400,
      error: "unsupported_grant_type",
      what: `grant_type=${UNKNOWN_GRANT_TYPE}`,
      request: "token request",
      // A server may read an unknown grant type as a malformed request (invalid_request) or one this
      // client may not use (unauthorized_client): still a 400 refusal Reach can read, only less precise.
      otherCodeSeverity: "info",
    });
    return {
      findings,
      summary: findings.every((f) => f.severity === "info") ? `An unknown grant_type got ${ex.response?.status} ${oauthErrorCode(ex) ?? "(no error code)"}.` : undefined,
    };
  },
};
