import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { isErrorEnvelope, judgeErrorBody } from "../support/error-body.js";
import { listedCompanies } from "../../engine/companies.js";
import { makeFinding, transportFinding } from "../support/findings.js";
import { companyOperations, validRequest } from "../support/requests.js";
import { swapLetterCase } from "../../util/case.js";

const RULE = {
  ref: "reach:developer-checklist#per-customer-tokens",
  text: "Each customer's access token is scoped to that customer's data: a token used on another company, or on one that does not exist, gets 403 or 404, never data.",
};

/** A company id no partner will have; public, safe to print. */
export const UNKNOWN_COMPANY = "reach-check-unknown-company";

const USER_INFO_RULE = {
  ref: "openapi:#/paths/~1oauth2~1user-info/get",
  text: "user-info returns the user and the companies the token can access; Reach syncs each company it lists.",
};

/** How many of the companies a scoped token's user-info lists are read with it, when it lists them all. */
const MAX_READ_BACK = 5;

const SKIP_NO_TOKEN =
  "Give a second access token that reads fewer companies than the run's token with --scoped-token-env NAME (e.g. from `reach-check login` as a user of one company) to check that tokens are scoped to their companies.";

/** Companies the scoped token's user-info lists; undefined when user-info did not answer 200. */
async function scopedCompanies(ctx: ProbeContext, op: Operation, auth: { bearer: string; envName: string }): Promise<{ ex: Exchange; ids?: string[] }> {
  const ex = await ctx.http.send({ method: "GET", path: op.path, auth, operation: { method: op.method, path: op.path } });
  return { ex, ids: listedCompanies(op, ex) };
}

