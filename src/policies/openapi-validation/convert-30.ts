/**
 * OpenAPI 3.0 Schema Objects are an extended subset of JSON Schema draft 4;
 * the validator speaks 2020-12 (which OpenAPI 3.1 uses as is). The
 * differences that change what is valid are rewritten once, when the
 * document is compiled:
 * - `nullable: true` admits null (added to `type`, and to `enum` when there is one);
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` modify `minimum`/`maximum`;
 * - a `$ref` replaces its whole object (3.0 ignores sibling keywords);
 * - a required `readOnly` property is required in responses only, so requests need not send it.
 */
import { type JsonObject, isObject } from "./document.ts";

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"]);
const SCHEMAS = new Set(["additionalProperties", "items", "not", "propertyNames", "contains", "if", "then", "else"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);

export function convertSchema30(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === "string") return { $ref: schema.$ref };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema30(v)]));
    else if (SCHEMAS.has(key)) out[key] = convertSchema30(value);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(convertSchema30);
    else out[key] = value;
  }
  exclusiveBound(out, "exclusiveMinimum", "minimum");
  exclusiveBound(out, "exclusiveMaximum", "maximum");
  const properties = out.properties;
  if (Array.isArray(out.required) && isObject(properties)) {
    out.required = out.required.filter((name) => !(typeof name === "string" && isObject(properties[name]) && properties[name].readOnly === true));
  }
  const nullable = out.nullable === true;
  delete out.nullable;
  if (!nullable) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    return out;
  }
  // No type of its own (allOf, oneOf, ...): null is checked first and anything else goes to the schema.
  return { if: { type: "null" }, else: out };
}

function exclusiveBound(s: JsonObject, exclusive: string, bound: string): void {
  const flag = s[exclusive];
  if (typeof flag !== "boolean") return;
  if (flag && typeof s[bound] === "number") {
    s[exclusive] = s[bound];
    delete s[bound];
  } else delete s[exclusive];
}
