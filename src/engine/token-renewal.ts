/**
 * Renewing the run's access token as Reach does when one expires (REACH_API_FACTS 3.1: Reach calls
 * the token endpoint with the refresh token): the refresh grant with the OAuth client
 * (client_secret_post). A refresh token the partner rotates replaces the one in `credentials`, so
 * a later renewal and the oauth.* checks use the one that still works. The issued tokens are
 * registered as secrets by the client before anything is stored.
 */
import type { HttpClient } from "../http/types.js";
import type { ClientCredentials, Operation } from "../probes/types.js";
import { ISSUED_SECRETS, refreshForm } from "../probes/support/oauth.js";

export function tokenRenewer(http: () => HttpClient, op: Operation, credentials: ClientCredentials): () => Promise<string | undefined> {
  return async () => {
    const client = http();
    const ex = await client.send({
      method: "POST",
      path: op.path,
      body: { form: refreshForm(credentials) },
      auth: "none",
      operation: { method: op.method, path: op.path },
      secretResponseFields: ISSUED_SECRETS,
    });
    const status = ex.response?.status;
    if (status === undefined || status < 200 || status >= 300) return undefined;
    const refresh = client.issuedSecret(ex, "refresh_token");
    if (refresh) credentials.refreshToken = refresh;
    return client.issuedSecret(ex, "access_token") || undefined;
  };
}
