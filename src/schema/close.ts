/**
 * The "closed" variant of converted schemas, used only to find response fields the spec does
 * not declare. Object schemas that declare properties get `unevaluatedProperties: false`.
 *
 * Composition is the hard part: a member of `allOf`/`anyOf`/`oneOf` (or a `$ref` beside other
 * keywords) must stay open, otherwise it would flag its siblings' properties; the composing
 * schema is closed instead, and `unevaluatedProperties` sees what every member evaluated.
 * Because a component can be used standalone and as a member, the closed document holds two
 * variants of each schema root: closed at its usual place, open under `/x-reach-open`.
 */
import { OPEN_DOC_ID, isPlainObject, mapDocumentSchemas, resolveInDocument, type SchemaIndex } from "./convert.js";

export const CLOSED_DOC_ID = "spec-closed";
/** Where the open variants live inside the closed document. */
export const OPEN_VARIANTS_KEY = "x-reach-open";

type Context = "closed" | "open";

/** Keywords that only describe; a `$ref` beside only these is a plain reference. */
const ANNOTATIONS = new Set([
  "$ref",
  "$comment",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "format",
]);

/** Keywords whose subschemas describe other instance locations (children): closed by default. */
const CHILD_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions"]);
const CHILD_SINGLE = new Set(["additionalProperties", "unevaluatedProperties", "items", "additionalItems", "unevaluatedItems"]);
/** In-place members: their evaluated properties count for the composing schema. */
const MEMBER_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const MEMBER_SINGLE = new Set(["then", "else"]);
/**
 * Everything else (`not`, `if`, `contains`, `propertyNames` ...) is copied untouched, refs still
 * into the open document: their outcome is inverted or only a condition, and closing them would
 * change the verdict instead of just spotting extra fields.
 */

export interface ClosedSchemas {
  /** The converted document with closed variants; register it in Ajv under `CLOSED_DOC_ID`. */
  doc: Record<string, unknown>;
  /** Closed variant of any open node (a standalone schema, say). */
  close(node: unknown): unknown;
  /** Nodes that received a synthetic `unevaluatedProperties: false`. */
  closures: WeakSet<object>;
  /** Property names a closed node declares (through its members), for the message. */
  declaredNames(node: object): string[];
}

