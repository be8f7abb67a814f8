/**
 * `SchemaValidator` over an OpenAPI document, both dialects through Ajv2020.
 *
 * Cost model: per schema, one fast check with the closed variant (valid and no unknown fields in
 * one pass); only when it fails do the all-errors runs happen (open for real failures, closed
 * for unknown fields). Each schema is compiled once per validator, never per call.
 *
 * A bundled spec version comes with its fast checks compiled at build time (`prebuildChecks`,
 * loaded by spec/prebuilt.ts): then a run whose responses all pass never loads Ajv at all.
 */
import { createRequire } from "node:module";
import type { Ajv2020 as Ajv2020Class } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { JsonSchema } from "../spec/types.js";
import type { SchemaIssue, SchemaValidator } from "./types.js";
import {
  OPEN_DOC_ID,
  SchemaConversionError,
  convertDocument,
  convertStandalone,
  newSchemaIndex,
  pointerToFragment,
  resolveInDocument,
  type Dialect,
  type SchemaIndex,
} from "./convert.js";
import { CLOSED_DOC_ID, buildClosedSchemas, type ClosedSchemas } from "./close.js";
import { SHAPE_FAILURES, errorsToUnits, selectIssues, unknownFieldUnit, type ExplainContext, type Unit } from "./issues.js";

// Ajv is CommonJS: loaded on first need with require, so that validate() can stay synchronous.
const requireCjs = createRequire(import.meta.url);

export interface ValidatorOptions {
  /** Unknown response fields fail instead of warn. */
  strict: boolean;
  /**
   * Fast checks compiled at build time for this very document, by converted-document pointer
   * (`closed:<pointer>`, or `open:<pointer>` where the closed variant does not compile).
   */
  prebuilt?: PrebuiltChecks;
}

export type PrebuiltChecks = Readonly<Record<string, ValidateFunction>>;

const DEFAULT_MAX_ISSUES = 50;

interface Compiled {
  /** Fast path: no error details; the closed variant when it compiled. */
  check: ValidateFunction;
  /** All errors, verbose: the failures that matter. Compiled on the first value that fails `check`. */
  open: () => ValidateFunction;
  /** All errors, verbose, closed: the source of unknown-field issues (none when it does not compile). Compiled as `open`. */
  closed: () => ValidateFunction | undefined;
  basePointer: string;
}

type CacheEntry = Compiled | { failure: string; basePointer: string };

interface Engine {
  index: SchemaIndex;
  /** The closed variants, built with the first compilation that needs them. */
  closed: () => ClosedSchemas;
  /** Original document node -> its pointer in the converted document. */
  located: WeakMap<object, string>;
  /** The no-errors instance, made when a schema without a prebuilt check is first met. */
  fast: () => Ajv2020Class;
  /** The all-errors instance, made when a value first fails a fast check. */
  full: () => Ajv2020Class;
  prebuilt: PrebuiltChecks;
  dialect: Dialect;
  /** The document as given, to find the node a spec pointer names. */
  source: Record<string, unknown>;
}

/** The Ajv options of every instance (and of the build's, which only adds `code.source`). */
function ajvOptions(allErrors: boolean) {
  return {
    allErrors,
    // Error objects carry the value and the schema node: needed to word issues and find spec pointers.
    verbose: allErrors,
    // Spec schemas carry OpenAPI annotations and unknown formats; they must not stop compilation.
    strict: false,
    validateSchema: false,
    logger: false as const,
  };
}

