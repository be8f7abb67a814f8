import type { Probe } from "../types.js";
import { atPointer, makeFinding } from "../support/findings.js";
import { checkDataResponse, encodedCompany } from "../support/response.js";
import { emptyNameFinding } from "../support/empty-names.js";
import { isDotSegment, listedCompanies } from "../../engine/companies.js";

export const probe: Probe = {
  id: "schema.user-info",
  family: "schema",
  step: 2,
  title: "User info and company list match the spec",
  description:
    "Validates the user-info response, where Reach learns which companies a token can read, and checks that it lists at least one company, each once.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const op = ctx.contract.operations.find((o) => o.profile.role === "user-info");
    const ex = await ctx.data.userInfo();
    if (!op || !ex) return { findings: [], skip: "The spec has no user-info operation." };
    const checked = checkDataResponse(ctx, this.id, op, ex);
    const findings = [...checked.findings];
    const pointer = op.profile.companiesPointer;
    if (checked.ok && pointer) {
      const list = atPointer(ex.response!.json, pointer);
      if (Array.isArray(list) && list.length === 0) {
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/no-companies`,
            severity: "fail",
            message: `${op.method} ${op.path} lists no company for this token, so Reach has nothing to sync.`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "Each customer's token gives access to that customer's company data.",
            },
            fix: "Grant the token access to the customer's companies and list them in the response.",
            operation: op,
            pointer,
            exchange: ex,
          }),
        );
      }
      // The same company twice: Reach would set it up twice, or one entry shadows the other.
      if (Array.isArray(list)) {
        const field = op.profile.companyIdField ?? "CompanyId";
        const seen = new Map<string, number>();
        const twice: { id: string; first: number; at: number }[] = [];
        list.forEach((item, i) => {
          const id = item && typeof item === "object" ? (item as Record<string, unknown>)[field] : undefined;
          if (typeof id !== "string") return;
          const first = seen.get(id);
          if (first === undefined) seen.set(id, i);
          else twice.push({ id, first, at: i });
        });
        if (twice.length > 0) {
          const t = twice[0];
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/duplicate-company`,
              severity: "warn",
              message: `${op.method} ${op.path} lists ${twice.length === 1 ? `the company ${JSON.stringify(t.id)} twice` : `${twice.length} companies more than once (${twice.map((x) => JSON.stringify(x.id)).slice(0, 4).join(", ")})`}: at ${pointer}/${t.first} and ${pointer}/${t.at}.`,
              rule: {
                ref: "reach:developer-checklist#authentication",
                text: "User info lists the companies the token can read, each once: Reach sets up one company per entry.",
              },
              fix: "List each company once (a join over users, roles or subscriptions often repeats rows).",
              operation: op,
              pointer: `${pointer}/${t.at}/${field}`,
              exchange: ex,
              evidence: { expected: "each CompanyId once", actual: `${JSON.stringify(t.id)} at ${pointer}/${t.first} and ${pointer}/${t.at}` },
            }),
          );
        }
      }
    }
    // A company named with --company that the list leaves out: Reach takes its companies from this
    // list, so it would never sync that one, however well the rest of the run goes for it.
    const listed = checked.ok ? listedCompanies(op, ex) : undefined;
    const unlisted = listed ? ctx.companies.filter((c) => !listed.includes(c)) : [];
    if (listed && pointer && unlisted.length > 0) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/company-not-listed`,
          severity: "fail",
          message: `${op.method} ${op.path} does not list ${unlisted.length === 1 ? `the company ${JSON.stringify(unlisted[0])}` : `${unlisted.length} companies (${unlisted.slice(0, 4).map((c) => JSON.stringify(c)).join(", ")})`} that this run checks (--company), among the ${listed.length} it lists. Reach learns the companies a token reads from this list, so it would never sync ${unlisted.length === 1 ? "it" : "them"}.`,
          rule: {
            ref: "reach:developer-checklist#authentication",
            text: "User info lists every company the token can read: Reach sets up and syncs the companies it lists.",
          },
          fix: `List every company the token can read in the user-info answer (at ${pointer}); if ${unlisted.length === 1 ? "this id was" : "these ids were"} given by mistake, run again with the ids the list holds.`,
          operation: op,
          pointer,
          exchange: ex,
          evidence: { expected: `${unlisted.map((c) => JSON.stringify(c)).slice(0, 4).join(", ")} among the listed companies`, actual: `${listed.length} listed: ${listed.slice(0, 6).map((c) => JSON.stringify(c)).join(", ")}${listed.length > 6 ? ", …" : ""}` },
        }),
      );
    }
    // An id that cannot be a path segment: every request for that company would reach another path.
    const dots = listed?.filter(isDotSegment) ?? [];
    if (pointer && dots.length > 0) {
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/unaddressable-company`,
          severity: "fail",
          message: `${op.method} ${op.path} lists the company id ${dots.map((d) => JSON.stringify(d)).join(" and ")}, which cannot be sent in a URL path: URL resolution removes a segment of . or .. (also written %2E), so a request for /companies/${dots[0]}/… reaches another path. reach-check leaves ${dots.length === 1 ? "it" : "them"} out of this run.`,
          rule: {
            ref: "rfc3986#section-5.2.4",
            text: "Dot segments (. and .., and their percent-encoded forms) are removed from a path when a reference is resolved, so they cannot stand for data in a path segment.",
          },
          fix: "Give the company an id that is not . or .. (any other string works once percent-encoded).",
          operation: op,
          pointer,
          exchange: ex,
          evidence: { expected: "company ids usable as a path segment", actual: dots.map((d) => JSON.stringify(d)).join(", ") },
        }),
      );
    }
    // Listed companies the token cannot open while others open: the run left them out (engine/run.ts,
    // only when it took its companies from this list), so this is the one place their fault shows.
    const unopened = ctx.data.leftOutCompanies();
    if (unopened.length > 0) {
      const infoOp = ctx.contract.operations.find((o) => o.profile.role === "company-info")!;
      const first = unopened[0];
      const status = first.exchange.response!.status;
      // An id that travels percent-encoded and meets a 404: likely a path segment looked up undecoded.
      const encoded = status === 404 ? encodedCompany(infoOp, first.id) : undefined;
      const names = unopened.slice(0, 4).map((u) => `${JSON.stringify(u.id)} (${u.exchange.response!.status})`).join(", ") + (unopened.length > 4 ? ` and ${unopened.length - 4} more` : "");
      findings.push(
        makeFinding(ctx, {
          code: `${this.id}/listed-unreadable`,
          severity: "fail",
          message: `${op.method} ${op.path} lists ${unopened.length === 1 ? "a company" : `${unopened.length} companies`} that the same token cannot open: ${infoOp.method} ${infoOp.path} answers ${names}, while it answers 200 for other listed companies. Reach would set up ${unopened.length === 1 ? "a company" : "companies"} whose every sync fails. reach-check leaves ${unopened.length === 1 ? "it" : "them"} out of this run.${encoded?.detail ?? ""}`,
          rule: {
            ref: "reach:developer-checklist#authentication",
            text: "User info lists the companies the token can read: Reach sets up and syncs each company it lists.",
          },
          fix: encoded
            ? encoded.fix
            : status === 404
              ? "List only companies the partner serves: user-info and the company operations must read the same tenant's companies by the same id (a user-info built from another table, an id field that differs, or a company deleted but still linked to the user)."
              : "List only the companies this token may read, or grant the token access to every company it lists.",
          operation: infoOp,
          company: first.id,
          exchange: first.exchange,
          evidence: { expected: `200 for every company listed at ${pointer}`, actual: names },
        }),
      );
    }
    // Every listed company unknown to company information: the ids listed are not the ids served
    // (another field or spelling), or the operation is not where the spec puts it. With some
    // company opening, the ones that do not are named above instead.
    const infoOp = ctx.contract.operations.find((o) => o.profile.role === "company-info");
    const usable = (listed ?? []).filter((id) => !isDotSegment(id));
    if (infoOp && unopened.length === 0 && usable.length > 0) {
      const answers = await Promise.all(usable.slice(0, 8).map(async (id) => ({ id, ex: await ctx.data.companyInfo(id) })));
      if (answers.every((a) => a.ex?.response?.status === 404)) {
        const names = answers.map((a) => JSON.stringify(a.id)).join(", ") + (usable.length > answers.length ? ` and ${usable.length - answers.length} more` : "");
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/listed-unknown`,
            severity: "fail",
            message: `${op.method} ${op.path} lists ${usable.length === 1 ? "one company" : `${usable.length} companies`}, and ${infoOp.method} ${infoOp.path} answers 404 for ${usable.length === 1 ? "it" : "every one of them"} (${names}): the ids user-info lists seem not to be the ids the company operations serve (another field, or another spelling such as a display code), or company information is not where the spec puts it. Reach syncs the companies by these ids, so every sync would fail.`,
            rule: {
              ref: "reach:developer-checklist#authentication",
              text: "User info lists the companies the token can read, by the CompanyId the company operations take: Reach sets up and syncs each company it lists.",
            },
            fix: `List in user-info the CompanyId that ${infoOp.path} and the other company operations take (the same field and spelling); if they do, serve company information at ${infoOp.path}.`,
            operation: op,
            pointer,
            exchange: ex,
            evidence: { expected: `${infoOp.method} ${infoOp.path} 200 for a listed company`, actual: `404 for ${names}` },
          }),
        );
      }
    }
    // The companies' names, not the user's own (a service account may have none).
    const empty = checked.ok && pointer ? emptyNameFinding(ctx, this.id, op, [ex], undefined, (at) => at.startsWith(`${pointer}/`)) : undefined;
    if (empty) findings.push(empty);
    const count = (() => {
      const list = pointer && checked.ok ? atPointer(ex.response!.json, pointer) : undefined;
      return Array.isArray(list) ? list.length : undefined;
    })();
    return { findings, summary: findings.length === 0 ? `Valid; lists ${count ?? "?"} compan${count === 1 ? "y" : "ies"}.` : undefined };
  },
};
