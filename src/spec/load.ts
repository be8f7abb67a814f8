import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { oneLine, SpecError } from "./errors.js";
import { buildOperations } from "./operations.js";
import { findRefCycle } from "./cycles.js";
import { isMissing, parseLocalRef, responseSchemaPointer, walk } from "./pointer.js";
import { describeFsError, readProfile } from "./profile.js";
import { DownloadError, downloadDocument } from "../http/download.js";
import { prebuiltChecksPath, readPrebuilt } from "./prebuilt.js";
import { bundledSpecFiles, bundledVersions, newestVersion } from "./registry.js";
import type { Contract, JsonSchema, Profile } from "./types.js";

export { SpecError } from "./errors.js";
export { prebuiltChecksPath, prebuiltPath } from "./prebuilt.js";

export interface LoadOptions {
  /**
   * A bundled version (`1.0.3`); default the newest. With `specPath` it only picks the bundled
   * profile (default: the one for the spec's `info.version`, else the newest).
   */
  specVersion?: string;
  /** A spec file path or an http(s) URL; replaces the bundled spec. */
  specPath?: string;
  /** A profile JSON file; default the bundled profile that fits the spec. */
  profilePath?: string;
  /**
   * Validate the document against the OpenAPI schema. Default: yes for a spec given with --spec;
   * no for a bundled one, which the test suite validates once instead of every run paying for it.
   */
  validate?: boolean;
  /**
   * Use the bundled version's document as the build prepared it (see prebuilt.ts), when it
   * was made from exactly these bytes. Default: yes; a test compares it with a fresh parse.
   */
  prebuilt?: boolean;
}

type SwaggerParserStatic = typeof import("@apidevtools/swagger-parser");
type Doc = Record<string, unknown>;

interface SpecSource {
  kind: "bundled" | "file" | "url";
  /** What the parser is given as the document's location (file path, or URL without credentials). */
  location: string;
  /** Names the spec in messages and in `Contract.source`; never carries credentials. */
  label: string;
  /** Bundled only: the version folder. */
  version?: string;
  url?: URL;
}

const MAX_REMOTE_BYTES = 20 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

/**
 * Read a spec (bundled, a file or a URL) and its profile, check them, and describe every operation.
 * Every failure is a `SpecError` with a one-line message naming the file and the problem.
 */
export async function loadContract(opts: LoadOptions = {}): Promise<Contract> {
  const source = await locateSpec(opts);
  const bytes = source.kind === "url" ? await fetchSpec(source) : await readSpecFile(source);
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  // A bundled spec was parsed when the package was built; swagger-parser (and its YAML parser and
  // validator), the slowest import of the tool, is loaded only for anything else.
  const ready = source.kind === "bundled" && (opts.prebuilt ?? true) ? await readPrebuilt(source.version!, sha256) : undefined;
  let document: Doc;
  let openapiVersion: string;
  let dialect: "3.0" | "3.1";
  if (ready) {
    ({ openapiVersion, dialect } = checkVersion(ready, source.label));
    document = ready;
  } else {
    const { default: SwaggerParser } = await import("@apidevtools/swagger-parser");
    const parsed = await parseDocument(SwaggerParser, source, bytes);
    ({ openapiVersion, dialect } = checkVersion(parsed, source.label));
    document = await bundleDocument(SwaggerParser, source, parsed);
  }
  // A $ref loop with nothing in between sends the validator's dereferencing into endless recursion
  // (a stack overflow): it is looked for first, and named.
  const cycle = findRefCycle(document);
  if (cycle) {
    throw new SpecError(`${source.label}: circular $ref ${cycle.join(" -> ")}: the schema refers back to itself without describing any value in between, so nothing can be validated against it`);
  }
  if (opts.validate ?? source.kind !== "bundled") {
    const { default: SwaggerParser } = await import("@apidevtools/swagger-parser");
    await validateDocument(SwaggerParser, document, dialect, source.label);
  }

  const resolve = (ref: string): unknown => resolveLocal(document, ref, source.label);
  const info = (document.info ?? {}) as Doc;
  const specVersion = typeof info.version === "string" ? info.version : "";
  const profile = await chooseProfile(opts, source, specVersion);
  const operations = buildOperations(document, profile, resolve, source.label);
  // The profile names the envelope's schema; a document that names it otherwise (or declares it
  // inline) still says it in its error responses: the schema most 4xx answers declare is taken.
  const named = lookupSchema(document, profile.errorSchemaRef);
  const declared = named ? undefined : mostDeclaredErrorSchema(operations);
  const errorSchema = named ?? declared?.schema;

  return {
    title: typeof info.title === "string" ? info.title : "",
    specVersion,
    openapiVersion,
    dialect,
    source: source.kind === "bundled" ? "bundled" : source.label,
    sha256,
    operations,
    profile,
    errorSchema,
    ...(declared ? { errorSchemaPointer: declared.pointer } : {}),
    resolve,
    document,
    ...(ready ? { prebuiltChecks: prebuiltChecksPath(source.version!) } : {}),
  };
}

