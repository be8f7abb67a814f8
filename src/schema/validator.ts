/**
 * `SchemaValidator` over an OpenAPI document, both dialects through Ajv2020.
 *
 * Cost model: per schema, one fast check with the closed variant (valid and no unknown fields in
 * one pass); only when it fails do the all-errors runs happen (open for real failures, closed
 * for unknown fields). Each schema is compiled once per validator, never per call.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
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

const addFormats = addFormatsModule.default;

export interface ValidatorOptions {
  /** Unknown response fields fail instead of warn. */
  strict: boolean;
}

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
  closed: ClosedSchemas;
  /** Original document node -> its pointer in the converted document. */
  located: WeakMap<object, string>;
  fast: Ajv2020;
  /** The all-errors instance, made when a value first fails a fast check. */
  full: () => Ajv2020;
  dialect: Dialect;
  /** The document as given, to find the node a spec pointer names. */
  source: Record<string, unknown>;
}

function newAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors,
    // Error objects carry the value and the schema node: needed to word issues and find spec pointers.
    verbose: allErrors,
    // Spec schemas carry OpenAPI annotations and unknown formats; they must not stop compilation.
    strict: false,
    validateSchema: false,
    logger: false,
  });
  addFormats(ajv);
  return ajv;
}

function buildEngine(document: Record<string, unknown>, dialect: Dialect): Engine {
  const index = newSchemaIndex();
  const { doc, located } = convertDocument(document, dialect, index);
  const closed = buildClosedSchemas(doc, index);
  const withDocs = (ajv: Ajv2020) => {
    ajv.addSchema(doc, OPEN_DOC_ID, undefined, false);
    ajv.addSchema(closed.doc, CLOSED_DOC_ID, undefined, false);
    return ajv;
  };
  const fast = withDocs(newAjv(false));
  let full: Ajv2020 | undefined;
  return { index, closed, located, fast, full: () => (full ??= withDocs(newAjv(true))), dialect, source: document };
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
  const get = (ajv: Ajv2020, id: string): ValidateFunction => {
    const fn = ajv.getSchema(`${id}#${fragment}`);
    if (!fn) throw new Error(`cannot resolve ${basePointer} in the document`);
    return fn;
  };
  return withClosed(basePointer, () => get(engine.full(), OPEN_DOC_ID), () => get(engine.fast, CLOSED_DOC_ID), () => get(engine.full(), CLOSED_DOC_ID), () =>
    get(engine.fast, OPEN_DOC_ID),
  );
}

function compileStandalone(engine: Engine, schema: unknown, specPointer: string): CacheEntry {
  const open = convertStandalone(schema, specPointer, engine.dialect, engine.index, engine.located);
  const closed = engine.closed.close(open);
  return withClosed(specPointer, () => engine.full().compile(open as JsonSchema), () => engine.fast.compile(closed as JsonSchema), () => engine.full().compile(closed as JsonSchema), () =>
    engine.fast.compile(open as JsonSchema),
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
    engine = buildEngine(document, dialect);
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
        if (e.keyword !== "unevaluatedProperties" || !isObject(e.parentSchema) || !eng.closed.closures.has(e.parentSchema)) continue;
        if (unreliable.has(e.instancePath)) continue;
        const closure = e.parentSchema;
        const unit = unknownFieldUnit(e, () => eng.closed.declaredNames(closure), ctx);
        if (reported.has(unit.pointer)) continue;
        reported.add(unit.pointer);
        units.push(unit);
      }
    }
    return selectIssues(units, max, unknownSeverity);
  };

  return {
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
