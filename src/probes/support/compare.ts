/**
 * Comparing the data of two passes of the same request: which records appeared, disappeared or
 * changed, and in which fields. Pure functions over parsed JSON.
 */

export interface FieldChange {
  /** The record's key (e.g. `acc-4010 2026-10`), or `` for the top level of a body. */
  record: string;
  field: string;
  before: unknown;
  after: unknown;
}

export interface RecordDiff {
  added: string[];
  removed: string[];
  changed: FieldChange[];
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Top-level fields of two objects that differ (a field missing on one side counts). */
export function diffFields(record: string, a: unknown, b: unknown, skip: readonly string[] = []): FieldChange[] {
  const x = a && typeof a === "object" && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
  const y = b && typeof b === "object" && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
  const out: FieldChange[] = [];
  for (const field of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (skip.includes(field)) continue;
    if (!same(x[field], y[field])) out.push({ record, field, before: x[field], after: y[field] });
  }
  return out;
}

/**
 * Records of two lists matched by key: keys only in the second list are `added`, only in the first
 * `removed`; matched records are compared field by field. Records without a key are matched by
 * position.
 */
export function diffRecords(a: readonly unknown[], b: readonly unknown[], key: (record: unknown) => string | undefined): RecordDiff {
  const index = (list: readonly unknown[]) => {
    const m = new Map<string, unknown>();
    list.forEach((r, i) => {
      const k = key(r) ?? `#${i}`;
      if (!m.has(k)) m.set(k, r);
    });
    return m;
  };
  const x = index(a);
  const y = index(b);
  const added = [...y.keys()].filter((k) => !x.has(k));
  const removed = [...x.keys()].filter((k) => !y.has(k));
  const changed: FieldChange[] = [];
  for (const [k, r] of x) if (y.has(k)) changed.push(...diffFields(k, r, y.get(k)));
  return { added, removed, changed };
}

/** A key function from field names: `acc-4010 2026-10`; undefined when a field is not a string. */
export function keyBy(fields: readonly string[]): (record: unknown) => string | undefined {
  return (record) => {
    if (!record || typeof record !== "object") return undefined;
    const parts: string[] = [];
    for (const f of fields) {
      const v = (record as Record<string, unknown>)[f];
      if (typeof v !== "string" && typeof v !== "number") return undefined;
      parts.push(String(v));
    }
    return parts.join(" ");
  };
}

export function diffCount(d: RecordDiff): number {
  return d.added.length + d.removed.length + d.changed.length;
}

const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));

/** Up to `max` differences in words, e.g. `acc-4010 2026-10: Amount 1200.5 → 1212.51`. */
export function describeDiff(d: RecordDiff, max = 5): string[] {
  const lines: string[] = [];
  for (const c of d.changed) lines.push(`${c.record ? `${c.record}: ` : ""}${c.field} ${show(c.before)} → ${show(c.after)}`);
  for (const k of d.removed) lines.push(`${k}: missing in the second pass`);
  for (const k of d.added) lines.push(`${k}: only in the second pass`);
  return lines.slice(0, max);
}
