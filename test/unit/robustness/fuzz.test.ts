/**
 * Generated partner answers (a fuzz loop with a fixed seed, so a failure reproduces) fed through
 * everything that reads them: body reading, the response checks, the validator, the redactor and
 * every reporter. Whatever the partner sends, no exception escapes and no secret comes out.
 * Plus the guards that keep each recursive walk safe when a value nests absurdly deep.
 */
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "../../../src/http/client.js";
import { MAX_JSON_DEPTH, readBody, scanJson } from "../../../src/http/json-scan.js";
import type { Exchange, ExchangeResponse, HttpClient } from "../../../src/http/types.js";
import { bodyExcerpt, makeFinding } from "../../../src/probes/support/findings.js";
import { checkDataResponse } from "../../../src/probes/support/response.js";
import type { ProbeContext } from "../../../src/probes/types.js";
import { REPORT_FORMATS, renderReport } from "../../../src/report/index.js";
import type { CheckResult, Finding, Report } from "../../../src/report/types.js";
import { createValidator } from "../../../src/schema/validator.js";
import type { SchemaValidator } from "../../../src/schema/types.js";
import type { Contract, Operation } from "../../../src/spec/types.js";
import { Redactor } from "../../../src/util/redact.js";
import { contractFor } from "../../helpers/harness.js";

const SECRET = "fuzz-Secret-Tok_9aZ/+x=";
const SEED = 20_261_115;
const ITERATIONS = 400;

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const NASTY_STRINGS = [
  "",
  SECRET,
  `Bearer ${SECRET}`,
  Buffer.from(SECRET).toString("base64"),
  encodeURIComponent(SECRET),
  "\u0000\u0001\u001b[31mred\u001b[0m",
  "\ud800 lone surrogate",
  "<script>alert(1)</script>]]><!--",
  "line\nbreak\r\n\ttab",
  "😀 emoji and ünïcödé",
  "x".repeat(5000),
  "${HOME} $(rm -rf /) `id`",
  '"quoted" \\backslash\\',
];

function randomString(r: Rng): string {
  if (r.next() < 0.5) return r.pick(NASTY_STRINGS);
  let s = "";
  const n = r.int(20);
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.next() < 0.8 ? 32 + r.int(95) : r.int(0x3000));
  return s;
}

function randomValue(r: Rng, depth: number): unknown {
  const k = r.int(depth > 6 ? 5 : 8);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1.5, 1e308, -1e-308, 12, 13, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      const names = ["CompanyId", "CompanyName", "FiscalMonthEnd", "Currency", "Data", "Pagination", "offset", "limit", "total", "AccountId", "errors", "access_token", "__proto__", "constructor", randomString(r)];
      const n = r.int(6);
      for (let i = 0; i < n; i++) o[r.pick(names)] = randomValue(r, depth + 1);
      return o;
    }
    default: {
      const n = r.int(5);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
  }
}

/** Text that is JSON, almost JSON, or not JSON at all. */
function randomBodyText(r: Rng): string {
  const base = JSON.stringify(randomValue(r, 0)) ?? "null";
  switch (r.int(9)) {
    case 0:
      return base.slice(0, r.int(base.length + 1)); // cut off
    case 1: {
      const d = MAX_JSON_DEPTH - 5 + r.int(20); // around the nesting limit
      return `{"Data":${"[".repeat(d)}"${SECRET}"${"]".repeat(d)}}`;
    }
    case 2:
      return `{"FiscalMonthEnd": "x", "FiscalMonthEnd": 12, "n": ${r.pick(["1e400", "-1e400", "1e-400", "123456789012345678901234567890", "9007199254740993", "0.1"])}}`;
    case 3:
      return `<!doctype html><html><body>${randomString(r)}</body></html>`;
    case 4:
      return `{"Data": [${Array.from({ length: r.int(50) }, () => JSON.stringify(randomValue(r, 3))).join(",")}], "Pagination": {"offset": 0, "limit": 1000, "total": ${r.pick(["1e400", "-1", "null", "\"10\"", "3"])}}}`;
    default:
      return base;
  }
}

