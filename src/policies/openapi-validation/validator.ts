/**
 * The JSON Schema engine: Ajv with its 2020-12 draft (OpenAPI 3.1's
 * dialect, and what 3.0 schemas are converted to), the standard formats,
 * OpenAPI's own formats, and OpenAPI's annotation keywords. Parameters are
 * strings on the wire, so they get an instance that coerces them to the
 * schema's types; bodies get one that never changes the data.
 */
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { JsonObject } from "./document.ts";

export type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";

/** The id the document is registered under; schemas point into it with `DOCUMENT_ID#/...`. */
export const DOCUMENT_ID = "urn:waygate:openapi-document";

const INT32 = 2 ** 31;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function engine(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // Unknown keywords are annotations in JSON Schema; OpenAPI documents are full of extensions (x-*).
    strict: false,
    logger: false,
    coerceTypes: coerce ? "array" : false,
    useDefaults: false,
    removeAdditional: false,
  });
  addFormats(ajv);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("float", { type: "number", validate: () => true });
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addFormat("byte", { type: "string", validate: (s: string) => BASE64.test(s) });
  ajv.addFormat("binary", true);
  ajv.addFormat("password", true);
  ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
  return ajv;
}

export interface Engines {
  /** For parameters and form fields: strings become the schema's types. */
  coercing: Ajv2020;
  /** For JSON bodies: the data is validated as sent. */
  exact: Ajv2020;
}

/** Both engines with the (converted) document registered; the document must not change afterwards. */
export function engines(doc: JsonObject): Engines {
  const coercing = engine(true);
  const exact = engine(false);
  coercing.addSchema(doc, DOCUMENT_ID, undefined, false);
  exact.addSchema(doc, DOCUMENT_ID, undefined, false);
  return { coercing, exact };
}

/** A schema's problems against the 2020-12 meta-schema: first message per place. */
export function schemaProblems(ajv: Ajv2020, schema: unknown): Array<{ path: string[]; message: string }> {
  if (typeof schema === "boolean") return [];
  if (ajv.validateSchema(schema as JsonObject)) return [];
  const seen = new Set<string>();
  const out: Array<{ path: string[]; message: string }> = [];
  for (const e of ajv.errors ?? []) {
    if (seen.has(e.instancePath)) continue;
    seen.add(e.instancePath);
    const path = e.instancePath === "" ? [] : e.instancePath.slice(1).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    const allowed = e.keyword === "enum" && Array.isArray(e.params.allowedValues) ? `: ${e.params.allowedValues.join(", ")}` : "";
    out.push({ path, message: `${e.message ?? "is invalid"}${allowed}` });
  }
  return out;
}
