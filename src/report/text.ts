/**
 * Plain-text helpers shared by the text reporters. Everything here is pure and colour-free:
 * callers wrap and measure plain strings first and add colour afterwards, so widths stay exact.
 */

/** Visible length in code points (a surrogate pair counts once). */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// C0/C1 controls (except newline and tab) and bidi overrides: a partner's response body must not be able
// to move the cursor, recolour the log or reorder what a reviewer reads.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Makes an untrusted string safe to print: CRLF becomes LF, tabs become spaces, other controls are escaped. */
export function sanitize(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\t/g, "  ")
    .replace(UNSAFE_CHARS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Shortens a value to at most `max` code points, saying how much was left out so nobody mistakes the
 * excerpt for the whole value.
 */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const rest = chars.length - max;
  return `${chars.slice(0, max).join("")}… (${rest} more characters, see --format json)`;
}

/**
 * Word-wraps prose to `width` columns. Existing line breaks are kept; a single word longer than the
 * width stays whole on its own line (splitting a URL or a JSON pointer would make it unusable).
 */
export function wrap(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  const limit = (): number => (lines.length === 0 ? firstWidth : width);
  for (const paragraph of text.split("\n")) {
    const words = paragraph.split(/ +/).filter((w) => w.length > 0);
    if (words.length === 0) {
      lines.push("");
      continue;
    }
    let line = "";
    let lineLen = 0;
    for (const word of words) {
      const wordLen = textLength(word);
      if (lineLen === 0) {
        line = word;
        lineLen = wordLen;
      } else if (lineLen + 1 + wordLen <= limit()) {
        line += ` ${word}`;
        lineLen += 1 + wordLen;
      } else {
        lines.push(line);
        line = word;
        lineLen = wordLen;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Narrowest column of prose worth keeping beside a prefix; below it the text moves to its own lines. */
const MIN_TEXT_WIDTH = 20;

/**
 * Wraps `text` so the first line follows `firstPrefix` and the others are indented by `restIndent`
 * spaces (default: aligned under the text of the first line). `firstPrefixLength` is the visible length
 * of the first prefix, which may carry colour codes. When the prefix leaves too little room, the text
 * starts on the next line instead.
 */
export function hang(
  firstPrefix: string,
  firstPrefixLength: number,
  text: string,
  width: number,
  restIndent = firstPrefixLength,
): string[] {
  const pad = " ".repeat(restIndent);
  const restWidth = Math.max(MIN_TEXT_WIDTH, width - restIndent);
  const firstWidth = width - firstPrefixLength;
  if (firstWidth < MIN_TEXT_WIDTH) {
    return [firstPrefix, ...wrap(text, restWidth).map((line) => pad + line)];
  }
  return wrap(text, restWidth, firstWidth).map((line, i) => (i === 0 ? firstPrefix : pad) + line);
}

/** A duration a person reads at a glance: `850 ms`, `4.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "unknown";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** `1 finding`, `3 findings`. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
