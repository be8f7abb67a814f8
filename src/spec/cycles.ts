/**
 * `$ref` cycles that no value can satisfy. A schema may refer to itself below a property or an
 * item (a tree of accounts): that is ordinary recursion and validates fine. A chain of `$ref`s
 * (or allOf/anyOf/oneOf/not/if/then/else) that comes back to where it started without going one
 * level down into the value is an infinite loop for any validator: it is a broken spec, found
 * here once, iteratively, so the loader can say so in one line.
 */
import { isMissing, parseLocalRef, walk } from "./pointer.js";

/** Keywords that apply a subschema to the same value (not to a part of it). */
const IN_PLACE_ARRAYS = ["allOf", "anyOf", "oneOf"];
const IN_PLACE_SINGLE = ["not", "if", "then", "else"];

/** Local `$ref` targets reached from `node` without descending into the value. */
function inPlaceRefs(node: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [node];
  let guard = 0;
  while (stack.length > 0 && guard++ < 10_000) {
    const cur = stack.pop();
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) continue;
    const rec = cur as Record<string, unknown>;
    if (typeof rec.$ref === "string" && rec.$ref.startsWith("#")) out.push(rec.$ref);
    for (const k of IN_PLACE_ARRAYS) if (Array.isArray(rec[k])) stack.push(...(rec[k] as unknown[]));
    for (const k of IN_PLACE_SINGLE) if (rec[k] !== undefined) stack.push(rec[k]);
  }
  return out;
}

/**
 * The first cycle of in-place references in the document, as the list of refs that form it
 * (`[a, b, a]`), or undefined. Every `$ref` of the document is a starting point.
 */
export function findRefCycle(document: unknown): string[] | undefined {
  // Every local $ref in the document (iteratively: the document may be deep).
  const refs = new Set<string>();
  const todo: unknown[] = [document];
  const seenNodes = new Set<object>();
  while (todo.length > 0) {
    const cur = todo.pop();
    if (cur === null || typeof cur !== "object" || seenNodes.has(cur)) continue;
    seenNodes.add(cur);
    if (!Array.isArray(cur) && typeof (cur as Record<string, unknown>).$ref === "string") {
      const ref = (cur as Record<string, unknown>).$ref as string;
      if (ref.startsWith("#")) refs.add(ref);
    }
    for (const v of Object.values(cur)) if (v !== null && typeof v === "object") todo.push(v);
  }

  const edges = new Map<string, string[]>();
  const targetsOf = (ref: string): string[] => {
    let e = edges.get(ref);
    if (!e) {
      const tokens = parseLocalRef(ref);
      const node = tokens ? walk(document, tokens) : undefined;
      e = node === undefined || isMissing(node) ? [] : inPlaceRefs(node);
      edges.set(ref, e);
    }
    return e;
  };

  // Depth-first search with an explicit stack; colours: 1 on the current path, 2 finished.
  const colour = new Map<string, 1 | 2>();
  for (const start of refs) {
    if (colour.has(start)) continue;
    const path: string[] = [];
    const stack: { ref: string; next: number }[] = [{ ref: start, next: 0 }];
    colour.set(start, 1);
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = targetsOf(top.ref);
      if (top.next >= targets.length) {
        colour.set(top.ref, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const t = targets[top.next++];
      const c = colour.get(t);
      if (c === 1) return [...path.slice(path.indexOf(t)), t];
      if (c === 2) continue;
      colour.set(t, 1);
      path.push(t);
      stack.push({ ref: t, next: 0 });
    }
  }
  return undefined;
}
