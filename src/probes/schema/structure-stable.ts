import type { Exchange, HttpRequest } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, Probe, ProbeContext } from "../types.js";
import { makeFinding } from "../support/findings.js";
import { escapePointerSegment } from "../../schema/render.js";
import { validRequest } from "../support/requests.js";
import { NO_COMPANY } from "../support/skips.js";

type Shape = Map<string, Set<string>>;

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * The structure of a JSON value: for each pointer (array items all under `*`), the JSON types
 * seen there, and for each object the set of its keys (as `pointer{}`).
 */
function shapeOf(value: unknown): Shape {
  const shape: Shape = new Map();
  const add = (pointer: string, t: string) => {
    const s = shape.get(pointer);
    if (s) s.add(t);
    else shape.set(pointer, new Set([t]));
  };
  const walk = (v: unknown, pointer: string) => {
    add(pointer, typeOf(v));
    if (Array.isArray(v)) for (const item of v) walk(item, `${pointer}/*`);
    else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        add(`${pointer}{}`, k);
        walk(child, `${pointer}/${escapePointerSegment(k)}`);
      }
    }
  };
  walk(value, "");
  return shape;
}

interface Difference {
  pointer: string;
  first: string;
  second: string;
}

/**
 * Where two answers differ in structure: a key present in one and not the other under the same
 * object pointer, or a value whose type changed. Null next to another type is a value change, not
 * a structure change (a nullable field); pointers seen in only one answer (inside an array that
 * was empty in the other) are not compared.
 */
function differences(a: Shape, b: Shape): Difference[] {
  const out: Difference[] = [];
  for (const [pointer, ta] of a) {
    const tb = b.get(pointer);
    if (!tb) continue;
    if (pointer.endsWith("{}")) {
      const onlyA = [...ta].filter((k) => !tb.has(k));
      const onlyB = [...tb].filter((k) => !ta.has(k));
      if (onlyA.length > 0 || onlyB.length > 0) {
        out.push({ pointer: pointer.slice(0, -2), first: onlyA.length ? `fields ${onlyA.join(", ")}` : "-", second: onlyB.length ? `fields ${onlyB.join(", ")}` : "-" });
      }
      continue;
    }
    const na = [...ta].filter((t) => t !== "null").sort();
    const nb = [...tb].filter((t) => t !== "null").sort();
    if (na.length > 0 && nb.length > 0 && na.join("|") !== nb.join("|")) out.push({ pointer, first: na.join(" or "), second: nb.join(" or ") });
  }
  return out;
}

/** One request per operation kind: the ones Reach repeats on every sync. */
async function requestsToRepeat(ctx: ProbeContext, company: string): Promise<{ op: Operation; req: HttpRequest }[]> {
  const out: { op: Operation; req: HttpRequest }[] = [];
  const roles = new Set(["user-info", "company-info", "list", "statement", "metric-values"]);
  for (const op of ctx.contract.operations.filter((o) => roles.has(o.profile.role))) {
    const req = await validRequest(ctx, op, company);
    if (req) out.push({ op, req });
  }
  return out;
}

export const probe: Probe = {
  id: "schema.structure-stable",
  family: "schema",
  step: 2,
  title: "The same request twice gives the same structure",
  description:
    "Sends one valid request of each data operation twice and compares the field names and JSON types of the answers: Reach's checklist asks that no dynamic behaviour changes field names or response structures.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const company = ctx.companies[0];
    if (!company) return { findings: [], skip: NO_COMPANY };
    const pairs = await requestsToRepeat(ctx, company);
    let compared = 0;
    const all: Finding[][] = await Promise.all(
      pairs.map(async ({ op, req }): Promise<Finding[]> => {
        const send = (): Promise<Exchange> => ctx.http.send({ ...req, operation: { method: op.method, path: op.path }, cache: false });
        const [first, second] = await Promise.all([send(), send()]);
        const a = first.response;
        const b = second.response;
        if (!a || !b || a.status !== 200 || b.status !== 200 || a.json === undefined || b.json === undefined) return [];
        compared++;
        const diffs = differences(shapeOf(a.json), shapeOf(b.json));
        if (diffs.length === 0) return [];
        const d = diffs[0];
        const more = diffs.length > 1 ? ` (and ${diffs.length - 1} more difference${diffs.length > 2 ? "s" : ""})` : "";
        return [
          makeFinding(ctx, {
            code: `${this.id}/changed`,
            severity: "fail",
            message: `Two identical requests of ${op.method} ${op.path} for ${company} answered with different structures at ${d.pointer || "the top level"}: ${d.first} in the first answer, ${d.second} in the second${more}.`,
            rule: {
              ref: "reach:developer-checklist#behaviour-and-stability",
              text: "No dynamic behaviour changes field names or response structures: the same request gives the same structure every time.",
            },
            fix: "Serialise responses from one fixed model: the same fields with the same types on every call.",
            operation: op,
            company: op.path.includes("{CompanyId}") ? company : undefined,
            exchange: second,
            evidence: { expected: `${d.pointer || "/"}: ${d.first}`, actual: `${d.pointer || "/"}: ${d.second}` },
          }),
        ];
      }),
    );
    const findings = all.flat();
    if (compared === 0) return { findings, skip: "No operation answered 200 twice, so there was nothing to compare (the schema checks say why)." };
    return { findings, summary: findings.length === 0 ? `${compared} operations answered the same structure twice.` : undefined };
  },
};
