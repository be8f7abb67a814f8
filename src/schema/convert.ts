/**
 * OpenAPI schema objects -> JSON Schema 2020-12 that Ajv2020 compiles, for both dialects.
 *
 * The converted nodes are remembered in a `SchemaIndex`, so an Ajv error (which carries the
 * schema node it comes from when `verbose` is on) can be traced back to the spec location it
 * stands for, even across `$ref`s, where Ajv's own `schemaPath` loses track.
 */
import { escapePointerSegment, unescapePointerSegment } from "./render.js";

export type Dialect = "3.0" | "3.1";

/** Ajv key of the converted spec document. Every internal `#/...` ref is rewritten to `spec#/...`. */
export const OPEN_DOC_ID = "spec";

/** What the converter learnt about the nodes it produced. Shared by every compiled variant. */
export interface SchemaIndex {
  /** Converted node -> spec pointer of the schema it stands for (`#/components/schemas/X/...`). */
  origin: WeakMap<object, string>;
  /** 3.0 `nullable` wrappers: `{anyOf: [<constraints moved here>, {type: "null"}], ...}`. */
  nullableWrappers: WeakSet<object>;
  /** Discriminators are dropped for Ajv, but they tell which oneOf branch a value meant. */
  discriminators: WeakMap<object, { propertyName: string; mapping?: Record<string, string> }>;
}

export function newSchemaIndex(): SchemaIndex {
  return { origin: new WeakMap(), nullableWrappers: new WeakSet(), discriminators: new WeakMap() };
}

export class SchemaConversionError extends Error {}

/** Keys that carry documentation only, or OpenAPI extras Ajv must not see. */
const DROPPED = new Set(["example", "xml", "externalDocs", "discriminator"]);

/** Keywords whose value is a map of name -> schema. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/** Keywords whose value is one schema. */
const SCHEMA_SINGLE = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
]);

/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);

/**
 * Keywords that would reject `null` and so must move into the non-null branch of a nullable
 * wrapper. Type-specific keywords (`properties`, `minimum`, ...) ignore null and stay in place,
 * which keeps their spec pointers valid for refs that point inside the schema.
 */
const NULL_REJECTING = new Set(["$ref", "allOf", "anyOf", "oneOf", "type", "enum", "const", "not"]);
const COMPOSITION = ["$ref", "allOf", "anyOf", "oneOf"];

const MAX_SCHEMA_DEPTH = 400;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Encode a JSON pointer for use inside a URI fragment (`{`, `}`, spaces ... in path templates). */
export function pointerToFragment(pointer: string): string {
  return pointer
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
}

interface Mode {
  /**
   * Document mode: original node -> converted pointer of its first occurrence. A node met twice
   * (YAML aliases, or a dereferenced document with cycles) becomes a `$ref` to that first place.
   * Standalone mode: the index of the converted document, so that pieces of it inside a schema
   * handed to `validate()` become refs instead of copies.
   */
  kind: "document" | "standalone";
  located: WeakMap<object, string>;
}

class Converter {
  private readonly active = new Set<object>();

  constructor(
    private readonly dialect: Dialect,
    private readonly index: SchemaIndex,
    private readonly mode: Mode,
  ) {}

  /** `specPtr`: where the node is in the spec; `outPtr`: where its copy lands in the converted document. */
  convert(node: unknown, specPtr: string, outPtr: string, depth: number): unknown {
    if (typeof node === "boolean") return node;
    if (!isPlainObject(node)) {
      if (this.mode.kind === "document") return node; // let Ajv name the problem if the schema is used
      throw new SchemaConversionError(`${specPtr} is not a schema object`);
    }
    if (depth > MAX_SCHEMA_DEPTH) throw new SchemaConversionError(`${specPtr} is nested too deeply`);

    const known = this.mode.located.get(node);
    if (this.mode.kind === "document") {
      if (known !== undefined) return this.refTo(known, specPtr);
      this.mode.located.set(node, outPtr);
    } else {
      if (known !== undefined && depth > 0) return this.refTo(known, specPtr);
      if (this.active.has(node)) throw new SchemaConversionError(`${specPtr} refers to itself (a dereferenced cycle)`);
    }
    this.active.add(node);
    try {
      return this.convertObject(node, specPtr, outPtr, depth);
    } finally {
      this.active.delete(node);
    }
  }

  private refTo(outPtr: string, specPtr: string): Record<string, unknown> {
    const ref = { $ref: `${OPEN_DOC_ID}#${pointerToFragment(outPtr)}` };
    this.index.origin.set(ref, specPtr);
    return ref;
  }

