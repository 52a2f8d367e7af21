/**
 * The JSON Schema engine of prompt APIs: Ajv with the 2020-12 draft and the
 * standard formats, validating data exactly as sent (no coercion, no
 * defaults). Validators are kept per distinct schema text, so a schema is
 * compiled once however many configuration revisions carry it, and `$id`s
 * are not registered, so two prompt APIs may use the same one.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { FieldIssue } from "../core/errors.ts";
import { toIssues } from "../policies/openapi-validation/issues.ts";
import { schemaProblems } from "../policies/openapi-validation/validator.ts";

export type JsonSchemaDoc = Record<string, unknown>;

let shared: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (!shared) {
    shared = new Ajv2020({ allErrors: true, strict: false, logger: false, coerceTypes: false, useDefaults: false, removeAdditional: false, addUsedSchema: false });
    addFormats(shared);
  }
  return shared;
}

const compiled = new Map<string, { schema: JsonSchemaDoc; validate: ValidateFunction }>();
/** Every schema ever checked on a write is compiled; the oldest are forgotten past this many (they compile again if needed). */
const MAX_COMPILED = 1000;

/** Problems of a schema against the 2020-12 meta-schema, or that keep it from compiling (e.g. an unresolvable $ref). */
export function schemaIssues(schema: JsonSchemaDoc): Array<{ path: string[]; message: string }> {
  const problems = schemaProblems(ajv(), schema);
  if (problems.length > 0) return problems;
  try {
    validator(schema);
    return [];
  } catch (err) {
    ajv().removeSchema(schema);
    return [{ path: [], message: err instanceof Error ? err.message : String(err) }];
  }
}

function validator(schema: JsonSchemaDoc): ValidateFunction {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return known.validate;
  const validate = ajv().compile(schema);
  if (compiled.size >= MAX_COMPILED) {
    const [oldestKey, oldest] = compiled.entries().next().value as [string, { schema: JsonSchemaDoc }];
    compiled.delete(oldestKey);
    // Ajv keeps every compiled schema object too; the forgotten one goes from its cache as well.
    ajv().removeSchema(oldest.schema);
  }
  compiled.set(key, { schema, validate });
  return validate;
}

/** The failing places of `data` under `schema`, as `prefix`-rooted paths (`body.text`); empty when valid. */
export function validateJson(schema: JsonSchemaDoc, data: unknown, prefix: string): FieldIssue[] {
  const v = validator(schema);
  if (v(data)) return [];
  const issues = toIssues(prefix, v.errors, data);
  return issues.length > 0 ? issues : [{ path: prefix, message: "does not match the schema" }];
}
