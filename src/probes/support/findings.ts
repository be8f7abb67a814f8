/**
 * Building findings from exchanges: evidence, excerpts and curl lines come out the same way in
 * every probe.
 */
import { unescapePointerSegment } from "../../schema/render.js";
import type { Exchange } from "../../http/types.js";
import type { Evidence, Finding, FindingSeverity, RuleRef } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";

const EXCERPT_CHARS = 300;
/** Headers worth showing in any finding; a probe names more when its rule is about them. */
const SHOWN_HEADERS = ["content-type", "www-authenticate", "location", "retry-after"];

/** Value at a JSON pointer, or undefined. */
export function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  let cur: unknown = value;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = unescapePointerSegment(raw);
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A body excerpt made from text the caller already has (e.g. one row kept from a folded body). */
export function excerpt(text: string): string {
  return clip(text.replace(/\s+/g, " ").trim());
}

function clip(text: string, max = EXCERPT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A short excerpt of a body. With a pointer into a JSON body, the record holding the offending
 * value (its parent object) is shown, which is what a reader needs to find it in their data.
 */
export function bodyExcerpt(ex: Exchange, pointer?: string): string | undefined {
  const res = ex.response;
  if (!res) return undefined;
  if (pointer !== undefined && res.json !== undefined) {
    const segs = pointer.split("/");
    for (let cut = segs.length - 1; cut >= 1; cut--) {
      const parent = atPointer(res.json, segs.slice(0, cut).join("/"));
      if (parent !== undefined && typeof parent === "object" && parent !== null) {
        try {
          return clip(JSON.stringify(parent));
        } catch {
          break; // too deep to serialise: fall back to the raw text below
        }
      }
    }
  }
  if (res.text === "") return undefined;
  return clip(res.text.replace(/\s+/g, " ").trim());
}

export function exchangeEvidence(ex: Exchange, extra: Partial<Evidence> = {}, pointer?: string, moreHeaders: string[] = []): Evidence {
  const ev: Evidence = { request: ex.request.path };
  if (ex.response) {
    ev.status = ex.response.status;
    const headers: Record<string, string> = {};
    // Which server answered an error (a proxy's Server or Via) tells where to look for its cause.
    const who = ex.response.status >= 400 ? ["server", "via"] : [];
    for (const h of [...SHOWN_HEADERS, ...who, ...moreHeaders]) {
      const v = ex.response.headers[h];
      if (v !== undefined) headers[h] = v;
    }
    if (Object.keys(headers).length > 0) ev.headers = headers;
    const excerpt = bodyExcerpt(ex, pointer);
    if (excerpt !== undefined) ev.bodyExcerpt = excerpt;
  } else if (ex.error) {
    ev.actual = `${ex.error.code}: ${ex.error.message}`;
  }
  ev.durationMs = Math.round(ex.durationMs);
  return { ...ev, ...extra };
}

export interface FindingInput {
  code: string;
  severity: FindingSeverity;
  message: string;
  rule: RuleRef;
  fix: string;
  operation?: Operation | { method: string; path: string };
  company?: string;
  pointer?: string;
  exchange?: Exchange;
  evidence?: Partial<Evidence>;
  /** Response headers to show beyond the usual ones (lower case). */
  headers?: string[];
  /** Give an info finding a curl line too (findings of other severities always get one). */
  reproduce?: boolean;
}

export function makeFinding(ctx: ProbeContext, input: FindingInput): Finding {
  const f: Finding = {
    code: input.code,
    severity: input.severity,
    message: input.message,
    rule: input.rule,
    fix: input.fix,
  };
  if (input.operation) f.operation = { method: input.operation.method, path: input.operation.path };
  if (input.company !== undefined) f.company = input.company;
  if (input.pointer !== undefined) f.pointer = input.pointer;
  if (input.exchange) {
    f.evidence = exchangeEvidence(input.exchange, input.evidence ?? {}, input.pointer, input.headers);
    if (input.severity !== "info" || input.reproduce) f.curl = ctx.http.curl(input.exchange);
    const again = intermittence(input.exchange);
    if (again) {
      f.message = `${f.message} ${again}`;
      f.fix = `${f.fix} ${INTERMITTENT_FIX}`;
    }
  } else if (input.evidence) {
    f.evidence = { ...input.evidence };
  }
  return f;
}

export const INTERMITTENT_FIX =
  "The failure comes and goes: one replay of the curl line may not show it, so run it a few times, and look in your logs for the failure at the time of this run.";

/**
 * A server error the same request did not get when sent again at once (see Exchange.again): one
 * sentence saying so, or undefined.
 */
function intermittence(ex: Exchange): string | undefined {
  const first = ex.response?.status;
  const second = ex.again?.status;
  if (first === undefined || first < 500 || second === undefined || second >= 500) return undefined;
  return `Sent again at once, the same request was answered ${second}.`;
}

/** The reason (after `<check id>/`) of a finding about a request the run's budget kept from being sent. */
export const NOT_SENT = "not-sent";
/** Code suffix of a list the run's page cap (--max-pages) stopped before its end, the list still going. */
export const PAGE_CAP = "page-cap";

/** What to do, for the transport failures where the generic advice would mislead. */
const TRANSPORT_FIX: Partial<Record<string, string>> = {
  "budget-exhausted": "reach-check did not send this request: the run's request budget was used up. Raise --max-requests (and look for lists that never end or requests repeated without need).",
  deadline: "The run's deadline passed before this request was answered. Make the slow operations answer faster, or give the run more time with --deadline.",
  "body-too-large": "Keep responses within the body size cap (--max-body): page large lists with offset/limit instead of sending everything at once.",
  "body-timeout": "Send the whole body promptly once the headers are out (within --body-timeout); a body that trickles in stalls Reach's sync.",
  "headers-timeout": "Answer within the time limit (--timeout); check the server logs for this request.",
  protocol:
    "Send well-formed HTTP/1.1 (each header on one CRLF-ended line, the body exactly as long as Content-Length says or chunked, one response per request). The application's logs may show a normal answer: look at what leaves the server, often a proxy, a hand-written header or a response written twice.",
};

/** Why a transport failure matters, by kind: framing is HTTP's own rule, the rest is reliability. */
const FRAMING_RULE = {
  ref: "rfc9112#section-2",
  text: "An HTTP/1.1 response is a status line, header fields each on one CRLF-ended line, and a body framed by Content-Length or the chunked transfer coding (RFC 9112 sections 2-7); a client cannot read anything else.",
};

/** The request never got an answer: a transport failure is a finding on that operation. */
export function transportFinding(ctx: ProbeContext, checkId: string, ex: Exchange, op: Operation, company?: string): Finding {
  const err = ex.error!;
  // Not sent at all: reach-check's own bound, not the partner's fault. The engine folds a check's
  // findings of this code into one (src/engine/not-sent.ts).
  if (err.code === "budget-exhausted") {
    return makeFinding(ctx, {
      code: `${checkId}/${NOT_SENT}`,
      severity: "fail",
      message: `${op.method} ${op.path} was not sent: the run's request budget (--max-requests) was used up.`,
      rule: RULES.budget,
      fix: TRANSPORT_FIX[err.code]!,
      operation: op,
      company,
      evidence: { request: ex.request.path, expected: "the request sent and answered", actual: err.message },
    });
  }
  return makeFinding(ctx, {
    code: `${checkId}/transport`,
    severity: "fail",
    message: `${op.method} ${op.path} got no usable answer: ${err.message}`,
    rule: err.code === "protocol" ? FRAMING_RULE : RULES.reliable,
    fix: TRANSPORT_FIX[err.code] ?? "Make sure the endpoint answers every request within the time limits; check the server logs for this request.",
    operation: op,
    company,
    exchange: ex,
  });
}

/** Rules that several probes cite. The refs name Reach's page or the bundled spec's model. */
export const RULES = {
  json: {
    ref: "reach:developer-checklist#responses-valid-json",
    text: "Every response, errors included, is valid JSON (Reach developer checklist; error-handling guide).",
  },
  status: {
    ref: "reach:error-handling#status-codes",
    text: "A valid request with a valid token answers 200 (or 204 for no data); errors are never sent as 200.",
  },
  unauthorized: {
    ref: "reach:developer-checklist#unauthorized-401-403",
    text: "Requests without a valid token get 401 Unauthorized or 403 Forbidden, never 200 and never HTML.",
  },
  envelope: {
    ref: "reach:error-handling#error-envelope",
    text: "Error bodies are JSON of the form {errors: [{error, message, level?}]}, even for a single error.",
  },
  reliable: {
    ref: "reach:developer-checklist#behaviour-and-stability",
    text: "Endpoints answer reliably and within about 1-2 seconds under typical conditions.",
  },
  noNull: {
    ref: "reach:developer-checklist#empty-datasets",
    text: "Empty datasets come back as empty arrays, never as null or an error.",
  },
  budget: {
    ref: "reach-check:request-budget",
    text: "A run sends at most --max-requests requests; readiness is shown only by checks whose requests were all sent.",
  },
  pageCap: {
    ref: "reach-check:max-pages",
    text: "A run reads at most --max-pages pages of a list, so a list that never ends cannot hold it up; checks that need a whole list judge only lists read to their end.",
  },
  fields: {
    ref: "reach:developer-checklist#no-unexpected-fields",
    text: "No unexpected fields appear in responses (Reach ignores them, the checklist asks for none).",
  },
} satisfies Record<string, RuleRef>;

/**
 * Whether a check that ran before this one failed for the company: a finding of severity fail for
 * it, among those of `checks`, at a pointer `at` accepts when given. Lets a check say that another
 * one's failure may explain what it sees.
 */
export function failedFor(ctx: ProbeContext, checks: readonly string[], company: string, at?: (pointer: string) => boolean): boolean {
  return checks.some((id) => ctx.results.get(id)?.findings.some((f) => f.severity === "fail" && f.company === company && (!at || (f.pointer !== undefined && at(f.pointer)))) ?? false);
}

/**
 * A sentence for a finding whose cause may be statements cut by a row limit: accuracy.row-grid found
 * `row-cap` for this company (it runs first where this check orders after it). Empty otherwise.
 */
export function rowCapNote(ctx: ProbeContext, company: string): string {
  const cap = ctx.results.get("accuracy.row-grid")?.findings.find((f) => f.code === "accuracy.row-grid/row-cap" && f.company === company);
  if (!cap) return "";
  const rows = /^(\d+) rows/.exec(cap.evidence?.actual ?? "")?.[1];
  return ` Statements of ${company} stop at ${rows ?? "a fixed number of"} rows (accuracy.row-grid, row-cap): rows cut off there are missing here too, so fix that limit first.`;
}
