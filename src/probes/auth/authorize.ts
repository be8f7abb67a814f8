import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { frontServerAnswer } from "../support/front-server.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { redirectTarget } from "../support/response.js";

/**
 * The authorization endpoint, asked once for a client it cannot know. Reach sends every customer
 * there to connect, so a missing endpoint means nobody can; and a server that sends an unknown
 * client's request on to the redirect_uri it names (with a code or an error) is an open redirector.
 * Nothing is signed in and no code can be issued: the client id is made up.
 */

const CLIENT_ID = "reach-check-unknown-client";
/** A host that never resolves (RFC 6761: .invalid), so nothing is ever sent there. */
const REDIRECT_URI = "https://reach-check.invalid/callback";
const STATE = "reach-check-probe";

const EXISTS = {
  ref: "openapi:#/paths/~1oauth2~1authorize/get",
  text: "GET /oauth2/authorize starts the authorization-code flow: Reach sends each customer there to sign in and grant access (response_type=code, client_id, redirect_uri, state).",
};

const NO_REDIRECT = {
  ref: "rfc6749#section-4.1.2.1",
  text: "If the request fails due to a missing, invalid, or mismatching redirection URI, or if the client identifier is missing or invalid, the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.",
};


/** RFC 6749's error codes an authorization endpoint may give for a bad request (4.1.2.1), and invalid_client. */
const OAUTH_ERRORS = new Set([
  "invalid_request",
  "unauthorized_client",
  "access_denied",
  "unsupported_response_type",
  "invalid_scope",
  "server_error",
  "temporarily_unavailable",
  "invalid_client",
]);

/**
 * A body in which the endpoint turned the client away in OAuth's terms (`{"error": "invalid_client"}`):
 * with it, a 404 is the endpoint refusing an unknown client (RFC 6749 names no status), not a
 * missing endpoint.
 */
function oauthRefusal(json: unknown): boolean {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return false;
  const error = (json as Record<string, unknown>).error;
  return typeof error === "string" && OAUTH_ERRORS.has(error);
}

export const probe: Probe = {
  id: "auth.authorize",
  family: "auth",
  step: 3,
  title: "The authorization endpoint exists and turns an unknown client away",
  description:
    "Sends GET /oauth2/authorize, without a token, for a made-up client_id and a redirect_uri on a host that never resolves: the endpoint must be there (not 404/405/501 or a 5xx; a 404 whose body is an OAuth error such as invalid_client is the endpoint refusing the client), must not send the browser on to that redirect_uri (RFC 6749 4.1.2.1) and must not hand out a code. An error page, a 4xx or a redirect to the partner's own sign-in page all pass.",
  after: ["reachability.connection"],
  orderAfter: ["auth.discovery"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "authorize");
    if (!op) return { findings: [], skip: "The spec has no authorize operation." };
    const ex = await ctx.http.send({
      method: "GET",
      path: op.path,
      query: { response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: STATE },
      auth: "none",
      operation: { method: op.method, path: op.path },
    });
    if (ex.error) return { findings: [transportFinding(ctx, this.id, ex, op)] };
    const res = ex.response!;
    const status = res.status;
    const findings: Finding[] = [];
    const to = status >= 300 && status < 400 ? redirectTarget(ex) : undefined;
    const front = frontServerAnswer(ex);
    if ((status === 404 && !oauthRefusal(ex.response?.json)) || status === 405 || status === 501) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/missing`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${status}: the authorization endpoint is not there, so no customer can connect Reach to this partner.`,
          rule: EXISTS,
          fix: `Serve the authorization-code flow at ${op.path} under the base URL (the path the spec and the discovery document name).`,
          operation: op,
          exchange: ex,
          evidence: { expected: "the endpoint (an error for this unknown client)", actual: String(status) },
        }),
      );
    } else if (front && front.kind === "too-large") {
      // Refused before the partner could look at the client: says nothing about the endpoint, and
      // Reach's own sign-in request (a real client_id and redirect_uri) is as long.
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/too-large`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${status}.${front.detail}`,
          rule: EXISTS,
          fix: front.fix,
          operation: op,
          exchange: ex,
          evidence: { expected: "the endpoint's own answer (an error for this unknown client)", actual: String(status) },
        }),
      );
    } else if (status >= 500) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/server-error`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${status} to a request for an unknown client_id instead of turning it away.${front?.detail ?? ""}`,
          rule: NO_REDIRECT,
          fix: front?.fix ?? "Check client_id and redirect_uri first and answer an unknown client with an error page or a 400, not a server error.",
          operation: op,
          exchange: ex,
          evidence: { expected: "an error for the resource owner (4xx or an error page)", actual: String(status) },
        }),
      );
    } else if (to?.hostname === new URL(REDIRECT_URI).hostname) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/redirects-unknown-client`,
          severity: "fail",
          message: `${op.method} ${op.path} sent the browser on to the redirect_uri of a client_id it cannot know (${status}, Location on ${new URL(REDIRECT_URI).hostname}): anyone can use the endpoint to redirect customers wherever they like${to.searchParams.has("code") ? ", and it handed out a code there" : ""}.`,
          rule: NO_REDIRECT,
          fix: "Look the client up before anything else; for an unknown client_id, or a redirect_uri not registered for it, show an error page instead of redirecting.",
          operation: op,
          exchange: ex,
          headers: ["location"],
          evidence: { expected: "no redirect to the request's redirect_uri", actual: `${status} to ${new URL(REDIRECT_URI).hostname}` },
        }),
      );
    } else if (status >= 200 && status < 300 && res.json && typeof res.json === "object" && typeof (res.json as Record<string, unknown>).code === "string") {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/code-for-unknown-client`,
          severity: "fail",
          message: `${op.method} ${op.path} answered ${status} with a code for a client_id it cannot know.`,
          rule: NO_REDIRECT,
          fix: "Issue authorization codes only to registered clients, for their registered redirect_uri.",
          operation: op,
          exchange: ex,
          pointer: "/code",
          evidence: { expected: "an error for the resource owner", actual: "a code" },
        }),
      );
    }
    // Origin and path only: a query may carry anything.
    const where = to ? ` (to ${to.origin}${to.pathname})` : "";
    return { findings, summary: findings.length === 0 ? `Turned an unknown client away: ${status}${where}.` : undefined };
  },
};
