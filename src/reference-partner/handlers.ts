/**
 * Routing of the reference partner. Requests pass a fixed sequence of gates so that each rule (and
 * each defect switch bending it) sits in one place: route (404/405), the gateway switches that act
 * before the application (redirects, rate limits, outages), authentication (401), the company and
 * the token's scope (404/403), then the operation itself (400 on bad input).
 */
import type { ServerHandler, ServerReply, ServerRequest } from "../http/server.js";
import { authenticate } from "./auth.js";
import type { PartnerContext } from "./context.js";
import { LIST_NAMES, listOperation, type ListName } from "./lists.js";
import { authorize, discovery, token, userInfo } from "./oauth.js";
import { metricValuesOperation, STATEMENT_NAMES, statementOperation, type StatementName } from "./statements.js";

type CompanyOperation =
  | { kind: "info" }
  | { kind: "list"; list: ListName }
  | { kind: "statement"; statement: StatementName }
  | { kind: "metric-values" };

interface Route {
  methods: readonly string[];
  run(ctx: PartnerContext, req: ServerRequest): ServerReply;
}

const GET = ["GET", "HEAD"] as const;
const POST = ["POST"] as const;

const FIXED_ROUTES: Record<string, Route> = {
  "/auth/oauth-discovery": { methods: GET, run: discovery },
  "/oauth2/authorize": { methods: GET, run: authorize },
  "/oauth2/token": { methods: POST, run: token },
  "/oauth2/user-info": { methods: GET, run: userInfo },
};

function companyOperation(rest: string | undefined): { op: CompanyOperation; methods: readonly string[] } | undefined {
  if (rest === undefined) return { op: { kind: "info" }, methods: GET };
  if ((LIST_NAMES as readonly string[]).includes(rest)) return { op: { kind: "list", list: rest as ListName }, methods: GET };
  if ((STATEMENT_NAMES as readonly string[]).includes(rest)) return { op: { kind: "statement", statement: rest as StatementName }, methods: GET };
  if (rest === "non-financial") return { op: { kind: "metric-values" }, methods: POST };
  return undefined;
}

const notFound = (ctx: PartnerContext) =>
  ctx.respond.error(404, { error: "NotFound", message: "No operation exists at this path.", level: 5 });

const methodNotAllowed = (ctx: PartnerContext, methods: readonly string[]) =>
  ctx.respond.error(405, { error: "MethodNotAllowed", message: `This operation accepts ${methods.join(", ")}.`, level: 5 }, { allow: methods.join(", ") });

/**
 * A window of `quota` requests, then one second in which every request is refused (the Retry-After
 * of 1 the refusal carries), then a new window. True: refuse this request.
 */
function refused(ctx: PartnerContext, quota: number): boolean {
  const c = ctx.counters;
  const now = performance.now();
  if (now < c.refuseUntil) return true;
  if (c.windowRequests < quota) {
    c.windowRequests++;
    return false;
  }
  c.windowRequests = 0;
  c.refuseUntil = now + 1_000;
  return true;
}

/** Gateway behaviour switched on by reliability and redirect defects; undefined: carry on. */
function gateway(ctx: PartnerContext, req: ServerRequest): ServerReply | undefined {
  const d = ctx.defects;
  // defect: redirect-other-host (requests addressed to localhost itself are served, so a client
  // that follows the redirect reaches the data, with or without its token)
  if (d.has("redirect-other-host") && req.url.hostname !== "localhost") {
    const target = `${req.url.protocol}//localhost${req.url.port ? `:${req.url.port}` : ""}${req.url.pathname}${req.url.search}`;
    return { status: 307, headers: { location: target, "cache-control": "no-store" }, body: "" };
  }
  const n = ++ctx.counters.dataRequests;
  // defect: rate-limit (a limiter as partners run them: a client that waits out Retry-After finds
  // the next requests let through, whichever order they come in)
  if (d.has("rate-limit") && refused(ctx, 25)) {
    return ctx.respond.error(429, { error: "TooManyRequests", message: "Rate limit exceeded.", level: 7 }, { "retry-after": "1" });
  }
  // defect: rate-limit-no-retry-after
  if (d.has("rate-limit-no-retry-after") && n % 5 === 0) {
    return ctx.respond.error(429, { error: "TooManyRequests", message: "Rate limit exceeded.", level: 7 });
  }
  // defect: maintenance-503
  if (d.has("maintenance-503") && refused(ctx, 30)) {
    return ctx.respond.error(503, { error: "ServiceUnavailable", message: "Down for maintenance; retry shortly.", level: 7 }, { "retry-after": "1" });
  }
  // defect: intermittent-500
  if (d.has("intermittent-500") && n % 7 === 0) {
    return ctx.respond.error(500, { error: "InternalError", message: "An unexpected error occurred.", level: 9 });
  }
  return undefined;
}