export function buildClosedSchemas(openDoc: Record<string, unknown>, index: SchemaIndex): ClosedSchemas {
  const closures = new WeakSet<object>();
  const memo: Record<Context, WeakMap<object, unknown>> = { closed: new WeakMap(), open: new WeakMap() };
  const closedToOpen = new WeakMap<object, object>();
  const declaresMemo = new WeakMap<object, boolean>();
  const namesMemo = new WeakMap<object, string[]>();
  const openPrefix = `${OPEN_DOC_ID}#`;

  const resolve = (ref: unknown): unknown =>
    typeof ref === "string" && ref.startsWith(openPrefix) ? resolveInDocument(openDoc, ref) : undefined;

  /** Nodes this node evaluates properties through, at the same instance location. */
  const members = (node: Record<string, unknown>): unknown[] => {
    const list: unknown[] = [];
    for (const key of MEMBER_LISTS) if (Array.isArray(node[key])) list.push(...(node[key] as unknown[]));
    for (const key of MEMBER_SINGLE) if (key in node) list.push(node[key]);
    if (isPlainObject(node.dependentSchemas)) list.push(...Object.values(node.dependentSchemas));
    if ("$ref" in node) list.push(resolve(node.$ref));
    return list;
  };

  /** Does the node (or a member, transitively) declare properties? Cycles count as "no". */
  const declaresProps = (node: unknown): boolean => {
    if (!isPlainObject(node)) return false;
    const cached = declaresMemo.get(node);
    if (cached !== undefined) return cached;
    declaresMemo.set(node, false);
    let result =
      (isPlainObject(node.properties) && Object.keys(node.properties).length > 0) ||
      (isPlainObject(node.patternProperties) && Object.keys(node.patternProperties).length > 0);
    if (!result) result = members(node).some(declaresProps);
    declaresMemo.set(node, result);
    return result;
  };

  const declaredNames = (node: unknown, seen = new Set<object>()): string[] => {
    if (!isPlainObject(node) || seen.has(node)) return [];
    const cached = namesMemo.get(node);
    if (cached) return cached;
    seen.add(node);
    const names = new Set<string>(isPlainObject(node.properties) ? Object.keys(node.properties) : []);
    for (const m of members(node)) for (const n of declaredNames(m, seen)) names.add(n);
    const list = [...names].sort();
    namesMemo.set(node, list);
    return list;
  };

  const isPureRef = (node: Record<string, unknown>): boolean =>
    typeof node.$ref === "string" && Object.keys(node).every((k) => ANNOTATIONS.has(k));

  /** A nullable wrapper with nothing of its own: its non-null branch takes its place. */
  const isTransparent = (node: Record<string, unknown>): boolean =>
    index.nullableWrappers.has(node) &&
    !["properties", "patternProperties", "additionalProperties", "unevaluatedProperties", "dependentSchemas", "then", "else"].some(
      (k) => k in node,
    );

  const typeAllowsObject = (node: Record<string, unknown>): boolean => {
    const t = node.type;
    if (t === undefined) return true;
    return t === "object" || (Array.isArray(t) && t.includes("object"));
  };

  const rewriteRef = (ref: unknown, ctx: Context): unknown => {
    if (typeof ref !== "string" || !ref.startsWith(`${openPrefix}/`)) return ref;
    const fragment = ref.slice(openPrefix.length);
    return ctx === "closed" ? `${CLOSED_DOC_ID}#${fragment}` : `${CLOSED_DOC_ID}#/${OPEN_VARIANTS_KEY}${fragment}`;
  };

  const close = (node: unknown, ctx: Context): unknown => {
    if (!isPlainObject(node)) return node;
    const done = memo[ctx].get(node);
    if (done !== undefined) return done;

    const out: Record<string, unknown> = {};
    memo[ctx].set(node, out); // set before recursing: shared subtrees are built once
    const pureRef = isPureRef(node);
    const transparent = isTransparent(node);
    const memberCtx: Context = transparent ? ctx : "open";

    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref") out.$ref = rewriteRef(value, pureRef ? ctx : "open");
      else if (CHILD_MAPS.has(key) && isPlainObject(value)) {
        const mapped: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value)) mapped[name] = close(sub, "closed");
        out[key] = mapped;
      } else if (CHILD_SINGLE.has(key) || key === "prefixItems") {
        out[key] = Array.isArray(value) ? value.map((v) => close(v, "closed")) : close(value, "closed");
      } else if (MEMBER_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((v) => close(v, memberCtx));
      } else if (key === "dependentSchemas" && isPlainObject(value)) {
        const mapped: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value)) mapped[name] = close(sub, "open");
        out[key] = mapped;
      } else if (MEMBER_SINGLE.has(key)) {
        out[key] = close(value, "open");
      } else {
        // Conditions, negations and plain values: the open subtree, refs still into the open document.
        out[key] = value;
      }
    }

    if (
      ctx === "closed" &&
      !pureRef &&
      !transparent &&
      !("additionalProperties" in node) &&
      !("unevaluatedProperties" in node) &&
      typeAllowsObject(node) &&
      declaresProps(node)
    ) {
      out.unevaluatedProperties = false;
      closures.add(out);
    }
    const origin = index.origin.get(node);
    if (origin !== undefined) index.origin.set(out, origin);
    closedToOpen.set(out, node);
    return out;
  };

  const closedDoc = mapDocumentSchemas(openDoc, (schema) => close(schema, "closed")) as Record<string, unknown>;
  closedDoc[OPEN_VARIANTS_KEY] = mapDocumentSchemas(openDoc, (schema) => close(schema, "open"));

  return {
    doc: closedDoc,
    close: (node) => close(node, "closed"),
    closures,
    declaredNames: (node) => declaredNames(closedToOpen.get(node) ?? node),
  };
}