/**
 * Parses and bundles a bundled version as loadContract would, for the build to write to
 * prebuiltPath. Undefined when the document would not come back the same from JSON (then every
 * run parses the YAML itself).
 */
export async function prebuildDocument(version: string): Promise<{ sha256: string; document: Doc } | undefined> {
  const files = await bundledSpecFiles(version);
  const source: SpecSource = { kind: "bundled", location: files.openapiPath, label: files.openapiPath, version };
  const bytes = await readSpecFile(source);
  const { default: SwaggerParser } = await import("@apidevtools/swagger-parser");
  const document = await bundleDocument(SwaggerParser, source, await parseDocument(SwaggerParser, source, bytes));
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(document)), document)) return undefined;
  return { sha256: createHash("sha256").update(bytes).digest("hex"), document };
}

async function locateSpec(opts: LoadOptions): Promise<SpecSource> {
  if (opts.specPath !== undefined) {
    const given = opts.specPath;
    if (/^https?:\/\//i.test(given)) {
      let url: URL;
      try {
        url = new URL(given);
      } catch {
        throw new SpecError(`${redactUrlText(given)}: not a valid URL`);
      }
      const label = urlLabel(url);
      return { kind: "url", location: `${url.origin}${url.pathname}`, label, url };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) {
      throw new SpecError(`${given}: only file paths and http(s) URLs can be loaded`);
    }
    return { kind: "file", location: resolvePath(given), label: given };
  }
  const version = opts.specVersion ?? (await newestVersion());
  const files = await bundledSpecFiles(version);
  return { kind: "bundled", location: files.openapiPath, label: files.openapiPath, version };
}

async function readSpecFile(source: SpecSource): Promise<Buffer> {
  try {
    return await readFile(source.location);
  } catch (err) {
    throw new SpecError(`${source.label}: cannot read spec (${describeFsError(err)})`);
  }
}

/** Fetch the bytes ourselves so that the recorded sha256 is of exactly what was parsed. */
async function fetchSpec(source: SpecSource): Promise<Buffer> {
  try {
    return await downloadDocument(source.url!.href, {
      timeoutMs: FETCH_TIMEOUT_MS,
      maxBytes: MAX_REMOTE_BYTES,
      accept: "application/yaml, application/json;q=0.9, */*;q=0.5",
    });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    const reason = err.message.startsWith("larger") ? `spec is ${err.message}` : `cannot fetch spec (${err.message})`;
    throw new SpecError(`${source.label}: ${reason}`);
  }
}

/** Parser options per source: a local spec never reaches the network, a remote one never reads local files. */
function resolverOptions(source: SpecSource): Record<string, unknown> {
  const remote = source.kind === "url";
  // `true` would replace the built-in resolver object (the options are merged), so only `false` is set.
  // A remote spec's external $refs are read from the spec's own origin only. The parser's own guard
  // (safeUrlResolver) refuses loopback, private and intranet hosts outright, which would refuse the
  // files beside a spec the user fetched from such a host; the same-origin rule replaces it.
  const origin = source.url?.origin;
  const sameOrigin = (file: { url: string }): boolean => {
    try {
      return /^https?:/i.test(file.url) && new URL(file.url).origin === origin;
    } catch {
      return false;
    }
  };
  const resolve = remote ? { file: false, http: { timeout: FETCH_TIMEOUT_MS, redirects: 5, safeUrlResolver: false, canRead: sameOrigin } } : { http: false };
  return {
    resolve,
    // Without these fallbacks any text "parses" as a string and the real problem is hidden.
    parse: { text: false, binary: false },
  };
}

