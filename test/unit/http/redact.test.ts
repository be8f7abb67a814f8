import { describe, expect, it, vi } from "vitest";
import { REDACTED, Redactor, redactorFor } from "../../../src/util/redact.js";

const SECRET = "s3cr3t/T0ken+with spaces&'quotes'é";

function b64(text: string | Buffer): string {
  return Buffer.from(text).toString("base64");
}

describe("Redactor", () => {
  it("masks the raw secret everywhere in a text", () => {
    const r = redactorFor("abcd-1234-token");
    expect(r.redact("a abcd-1234-token b abcd-1234-token")).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it("leaves text without secrets untouched, and is a no-op without secrets", () => {
    expect(redactorFor("abcd-1234-token").redact("nothing here")).toBe("nothing here");
    expect(new Redactor().redact("abcd-1234-token")).toBe("abcd-1234-token");
    expect(new Redactor().has("abcd-1234-token")).toBe(false);
  });

  it("ignores empty and 1-3 character secrets but masks 4+ characters", () => {
    const r = redactorFor("", "abc", undefined);
    expect(r.size).toBe(0);
    expect(r.redact("abc abc")).toBe("abc abc");
    r.add("wxyz");
    expect(r.redact("wxyz!")).toBe(`${REDACTED}!`);
  });

  it("masks the encodeURIComponent form", () => {
    const r = redactorFor(SECRET);
    const text = `https://x.test/cb?token=${encodeURIComponent(SECRET)}&a=1`;
    expect(r.redact(text)).toBe(`https://x.test/cb?token=${REDACTED}&a=1`);
  });

  it("masks the form-encoded form (+ for spaces) and lower-case percent escapes", () => {
    const r = redactorFor(SECRET);
    const form = new URLSearchParams({ client_secret: SECRET, grant_type: "refresh_token" }).toString();
    expect(form).toContain("+");
    expect(r.redact(form)).toBe(`client_secret=${REDACTED}&grant_type=refresh_token`);
    const lower = encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(r.redact(`x=${lower}`)).toBe(`x=${REDACTED}`);
  });

  it("masks JSON-escaped forms, including \\/ and \\u escapes", () => {
    const secret = 'tok"en/with\\back\nslash-é';
    const r = redactorFor(secret);
    const json = JSON.stringify({ echo: secret });
    expect(r.redact(json)).toBe(`{"echo":"${REDACTED}"}`);
    const slashed = json.replace(/\//g, "\\/");
    expect(r.redact(slashed)).toBe(`{"echo":"${REDACTED}"}`);
    const ascii = json.replace("é", "\\u00e9");
    expect(r.redact(ascii)).toBe(`{"echo":"${REDACTED}"}`);
  });

  it("masks standard and url-safe base64 of the whole secret, padded or not", () => {
    const secret = "needs?url>safe~~b64"; // bytes chosen so the base64 holds + and /
    const std = b64(secret);
    expect(std).toMatch(/[+/]/);
    const urlSafe = std.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const r = redactorFor(secret);
    expect(r.redact(`x ${std} y`)).toBe(`x ${REDACTED} y`);
    expect(r.redact(`x ${urlSafe} y`)).toBe(`x ${REDACTED} y`);
    expect(r.redact(`x ${std.replace(/=+$/, "")} y`)).toBe(`x ${REDACTED} y`);
  });

  it.each([0, 1, 2])("masks the secret base64-encoded inside longer data at byte offset %i", (offset) => {
    const secret = "client-secret-value-42";
    const r = redactorFor(secret);
    const prefix = "id".padEnd(offset + 3, "x"); // 3 + offset bytes: every alignment mod 3
    const encoded = b64(`${prefix}:${secret}:tail`);
    expect(r.has(encoded)).toBe(true);
    const masked = r.redact(encoded);
    expect(masked).toContain(REDACTED);
    // Nothing decodable to the secret survives, in either alphabet.
    expect(Buffer.from(masked.replace(REDACTED, ""), "base64").toString()).not.toContain(secret);
    const urlSafe = encoded.replace(/\+/g, "-").replace(/\//g, "_");
    expect(r.redact(urlSafe)).toContain(REDACTED);
  });

  it("masks a Basic credential for id:secret", () => {
    const r = redactorFor("my-client-secret");
    const header = `Basic ${b64("my-client:my-client-secret")}`;
    const masked = r.redact(header);
    // The client id part stays readable; the secret's stable characters are gone.
    expect(masked).toMatch(new RegExp(`^Basic ${b64("my-client:").slice(0, 12)}`));
    expect(masked).toContain(REDACTED);
    const rest = masked.slice("Basic ".length).replace(REDACTED, "");
    expect(Buffer.from(rest, "base64").toString("latin1")).not.toMatch(/client-sec|secret/);
  });

  it("masks the longest secret first when secrets overlap", () => {
    const r = redactorFor("token", "token-and-more");
    expect(r.redact("A token-and-more B token C")).toBe(`A ${REDACTED} B ${REDACTED} C`);
  });

  it("treats regex metacharacters in secrets literally", () => {
    const r = redactorFor("a.b*c(d)");
    expect(r.redact("a.b*c(d) axbbbc(d)")).toBe(`${REDACTED} axbbbc(d)`);
  });

  it("has() reports secrets and is stable across calls", () => {
    const r = redactorFor("abcd-1234-token");
    expect(r.has("x abcd-1234-token")).toBe(true);
    expect(r.has("x abcd-1234-token")).toBe(true);
    expect(r.has("nothing")).toBe(false);
  });

  it("secrets added later take effect", () => {
    const r = new Redactor();
    expect(r.redact("late-secret")).toBe("late-secret");
    r.add("late-secret");
    expect(r.redact("late-secret")).toBe(REDACTED);
  });

  it("redactDeep rewrites strings and keys, keeps other values, does not touch the input", () => {
    const r = redactorFor("abcd-1234-token");
    const input = {
      a: "Bearer abcd-1234-token",
      n: 5,
      b: true,
      z: null,
      list: ["x", { deep: "abcd-1234-token" }],
      "abcd-1234-token": 1,
    };
    const out = r.redactDeep(input);
    expect(out).toEqual({
      a: `Bearer ${REDACTED}`,
      n: 5,
      b: true,
      z: null,
      list: ["x", { deep: REDACTED }],
      [REDACTED]: 1,
    });
    expect(input.a).toBe("Bearer abcd-1234-token");
    expect(JSON.stringify(out)).not.toContain("abcd-1234-token");
  });

  it("redactDeep returns an untouched value as is", () => {
    const r = redactorFor("abcd-1234-token");
    const input = { a: ["b", { c: 1 }] };
    expect(r.redactDeep(input)).toBe(input);
    expect(r.redactDeep("plain")).toBe("plain");
    expect(r.redactDeep(42)).toBe(42);
  });

  it("finds a secret in raw body bytes, also across the boundary of its search windows", () => {
    const token = "tok-0123456789abcdefghij";
    const r = redactorFor(token);
    const filler = Buffer.alloc(64 * 1024 - 5, 0x20);
    expect(r.hasInBytes(Buffer.concat([filler, Buffer.from(`"${token}"`)]))).toBe(true);
    expect(r.hasInBytes(Buffer.concat([filler, filler, Buffer.from(encodeURIComponent(token))]))).toBe(true);
    // 16 characters of it in a row are a part masked on its own; 15 are not.
    expect(r.hasInBytes(Buffer.concat([filler, Buffer.from("tok-0123456789abcdefghi")]))).toBe(true);
    expect(r.hasInBytes(Buffer.concat([filler, Buffer.from("tok-0123456789a")]))).toBe(false);
    expect(new Redactor().hasInBytes(Buffer.from(token))).toBe(false);
    // A secret that is not ASCII cannot be matched on raw bytes read as Latin-1: always "maybe".
    expect(redactorFor("sécret-value").hasInBytes(Buffer.from("nothing here"))).toBe(true);
  });

  it("finds every spelling in raw bytes while searching them for fewer spellings than it masks", () => {
    const token = "tok-0123456789abcdefghij";
    const r = redactorFor(token);
    const hex = Buffer.from(token).toString("hex");
    const every = [...Buffer.from(token)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    const spellings = [
      token,
      token.slice(4, 20), // one of the parts masked on their own
      [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
      [...token].map((c) => `&#${c.charCodeAt(0)};`).join(""),
      [...token].map((c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`).join(""),
      b64(token),
      b64(`client-id:${token}`), // inside longer base64 (a Basic header)
      hex,
      hex.toUpperCase(),
      every,
      every.toUpperCase(),
    ];
    const filler = Buffer.alloc(4096, 0x61);
    for (const spelling of spellings) expect(r.hasInBytes(Buffer.concat([filler, Buffer.from(spelling, "latin1"), filler])), spelling).toBe(true);
    // A clean body holding every byte value is searched once per spelling not covered by another
    // (the whole token holds its parts; spellings escaped character by character are covered by the
    // search for the escape): 10 spellings and the two escapes, where each of its 16 spellings was
    // searched before. One without the spellings' rarer bytes (rows of ids, months and amounts) is
    // not searched for any spelling: a spelling is only there when each of its bytes is.
    const everyByte = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    const rows = Buffer.from('{"Data":[{"AccountId":"acc-100200","Period":"2026-01","Amount":-12.5}]}'.repeat(60));
    const search = vi.spyOn(Buffer.prototype, "indexOf");
    const spellingSearches = () => search.mock.calls.filter(([what]) => typeof what !== "number").length;
    try {
      expect(r.hasInBytes(everyByte)).toBe(false);
      expect(spellingSearches()).toBe(12);
      search.mockClear();
      expect(r.hasInBytes(rows)).toBe(false);
      expect(spellingSearches()).toBe(0);
      // Each byte value is looked for at most once per body.
      expect(search.mock.calls.length).toBe(new Set(search.mock.calls.map(([what]) => what)).size);
      search.mockClear();
      expect(r.hasInBytes(Buffer.concat([rows, Buffer.from(token.slice(8)), rows]))).toBe(true);
    } finally {
      search.mockRestore();
    }
  });
});

describe("Redactor: the longest secrets accepted, and every character escaped", () => {
  it("masks a secret written with every character as \\uXXXX (either case)", () => {
    const r = new Redactor();
    const secret = "tok_Abc.123-xyz";
    r.add(secret);
    const lower = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const upper = lower.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`);
    expect(r.redact(`<p>${lower}</p> and ${upper}`)).toBe("<p>[REDACTED]</p> and [REDACTED]");
  });

  it("builds its matcher for secrets of the largest accepted length (8192 characters)", () => {
    const r = new Redactor();
    const secret = Array.from({ length: 8192 }, (_, i) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"[(i * 7919) % 66]).join("");
    r.add(secret);
    r.add(`${secret.slice(0, 4000)}refresh`);
    expect(r.redact(`x${secret}y ${Buffer.from(secret).toString("base64")}`)).toBe("x[REDACTED]y [REDACTED]");
  });

  it("masks a short word-like secret where it stands alone, not inside a longer identifier or number", () => {
    const r = redactorFor("secret", "123456");
    // Spec values and field names that merely contain the word stay readable.
    expect(r.redact('["client_secret_post","client_secret_basic"]')).toBe('["client_secret_post","client_secret_basic"]');
    expect(r.redact("Amount 1234567.89, id 9123456")).toBe("Amount 1234567.89, id 9123456");
    expect(r.has("client_secret_post 1234567")).toBe(false);
    // Standing alone, in any of its spellings, it is masked.
    expect(r.redact('{"client_secret":"secret"}')).toBe(`{"client_secret":"${REDACTED}"}`);
    expect(r.redact("client_secret=secret&pin=123456")).toBe(`client_secret=${REDACTED}&pin=${REDACTED}`);
    expect(r.redact("secret")).toBe(REDACTED);
    expect(r.redact("Secret: secret.")).toBe(`Secret: ${REDACTED}.`);
    expect(r.redact("\\u0073\\u0065\\u0063\\u0072\\u0065\\u0074")).toBe(REDACTED);
    // Its base64 sits inside longer base64 by nature: masked anywhere.
    const basic = `Basic ${b64("reach-client:secret")}`;
    expect(Buffer.from(r.redact(basic).slice("Basic ".length).replace(REDACTED, ""), "base64").toString("latin1")).not.toMatch(/secret|ecre/);
  });

  it("masks a longer or mixed secret anywhere, and a spelling another secret needs masked anywhere stays so", () => {
    expect(redactorFor("Xk29-fLq0").redact("prefix_Xk29-fLq0_suffix")).toBe(`prefix_${REDACTED}_suffix`);
    expect(redactorFor("averylongsecretword").redact("x_averylongsecretword_y")).toBe(`x_${REDACTED}_y`);
    // "token" alone is word-like; "token-and-more" is not, and is masked whole wherever it is.
    const r = redactorFor("token", "token-and-more");
    expect(r.redact("x_token-and-more_y and a_token_b")).toBe(`x_${REDACTED}_y and a_token_b`);
  });
});

describe("Redactor: secrets escaped one character at a time, in parts, or dumped", () => {
  const token = "Ym9vZGxlZG9vZGxlOnNlY3JldF9zdHVmZiExMjM0NTY3";
  const r = redactorFor(token, "nPRyyalt", 'a+b/c="d%e\\f-0123456789abcdef');
  const pct = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const masked = (text: string) => {
    const out = r.redact(`<${text}>`);
    expect(out, text).toBe("<[REDACTED]>");
    expect(r.has(`<${text}>`)).toBe(true);
  };

  it("masks every byte percent-encoded, in either case, and any mixture of escaped and plain characters", () => {
    masked([...token].map((c) => pct(c).toUpperCase().replace("%", "%")).join(""));
    masked([...token].map(pct).join(""));
    masked([...token].map((c, i) => (i % 2 ? pct(c) : c)).join(""));
    masked([...token].map((c, i) => (i % 2 ? u(c) : c)).join(""));
    masked([...token].map((c, i) => (i % 3 ? u(c).toUpperCase().replace("\\U", "\\u") : c)).join(""));
  });

  it("masks a mixture of \\u escapes and JSON's two-character escapes (\\\", \\\\, \\/)", () => {
    const special = 'a+b/c="d%e\\f-0123456789abcdef';
    const json = (c: string) => (c === '"' ? '\\"' : c === "\\" ? "\\\\" : c === "/" ? "\\/" : c);
    masked([...special].map((c, i) => (i % 2 ? u(c) : json(c))).join(""));
    masked([...special].map((c, i) => (i % 2 ? json(c) : u(c))).join(""));
  });

  it("masks HTML entities, named and numeric, and a hex dump", () => {
    masked('a+b/c=&quot;d%e\\f-0123456789abcdef');
    masked([...token].map((c) => `&#${c.charCodeAt(0)};`).join(""));
    masked([...token].map((c, i) => (i % 2 ? `&#x${c.charCodeAt(0).toString(16)};` : c)).join(""));
    masked(Buffer.from(token).toString("hex"));
    masked(Buffer.from(token).toString("hex").toUpperCase());
  });

  it("masks the first or last 16 characters of a long secret (a token cut short), and any run of 19", () => {
    const out = r.redact(`token=${token.slice(0, 20)};`);
    expect(out).toBe(`token=[REDACTED]${token.slice(16, 20)};`);
    expect(r.redact(`…${token.slice(-16)}`)).toBe("…[REDACTED]");
    for (let i = 0; i + 19 <= token.length; i++) expect(r.redact(token.slice(i, i + 19))).toContain("[REDACTED]");
    // A short secret is only ever masked whole.
    expect(r.redact("nPRyyal")).toBe("nPRyyal");
  });

  it("masks a short secret after an escaped separator (%20, \\u0020) but still not inside a word", () => {
    expect(r.redact("x=a%20nPRyyalt%20zz")).toBe("x=a%20[REDACTED]%20zz");
    expect(r.redact("a\\u0020nPRyyalt")).toBe("a\\u0020[REDACTED]");
    expect(r.redact("client_secret_post nPRyyaltX 100% &amp; fine \\u00e9")).toBe("client_secret_post nPRyyaltX 100% &amp; fine \\u00e9");
  });

  it("says raw bytes may hold a secret when they hold a JSON or HTML escape (read the usual way then)", () => {
    expect(r.hasInBytes(Buffer.from('{"Name":"caf\\u00e9"}'))).toBe(true);
    expect(r.hasInBytes(Buffer.from("<p>&#89;</p>"))).toBe(true);
    expect(r.hasInBytes(Buffer.from('{"Name":"Alder & Finch","Amount":12.5}'))).toBe(false);
  });
});
