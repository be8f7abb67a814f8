import { SpecError } from "./errors.js";
import { pointerOf } from "./pointer.js";
import type { JsonSchema, Operation, OperationProfile, ParameterSpec, Profile, Provenance, ResponseSpec } from "./types.js";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Obj = Record<string, unknown>;
type Resolve = (ref: string) => unknown;

const PARAMETER_LOCATIONS = new Set(["path", "query", "header", "cookie"]);

/**
 * Turn the document's paths into `Operation`s in document order. Parameter, request body and
 * response objects that are `$ref`s are followed; schemas are left as written (refs kept) because
 * the schema compiler resolves them against the document and cites their spec locations.
 */
/** A path template with its parameter names left out: `/companies/{}/budgets`. */
const shapeOf = (path: string): string => path.replace(/\{[^}]+\}/g, "{}");

export function buildOperations(doc: Obj, profile: Profile, resolve: Resolve, label: string): Operation[] {
  const operations: Operation[] = [];
  const operationIds = new Map<string, string>();
  const rootSecurity = doc.security;
  // Templates that differ only in their parameter names are the same path (OpenAPI 3.x, "Path
  // Templating"): a document that writes {companyId} where the profile says {CompanyId} still maps.
  const profileByShape = new Map<string, string>();
  for (const key of Object.keys(profile.operations)) {
    const [method, ...rest] = key.split(" ");
    profileByShape.set(`${method} ${shapeOf(rest.join(" "))}`, key);
  }

  const documentKeys = new Set<string>();
  for (const [path, rawItem] of Object.entries(asObj(doc.paths) ?? {})) {
    for (const method of HTTP_METHODS) if (asObj(asObj(rawItem)?.[method])) documentKeys.add(`${method.toUpperCase()} ${path}`);
  }

  for (const [path, rawItem] of Object.entries(asObj(doc.paths) ?? {})) {
    if (path.startsWith("x-")) continue;
    const itemPointer = ["paths", path];
    const item = follow(rawItem, resolve, label, pointerOf(itemPointer));
    if (!item) continue;
    const pathParameters = parametersOf(item.parameters, resolve, label, pointerOf([...itemPointer, "parameters"]));

    for (const method of HTTP_METHODS) {
      const op = asObj(item[method]);
      if (!op) continue;
      const opTokens = [...itemPointer, method];
      const specPointer = pointerOf(opTokens);
      const key = `${method.toUpperCase()} ${path}`;

      const operationId = typeof op.operationId === "string" ? op.operationId : undefined;
      if (operationId !== undefined) {
        const previous = operationIds.get(operationId);
        if (previous) throw new SpecError(`${label}: operationId "${operationId}" is used by both ${previous} and ${key}`);
        operationIds.set(operationId, key);
      }

      const parameters = mergeParameters(
        pathParameters,
        parametersOf(op.parameters, resolve, label, pointerOf([...opTokens, "parameters"])),
      );
      checkPathTemplate(path, parameters, key, label);

      // The profile's own spelling of the template when only parameter names differ: requests, the
      // report and the allowlist all speak of the profile's path. The spec pointers stay the document's.
      const byShape = profileByShape.get(`${method.toUpperCase()} ${shapeOf(path)}`);
      // ...unless the document also has the profile's exact spelling, which then is that operation.
      const profileKey = profile.operations[key] ? key : byShape && !documentKeys.has(byShape) ? byShape : undefined;
      const canonicalPath = profileKey && profileKey !== key ? profileKey.slice(profileKey.indexOf(" ") + 1) : path;
      const renamed = canonicalPath === path ? parameters : renamePathParameters(parameters, path, canonicalPath);

      operations.push({
        key: profileKey ?? key,
        method: method.toUpperCase(),
        path: canonicalPath,
        operationId,
        summary: typeof op.summary === "string" ? op.summary : undefined,
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === "string") : [],
        provenance: provenanceOf(op),
        secured: isSecured(op.security !== undefined ? op.security : rootSecurity),
        parameters: renamed,
        requestBody: requestBodyOf(op.requestBody, resolve, label, pointerOf([...opTokens, "requestBody"])),
        responses: responsesOf(op.responses, resolve, label, opTokens),
        profile: profileFor(profile, profileKey ?? key, canonicalPath),
        specPointer,
      });
    }
  }
  return operations;
}

export function provenanceOf(node: Obj): Provenance {
  const value = node["x-reach-provenance"];
  return value === "observed" || value === "modeled" ? value : "unknown";
}

/**
 * `security: []` (or only `{}` alternatives) means anonymous access is allowed; anything else
 * demands credentials. An `[{}, {OAuth2: []}]` mix makes auth optional, which counts as unsecured.
 */