function randomBodyBytes(r: Rng, text: string): Buffer {
  const utf8 = Buffer.from(text);
  switch (r.int(8)) {
    case 0:
      return gzipSync(utf8);
    case 1: {
      const b = Buffer.from(utf8);
      for (let i = 0; i < 3 && b.length > 0; i++) b[r.int(b.length)] = 0x80 + r.int(0x80); // broken UTF-8
      return b;
    }
    case 2:
      return Buffer.from(Array.from({ length: r.int(200) }, () => r.int(256)));
    default:
      return utf8;
  }
}

function randomHeaders(r: Rng): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.next() < 0.9) h["content-type"] = r.pick(["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "application/problem+json", "", "application/json; charset=latin1", randomString(r)]);
  if (r.next() < 0.3) h["retry-after"] = r.pick(["86400", "0", "-5", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "99999999999999999999"]);
  if (r.next() < 0.3) h.location = r.pick(["/same", "http://localhost:1/x", `https://evil.example/?t=${SECRET}`, randomString(r)]);
  if (r.next() < 0.2) h["www-authenticate"] = `Bearer realm="${randomString(r)}"`;
  return h;
}

let contract: Contract;
let validator: SchemaValidator;
let http: HttpClient;
let redactor: Redactor;
let ctx: ProbeContext;
let ops: Operation[];

beforeAll(async () => {
  contract = await contractFor();
  validator = createValidator(contract.document, contract.dialect, { strict: false });
  redactor = new Redactor();
  redactor.add(SECRET);
  // Never sends anything here: used for curl lines only.
  http = createHttpClient({ baseUrl: "http://127.0.0.1:9", token: SECRET, redactor });
  ctx = {
    contract,
    http,
    validator,
    companies: ["c1"],
    now: new Date("2026-11-15T12:00:00Z"),
    options: { strict: false, concurrency: 1, slowMs: 2000, sampleSize: 1 },
    data: undefined as unknown as ProbeContext["data"],
    results: new Map(),
    log: () => {},
  };
  ops = contract.operations.filter((o) => o.responses.some((x) => x.schema));
});

/** The exchange the client would store for this answer (same reading, same redaction). */
function exchangeFor(status: number, headers: Record<string, string>, body: Buffer, id: number): Exchange {
  const read = readBody(body, headers["content-encoding"]);
  const has = redactor.has(read.text);
  const response: ExchangeResponse = {
    status,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, redactor.redact(v)])),
    ...(headers["content-type"] ? { contentType: headers["content-type"].split(";")[0].trim().toLowerCase() || undefined } : {}),
    text: has ? redactor.redact(read.text) : read.text,
    bytes: body.length,
    ...("json" in read ? { json: has ? redactor.redactDeep(read.json) : read.json } : {}),
    ...(read.jsonError ? { jsonError: redactor.redact(read.jsonError) } : {}),
    ...(read.duplicateKeys ? { duplicateKeys: read.duplicateKeys } : {}),
    ...(read.impreciseNumbers ? { impreciseNumbers: read.impreciseNumbers } : {}),
  };
  return {
    id,
    request: { method: "GET", url: "http://127.0.0.1:9/x", path: "/x", headers: { authorization: "Bearer ***" }, auth: "default" },
    response,
    startedAt: 0,
    durationMs: 12,
    fromCache: false,
  };
}

function reportOf(findings: Finding[]): Report {
  const check: CheckResult = { id: "schema.fuzz", family: "schema", step: 2, title: "fuzz", status: findings.some((f) => f.severity === "fail") ? "fail" : "pass", summary: "fuzz", findings, durationMs: 1, requests: 1 };
  return {
    reportVersion: 1,
    tool: { name: "reach-check", version: "0.0.0-test" },
    spec: { version: "1.0.3", source: "bundled", sha256: "0".repeat(64), modeledOperations: [] },
    target: { baseUrl: "http://127.0.0.1:9", companies: ["c1"] },
    startedAt: "2026-11-15T12:00:00.000Z",
    durationMs: 1,
    verdict: check.status === "fail" ? "not-ready" : "ready",
    steps: [2, 3, 4].map((step) => ({ step: step as 2 | 3 | 4, title: `step ${step}`, verdict: step === 2 && check.status === "fail" ? "not-ready" : "ready", counts: { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, accepted: 0 } })),
    checks: [check],
    stats: { requests: 1, statuses: { "2xx": 1 } },
    coverage: { total: 0, exercised: 0, operations: [] },
  };
}

