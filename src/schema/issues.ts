/**
 * Ajv errors -> readable `SchemaIssue`s.
 *
 * Errors are first grouped into "units" that know their instance pointer but build their text
 * only when needed: a body with 200,000 bad rows is sorted and capped before any sentence is
 * written. An `anyOf`/`oneOf` failure becomes one unit that re-runs each branch on the value to
 * pick the branch the value was meant for, instead of listing every branch's complaints.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { SchemaIssue, SchemaIssueKind } from "./types.js";
import type { SchemaIndex } from "./convert.js";
import { isPlainObject } from "./convert.js";
import { describeValue, escapePointerSegment, isSensitiveName, redactedValue, renderValue, splitPointer } from "./render.js";
import { comparePointers } from "./order.js";
import {
  enumItem,
  enumList,
  fieldName,
  formatPhrase,
  joinOr,
  orderTypes,
  otherExpected,
  otherMessage,
  rangeWords,
  shortJson,
  subjectOf,
  typeList,
  withArticle,
} from "./wording.js";

export interface ExplainContext {
  index: SchemaIndex;
  /** Compile a converted node on the all-errors, verbose Ajv instance (cached by Ajv). */
  compileFull(node: unknown): ValidateFunction;
  /** Spec pointer of the validated schema: fallback when an error's node has no known origin. */
  basePointer: string;
}

export interface Candidate {
  pointer: string;
  kind: SchemaIssueKind;
  /** Identity for de-duplication and a stable final tie-break. */
  key: string;
  render(): SchemaIssue;
}

export interface Unit {
  pointer: string;
  expand(): Candidate[];
}

const KIND_ORDER: SchemaIssueKind[] = ["null", "type", "required", "enum", "format", "pattern", "range", "other", "unknown-field"];

const RANGE_KEYWORDS = new Set([
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
]);

/** Failures at a location after which that location's evaluated-property bookkeeping is unreliable. */
export const SHAPE_FAILURES = new Set(["anyOf", "oneOf", "type", "enum", "const", "not", "false schema"]);

const MAX_COMPOSITE_DEPTH = 32;

export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    comparePointers(a.pointer, b.pointer) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

// ---------------------------------------------------------------- schema pointers

