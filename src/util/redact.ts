/**
 * Masks secrets (tokens, client secrets, refresh tokens) in any text the tool keeps or prints.
 *
 * A partner may echo a secret back in a form other than the one we sent: URL-encoded in a query
 * or form body, escaped inside a JSON string, or base64-encoded (a Basic credential, a JWT-like
 * blob, a debug dump). Each secret is therefore expanded into all those spellings once, and one
 * regular expression with the longest spelling first masks them all in a single pass.
 */

export const REDACTED = "[REDACTED]";

/** Shorter values are too likely to hit ordinary words and numbers to be masked everywhere. */
const MIN_SECRET_LENGTH = 4;

/**
 * Base64 fragments shorter than this are not used: two or three characters would match by chance
 * inside unrelated base64 data and mangle it. Four characters (24 bits) rarely do.
 */
const MIN_BASE64_FRAGMENT = 4;

/** Deeper than this, `redactDeep` stops walking (HTTP bodies nesting deeper are never parsed). */
const MAX_WALK_DEPTH = 1000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function toUrlSafe(b64: string): string {
  return b64.replace(/\+/g, "-").replace(/\//g, "_");
}

/** JSON string escapes a serializer may produce: plain, with `\/`, and ASCII-only `\uXXXX`. */
function jsonForms(secret: string): string[] {
  const plain = JSON.stringify(secret).slice(1, -1);
  const slashed = plain.replace(/\//g, "\\/");
  const ascii = plain.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  // Every character as \uXXXX: what an encoder that escapes everything (or an obfuscating echo) writes.
  const everything = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const upper = (s: string) => s.replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u${hex.toUpperCase()}`);
  return [plain, slashed, ascii, upper(ascii), everything, upper(everything)];
}

/**
 * Percent-encodings: encodeURIComponent, form encoding (`+` for spaces), every byte encoded (what
 * an encoder that escapes everything writes), each in upper- and lower-case hex.
 */
function urlForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const every = [...Buffer.from(secret, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return [component, component.replace(/%20/g, "+"), form, every, lowerHex(component), lowerHex(form), lowerHex(every)];
}

/** HTML spellings: the special characters as named or numeric entities, or every character as an entity. */
function htmlForms(secret: string): string[] {
  const named = secret.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const apos = named.replace(/&#39;/g, "&#x27;");
  const chars = [...secret];
  const decimal = chars.map((c) => `&#${c.codePointAt(0)!};`).join("");
  const hex = chars.map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join("");
  return [named, apos, decimal, hex, hex.toUpperCase().replace(/&#X/g, "&#x")];
}

/** The secret's UTF-8 bytes as hexadecimal, lower and upper case (a debug dump). */
function hexForms(secret: string): string[] {
  const hex = Buffer.from(secret, "utf8").toString("hex");
  return [hex, hex.toUpperCase()];
}

/**
 * Parts of a long secret are masked on their own: a partner that echoes part of a token (its first
 * 20 characters, a line cut short) leaks that much of it. A part is PARTIAL_RUN characters taken
 * every few characters (at most PARTS_PER_SECRET of them, so that a long JWT does not make the
 * search slow), so any run of PARTIAL_RUN + stride - 1 characters, and the first or last
 * PARTIAL_RUN, hold one.
 */
const PARTIAL_RUN = 16;
/** Secrets shorter than this are not masked in parts (a part would be too short to tell from chance). */
const PARTIAL_FROM = 24;
const PARTS_PER_SECRET = 8;

/** The parts of a long secret, as it was sent (the other spellings are whole). */
function partialForms(secret: string): string[] {
  if (secret.length < PARTIAL_FROM) return [];
  const last = secret.length - PARTIAL_RUN;
  const stride = Math.max(4, Math.ceil(last / (PARTS_PER_SECRET - 1)));
  const out = new Set<string>();
  for (let i = 0; i < last; i += stride) out.add(secret.slice(i, i + PARTIAL_RUN));
  out.add(secret.slice(last));
  return [...out];
}

/**
 * Base64 spellings. Whole: the secret encoded on its own (padded or not, standard or url-safe).
 * Embedded: when the secret sits inside longer data (e.g. `client_id:client_secret` in a Basic
 * header) its bytes start at one of three offsets within a 3-byte group; for each offset only the
 * characters whose 6 bits all come from the secret are stable, so those are the pattern.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const out: string[] = [];
  const whole = bytes.toString("base64");
  out.push(whole, whole.replace(/=+$/, ""));
  const bitLength = bytes.length * 8;
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const startBit = offset * 8;
    const first = Math.ceil(startBit / 6);
    const end = Math.floor((startBit + bitLength) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length >= MIN_BASE64_FRAGMENT) out.push(fragment);
  }
  return [...out, ...out.map(toUrlSafe)];
}

/**
 * A short secret of letters and digits only ("secret", "changeme", "123456", what a sandbox is
 * given) also spells parts of ordinary identifiers and numbers: "client_secret_post", an amount.
 * Its own spellings are masked where they stand alone, not inside a longer run of letters, digits
 * and underscores; masked inside one, a spec value or a field name would be garbled and judged
 * wrong. Its base64 spellings sit inside longer base64 by nature and are masked anywhere.
 */
const WORD_LIKE_BELOW = 16;
const WORD_CHAR = "[A-Za-z0-9_]";
/**
 * Where a word-like secret may start: not after a word character, unless that character ends an
 * escape (`%20`, `\u0020`, `&#32;` ends in `;` anyway), which separates words as a space does.
 */
const ALONE_BEFORE = `(?:(?<!${WORD_CHAR})|(?<=%[0-9A-Fa-f]{2})|(?<=\\\\u[0-9A-Fa-f]{4}))`;

function wordLike(secret: string): boolean {
  return secret.length < WORD_LIKE_BELOW && /^[A-Za-z0-9]+$/.test(secret);
}

/**
 * A secret whose characters are escaped one by one, some and not others: `\u0059m\u0065` in JSON,
 * `%59m%65` in a URL, `&#89;m&#101;` in HTML. Each character may stand as itself or as any of
 * those escapes (hex in either case); the regular expression matches any mixture. Run only on text
 * that holds one of the escapes' introducers (see ESCAPE_INTRODUCER).
 */
function mixedSource(secret: string): string {
  return [...secret]
    .map((c) => {
      const code = c.codePointAt(0)!;
      const alternatives = [escapeRegExp(c)];
      if (code < 0x10000) alternatives.push(`\\\\u${hexIgnoringCase(code.toString(16).padStart(4, "0"))}`);
      for (const b of Buffer.from(c, "utf8")) alternatives.push(`%${hexIgnoringCase(b.toString(16).padStart(2, "0"))}`);
      alternatives.push(`&#0*${code};`, `&#[xX]0*${hexIgnoringCase(code.toString(16))};`);
      // Named HTML entities, and JSON's two-character escapes (\", \\ and \/), as regular expression source.
      const named: Record<string, string[]> = { "&": ["&amp;"], "<": ["&lt;"], ">": ["&gt;"], '"': ["&quot;", String.raw`\\"`], "'": ["&apos;"], "/": [String.raw`\\/`], "\\": [String.raw`\\\\`] };
      alternatives.push(...(named[c] ?? []));
      return `(?:${alternatives.join("|")})`;
    })
    .join("");
}

function hexIgnoringCase(hex: string): string {
  return [...hex].map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join("");
}

/** Text holding none of these has no escaped character: the mixed matcher is not run on it. */
const ESCAPE_INTRODUCER = /\\u|%[0-9A-Fa-f]{2}|&#|&(?:amp|lt|gt|quot|apos);|\\\//;

/** Longest source of one regular expression over spellings (V8 refuses a few hundred thousand). */
const MAX_PATTERN_SOURCE = 64 * 1024;

interface Matcher {
  replace(text: string): string;
  test(text: string): boolean;
}

/**
 * One alternation over spellings; should the engine still refuse it, each spelling is looked for
 * as plain text instead. The error is never passed on: its message would hold them.
 */
function matcherOf(spellings: string[], standalone: ReadonlySet<string>): Matcher {
  try {
    const source = spellings.map((p) => (standalone.has(p) ? `${ALONE_BEFORE}${escapeRegExp(p)}(?!${WORD_CHAR})` : escapeRegExp(p))).join("|");
    const re = new RegExp(source, "g");
    return {
      replace: (text) => text.replace(re, REDACTED),
      test: (text) => {
        re.lastIndex = 0;
        const found = re.test(text);
        re.lastIndex = 0;
        return found;
      },
    };
  } catch {
    return {
      replace: (text) => spellings.reduce((t, p) => t.split(p).join(REDACTED), text),
      test: (text) => spellings.some((p) => text.includes(p)),
    };
  }
}

const JSON_ESCAPE = Buffer.from("\\u", "latin1");
const HTML_ENTITY = Buffer.from("&#", "latin1");

/**
 * Bytes of a JSON answer from the most common to the least (digits and punctuation, then letters
 * by how often English and member names use them); bytes not listed are rarer still.
 */
const COMMON_FIRST = '0123456789":,.-{}[] etaoinsrlcdumhpAIPDCSTNMERyfgbwvkxjqzBFGHJKLOQUVWXYZ';
const RARENESS = new Uint8Array(256).fill(COMMON_FIRST.length);
for (let i = 0; i < COMMON_FIRST.length; i++) RARENESS[COMMON_FIRST.charCodeAt(i)] = i;

/** Distinct bytes of a spelling looked for on their own before the spelling itself (see hasInBytes). */
const PROBES_PER_NEEDLE = 3;

/** A spelling to search raw bytes for, and its rarest bytes: without one of those, it is not there. */
interface Needle {
  bytes: Buffer;
  probes: number[];
}

/**
 * The fewest spellings to look for in raw bytes so that finding none of them proves none of the
 * spellings there. A spelling holding a JSON or HTML escape is covered by the search for the escape
 * itself (see hasInBytes); one holding another spelling is covered by the search for that one (a
 * whole token holds its parts, a whole base64 spelling its first fragment). A body is searched once
 * per spelling kept, so this halves the cost of scanning every statement of a sync.
 */
function needlesOf(spellings: Iterable<string>): Needle[] {
  const escaped = (p: string) => p.includes("\\u") || p.includes("&#");
  const shortestFirst = [...new Set(spellings)].filter((p) => !escaped(p)).sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of shortestFirst) if (!kept.some((k) => p.includes(k))) kept.push(p);
  return kept.map((p) => {
    const bytes = Buffer.from(p, "latin1");
    const probes = [...new Set(bytes)].sort((a, b) => RARENESS[b] - RARENESS[a] || a - b).slice(0, PROBES_PER_NEEDLE);
    return { bytes, probes };
  });
}

const BACKSLASH = 0x5c;
const AMPERSAND = 0x26;

export class Redactor {
  private readonly secrets = new Set<string>();
  private patterns = new Set<string>();
  /** Spellings masked only where they stand alone (see wordLike); a subset of `patterns`. */
  private standalone = new Set<string>();
  /** Spellings some secret needs masked anywhere: never made standalone by another secret. */
  private anywhere = new Set<string>();
  /** Regular expressions over the spellings, longest first, each within MAX_PATTERN_SOURCE. */
  private matcher: Matcher[] | undefined;
  /** The spellings as bytes for hasInBytes; null when one is not ASCII. */
  private needles: Needle[] | null | undefined;
  /** Per byte value, within one hasInBytes call: 0 not looked for yet, 1 there, 2 not there. */
  private readonly seen = new Uint8Array(256);
  /** The mixed-escape matcher (see mixedMatcher); null when the engine refused it. */
  private mixed: RegExp | null | undefined;

  /** Registers a secret. Empty and very short values (under 4 characters) are ignored. */
  add(secret: string): void {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    const own = [secret, ...urlForms(secret), ...jsonForms(secret), ...htmlForms(secret)];
    const encoded = [...base64Forms(secret), ...hexForms(secret), ...partialForms(secret)];
    const alone = wordLike(secret);
    for (const form of [...own, ...encoded]) {
      if (form.length === 0) continue;
      this.patterns.add(form);
      if (alone && own.includes(form) && !this.anywhere.has(form)) this.standalone.add(form);
      else {
        this.anywhere.add(form);
        this.standalone.delete(form);
      }
    }
    this.matcher = undefined;
    this.needles = undefined;
    this.mixed = undefined;
  }

  /** One expression over every secret's mixed spelling (see mixedSource), made when first needed. */
  private mixedMatcher(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    if (!this.mixed) {
      const sources = [...this.secrets].sort((a, b) => b.length - a.length).map((secret) => (wordLike(secret) ? `${ALONE_BEFORE}${mixedSource(secret)}(?!${WORD_CHAR})` : mixedSource(secret)));
      try {
        this.mixed = new RegExp(sources.join("|"), "g");
      } catch {
        // Too large for the engine: one expression per secret would be the next step; none is
        // simpler and the whole spellings still apply. Never the error itself (it holds the source).
        this.mixed = null;
      }
    }
    return this.mixed ?? undefined;
  }

  /** Length of the longest spelling of any secret (0 without secrets). */
  longestSpelling(): number {
    let longest = 0;
    for (const p of this.patterns) longest = Math.max(longest, Buffer.byteLength(p, "latin1"));
    return longest;
  }

  /** Number of registered secrets (not their spellings). */
  get size(): number {
    return this.secrets.size;
  }

  private regex(): Matcher[] | undefined {
    if (this.patterns.size === 0) return undefined;
    if (!this.matcher) {
      // Longest first: the alternation takes the first branch that matches at a position, so a
      // longer spelling that contains a shorter one is masked whole. Long secrets make long
      // alternations, and a regular expression has a size limit: the spellings are cut into groups,
      // still longest first, so a longer spelling is always masked before a shorter one is tried.
      const sorted = [...this.patterns].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      const groups: string[][] = [[]];
      let size = 0;
      for (const p of sorted) {
        // Escaping at most doubles a spelling: counted so, a group stays under the limit.
        if (size > 0 && size + 2 * p.length > MAX_PATTERN_SOURCE) {
          groups.push([]);
          size = 0;
        }
        groups[groups.length - 1]!.push(p);
        size += 2 * p.length + 1 + (this.standalone.has(p) ? 40 : 0);
      }
      this.matcher = groups.map((g) => matcherOf(g, this.standalone));
    }
    return this.matcher;
  }

  redact(text: string): string {
    const matchers = this.regex();
    if (!matchers || typeof text !== "string" || text.length === 0) return text;
    let out = text;
    for (const m of matchers) out = m.replace(out);
    if (ESCAPE_INTRODUCER.test(out)) {
      const mixed = this.mixedMatcher();
      if (mixed) out = out.replace(mixed, REDACTED);
    }
    return out;
  }

  /** True when the text holds any spelling of any secret. */
  has(text: string): boolean {
    const matchers = this.regex();
    if (!matchers || typeof text !== "string") return false;
    if (matchers.some((m) => m.test(text))) return true;
    const mixed = ESCAPE_INTRODUCER.test(text) ? this.mixedMatcher() : undefined;
    if (!mixed) return false;
    mixed.lastIndex = 0;
    const found = mixed.test(text);
    mixed.lastIndex = 0;
    return found;
  }

  /**
   * True when raw body bytes may hold a spelling of a secret. Spellings are matched on the bytes
   * read as Latin-1, which equals the UTF-8 text for ASCII spellings; with a non-ASCII secret the
   * answer is always true (the caller then decodes and redacts the usual way).
   */
  hasInBytes(bytes: Buffer): boolean {
    if (this.patterns.size === 0) return false;
    if (!this.needles) {
      // Made once per set of secrets; undefined (always "maybe") when a spelling is not ASCII.
      const ascii = [...this.patterns].every((p) => !/[^\x00-\x7f]/.test(p));
      this.needles = ascii ? needlesOf(this.patterns) : null;
    }
    if (this.needles === null) return true;
    // A native byte search per spelling: no string of a multi-megabyte body is made. A spelling is
    // only there when each of its bytes is: its rarest bytes are looked for first, each byte value
    // at most once per call (a one-byte search runs some twenty times faster than a spelling's),
    // and most spellings of a token hold a letter a statement's rows never do.
    const seen = this.seen;
    seen.fill(0);
    const there = (byte: number): boolean => {
      if (seen[byte] === 0) seen[byte] = bytes.indexOf(byte) === -1 ? 2 : 1;
      return seen[byte] === 1;
    };
    for (const n of this.needles) if (n.probes.every(there) && bytes.indexOf(n.bytes) !== -1) return true;
    // A secret escaped character by character holds a JSON or HTML escape; the body is then read
    // the usual way, where the mixed matcher looks (a percent escape is a URL's, not a JSON body's).
    return (there(BACKSLASH) && bytes.indexOf(JSON_ESCAPE) !== -1) || (there(AMPERSAND) && bytes.indexOf(HTML_ENTITY) !== -1);
  }

  /**
   * A copy of a JSON-like value with every string (object keys included) redacted. Values that
   * hold no secret are returned as they are, so an untouched tree is not copied.
   */
  redactDeep<T>(value: T): T {
    if (this.patterns.size === 0) return value;
    return this.walk(value, new WeakMap(), 0) as T;
  }

  private walk(value: unknown, seen: WeakMap<object, unknown>, depth: number): unknown {
    if (typeof value === "string") return this.redact(value);
    if (value === null || typeof value !== "object") return value;
    // Recursion is bounded: a subtree nested absurdly deep is replaced whole, never left unmasked.
    if (depth >= MAX_WALK_DEPTH) return REDACTED;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      let changed = false;
      for (const item of value) {
        const next = this.walk(item, seen, depth + 1);
        if (next !== item) changed = true;
        copy.push(next);
      }
      return changed ? copy : value;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // Buffers, Dates, class instances
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    let changed = false;
    for (const [key, item] of Object.entries(value)) {
      const newKey = this.redact(key);
      const next = this.walk(item, seen, depth + 1);
      if (newKey !== key || next !== item) changed = true;
      copy[newKey] = next;
    }
    return changed ? copy : value;
  }
}

/** A redactor that already knows the given secrets; undefined and empty values are skipped. */
export function redactorFor(...secrets: Array<string | undefined>): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) if (secret) redactor.add(secret);
  return redactor;
}