async function parseDocument(SwaggerParser: SwaggerParserStatic, source: SpecSource, bytes: Buffer): Promise<Doc> {
  let served = false;
  const options = resolverOptions(source);
  // The root document is the first (and only) thing parse() reads: serve it the bytes already hashed.
  (options.resolve as Record<string, unknown>).readBytes = {
    order: 1,
    canRead: () => !served,
    read: () => {
      served = true;
      return bytes;
    },
  };
  let parsed: unknown;
  try {
    parsed = await SwaggerParser.parse(source.location, options as never);
  } catch (err) {
    throw parserError(err, source.label);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SpecError(`${source.label}: not an OpenAPI document (the top level is not an object)`);
  }
  return parsed as Doc;
}

function checkVersion(doc: Doc, label: string): { openapiVersion: string; dialect: "3.0" | "3.1" } {
  if (doc.swagger !== undefined) {
    throw new SpecError(`${label}: unsupported version Swagger ${String(doc.swagger)}; reach-check reads OpenAPI 3.0.x and 3.1.x`);
  }
  const version = doc.openapi;
  if (typeof version !== "string") throw new SpecError(`${label}: not an OpenAPI document (no "openapi" version string)`);
  if (/^3\.0\.\d+$/.test(version)) return { openapiVersion: version, dialect: "3.0" };
  if (/^3\.1\.\d+$/.test(version)) return { openapiVersion: version, dialect: "3.1" };
  throw new SpecError(`${label}: unsupported OpenAPI version ${version}; reach-check reads OpenAPI 3.0.x and 3.1.x`);
}

/** Pull external files in; internal `$ref`s stay as they are. */
async function bundleDocument(SwaggerParser: SwaggerParserStatic, source: SpecSource, parsed: Doc): Promise<Doc> {
  try {
    const bundled = await SwaggerParser.bundle(source.location, structuredClone(parsed) as never, resolverOptions(source) as never);
    return bundled as unknown as Doc;
  } catch (err) {
    throw parserError(err, source.label);
  }
}

async function validateDocument(SwaggerParser: SwaggerParserStatic, document: Doc, dialect: "3.0" | "3.1", label: string) {
  // validate() dereferences in place: give it a copy so the contract keeps its $refs.
  const copy = structuredClone(document);
  if (dialect === "3.1") dropServerVariableDescriptions(copy);
  try {
    await SwaggerParser.validate(copy as never, { resolve: { external: false } } as never);
  } catch (err) {
    if (err instanceof RangeError) throw new SpecError(`${label}: the document's $refs nest without end (the validator ran out of stack): look for a schema that refers to itself through others`);
    throw parserError(err, label);
  }
}

/**
 * The OpenAPI 3.1 meta-schema shipped with swagger-parser 12.1 misspells the server variable's
 * `description` as `descriptions` and rejects valid documents (ours and, likely, Reach's). The
 * field has no bearing on any check, so it is removed from the copy that is validated.
 */
function dropServerVariableDescriptions(doc: Doc): void {
  const lists: unknown[] = [doc.servers];
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Doc>)) {
    if (!item || typeof item !== "object") continue;
    lists.push(item.servers);
    for (const op of Object.values(item)) {
      if (op && typeof op === "object" && !Array.isArray(op)) lists.push((op as Doc).servers);
    }
  }
  for (const servers of lists) {
    if (!Array.isArray(servers)) continue;
    for (const server of servers) {
      const variables = (server as Doc | null)?.variables;
      if (!variables || typeof variables !== "object") continue;
      for (const variable of Object.values(variables as Record<string, Doc>)) {
        if (variable && typeof variable === "object") delete variable.description;
      }
    }
  }
}