/** Spec pointer of the violated keyword: the node's origin plus the keyword, when known. */
function schemaPointerOf(e: ErrorObject, ctx: ExplainContext): string {
  const node = e.parentSchema;
  if (isPlainObject(node)) {
    const origin = ctx.index.origin.get(node);
    if (origin !== undefined) {
      // The null branch of a converted `nullable` already names the spec keyword.
      if (origin.endsWith("/nullable")) return origin;
      return `${origin}/${e.keyword}`;
    }
  }
  const sp = e.schemaPath;
  const hash = sp.indexOf("#");
  if (hash > 0) return sp.slice(hash).replace(/^#\/x-reach-open\//, "#/");
  return ctx.basePointer + sp.replace(/^#/, "");
}

// ---------------------------------------------------------------- units

/** Text and spec pointer are built by `build` only for the issues that survive the cap. */
function candidate(
  pointer: string,
  kind: SchemaIssueKind,
  identity: string,
  build: () => { message: string; expected: string; actual: string; schemaPointer: string },
): Candidate {
  return {
    pointer,
    kind,
    key: `${pointer}\u0000${kind}\u0000${identity}`,
    render: () => {
      const b = build();
      return { kind, pointer, schemaPointer: b.schemaPointer, severity: "fail", message: b.message, expected: b.expected, actual: b.actual };
    },
  };
}

function single(c: Candidate): Unit {
  return { pointer: c.pointer, expand: () => [c] };
}

/** One Ajv error (not a composite) -> one candidate; only its pointer and kind are computed now. */
export function plainCandidate(e: ErrorObject, prefix: string, ctx: ExplainContext): Candidate {
  const p = e.params as Record<string, unknown>;
  const data: unknown = e.data;
  const at = prefix + e.instancePath;
  switch (e.keyword) {
    case "required":
    case "dependentRequired": {
      const name = String(p.missingProperty);
      return candidate(`${at}/${escapePointerSegment(name)}`, "required", e.schemaPath, () => ({
        message: `${name} is required${e.keyword === "dependentRequired" ? ` when ${String(p.property)} is present` : ""} but missing`,
        expected: "present",
        actual: "missing",
        schemaPointer: schemaPointerOf(e, ctx),
      }));
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      // The spec itself forbids extra fields here, so this is a real failure, not a warning.
      const name = String(p.additionalProperty ?? p.unevaluatedProperty);
      return candidate(`${at}/${escapePointerSegment(name)}`, "other", e.schemaPath, () => {
        const value = isPlainObject(data) ? data[name] : undefined;
        return {
          message: `${name} is not allowed here: the schema permits no properties beyond those it declares`,
          expected: "no undeclared properties",
          actual: isSensitiveName(name) ? redactedValue(value) : renderValue(value),
          schemaPointer: schemaPointerOf(e, ctx),
        };
      });
    }
    default:
      return candidate(at, kindOf(e), e.schemaPath, () => describeError(e, at, ctx));
  }
}

function kindOf(e: ErrorObject): SchemaIssueKind {
  switch (e.keyword) {
    case "type":
      return e.data === null ? "null" : "type";
    case "enum":
    case "const":
      return e.data === null ? "null" : "enum";
    case "format":
      return "format";
    case "pattern":
      return "pattern";
    default:
      return RANGE_KEYWORDS.has(e.keyword) ? "range" : "other";
  }
}

/** The sentence, expectation and rendering for an error at the value's own location. */
function describeError(e: ErrorObject, pointer: string, ctx: ExplainContext): { message: string; expected: string; actual: string; schemaPointer: string } {
  const segs = splitPointer(pointer);
  const subject = subjectOf(segs);
  const sensitive = isSensitiveName(fieldName(segs));
  const data: unknown = e.data;
  const p = e.params as Record<string, unknown>;
  const actual = sensitive ? redactedValue(data) : renderValue(data);
  const got = describeValue(data, sensitive);
  const schemaPointer = schemaPointerOf(e, ctx);
  const say = (message: string, expected: string) => ({ message, expected, actual, schemaPointer });

  switch (e.keyword) {
    case "type": {
      const types = orderTypes(typeList(p.type));
      return say(`${subject} must be ${joinOr(types.map(withArticle))}, got ${got}`, joinOr(types));
    }
    case "enum":
    case "const": {
      const expected = e.keyword === "enum" ? `one of ${enumList(p.allowedValues)}` : `exactly ${enumItem(p.allowedValue)}`;
      return say(`${subject} must be ${expected} but is ${shortJson(data, sensitive)}`, expected);
    }
    case "format": {
      const phrase = formatPhrase(p.format);
      return say(`${subject} must be ${phrase}, got ${got}`, phrase);
    }
    case "pattern":
      return say(`${subject} must match the pattern ${String(p.pattern)}, got ${got}`, `a string matching ${String(p.pattern)}`);
    default:
      if (RANGE_KEYWORDS.has(e.keyword)) {
        const { expected, measured, verb, unit } = rangeWords(e.keyword, p, data);
        return say(`${subject} must ${verb} ${expected}${unit}, got ${measured}`, expected);
      }
      return say(otherMessage(e, subject), otherExpected(e));
  }
}

// ---------------------------------------------------------------- composites

interface BranchRun {
  index: number;
  valid: boolean;
  errors: ErrorObject[];
  /** The value is not even of this branch's type (or the branch is `false`). */
  mismatch: boolean;
}

function runBranch(ctx: ExplainContext, member: unknown, data: unknown, index: number): BranchRun {
  try {
    const fn = ctx.compileFull(member);
    const valid = fn(data) === true;
    // Copy at once: the same function may run again (recursion) and replace `.errors`.
    const errors = valid ? [] : [...(fn.errors ?? [])];
    const mismatch = errors.some((x) => x.instancePath === "" && (x.keyword === "type" || x.keyword === "false schema"));
    return { index, valid, errors, mismatch };
  } catch {
    return { index, valid: false, errors: [], mismatch: false };
  }
}

/** The branch a discriminator value names, if the schema had a discriminator. */
function discriminated(ctx: ExplainContext, node: object, members: unknown[], data: unknown): number | undefined {
  const disc = ctx.index.discriminators.get(node);
  if (!disc || !isPlainObject(data)) return undefined;
  const value = data[disc.propertyName];
  if (typeof value !== "string") return undefined;
  const target = disc.mapping?.[value];
  const idx = members.findIndex((m) => {
    if (!isPlainObject(m) || typeof m.$ref !== "string") return false;
    const ref = m.$ref;
    if (target !== undefined) return ref.endsWith(target.startsWith("#") ? target : `/${target}`);
    return ref.endsWith(`/${value}`);
  });
  return idx >= 0 ? idx : undefined;
}

/**
 * A failed `anyOf`/`oneOf`: decide which issues stand for it, and how many of the errors Ajv
 * listed just before it belong to its branches (so the caller can drop that noise).
 */
function compositeUnit(
  e: ErrorObject,
  prefix: string,
  ctx: ExplainContext,
  depth: number,
): { unit: Unit; blockSize: number } {
  const pointer = prefix + e.instancePath;
  const node = e.parentSchema;
  const members = isPlainObject(node) && Array.isArray(node[e.keyword]) ? (node[e.keyword] as unknown[]) : [];
  const data: unknown = e.data;
  const runs = members.map((m, i) => runBranch(ctx, m, data, i));
  const blockSize = runs.filter((r) => !r.valid).reduce((n, r) => n + r.errors.length, 0);

  /** Wording shared by the one-issue outcomes below. */
  const words = () => {
    const segs = splitPointer(pointer);
    const sensitive = isSensitiveName(fieldName(segs));
    const origin = isPlainObject(node) ? ctx.index.origin.get(node) : undefined;
    // A converted `nullable` wrapper has no anyOf in the spec: point at the schema itself.
    const wrapper = isPlainObject(node) && ctx.index.nullableWrappers.has(node);
    const schemaPointer = origin === undefined ? schemaPointerOf(e, ctx) : wrapper ? origin : `${origin}/${e.keyword}`;
    return {
      subject: subjectOf(segs),
      got: describeValue(data, sensitive),
      actual: sensitive ? redactedValue(data) : renderValue(data),
      schemaPointer,
    };
  };

  const passing = runs.filter((r) => r.valid).map((r) => r.index);
  if (passing.length > 1 || members.length === 0 || depth > MAX_COMPOSITE_DEPTH) {
    const c = candidate(pointer, "other", e.schemaPath, () => {
      const w = words();
      return {
        message:
          passing.length > 1
            ? `${w.subject} matches ${passing.length} of the ${e.keyword} alternatives (${passing.join(", ")}) but must match exactly one`
            : `${w.subject} matches none of the allowed alternatives`,
        expected: e.keyword === "oneOf" ? "exactly one alternative" : "one of the alternatives",
        actual: w.actual,
        schemaPointer: w.schemaPointer,
      };
    });
    return { unit: single(c), blockSize };
  }

  const failing = runs.filter((r) => !r.valid);
  const named = discriminated(ctx, node as object, members, data);
  const fitting = failing.filter((r) => !r.mismatch);
  let chosen: BranchRun | undefined = named !== undefined ? runs[named] : undefined;
  if (!chosen && fitting.length > 0) {
    chosen = fitting.reduce((best, r) => (r.errors.length < best.errors.length ? r : best));
  }

  if (!chosen || chosen.errors.length === 0) {
    // No branch accepts this kind of value: say which kinds would do.
    const types = orderTypes(
      failing.flatMap((r) => r.errors.filter((x) => x.instancePath === "" && x.keyword === "type").flatMap((x) => typeList(x.params.type))),
    );
    const kind: SchemaIssueKind = data === null ? "null" : types.length > 0 ? "type" : "other";
    const c = candidate(pointer, kind, e.schemaPath, () => {
      const w = words();
      return {
        message:
          types.length > 0
            ? `${w.subject} must be ${joinOr(types.map(withArticle))}, got ${w.got}`
            : `${w.subject} matches none of the allowed alternatives`,
        expected: types.length > 0 ? joinOr(types) : "one of the alternatives",
        actual: w.actual,
        schemaPointer: w.schemaPointer,
      };
    });
    return { unit: single(c), blockSize };
  }

  const branchErrors = chosen.errors;
  return {
    unit: { pointer, expand: () => errorsToUnits(branchErrors, pointer, ctx, depth + 1).flatMap((u) => u.expand()) },
    blockSize,
  };
}

function isAtOrBelow(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/**
 * Group a list of Ajv errors (as Ajv produced them, in evaluation order) into units.
 * Ajv reports a failed composite after the errors of its branches, so the list is read backwards
 * and each composite swallows the block of branch errors that precedes it.
 */
export function errorsToUnits(errors: readonly ErrorObject[], prefix: string, ctx: ExplainContext, depth = 0): Unit[] {
  const units: Unit[] = [];
  let j = errors.length - 1;
  while (j >= 0) {
    const e = errors[j];
    if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      const { unit, blockSize } = compositeUnit(e, prefix, ctx, depth);
      units.push(unit);
      let k = 0;
      while (k < blockSize && j - 1 - k >= 0 && isAtOrBelow(errors[j - 1 - k].instancePath, e.instancePath)) k++;
      j -= 1 + k;
      continue;
    }
    // `if` only says "the then/else branch failed"; that branch's own errors are already listed.
    if (e.keyword !== "if") units.push(single(plainCandidate(e, prefix, ctx)));
    j--;
  }
  return units;
}

/** A property the schema does not declare, found by the closed variant. */
export function unknownFieldUnit(e: ErrorObject, declared: () => readonly string[], ctx: ExplainContext): Unit {
  const name = String((e.params as Record<string, unknown>).unevaluatedProperty);
  const pointer = `${e.instancePath}/${escapePointerSegment(name)}`;
  const c = candidate(pointer, "unknown-field", "", () => {
    const value = isPlainObject(e.data) ? e.data[name] : undefined;
    const node = e.parentSchema;
    const origin = isPlainObject(node) ? ctx.index.origin.get(node) : undefined;
    const names = declared();
    const list = names.join(", ");
    return {
      message: `${name} is not defined by the schema (unknown field)`,
      expected: names.length === 0 ? "no such property" : `only declared properties: ${list.length > 80 ? `${list.slice(0, 79)}…` : list}`,
      actual: isSensitiveName(name) ? redactedValue(value) : renderValue(value),
      schemaPointer: origin ?? ctx.basePointer,
    };
  });
  return single(c);
}

/**
 * Sort units, expand only as many as can reach the first `max` issues, and render those.
 * A unit's issues all sit at or below its pointer, so once `max` issues are known, every unit
 * after the max-th pointer is skipped without being expanded.
 */
export function selectIssues(units: Unit[], max: number, unknownSeverity: "warn" | "fail"): SchemaIssue[] {
  if (max <= 0 || units.length === 0) return [];
  units.sort((a, b) => comparePointers(a.pointer, b.pointer));
  let kept: Candidate[] = [];
  const seen = new Set<string>();
  for (const unit of units) {
    if (kept.length >= max && comparePointers(unit.pointer, kept[max - 1].pointer) > 0) break;
    for (const c of unit.expand()) {
      if (seen.has(c.key)) continue;
      seen.add(c.key);
      kept.push(c);
    }
    if (kept.length >= max) {
      kept.sort(compareCandidates);
      kept = kept.slice(0, max);
    }
  }
  kept.sort(compareCandidates);
  return kept.slice(0, max).map((c) => {
    const issue = c.render();
    if (c.kind === "unknown-field") issue.severity = unknownSeverity;
    return issue;
  });
}
