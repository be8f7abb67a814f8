import type { Finding } from "../../report/types.js";

/** Array indices replaced by `*`, so one finding can speak for every record with the same problem. */
export const pointerShape = (p?: string): string => (p ?? "").replace(/\/\d+(?=\/|$)/g, "/*");

/**
 * Merge findings that say the same thing about the same operation and company (e.g. the same
 * schema problem on every page of a list), keeping the first and counting the rest.
 */
export function foldFindings(findings: Finding[], unit = "response"): Finding[] {
  const byKey = new Map<string, { first: Finding; count: number }>();
  for (const f of findings) {
    const key = [f.code, f.operation?.method, f.operation?.path, f.company, pointerShape(f.pointer)].join("|");
    const seen = byKey.get(key);
    if (seen) seen.count++;
    else byKey.set(key, { first: f, count: 1 });
  }
  return [...byKey.values()].map(({ first, count }) =>
    count === 1 ? first : { ...first, message: `${first.message} Seen in ${count} ${unit}s.` },
  );
}
