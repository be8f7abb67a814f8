/**
 * The one error type the spec layer throws. Callers (the CLI) print `message` as a single line and
 * exit 2, so every message names the file or URL and the problem, and never spans lines.
 */
export class SpecError extends Error {
  override readonly name = "SpecError";

  constructor(message: string) {
    super(oneLine(message));
  }
}

/** Collapse whitespace (validator messages are multi-line) and cap the length for terminals. */
export function oneLine(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
