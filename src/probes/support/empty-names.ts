/**
 * Names left empty. The spec types them as strings without a minimum length, but Reach shows them
 * (an account, a class, a company), and its checklist asks that required fields be populated:
 * an empty or blank name is a record Reach cannot label.
 */
import type { Exchange } from "../../http/types.js";
import type { Finding } from "../../report/types.js";
import type { Operation, ProbeContext } from "../types.js";
import { makeFinding } from "./findings.js";
import { listSome } from "./sync-data.js";
import { escapePointerSegment } from "../../schema/render.js";

/** The fields that carry what Reach shows for a record. */
const NAME_FIELDS = new Set(["Name", "CompanyName"]);

/** Pointers of name fields holding an empty or blank string, in document order (bounded walk). */
export function emptyNames(json: unknown, max = 1000): string[] {
  const out: string[] = [];
  // Depth first, children pushed last to first so that they come off the stack in document order.
  const stack: { value: unknown; pointer: string; name: boolean }[] = [{ value: json, pointer: "", name: false }];
  let steps = 0;
  while (stack.length > 0 && steps++ < 200_000 && out.length < max) {
    const { value, pointer, name } = stack.pop()!;
    if (name) {
      if (typeof value === "string" && value.trim() === "") out.push(pointer);
      continue;
    }
    if (!value || typeof value !== "object") continue;
    const entries = Array.isArray(value) ? value.map((x, i) => [String(i), x] as const) : Object.entries(value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      stack.push({ value: x, pointer: `${pointer}/${escapePointerSegment(k)}`, name: !Array.isArray(value) && NAME_FIELDS.has(k) });
    }
  }
  return out;
}

/** One warning for the empty names of some answers of an operation (the first answer that has one is shown). */
export function emptyNameFinding(
  ctx: ProbeContext,
  checkId: string,
  op: Operation,
  answers: readonly Exchange[],
  company?: string,
  /** Which places count (default: all). */
  keep: (pointer: string) => boolean = () => true,
): Finding | undefined {
  let total = 0;
  let shown: { ex: Exchange; pointers: string[] } | undefined;
  for (const ex of answers) {
    if (ex.response?.status !== 200) continue;
    const pointers = emptyNames(ex.response.json).filter(keep);
    total += pointers.length;
    if (pointers.length > 0) shown ??= { ex, pointers };
  }
  if (!shown) return undefined;
  return makeFinding(ctx, {
    code: `${checkId}/empty-name`,
    severity: "warn",
    message: `${op.method} ${op.path}${company !== undefined ? ` of ${company}` : ""} sends ${total} empty name${total === 1 ? "" : "s"}: ${listSome(shown.pointers, 4)}. Reach shows these names in its reports and cannot label such a record.`,
    rule: {
      ref: "reach:faq#data-requirements",
      text: "Required fields must be populated before integration starts; missing or incomplete data may cause wrong reporting (Reach's FAQ).",
    },
    fix: "Send the name the accounting system shows for the record (fall back to its number or id rather than an empty string).",
    operation: op,
    company,
    pointer: shown.pointers[0],
    exchange: shown.ex,
    evidence: { expected: "a non-empty name", actual: `"" at ${shown.pointers[0]}` },
  });
}