  private convertObject(node: Record<string, unknown>, specPtr: string, outPtr: string, depth: number): unknown {
    const is30 = this.dialect === "3.0";
    const wrap = is30 && node.nullable === true && COMPOSITION.some((k) => k in node);
    const childOut = (key: string): string =>
      wrap && NULL_REJECTING.has(key) ? `${outPtr}/anyOf/0/${escapePointerSegment(key)}` : `${outPtr}/${escapePointerSegment(key)}`;

    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-") || DROPPED.has(key)) continue;
      if (is30 && key === "nullable") continue;
      const sp = `${specPtr}/${escapePointerSegment(key)}`;
      const op = childOut(key);
      if (key === "$ref") {
        out.$ref = typeof value === "string" && value.startsWith("#") ? OPEN_DOC_ID + value : value;
      } else if (SCHEMA_MAPS.has(key) && isPlainObject(value)) {
        const mapped: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value)) {
          const seg = escapePointerSegment(name);
          mapped[name] = this.convert(sub, `${sp}/${seg}`, `${op}/${seg}`, depth + 1);
        }
        out[key] = mapped;
      } else if ((SCHEMA_LISTS.has(key) || key === "items") && Array.isArray(value)) {
        out[key] = value.map((sub, i) => this.convert(sub, `${sp}/${i}`, `${op}/${i}`, depth + 1));
      } else if ((SCHEMA_SINGLE.has(key) || key === "items") && (isPlainObject(value) || typeof value === "boolean")) {
        out[key] = this.convert(value, sp, op, depth + 1);
      } else {
        out[key] = value;
      }
    }

    if (isPlainObject(node.discriminator) && typeof node.discriminator.propertyName === "string") {
      const mapping = isPlainObject(node.discriminator.mapping) ? (node.discriminator.mapping as Record<string, string>) : undefined;
      this.index.discriminators.set(out, { propertyName: node.discriminator.propertyName, mapping });
    }
    this.index.origin.set(out, specPtr);
    if (!is30) return out;

    convertExclusiveBound(out, "exclusiveMinimum", "minimum");
    convertExclusiveBound(out, "exclusiveMaximum", "maximum");
    if (node.nullable !== true) return out;
    if (wrap) return this.wrapNullable(out, specPtr);
    allowNullInPlace(out);
    return out;
  }

  /** `{$ref|allOf|anyOf|oneOf, nullable: true}` -> `{anyOf: [<those>, {type: "null"}], <the rest>}`. */
  private wrapNullable(out: Record<string, unknown>, specPtr: string): Record<string, unknown> {
    const inner: Record<string, unknown> = {};
    for (const key of NULL_REJECTING) {
      if (key in out) {
        inner[key] = out[key];
        delete out[key];
      }
    }
    const nullBranch = { type: "null" };
    this.index.origin.set(inner, specPtr);
    this.index.origin.set(nullBranch, `${specPtr}/nullable`);
    out.anyOf = [inner, nullBranch];
    this.index.nullableWrappers.add(out);
    return out;
  }
}

/** OpenAPI 3.0 boolean bounds -> the numeric 2020-12 form. */
function convertExclusiveBound(out: Record<string, unknown>, exclusive: string, inclusive: string): void {
  const flag = out[exclusive];
  if (typeof flag !== "boolean") return;
  delete out[exclusive];
  if (flag && typeof out[inclusive] === "number") {
    out[exclusive] = out[inclusive];
    delete out[inclusive];
  }
}

/** `nullable: true` beside `type` and/or `enum`: let null through both. */
function allowNullInPlace(out: Record<string, unknown>): void {
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === "string") out.type = out.type === "null" ? "null" : [out.type, "null"];
  else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...out.type, "null"];
}

export interface ConvertedDocument {
  doc: Record<string, unknown>;
  /** Original schema node -> pointer of its converted counterpart inside `doc`. */
  located: WeakMap<object, string>;
}

/**
 * Convert every schema of an OpenAPI document, keeping everything else as it is so that
 * internal refs (`#/components/...`, `#/paths/...`) still point at the same places.
 */
export function convertDocument(document: Record<string, unknown>, dialect: Dialect, index: SchemaIndex): ConvertedDocument {
  const located = new WeakMap<object, string>();
  const converter = new Converter(dialect, index, { kind: "document", located });
  const doc = mapDocumentSchemas(document, (schema, pointer) => converter.convert(schema, `#${pointer}`, pointer, 0)) as Record<
    string,
    unknown
  >;
  return { doc, located };
}

/**
 * Convert a schema handed to `validate()` that is not itself a node of the document (for example
 * a resolved copy). Parts that are nodes of the document become refs into it.
 */
export function convertStandalone(
  schema: unknown,
  specPointer: string,
  dialect: Dialect,
  index: SchemaIndex,
  located: WeakMap<object, string>,
): unknown {
  const converter = new Converter(dialect, index, { kind: "standalone", located });
  return converter.convert(schema, specPointer, "", 0);
}

/**
 * Copy an OpenAPI document, replacing each schema root (`components.schemas.*` and every
 * `schema` field of parameters, media types and headers) by `fn(schema, pointer)`.
 * Examples and extensions are copied untouched: they are data, not structure.
 */
export function mapDocumentSchemas(document: unknown, fn: (schema: unknown, pointer: string) => unknown): unknown {
  const walk = (node: unknown, pointer: string, depth: number): unknown => {
    if (depth > MAX_SCHEMA_DEPTH) return node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`, depth + 1));
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const p = `${pointer}/${escapePointerSegment(key)}`;
      if (key.startsWith("x-") || key === "example" || key === "examples") out[key] = value;
      else if (key === "schema" && (isPlainObject(value) || typeof value === "boolean")) out[key] = fn(value, p);
      else if (key === "schemas" && pointer === "/components" && isPlainObject(value)) {
        const mapped: Record<string, unknown> = {};
        for (const [name, schema] of Object.entries(value)) mapped[name] = fn(schema, `${p}/${escapePointerSegment(name)}`);
        out[key] = mapped;
      } else out[key] = walk(value, p, depth + 1);
    }
    return out;
  };
  return walk(document, "", 0);
}

/** Resolve a `spec#/...` (or `#/...`) ref inside a converted document; undefined when it leads nowhere. */
export function resolveInDocument(doc: Record<string, unknown>, ref: string): unknown {
  const hash = ref.indexOf("#");
  if (hash < 0) return undefined;
  const fragment = ref.slice(hash + 1);
  if (fragment === "") return doc;
  if (!fragment.startsWith("/")) return undefined;
  let node: unknown = doc;
  for (const raw of fragment.slice(1).split("/")) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      seg = raw;
    }
    seg = unescapePointerSegment(seg);
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isPlainObject(node)) node = node[seg];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}