function isSecured(security: unknown): boolean {
  if (!Array.isArray(security) || security.length === 0) return false;
  return security.every((requirement) => Object.keys(asObj(requirement) ?? {}).length > 0);
}

function profileFor(profile: Profile, key: string, path: string): OperationProfile {
  return profile.operations[key] ?? { role: "unknown", name: path };
}

function parametersOf(raw: unknown, resolve: Resolve, label: string, where: string): ParameterSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new SpecError(`${label}: ${where} must be an array`);
  return raw.map((entry, index) => {
    const param = follow(entry, resolve, label, `${where}/${index}`);
    if (!param || typeof param.name !== "string" || !PARAMETER_LOCATIONS.has(param.in as string)) {
      throw new SpecError(`${label}: ${where}/${index} is not a parameter object (needs name and in)`);
    }
    const location = param.in as ParameterSpec["in"];
    return {
      name: param.name,
      in: location,
      // Path parameters are always required, whatever the document says.
      required: location === "path" ? true : param.required === true,
      schema: asObj(param.schema) ?? firstContentSchema(param.content),
    };
  });
}

/** Operation-level parameters replace path-level ones with the same name and location. */
function mergeParameters(pathLevel: ParameterSpec[], opLevel: ParameterSpec[]): ParameterSpec[] {
  const id = (p: ParameterSpec) => `${p.in}\u0000${p.name}`;
  const overridden = new Set(opLevel.map(id));
  return [...pathLevel.filter((p) => !overridden.has(id(p))), ...opLevel];
}

/** Path parameters renamed by position from one template's names to another's of the same shape. */
function renamePathParameters(parameters: ParameterSpec[], from: string, to: string): ParameterSpec[] {
  const names = (t: string) => [...t.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const map = new Map(names(from).map((name, i) => [name, names(to)[i]!]));
  return parameters.map((p) => (p.in === "path" && map.has(p.name) ? { ...p, name: map.get(p.name)! } : p));
}

/** Every `{name}` in the path must be declared as a path parameter, or requests cannot be built. */
function checkPathTemplate(path: string, parameters: ParameterSpec[], key: string, label: string): void {
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    const name = match[1];
    if (!parameters.some((p) => p.in === "path" && p.name === name)) {
      throw new SpecError(`${label}: ${key} has no path parameter declared for {${name}}`);
    }
  }
}

function requestBodyOf(raw: unknown, resolve: Resolve, label: string, where: string): Operation["requestBody"] {
  if (raw === undefined) return undefined;
  const body = follow(raw, resolve, label, where);
  if (!body) return undefined;
  const content = asObj(body.content) ?? {};
  const contentType = preferredMediaType(Object.keys(content));
  return {
    required: body.required === true,
    contentType: contentType ?? "",
    schema: contentType ? asObj(asObj(content[contentType])?.schema) : undefined,
  };
}

function responsesOf(raw: unknown, resolve: Resolve, label: string, opTokens: string[]): ResponseSpec[] {
  const responses = asObj(raw) ?? {};
  const out: ResponseSpec[] = [];
  for (const [status, entry] of Object.entries(responses)) {
    if (status.startsWith("x-")) continue;
    const specPointer = pointerOf([...opTokens, "responses", status]);
    const response = follow(entry, resolve, label, specPointer) ?? {};
    const content = asObj(response.content) ?? {};
    const contentTypes = Object.keys(content);
    const chosen = preferredMediaType(contentTypes.filter((type) => asObj(asObj(content[type])?.schema)));
    out.push({
      status,
      contentTypes,
      schema: chosen ? asObj(asObj(content[chosen])?.schema) : undefined,
      specPointer,
    });
  }
  return out;
}

/** JSON first (the API's own format), then any `+json` type, then whatever comes first. */
function preferredMediaType(types: string[]): string | undefined {
  return (
    types.find((t) => t.split(";")[0].trim().toLowerCase() === "application/json") ??
    types.find((t) => /\+json\s*(;|$)/i.test(t)) ??
    types[0]
  );
}

function firstContentSchema(content: unknown): JsonSchema | undefined {
  for (const media of Object.values(asObj(content) ?? {})) {
    const schema = asObj(asObj(media)?.schema);
    if (schema) return schema;
  }
  return undefined;
}

/** Follow a chain of `$ref`s (parameter, response, path item...) to the object it names. */
function follow(node: unknown, resolve: Resolve, label: string, where: string): Obj | undefined {
  let current = asObj(node);
  const seen = new Set<string>();
  while (current && typeof current.$ref === "string") {
    const ref = current.$ref;
    if (seen.has(ref)) throw new SpecError(`${label}: circular $ref ${ref} at ${where}`);
    seen.add(ref);
    current = asObj(resolve(ref));
  }
  return current;
}

function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}
