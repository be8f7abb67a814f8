import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";

const RULE = {
  ref: "reach:openapi#error-item",
  text: "An error message is an explanation for a human reader, free of sensitive detail (the spec's ErrorItem.message); Reach's error guide asks partners to keep sensitive details out of error messages.",
};

/**
 * Answers that repeated a credential: reach-check masks every spelling of the tokens and secrets it
 * holds in what it keeps, and the HTTP client marks an answer where it found one (a token
 * endpoint's answer without the tokens it issues, which it carries by design). Reported once per
 * operation.
 */
export const probe: Probe = {
  id: "auth.secret-echo",
  family: "auth",
  step: 2,
  title: "Answers do not repeat credentials",
  description:
    "Looks at every answer of the run for the access token, the client secret, the refresh token or a token reach-check made up, in any spelling (URL-, JSON- or HTML-escaped, base64, hex): a partner that repeats a credential in an error message, a header or data writes it where it does not belong (logs, proxies, error pages). reach-check masks it in its own output either way; a token endpoint's answer is judged without the tokens it issues.",
  // Reads what the run's checks were answered: after those that call the operations.
  orderAfter: [
    "reliability.latency",
    "reachability.redirects",
    "auth.no-token",
    "auth.invalid-token",
    "schema.statements",
    "schema.reference-lists",
    // The token endpoint's answers, judged without the tokens they issue.
    "oauth.invalid-client",
    "oauth.invalid-grant",
    "oauth.refresh-grant",
    "oauth.unsupported-grant",
  ],
  async run(ctx) {
    const echoes = ctx.http.secretEchoes();
    const byOp = new Map<string, { first: Exchange; count: number; places: Set<string> }>();
    for (const ex of echoes) {
      const key = ex.operation ? `${ex.operation.method} ${ex.operation.path}` : `${ex.request.method} ${ex.request.path.split("?")[0]}`;
      const e = byOp.get(key);
      if (e) {
        e.count++;
        for (const p of ex.response?.echoed ?? []) e.places.add(p);
      } else byOp.set(key, { first: ex, count: 1, places: new Set(ex.response?.echoed ?? []) });
    }
    const findings: Finding[] = [];
    for (const [key, e] of byOp) {
      const res = e.first.response!;
      const where = [...e.places].join(", ");
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/echoed`,
          severity: "warn",
          message: `${key} answered ${res.status} with a credential reach-check sent or holds in its ${where}${e.count > 1 ? ` (${e.count} answers)` : ""}: a token or secret repeated in an answer ends up in logs, proxies and error pages. It is masked in this report.`,
          rule: RULE,
          fix: "Never repeat a credential in an answer: name the problem (\"the access token has expired\") without quoting the token, the client secret or the refresh token, in bodies and in headers such as WWW-Authenticate, Location and Set-Cookie.",
          ...(e.first.operation ? { operation: e.first.operation } : {}),
          exchange: e.first,
          evidence: { expected: "no credential in the answer", actual: `a credential in the ${where}` },
        }),
      );
    }
    const seen = ctx.http.samples().length;
    return {
      findings,
      summary: findings.length === 0 ? `None of the ${seen} answers the run had read by then repeated a credential.` : undefined,
    };
  },
};