function companyRequest(ctx: PartnerContext, req: ServerRequest, companyId: string, op: CompanyOperation): ServerReply {
  const early = gateway(ctx, req);
  if (early) return early;

  // defect: auth-not-enforced (budgets only: answered without looking at the token)
  const open = op.kind === "list" && op.list === "budgets" && ctx.defects.has("auth-not-enforced");
  let allowed: readonly string[] | undefined;
  if (!open) {
    const auth = authenticate(ctx, req, true);
    if ("reply" in auth) return auth.reply;
    allowed = auth.grant.companies;
  }

  const company = ctx.dataset.company(companyId);
  if (!company) {
    // defect: unknown-company-500
    // defect: lookalike-company-500 (the id's shape is checked by its length alone, then the lookup
    // has no not-found branch: an id as long as a real one crashes, others are 404)
    const lookalike = ctx.defects.has("lookalike-company-500") && ctx.dataset.companies().some((c) => c.id.length === companyId.length);
    if (ctx.defects.has("unknown-company-500") || lookalike) {
      return ctx.respond.error(500, { error: "InternalError", message: "An unexpected error occurred.", level: 9 });
    }
    return ctx.respond.error(404, { error: "NotFound", message: "No company with this CompanyId exists.", level: 6 });
  }
  // defect: tokens-not-scoped
  if (allowed && !allowed.includes(companyId) && !ctx.defects.has("tokens-not-scoped")) {
    // defect: html-403-scope
    if (ctx.defects.has("html-403-scope")) return ctx.respond.htmlError(403, "You do not have access to this company.");
    return ctx.respond.error(403, { error: "Forbidden", message: "This access token does not grant access to this company.", level: 8 });
  }

  switch (op.kind) {
    case "info": {
      // defect: company-mixup (every company but the first gets the first company's record)
      const first = ctx.dataset.company(ctx.dataset.companies()[0].id)!;
      const info: Record<string, unknown> = { ...(ctx.defects.has("company-mixup") ? first.info : company.info) };
      // defect: wrong-type
      if (ctx.defects.has("wrong-type")) info.FiscalMonthEnd = String(company.info.FiscalMonthEnd);
      // defect: unknown-field
      if (ctx.defects.has("unknown-field")) info.Region = company.info.Currency === "GBP" ? "Europe" : "North America";
      return ctx.respond.json(200, info, { data: true });
    }
    case "list":
      return listOperation(ctx, req, company, op.list);
    case "statement":
      return statementOperation(ctx, req, company, op.statement);
    case "metric-values":
      return metricValuesOperation(ctx, req, company);
  }
}

function route(ctx: PartnerContext, req: ServerRequest): ServerReply {
  const path = req.url.pathname;
  const fixed = FIXED_ROUTES[path];
  if (fixed) {
    if (!fixed.methods.includes(req.method)) return methodNotAllowed(ctx, fixed.methods);
    return fixed.run(ctx, req);
  }
  const m = /^\/companies\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) return notFound(ctx);
  const found = companyOperation(m[2]);
  if (!found) return notFound(ctx);
  if (!found.methods.includes(req.method)) return methodNotAllowed(ctx, found.methods);
  let companyId: string;
  try {
    companyId = decodeURIComponent(m[1]);
  } catch {
    return ctx.respond.error(400, { error: "BadRequest", message: "CompanyId is not validly percent-encoded.", level: 6 });
  }
  return companyRequest(ctx, req, companyId, found.op);
}

export function createHandler(ctx: PartnerContext): ServerHandler {
  return (req) => {
    // defect: refuse-connections
    if (ctx.defects.has("refuse-connections")) return { status: 0, destroy: true };
    return ctx.respond.finish(route(ctx, req));
  };
}