/** Map swagger-parser / json-schema-ref-parser failures to one-line SpecErrors. */
function parserError(err: unknown, label: string): SpecError {
  if (err instanceof SpecError) return err;
  const error = err as Error & { code?: string };
  const message = String(error?.message ?? err);
  const lines = message.split("\n").map((line) => line.trim()).filter(Boolean);
  const first = lines[0] ?? "unknown error";
  switch (error?.code) {
    case "EPARSER":
    case "EUNMATCHEDPARSER":
      return new SpecError(`${label}: not valid YAML or JSON (${stripLocation(first)})`);
    case "EMISSINGPOINTER":
    case "EINVALIDPOINTER": {
      const pointer = /pointer "([^"]*)"/.exec(message)?.[1];
      const target = pointer ? pointer.slice(Math.max(0, pointer.indexOf("#"))) : first;
      return new SpecError(`${label}: $ref target not found: ${target}`);
    }
    case "ERESOLVER":
    case "EUNMATCHEDRESOLVER":
      return new SpecError(`${label}: cannot resolve an external $ref (${stripLocation(first)})`);
    case "ETIMEOUT":
      return new SpecError(`${label}: timed out resolving $refs`);
  }
  if (/^Unsupported OpenAPI version: undefined/.test(first)) {
    return new SpecError(`${label}: not an OpenAPI document (no "openapi" version string)`);
  }
  const unsupported = /^(?:Unsupported OpenAPI version|Unrecognized Swagger version): ([^.\s]+(?:\.[^.\s]+)*)/.exec(first);
  if (unsupported) {
    return new SpecError(`${label}: unsupported OpenAPI version ${unsupported[1]}; reach-check reads OpenAPI 3.0.x and 3.1.x`);
  }
  if (/validation failed/i.test(first)) {
    return new SpecError(`${label}: invalid OpenAPI document: ${lines[1] ?? first}`);
  }
  const unresolvable = /^Unable to resolve \$ref pointer "([^"]*)"/.exec(first);
  if (unresolvable) {
    return new SpecError(
      `${label}: cannot resolve external $ref "${unresolvable[1]}" (a local spec may refer to local files only, a remote spec to URLs on its own host only)`,
    );
  }
  if (/is not a valid JSON Schema$/.test(first)) {
    return new SpecError(`${label}: not an OpenAPI document (the top level is not an object)`);
  }
  if (/is not a valid Openapi API definition/i.test(first)) {
    return new SpecError(`${label}: not an OpenAPI document, or one with neither paths nor webhooks (a Reach spec starts with "openapi: 3.x" and lists the API's paths)`);
  }
  return new SpecError(`${label}: ${oneLine(first)}`);
}

/** Parser messages start by repeating the absolute file path or URL that the label already names. */
function stripLocation(text: string): string {
  return text.replace(/^Error \w+(?: \w+)*? "?\S+?"?:\s+/, "").trim() || text;
}

async function chooseProfile(opts: LoadOptions, source: SpecSource, specVersion: string): Promise<Profile> {
  if (opts.profilePath !== undefined) return readProfile(resolvePath(opts.profilePath), opts.profilePath);
  let version = source.version;
  if (!version) {
    // A user's spec: an explicit version wins, then the bundled profile for the spec's own
    // version, then the newest one. The caller sees which through `profile.specVersion`.
    const known = await bundledVersions();
    version = opts.specVersion ?? (known.includes(specVersion) ? specVersion : await newestVersion());
  }
  const { profilePath } = await bundledSpecFiles(version);
  return readProfile(profilePath);
}

function resolveLocal(document: Doc, ref: string, label: string): unknown {
  const tokens = parseLocalRef(ref);
  if (!tokens) throw new SpecError(`${label}: only local $refs (#/...) can be resolved, got ${ref}`);
  const value = walk(document, tokens);
  if (isMissing(value)) throw new SpecError(`${label}: $ref target not found: ${ref}`);
  return value;
}

/** The schema most 4xx JSON responses of the document declare, with the pointer of one of them. */
function mostDeclaredErrorSchema(operations: readonly Contract["operations"][number][]): { schema: JsonSchema; pointer: string } | undefined {
  const seen = new Map<string, { schema: JsonSchema; pointer: string; n: number }>();
  for (const op of operations) {
    for (const r of op.responses) {
      const pointer = responseSchemaPointer(r);
      if (!/^4\d\d$/.test(r.status) || !r.schema || !pointer) continue;
      const key = JSON.stringify(r.schema);
      const entry = seen.get(key);
      if (entry) entry.n++;
      else seen.set(key, { schema: r.schema, pointer, n: 1 });
    }
  }
  let best: { schema: JsonSchema; pointer: string; n: number } | undefined;
  for (const e of seen.values()) if (!best || e.n > best.n) best = e;
  return best && { schema: best.schema, pointer: best.pointer };
}

function lookupSchema(document: Doc, ref: string): JsonSchema | undefined {
  const tokens = parseLocalRef(ref);
  if (!tokens) return undefined;
  const value = walk(document, tokens);
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isMissing(value)
    ? (value as JsonSchema)
    : undefined;
}

/** `https://host/path` plus `?…` when a query was given: credentials and tokens stay out of output. */
function urlLabel(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? "?…" : ""}`;
}

function redactUrlText(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/, "//").replace(/\?.*$/, "?…");
}