function newAjv(allErrors: boolean, code?: { source: true }): Ajv2020Class {
  const { Ajv2020 } = requireCjs("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = (requireCjs("ajv-formats") as typeof import("ajv-formats")).default;
  const ajv = new Ajv2020({ ...ajvOptions(allErrors), ...(code ? { code } : {}) });
  addFormats(ajv);
  return ajv;
}

/** `fastCode`: the no-errors instance keeps its functions' source (for the build's standalone code). */
function buildEngine(document: Record<string, unknown>, dialect: Dialect, prebuilt: PrebuiltChecks = {}, fastCode?: { source: true }): Engine {
  const index = newSchemaIndex();
  const { doc, located } = convertDocument(document, dialect, index);
  let closed: ClosedSchemas | undefined;
  const closedSchemas = () => (closed ??= buildClosedSchemas(doc, index));
  const withDocs = (ajv: Ajv2020Class) => {
    ajv.addSchema(doc, OPEN_DOC_ID, undefined, false);
    ajv.addSchema(closedSchemas().doc, CLOSED_DOC_ID, undefined, false);
    return ajv;
  };
  let fast: Ajv2020Class | undefined;
  let full: Ajv2020Class | undefined;
  return {
    index,
    closed: closedSchemas,
    located,
    fast: () => (fast ??= withDocs(newAjv(false, fastCode))),
    full: () => (full ??= withDocs(newAjv(true))),
    prebuilt,
    dialect,
    source: document,
  };
}

function errorText(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  // Speak in spec refs, not in our internal Ajv keys.
  return raw
    .replace(new RegExp(`${CLOSED_DOC_ID}#/x-reach-open`, "g"), "#")
    .replace(new RegExp(`${CLOSED_DOC_ID}#`, "g"), "#")
    .replace(new RegExp(`${OPEN_DOC_ID}#`, "g"), "#")
    .slice(0, 300);
}

function problemIssue(message: string, schemaPointer: string, actual: string): SchemaIssue {
  return { kind: "other", pointer: "", message, expected: "a value the schema can be checked against", actual, schemaPointer, severity: "fail" };
}

function compileDocNode(engine: Engine, pointer: string): CacheEntry {
  const fragment = pointerToFragment(pointer);
  const basePointer = `#${pointer}`;
  const get = (ajv: Ajv2020Class, id: string): ValidateFunction => {
    const fn = ajv.getSchema(`${id}#${fragment}`);
    if (!fn) throw new Error(`cannot resolve ${basePointer} in the document`);
    return fn;
  };
  const openFull = () => get(engine.full(), OPEN_DOC_ID);
  const closedFull = () => get(engine.full(), CLOSED_DOC_ID);
  // Built from this document at build time, with the same options: the same function Ajv would make.
  const closedBuilt = Object.hasOwn(engine.prebuilt, `closed:${pointer}`) ? engine.prebuilt[`closed:${pointer}`] : undefined;
  const openBuilt = Object.hasOwn(engine.prebuilt, `open:${pointer}`) ? engine.prebuilt[`open:${pointer}`] : undefined;
  if (closedBuilt) return withClosed(basePointer, openFull, () => closedBuilt, closedFull, () => closedBuilt);
  if (openBuilt) return { check: openBuilt, open: once(openFull), closed: () => undefined, basePointer };
  return withClosed(basePointer, openFull, () => get(engine.fast(), CLOSED_DOC_ID), closedFull, () => get(engine.fast(), OPEN_DOC_ID));
}

function compileStandalone(engine: Engine, schema: unknown, specPointer: string): CacheEntry {
  const open = convertStandalone(schema, specPointer, engine.dialect, engine.index, engine.located);
  const closed = engine.closed().close(open);
  return withClosed(specPointer, () => engine.full().compile(open as JsonSchema), () => engine.fast().compile(closed as JsonSchema), () => engine.full().compile(closed as JsonSchema), () =>
    engine.fast().compile(open as JsonSchema),
  );
}

/** Compiles on the first call, then gives the same value; a compilation error is thrown on every call. */
function once<T>(compile: () => T): () => T {
  let done: { value: T } | { error: unknown } | undefined;
  return () => {
    done ??= (() => {
      try {
        return { value: compile() };
      } catch (error) {
        return { error };
      }
    })();
    if ("error" in done) throw done.error;
    return done.value;
  };
}

/**
 * Only the fast check is compiled at once: most responses pass it, and the two all-errors variants
 * (which cost Ajv twice as much again) are compiled for the first value that fails. The closed
 * variant is a bonus: if it does not compile, values are validated without unknown-field checks.
 */
function withClosed(
  basePointer: string,
  openFull: () => ValidateFunction,
  closedFast: () => ValidateFunction,
  closedFull: () => ValidateFunction,
  openFast: () => ValidateFunction,
): Compiled {
  const open = once(openFull);
  let check: ValidateFunction;
  try {
    check = closedFast();
  } catch {
    return { check: openFast(), open, closed: () => undefined, basePointer };
  }
  const closed = once(() => {
    try {
      return closedFull();
    } catch {
      return undefined;
    }
  });
  return { check, open, closed, basePointer };
}

/** Converted-document pointer of the schema node that `specPointer` names, if it names one. */
function documentNodeAt(eng: Engine, specPointer: string): string | undefined {
  if (!specPointer.startsWith("#")) return undefined;
  const node = resolveInDocument(eng.source, specPointer);
  return typeof node === "object" && node !== null ? eng.located.get(node) : undefined;
}

function stableKey(schema: unknown): string | undefined {
  try {
    return JSON.stringify(schema);
  } catch {
    return undefined; // cyclic: never shared by pointer, compiled (and refused) per object
  }
}

export function createValidator(
  document: Record<string, unknown>,
  dialect: "3.0" | "3.1",
  options: ValidatorOptions,
): SchemaValidator {
  let engine: Engine | undefined;
  let engineError: string | undefined;
  try {
    engine = buildEngine(document, dialect, options.prebuilt);
  } catch (err) {
    engineError = errorText(err);
  }
  const unknownSeverity = options.strict ? "fail" : "warn";
  const byObject = new WeakMap<object, CacheEntry>();
  const byPointer = new Map<string, { key: string | undefined; entry: CacheEntry }>();

  const compile = (eng: Engine, schema: unknown, specPointer: string): CacheEntry => {
    const isObj = typeof schema === "object" && schema !== null;
    if (isObj) {
      const hit = byObject.get(schema);
      if (hit) return hit;
    }
    const key = isObj ? stableKey(schema) : String(schema);
    const previous = byPointer.get(specPointer);
    let entry: CacheEntry;
    if (previous && key !== undefined && previous.key === key) entry = previous.entry;
    else {
      try {
        const docPointer = isObj ? eng.located.get(schema) : undefined;
        entry = docPointer !== undefined ? compileDocNode(eng, docPointer) : compileStandalone(eng, schema, specPointer);
      } catch (err) {
        // A dereferenced copy (cycles as object references) cannot be converted; the document's
        // own node at the same pointer, refs kept, says the same thing and can.
        const fallback = err instanceof SchemaConversionError ? documentNodeAt(eng, specPointer) : undefined;
        if (fallback !== undefined) {
          try {
            entry = compileDocNode(eng, fallback);
            byPointer.set(specPointer, { key, entry });
            if (isObj) byObject.set(schema, entry);
            return entry;
          } catch {
            // fall through to the original reason
          }
        }
        const reason = err instanceof SchemaConversionError ? err.message : errorText(err);
        entry = { failure: `The schema at ${specPointer} cannot be compiled: ${reason}`, basePointer: specPointer };
      }
      byPointer.set(specPointer, { key, entry });
    }
    if (isObj) byObject.set(schema, entry);
    return entry;
  };

  const explain = (eng: Engine, c: Compiled, value: unknown, max: number): SchemaIssue[] => {
    const ctx: ExplainContext = {
      index: eng.index,
      compileFull: (node) => eng.full().compile(node as JsonSchema),
      basePointer: c.basePointer,
    };
    const openErrors = collect(c.open(), value);
    const units: Unit[] = errorsToUnits(openErrors, "", ctx);
    const closedFull = c.closed();
    if (closedFull) {
      // Where the value has the wrong shape, Ajv's evaluated-property bookkeeping is lost and
      // every field there would look unknown: say nothing about unknown fields at such places.
      const unreliable = new Set<string>();
      for (const e of openErrors) if (SHAPE_FAILURES.has(e.keyword)) unreliable.add(e.instancePath);
      const reported = new Set<string>();
      for (const e of collect(closedFull, value)) {
        if (e.keyword !== "unevaluatedProperties" || !isObject(e.parentSchema) || !eng.closed().closures.has(e.parentSchema)) continue;
        if (unreliable.has(e.instancePath)) continue;
        const closure = e.parentSchema;
        const unit = unknownFieldUnit(e, () => eng.closed().declaredNames(closure), ctx);
        if (reported.has(unit.pointer)) continue;
        reported.add(unit.pointer);
        units.push(unit);
      }
    }
    return selectIssues(units, max, unknownSeverity);
  };

  return {
    compileFailure(schema: JsonSchema, specPointer: string): string | undefined {
      if (!engine) return `The spec document could not be prepared for validation: ${engineError}`;
      try {
        const entry = compile(engine, schema, specPointer);
        return "failure" in entry ? entry.failure : undefined;
      } catch (err) {
        return `The schema at ${specPointer} cannot be compiled: ${runtimeReason(err)}`;
      }
    },
    validate(schema: JsonSchema, value: unknown, opts: { specPointer: string; maxIssues?: number }): SchemaIssue[] {
      const max = Math.max(0, Math.floor(opts.maxIssues ?? DEFAULT_MAX_ISSUES));
      if (max === 0) return [];
      const specPointer = opts.specPointer;
      if (!engine) return [problemIssue(`The spec document could not be prepared for validation: ${engineError}`, specPointer, "not checked")];
      try {
        const entry = compile(engine, schema, specPointer);
        if ("failure" in entry) return [problemIssue(entry.failure, entry.basePointer, "not checked")];
        let ok: boolean;
        try {
          ok = entry.check(value) === true;
        } catch (err) {
          return [problemIssue(`The value could not be validated: ${runtimeReason(err)}`, specPointer, "not checked")];
        }
        if (ok) return [];
        return explain(engine, entry, value, max);
      } catch (err) {
        return [problemIssue(`Validation stopped unexpectedly: ${runtimeReason(err)}`, specPointer, "not checked")];
      }
    },
  };
}

function isObject(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

function runtimeReason(err: unknown): string {
  if (err instanceof RangeError) return "the value is nested too deeply";
  return errorText(err);
}

/** Run an all-errors validator and keep its errors (Ajv reuses `.errors` on the next call). */
function collect(fn: ValidateFunction, value: unknown): ErrorObject[] {
  return fn(value) === true ? [] : [...(fn.errors ?? [])];
}

/**
 * The source of a CommonJS module with the fast check of each of `schemas` (nodes of `document`),
 * for the build (scripts/prebuild-specs.js): `exports["closed:<pointer>"]`, or `exports["open:<pointer>"]`
 * where the closed variant does not compile, keyed by converted-document pointer. The functions are
 * the ones a validator compiles at run time, made by Ajv with the same options. Schemas that are
 * not nodes of the document, or that do not compile at all, are left to run time.
 */
export function prebuildChecks(document: Record<string, unknown>, dialect: Dialect, schemas: readonly unknown[]): { code: string; count: number } {
  const { located, fast } = buildEngine(document, dialect, {}, { source: true });
  const ajv = fast();
  const exportsById: Record<string, string> = {};
  for (const schema of schemas) {
    const pointer = typeof schema === "object" && schema !== null ? located.get(schema) : undefined;
    if (pointer === undefined || Object.hasOwn(exportsById, `closed:${pointer}`) || Object.hasOwn(exportsById, `open:${pointer}`)) continue;
    const fragment = pointerToFragment(pointer);
    for (const [variant, id] of [["closed", CLOSED_DOC_ID], ["open", OPEN_DOC_ID]] as const) {
      try {
        if (ajv.getSchema(`${id}#${fragment}`)) {
          exportsById[`${variant}:${pointer}`] = `${id}#${fragment}`;
          break;
        }
      } catch {
        // this variant does not compile: try the next, or leave the schema to run time
      }
    }
  }
  const standaloneCode = (requireCjs("ajv/dist/standalone/index.js") as typeof import("ajv/dist/standalone/index.js")).default;
  return { code: standaloneCode(ajv, exportsById), count: Object.keys(exportsById).length };
}