function judge(ctx: ProbeContext, checkId: string, op: Operation, ex: Exchange, company: string, whose: string, unknown: boolean): Finding[] {
  if (ex.error) return [transportFinding(ctx, checkId, ex, op, company)];
  const status = ex.response!.status;
  const base = { operation: op, company, exchange: ex, rule: RULE };
  if (status >= 200 && status < 300) {
    // An error body with a success status: refused, but a client reads the 2xx as data.
    const refusedInBody = isErrorEnvelope(ctx, ex.response!.json);
    // Nothing at all: no data given, but no refusal either.
    const emptyBody = ex.response!.bytes === 0;
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/${unknown ? "unknown-company" : "other-company"}`,
        severity: "fail",
        message: refusedInBody
          ? `${op.method} ${op.path} refused ${unknown ? "a company that does not exist" : `company ${company}`} to ${whose} in its body, but with status ${status}: Reach reads a 2xx as data, so the refusal is lost.`
          : emptyBody
          ? `${op.method} ${op.path} answered ${status} with an empty body for ${unknown ? "a company that does not exist" : `company ${company}`} to ${whose}: no data, but no refusal either.`
          : unknown
          ? `${op.method} ${op.path} answered ${status} for a company that does not exist, with ${whose}.`
          : `${op.method} ${op.path} gave data of company ${company} to ${whose}, which was not issued for it.`,
        fix: refusedInBody || emptyBody
          ? `Send that refusal with status 403 (no access) or 404 (no such company) and an error body in Reach's envelope: never ${status}.`
          : "Check, for every request, that the company in the path is one the access token was issued for; answer 403 (or 404) otherwise.",
        evidence: { expected: "403 or 404", actual: refusedInBody ? `${status} with an error body` : emptyBody ? `${status} with an empty body` : String(status) },
      }),
    ];
  }
  if (status >= 500) {
    return [
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/server-error`,
        severity: "fail",
        message: `${op.method} ${op.path} answered ${status} for ${unknown ? "an unknown company" : `company ${company}`} with ${whose}; expected 403 or 404.`,
        fix: "Answer 403 (no access) or 404 (no such company) instead of failing.",
        evidence: { expected: "403 or 404", actual: String(status) },
      }),
    ];
  }
  const findings: Finding[] = [];
  // 400 is tolerated for an id the partner finds malformed; 401 says the token itself is bad, which it is not.
  if (status === 401) {
    findings.push(
      makeFinding(ctx, {
        ...base,
        code: `${checkId}/status`,
        severity: "warn",
        message: `${op.method} ${op.path} answered 401 for ${unknown ? "an unknown company" : `company ${company}`} with ${whose}; a valid token without access gets 403 (or 404), since a 401 makes a client refresh the token in vain.`,
        fix: "Answer 403 when the token is valid but does not grant this company, 404 when the company does not exist.",
        evidence: { expected: "403 or 404", actual: "401" },
      }),
    );
  }
  // A refusal is an error answer like any other: JSON in Reach's envelope, never an HTML page.
  if (status >= 400) {
    const example = status === 404 ? "NotFound" : status === 401 ? "Unauthorized" : status === 400 ? "BadRequest" : "Forbidden";
    findings.push(...judgeErrorBody(ctx, checkId, op, ex, `for ${unknown ? "an unknown company" : `company ${company}`} with ${whose}`, company, example));
  }
  return findings;
}

/**
 * Reads each company with the scoped token. Refused ones are listed by user-info but not readable
 * (a user-info defect, and companies to try the scope with); when none is refused, the token reads
 * every company the run's token reads, which the operator said it would not.
 */
async function readBack(
  ctx: ProbeContext,
  checkId: string,
  companies: string[],
  auth: { bearer: string; envName: string },
  envName: string,
  userInfo: Operation,
  userInfoEx: Exchange,
): Promise<{ findings: Finding[]; refused: string[] }> {
  const op = companyOperations(ctx).find((o) => o.secured && o.profile.role === "company-info") ?? companyOperations(ctx).find((o) => o.secured);
  if (!op) return { findings: [], refused: [] };
  const findings: Finding[] = [];
  const refused: string[] = [];
  const read: string[] = [];
  let last: Exchange | undefined;
  for (const company of companies) {
    const req = await validRequest(ctx, op, company);
    if (!req) continue;
    const ex = await ctx.http.send({ ...req, auth });
    const status = ex.response?.status;
    if (status === undefined) continue;
    if (status >= 200 && status < 300) {
      read.push(company);
      last = ex;
    } else if (status === 401 || status === 403 || status === 404) {
      refused.push(company);
      findings.push(
        makeFinding(ctx, {
          code: `${checkId}/user-info-lists-unreadable`,
          severity: "warn",
          message: `user-info with the token in ${envName} lists company ${company}, but ${op.method} ${op.path} for it with that token answered ${status}: user-info lists a company the token cannot read, and Reach would try to sync it.`,
          rule: USER_INFO_RULE,
          fix: "List in user-info only the companies the access token can read.",
          operation: userInfo,
          company,
          exchange: userInfoEx,
          evidence: { expected: `${company} not listed, or readable with this token`, actual: `listed; ${op.path} answered ${status}` },
        }),
      );
    }
  }
  if (refused.length === 0 && read.length > 0) {
    findings.push(
      makeFinding(ctx, {
        code: `${checkId}/reads-every-company`,
        severity: "warn",
        message: `The token in ${envName} was given as one that reads fewer companies than the run's token (--scoped-token-env), but its user-info lists every company the run's token lists, and it read ${read.length === 1 ? `company ${read[0]}` : `each of ${read.join(", ")}`} (${op.method} ${op.path} ${last!.response!.status}). So no company outside its scope could be tried.`,
        rule: RULE,
        fix: `Check that ${envName} holds the token of a user who can read fewer companies (e.g. from \`reach-check login\` as a user of one company). If it does, the partner does not scope tokens: issue each token for the companies its user granted, and refuse the others with 403.`,
        operation: op,
        company: read[read.length - 1],
        exchange: last,
        evidence: { expected: "fewer companies than the run's token", actual: `reads ${read.join(", ")}` },
      }),
    );
  }
  return { findings, refused };
}