describe("generated partner answers", () => {
  it(`${ITERATIONS} answers (seed ${SEED}) pass through reading, checks, redaction and every reporter without an exception or a leak`, () => {
    const r = rng(SEED);
    const kinds = new Set<string>();
    for (let i = 0; i < ITERATIONS; i++) {
      const text = randomBodyText(r);
      const status = r.pick([200, 200, 200, 204, 206, 301, 400, 401, 429, 500, 503, 999]);
      const ex = exchangeFor(status, randomHeaders(r), randomBodyBytes(r, text), i);
      const op = r.pick(ops);
      let findings: Finding[];
      try {
        findings = checkDataResponse(ctx, "schema.fuzz", op, ex, { company: "c1", allow204: r.next() < 0.5 }).findings;
        const report = redactor.redactDeep(reportOf(findings));
        for (const format of REPORT_FORMATS) {
          const out = renderReport(format, report, { color: r.next() < 0.5, verbose: true });
          expect(out, `${format} output of iteration ${i}`).not.toContain(SECRET);
          if (format === "json") JSON.parse(out);
        }
      } catch (err) {
        throw new Error(`iteration ${i} (seed ${SEED}) threw: ${(err as Error).stack ?? String(err)}\nbody: ${text.slice(0, 300)}`);
      }
      for (const f of findings) kinds.add(f.code.split("/")[1]);
    }
    // The generator reaches the interesting outcomes, not only one kind of answer.
    expect([...kinds]).toEqual(expect.arrayContaining(["not-json", "status", "duplicate-key", "number-precision"]));
  });
});

describe("deep values never overflow a walk", () => {
  const DEPTH = 100_000;
  const deepText = `{"a":${"[".repeat(DEPTH)}"${SECRET}"${"]".repeat(DEPTH)}}`;
  let deep: unknown;
  beforeAll(() => {
    deep = JSON.parse(deepText);
  });

  it("reading a body that nests 100,000 levels gives a reason, not a tree", () => {
    const read = readBody(Buffer.from(deepText), undefined);
    expect(read.json).toBeUndefined();
    expect(read.jsonError).toMatch(/nested more than 512 levels/);
    expect(scanJson(deepText).tooDeep).toBe(true);
  });

  it("the redactor masks, without recursing to the bottom", () => {
    const out = redactor.redactDeep(deep);
    expect(JSON.stringify(out, (_k, v: unknown) => v)?.includes(SECRET) ?? false).toBe(false);
  });

  it("the validator answers with an issue", () => {
    const op = contract.operations.find((o) => o.profile.role === "company-info")!;
    const spec = op.responses.find((x) => x.status === "200")!;
    const issues = validator.validate(spec.schema!, deep, { specPointer: spec.specPointer });
    expect(Array.isArray(issues)).toBe(true);
  });

  it("excerpts and findings fall back to the text", () => {
    const ex = exchangeFor(200, { "content-type": "application/json" }, Buffer.from("{}"), 1);
    ex.response!.json = deep; // as if the client had not stopped it
    ex.response!.text = redactor.redact(deepText.slice(0, 1000));
    expect(bodyExcerpt(ex, "/a/0/0")).toBeDefined();
    const f = makeFinding(ctx, { code: "x/y", severity: "fail", message: "m", rule: { ref: "r", text: "t" }, fix: "f", pointer: "/a/0/0", exchange: ex });
    for (const format of REPORT_FORMATS) expect(() => renderReport(format, reportOf([f]))).not.toThrow();
  });
});
