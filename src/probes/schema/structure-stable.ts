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

/** Roles whose data does not move while the books are in use: the same request twice reads the same values. */
const SETTLED = new Set(["user-info", "company-info", "list"]);

/**
 * Every property name the spec's schemas declare. A field the spec does not know (a partner's own
 * timestamp or request id) may well differ per call; only declared fields are compared by value.
 */
function declaredNames(document: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [document];
  let steps = 0;
  while (stack.length > 0 && steps++ < 100_000) {
    const v = stack.pop();
    if (!v || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const props = (v as Record<string, unknown>).properties;
    if (props && typeof props === "object" && !Array.isArray(props)) for (const k of Object.keys(props)) names.add(k);
    stack.push(...Object.values(v));
  }
  return names;
}

/**
 * For each record of `a`, the index of the same record in `b`, when both are arrays of the same
 * records by `idField` (each id once) in another order; undefined otherwise. The order of a list is
 * `pagination.stable-order`'s subject: here a record is compared with the same record of the other
 * answer.
 */
function matchById(a: unknown[], b: unknown[], idField: string | undefined): number[] | undefined {
  if (!idField || a.length !== b.length || a.length < 2) return undefined;
  const idOf = (v: unknown): unknown => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[idField] : undefined);
  const indexById = new Map<unknown, number>();
  for (const [i, item] of b.entries()) {
    const id = idOf(item);
    if ((typeof id !== "string" && typeof id !== "number") || indexById.has(id)) return undefined;
    indexById.set(id, i);
  }
  const out: number[] = [];
  for (const item of a) {
    const j = indexById.get(idOf(item));
    if (j === undefined) return undefined;
    out.push(j);
    indexById.delete(idOf(item));
  }
  return out.every((j, i) => j === i) ? undefined : out;
}

/**
 * The first place (depth first, in document order) where two answers of the same structure hold
 * different values in a field the spec declares; the pointer is the second answer's. Array
 * positions are followed as they are, except that the same records by `idField` in another order
 * are matched by id.
 */
function firstValueDifference(a: unknown, b: unknown, declared: ReadonlySet<string>, idField?: string): Difference | undefined {
  const stack: [unknown, unknown, string][] = [[a, b, ""]];
  while (stack.length > 0) {
    const [x, y, pointer] = stack.pop()!;
    if (x === y) continue;
    if (x && y && typeof x === "object" && typeof y === "object" && Array.isArray(x) === Array.isArray(y)) {
      if (Array.isArray(x)) {
        const ys = y as unknown[];
        const at = matchById(x, ys, idField);
        for (let i = Math.max(x.length, ys.length) - 1; i >= 0; i--) {
          const j = at ? at[i]! : i;
          stack.push([x[i], ys[j], `${pointer}/${j}`]);
        }
        continue;
      }
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y as object)])];
      for (const k of keys.reverse()) {
        if (!declared.has(k)) continue;
        stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${pointer}/${escapePointerSegment(k)}`]);
      }
      continue;
    }
    return { pointer, first: JSON.stringify(x) ?? "(absent)", second: JSON.stringify(y) ?? "(absent)" };
  }
  return undefined;
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
    "Sends one valid request of each data operation twice and compares the field names and JSON types of the answers: Reach's checklist asks that no dynamic behaviour changes field names or response structures. Company info, user info and the lists must also read the same values (a warning when they do not).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const company = ctx.companies[0];
    if (!company) return { findings: [], skip: NO_COMPANY };
    const pairs = await requestsToRepeat(ctx, company);
    let compared = 0;
    let declared: Set<string> | undefined;
    const all: Finding[][] = await Promise.all(
      pairs.map(async ({ op, req }): Promise<Finding[]> => {
        const send = (): Promise<Exchange> => ctx.http.send({ ...req, operation: { method: op.method, path: op.path }, cache: false });
        const [first, second] = await Promise.all([send(), send()]);
        const a = first.response;
        const b = second.response;
        if (!a || !b || a.status !== 200 || b.status !== 200 || a.json === undefined || b.json === undefined) return [];
        compared++;
        const diffs = differences(shapeOf(a.json), shapeOf(b.json));
        if (diffs.length === 0) {
          // Same structure; reference data (company, lists, user info) must also read the same.
          const v = SETTLED.has(op.profile.role) ? firstValueDifference(a.json, b.json, (declared ??= declaredNames(ctx.contract.document)), op.profile.idField ?? op.profile.companyIdField) : undefined;
          if (!v) return [];
          const clip = (t: string) => (t.length > 120 ? `${t.slice(0, 119)}…` : t);
          return [
            makeFinding(ctx, {
              code: `${this.id}/value-changed`,
              severity: "warn",
              message: `Two identical requests of ${op.method} ${op.path} for ${company}, sent side by side, answered different values at ${v.pointer || "the top level"}: ${clip(v.first)} in one, ${clip(v.second)} in the other. Reach reads this data on every sync and configures the company from it.`,
              rule: {
                ref: "reach:developer-checklist#behaviour-and-stability",
                text: "Stable behaviour: repeated calls return the same data unless it changed; company settings, the chart of accounts and the reference lists do not change between two calls a moment apart.",
              },
              fix: "Serve this data from one source of truth (not from replicas or caches that disagree, nor computed per call), so that two calls a moment apart read the same values.",
              operation: op,
              company: op.path.includes("{CompanyId}") ? company : undefined,
              pointer: v.pointer,
              exchange: second,
              evidence: { expected: `${v.pointer || "/"}: ${clip(v.first)}`, actual: `${v.pointer || "/"}: ${clip(v.second)}` },
            }),
          ];
        }
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