export const probe: Probe = {
  id: "auth.company-scope",
  family: "auth",
  step: 2,
  title: "Tokens only read their own companies",
  description:
    "With a second token that reads fewer companies (--scoped-token-env), calls every company operation for a company that token was not issued for, and two for a company that does not exist. Each must get 403 or 404 with a JSON error body, never data. When that token's user-info lists every company, reads them with it: a token that reads them all warns (the option promises fewer).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const scoped = ctx.scopedToken;
    if (!scoped) return { findings: [], skip: SKIP_NO_TOKEN };
    const userInfo = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    if (!userInfo) return { findings: [], skip: "The spec has no user-info operation to learn the scoped token's companies from." };
    const auth = { bearer: scoped.token, envName: scoped.envName };
    const own = await scopedCompanies(ctx, userInfo, auth);
    if (!own.ids) {
      const status = own.ex.response?.status;
      const got = own.ex.response ? `answered ${status}` : `failed (${own.ex.error?.message ?? "no answer"})`;
      // A 200 whose company list could not be read is the answer's form (schema.user-info), not the token.
      const why =
        status !== undefined && status >= 200 && status < 300
          ? "but its company list could not be read (see schema.user-info), so the token's companies are unknown."
          : "give a valid token that reads fewer companies.";
      return { findings: [], skip: `user-info with the token in ${scoped.envName} ${got}; ${why}` };
    }
    const findings: Finding[] = [];
    const ownIds = own.ids;
    let others = ctx.companies.filter((c) => !ownIds.includes(c));
    let readable = ownIds;
    if (others.length === 0) {
      // The option promises a token that reads fewer companies than the run's token; this one's
      // user-info lists them all. Read them with it to tell which of the two is not so.
      const runIds = listedCompanies(userInfo, await ctx.data.userInfo()) ?? [...ctx.companies];
      if (runIds.length > 0 && runIds.every((c) => ownIds.includes(c))) {
        const back = await readBack(ctx, this.id, runIds.slice(0, MAX_READ_BACK), auth, scoped.envName, userInfo, own.ex);
        findings.push(...back.findings);
        others = back.refused;
        readable = ownIds.filter((c) => !back.refused.includes(c));
      }
    }
    const whose = `the token in ${scoped.envName} (issued for ${readable.length === 0 ? "no company" : readable.join(", ")})`;
    let sent = 0;
    const ops = companyOperations(ctx).filter((o) => o.secured);
    const other = others[0];
    if (other !== undefined) {
      for (const op of ops) {
        const req = await validRequest(ctx, op, other);
        if (!req) continue;
        sent++;
        findings.push(...judge(ctx, this.id, op, await ctx.http.send({ ...req, auth }), other, whose, false));
      }
    }
    // The other company's id in the other case: an access check comparing the id as sent while the
    // lookup ignores case (a case-insensitive collation) lets the token read that company.
    const respelled = other === undefined ? undefined : swapLetterCase(other);
    const infoOp = ops.find((o) => o.profile.role === "company-info") ?? ops[0];
    if (other !== undefined && respelled !== undefined && respelled !== other && infoOp && !ctx.companies.includes(respelled)) {
      const req = await validRequest(ctx, infoOp, respelled);
      if (req) {
        sent++;
        const ex = await ctx.http.send({ ...req, auth });
        const status = ex.response?.status;
        if (status !== undefined && status >= 200 && status < 300 && !isErrorEnvelope(ctx, ex.response!.json)) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/other-company`,
              severity: "fail",
              message: `${infoOp.method} ${infoOp.path} answered ${status} with data for ${JSON.stringify(respelled)}, company ${other}'s id with its letters in the other case, to ${whose}: the access check compares the id as sent while the lookup ignores case, so the token reads a company it was not issued for.`,
              rule: RULE,
              fix: `Check access against the company the lookup found (its id as listed), not the id as sent; or treat company ids as exact strings and answer 404 to ${JSON.stringify(respelled)}.`,
              operation: infoOp,
              company: respelled,
              exchange: ex,
              evidence: { expected: "403 or 404", actual: String(status) },
            }),
          );
        }
      }
    }
    for (const op of ops.filter((o) => o.profile.role === "company-info" || o.profile.role === "list").slice(0, 2)) {
      const req = await validRequest(ctx, op, UNKNOWN_COMPANY);
      if (!req) continue;
      sent++;
      findings.push(...judge(ctx, this.id, op, await ctx.http.send({ ...req, auth }), UNKNOWN_COMPANY, whose, true));
    }
    if (sent === 0) return { findings: [], skip: "No company operation could be called." };
    // 401s to a token its user-info accepted a moment ago: when user-info now refuses it as well,
    // the token expired (or was revoked) during the run, and the 401s say nothing of the scope.
    if (findings.some((f) => f.code === `${this.id}/status` && f.evidence?.actual === "401")) {
      const again = await scopedCompanies(ctx, userInfo, auth);
      if (again.ex.response?.status === 401) {
        return {
          findings: [],
          skip: `The token in ${scoped.envName} stopped working during the run: user-info accepted it first and answers 401 now (expired or revoked), so the 401s to the other companies say nothing of its scope. Give a token with enough lifetime left for the run.`,
        };
      }
    }
    const summary =
      other === undefined
        ? `The token in ${scoped.envName} reads every company of this run, so only unknown companies were tried (${sent} requests refused).`
        : `${sent} requests with the token in ${scoped.envName} for company ${other} and an unknown company were refused.`;
    return { findings, summary: findings.length === 0 ? summary : undefined };
  },
};
