/** JSON pointers as used in `$ref`s and in the spec locations that findings cite. */

import { escapePointerSegment, unescapePointerSegment } from "../schema/render.js";

export { escapePointerSegment as escapePointerToken };

/** `#/paths/~1companies~1{CompanyId}/get` from `["paths", "/companies/{CompanyId}", "get"]`. */
export function pointerOf(tokens: readonly string[]): string {
  return tokens.length === 0 ? "#" : `#/${tokens.map((t) => escapePointerSegment(t)).join("/")}`;
}

/** The tokens of a local reference (`#/a/b`), or undefined when the reference is not local. */
export function parseLocalRef(ref: string): string[] | undefined {
  if (ref === "#" || ref === "#/") return ref === "#" ? [] : [""];
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((raw) => {
      // Fragments may be percent-encoded (e.g. `%7B`); a stray `%` is taken literally.
      let token = raw;
      try {
        token = decodeURIComponent(raw);
      } catch {
        token = raw;
      }
      return unescapePointerSegment(token);
    });
}

const missing = Symbol("missing");

/** Walk `tokens` from `root`; the `missing` symbol when a step does not exist. */
export function walk(root: unknown, tokens: readonly string[]): unknown {
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return missing;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.prototype.hasOwnProperty.call(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return missing;
    }
  }
  return node;
}

export function isMissing(value: unknown): boolean {
  return value === missing;
}

/** application/json or a `+json` media type (problem+json, vnd.…+json). */
export function isJsonMediaType(ct: string | undefined): boolean {
  return ct !== undefined && (ct === "application/json" || /^application\/[\w.+-]*\+json$/.test(ct));
}

/**
 * Where a response's schema sits in the document: under its JSON media type, else its first one;
 * undefined when it declares no media type.
 */
export function responseSchemaPointer(r: { specPointer: string; contentTypes: readonly string[] }): string | undefined {
  const media = r.contentTypes.find((c) => isJsonMediaType(c)) ?? r.contentTypes[0];
  return media === undefined ? undefined : `${r.specPointer}/content/${escapePointerSegment(media)}/schema`;
}
