import type { Finding } from "../../report/types.js";
import type { ClientCredentials, Probe } from "../types.js";
import {
  CREDENTIALS_MISSING,
  WRONG_CLIENT_ID,
  WRONG_CLIENT_SECRET,
  judgeTokenError,
  postToken,
  refreshForm,
  tokenOperation,
  type ExpectedTokenError,
} from "../support/oauth.js";

interface BadClient {
  /** For the summary: "wrong secret". */
  label: string;
  form(creds: ClientCredentials): Record<string, string>;
  want: ExpectedTokenError;
}

/**
 * RFC 6749 section 5.2 names a failed client authentication invalid_client (401, or 400 when the
 * client did not use the Authorization header, as with client_secret_post). A form without the
 * secret is also a request missing a required parameter, so invalid_request (400) is as right.
 */
const MISSING_SECRET_EQUIVALENT = [{ status: 400, error: "invalid_request" }];

const CASES: BadClient[] = [
  {
    label: "wrong secret",
    form: (c) => refreshForm(c, { client_secret: WRONG_CLIENT_SECRET }),
    want: { status: 401, error: "invalid_client", what: "a wrong client secret", alsoAllowed: [400] },
  },
  {
    label: "unknown client_id",
    form: (c) => refreshForm(c, { client_id: WRONG_CLIENT_ID }),
    want: { status: 401, error: "invalid_client", what: "a client_id it never registered (and the right secret)", alsoAllowed: [400] },
  },
  {
    label: "empty secret",
    form: (c) => refreshForm(c, { client_secret: "" }),
    want: { status: 401, error: "invalid_client", what: "an empty client_secret", alsoAllowed: [400], equivalents: MISSING_SECRET_EQUIVALENT },
  },
  {
    label: "no secret",
    form: (c) => refreshForm(c, { client_secret: null }),
    want: { status: 401, error: "invalid_client", what: "no client_secret at all", alsoAllowed: [400], equivalents: MISSING_SECRET_EQUIVALENT },
  },
];

export const probe: Probe = {
  id: "oauth.invalid-client",
  family: "oauth",
  step: 3,
  title: "A wrong or missing client credential is refused",
  description:
    "Asks the token endpoint for a refresh with the right refresh token but a wrong client secret, an unknown client_id, an empty secret and no secret. Each must be refused (RFC 6749 section 5.2: 401 invalid_client; 400 invalid_request also passes for a missing secret), never answered with tokens.",
  after: ["reachability.connection"],
  // Whether the token endpoint takes client_secret_post at all: auth.discovery reads it.
  orderAfter: ["auth.discovery"],
  blockedByFailure: true,
  spendsToken: true,
  async run(ctx) {
    const creds = ctx.credentials;
    if (!creds) return { findings: [], skip: CREDENTIALS_MISSING };
    const op = tokenOperation(ctx);
    if (!op) return { findings: [], skip: "The spec has no token operation." };
    // A token endpoint that takes client credentials only another way (client_secret_basic, say)
    // refuses every one of these requests, the right client's too: that says nothing of how it
    // judges a wrong one. Its discovery document tells (auth.discovery warns about it).
    const noPost = ctx.results.get("auth.discovery")?.findings.find((f) => f.code === "auth.discovery/missing-client-secret-post");
    if (noPost) {
      return {
        findings: [],
        skip: `Not tried: the discovery document does not list client_secret_post, the client authentication Reach uses (${noPost.evidence?.actual ?? "see auth.discovery"}), so every request here could be refused for its method, not its credentials (see auth.discovery and oauth.refresh-grant).`,
      };
    }
    const findings: Finding[] = [];
    const answers: string[] = [];
    // One after the other: a partner that wrongly accepts one of them and rotates refresh tokens
    // has spent the one we hold, and every later answer would be about that, not the client.
    for (const [i, c] of CASES.entries()) {
      const ex = await postToken(ctx, op, c.form(creds));
      findings.push(...judgeTokenError(ctx, this.id, op, ex, c.want));
      answers.push(`${c.label} ${ex.response?.status ?? ex.error?.code}`);
      const issued = ex.response && ex.response.status < 300 ? ctx.http.issuedSecret(ex, "refresh_token") : undefined;
      if (issued !== undefined && issued !== creds.refreshToken && i < CASES.length - 1) {
        answers.push(
          `stopped: that answer rotated the refresh token, so REACH_REFRESH_TOKEN may be spent and the ${CASES.length - 1 - i} remaining case(s) were not tried; get a fresh one with \`reach-check login\``,
        );
        break;
      }
    }
    return { findings, summary: findings.length === 0 ? `Refused: ${answers.join(", ")}.` : `Token endpoint answers: ${answers.join(", ")}.` };
  },
};
