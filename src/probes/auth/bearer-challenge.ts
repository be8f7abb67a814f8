import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { NO_TOKEN, OTHER_SCHEME, WRONG_TOKEN, sendRefusals, type RefusalCase, type RefusalExchange } from "../support/refusals.js";

const RULE = {
  ref: "rfc6750#section-3",
  text: "A 401 from a protected resource carries a `WWW-Authenticate: Bearer` challenge; for a token that is invalid or expired it carries error=\"invalid_token\", which tells a client to refresh the token.",
};

const RULE_401 = {
  ref: "rfc9110#section-11.6.1",
  text: "A server sending 401 (Unauthorized) MUST send a WWW-Authenticate header with at least one challenge that applies to the resource; for a resource protected by OAuth 2.0 bearer tokens that is a Bearer challenge (RFC 6750 section 3).",
};

const RULE_NO_ERROR = {
  ref: "rfc6750#section-3.1",
  text: "If the request lacks any authentication information, the resource server SHOULD NOT include an error code or other error information in the challenge.",
};

/** Quoted strings (realm, error_description...) blanked out, so a scheme named inside one is not taken for a challenge. */
function unquoted(header: string): string {
  return header.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** A Bearer challenge among possibly several (`DPoP algs="ES256", Bearer realm="x"`); scheme names are case-insensitive. */
const BEARER = /(^|,)\s*Bearer(\s|,|$)/i;
const INVALID = /error\s*=\s*"?invalid_token"?/i;
const ANY_ERROR = /(^|[\s,])error\s*=/i;

const CASES: RefusalCase[] = [NO_TOKEN, WRONG_TOKEN, OTHER_SCHEME];

interface Answer extends RefusalExchange {
  c: RefusalCase;
  header?: string;
}

function list(whats: string[]): string {
  return whats.length <= 1 ? (whats[0] ?? "") : `${whats.slice(0, -1).join(", ")} and ${whats[whats.length - 1]}`;
}

/** Findings for the 401 answers of one operation. */
function judgeOperation(ctx: ProbeContext, checkId: string, op: Operation, answers: Answer[]): Finding[] {
  const findings: Finding[] = [];
  // One finding per operation and kind of problem, naming every request that showed it.
  const noBearer = new Map<string, Answer[]>();
  for (const a of answers) {
    if (a.header !== undefined && BEARER.test(unquoted(a.header))) continue;
    const key = a.header === undefined ? "missing" : "not-bearer";
    noBearer.set(key, [...(noBearer.get(key) ?? []), a]);
  }
  for (const [, group] of noBearer) {
    const first = group[0]!;
    const header = first.header;
    const wantInvalid = group.some((a) => a.c.kind === "wrong-token");
    findings.push(
      makeFinding(ctx, {
        code: `${checkId}/${header === undefined ? "missing" : "not-bearer"}`,
        severity: "warn",
        message:
          header === undefined
            ? `${op.method} ${op.path} answered 401 to ${group.length === 1 ? "a request" : "requests"} ${list(group.map((a) => a.c.what))}, without a WWW-Authenticate header.`
            : `${op.method} ${op.path} answered 401 to ${group.length === 1 ? "a request" : "requests"} ${list(group.map((a) => a.c.what))} with a WWW-Authenticate header that holds no Bearer challenge (${group.length === 1 ? "" : `to the request ${first.c.what}: `}\`${header}\`).`,
        rule: header === undefined ? RULE_401 : RULE,
        fix: `Send \`WWW-Authenticate: Bearer realm="…"${wantInvalid ? '` (with error="invalid_token" for a wrong or expired token)' : "`"} with every 401 of this operation, as user-info's may already do.`,
        operation: op,
        company: first.company,
        exchange: first.ex,
        evidence: { expected: wantInvalid ? 'Bearer …, error="invalid_token"' : "Bearer …", actual: header ?? "(absent)" },
      }),
    );
  }
  for (const a of answers) {
    if (a.header === undefined || !BEARER.test(unquoted(a.header))) continue;
    if (a.c.kind === "wrong-token" && !INVALID.test(a.header)) {
      findings.push(
        makeFinding(ctx, {
          code: `${checkId}/no-invalid-token`,
          severity: "warn",
          message: `${op.method} ${op.path} answered 401 to a request ${a.c.what} with a Bearer challenge without error="invalid_token".`,
          rule: RULE,
          fix: 'Add error="invalid_token" to the challenge when a token is unknown, revoked or expired.',
          operation: op,
          company: a.company,
          exchange: a.ex,
          evidence: { expected: 'error="invalid_token"', actual: a.header },
        }),
      );
    }
    if (a.c.kind === "no-token" && ANY_ERROR.test(unquoted(a.header))) {
      findings.push(
        makeFinding(ctx, {
          code: `${checkId}/error-without-token`,
          severity: "info",
          message: `${op.method} ${op.path} answered a request ${a.c.what} with an error code in its challenge (${a.header}); RFC 6750 asks for none when no credential was sent.`,
          rule: RULE_NO_ERROR,
          fix: 'Send a plain `WWW-Authenticate: Bearer realm="…"` when the request has no Authorization header; keep error="invalid_token" for a token that is wrong or expired.',
          operation: op,
          company: a.company,
          exchange: a.ex,
          // The finding is about a header: the line shows it on replay.
          reproduce: true,
        }),
      );
    }
  }
  return findings;
}

export const probe: Probe = {
  id: "auth.bearer-challenge",
  family: "auth",
  step: 2,
  title: "401 answers carry a Bearer challenge",
  description:
    "Reads the answers auth.no-token and auth.invalid-token got (no token, a wrong token, a Basic credential) for every secured operation. Each 401 must carry `WWW-Authenticate: Bearer`, the wrong token's with error=\"invalid_token\" (RFC 9110, RFC 6750), so a client knows to refresh rather than give up.",
  after: ["reachability.connection"],
  // Their requests are this check's too: run after them, and read their answers from the client's cache.
  orderAfter: ["auth.no-token", "auth.invalid-token"],
  blockedByFailure: true,
  async run(ctx) {
    const byOp = new Map<string, { op: Operation; answers: Answer[] }>();
    /** Statuses other than 401 per case, e.g. "with a wrong token: 403 ×11". */
    const notJudged: string[] = [];
    let secured = 0;
    let judged = 0;
    for (const c of CASES) {
      const r = await sendRefusals(ctx, c);
      secured = r.secured;
      const others = new Map<string, number>();
      for (const s of r.sent) {
        const status = s.ex.response?.status;
        if (status !== 401) {
          const key = status === undefined ? "no answer" : String(status);
          others.set(key, (others.get(key) ?? 0) + 1);
          continue;
        }
        judged++;
        const entry = byOp.get(s.op.key) ?? { op: s.op, answers: [] };
        entry.answers.push({ ...s, c, header: s.ex.response!.headers["www-authenticate"] });
        byOp.set(s.op.key, entry);
      }
      if (others.size > 0) notJudged.push(`${c.what}: ${[...others].map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    }
    if (secured === 0) return { findings: [], skip: "The spec declares no secured operation." };
    const elsewhere = notJudged.length > 0 ? ` Not 401, so not judged here (see auth.no-token and auth.invalid-token): requests ${notJudged.join("; ")}.` : "";
    if (judged === 0) return { findings: [], skip: `No request to be refused was answered 401, so there is no challenge to judge.${elsewhere}` };
    const findings: Finding[] = [];
    for (const { op, answers } of byOp.values()) findings.push(...judgeOperation(ctx, this.id, op, answers));
    const problems = findings.filter((f) => f.severity !== "info").length;
    const head = problems === 0 ? `${judged} 401 answers carried the Bearer challenge RFC 6750 asks for.` : `${problems} finding${problems === 1 ? "" : "s"} in ${judged} 401 answers.`;
    return { findings, summary: `${head}${elsewhere}` };
  },
};
