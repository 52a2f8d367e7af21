/**
 * Validator errors → the `details` of a 400: one `{path, message}` per
 * failing place, paths written as a client reads them (`body.items[0].price`,
 * `query.limit`, `header.x-trace`).
 */
import type { FieldIssue } from "../../core/errors.ts";
import { isObject } from "./document.ts";
import type { ErrorObject } from "./validator.ts";

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

function segments(instancePath: string): string[] {
  return instancePath === "" ? [] : instancePath.slice(1).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** `prefix` + segments, array indexes as `[n]` (told apart by the data: an object key "0" is written `["0"]`). */
export function renderPath(prefix: string, parts: readonly string[], data: unknown): string {
  let out = prefix;
  let node = data;
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      out += `[${part}]`;
      node = node[Number(part)];
      continue;
    }
    out += IDENTIFIER.test(part) ? (out === "" ? part : `.${part}`) : `[${JSON.stringify(part)}]`;
    node = isObject(node) ? node[part] : undefined;
  }
  return out;
}

function describe(e: ErrorObject): { extra?: string; message: string } {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { extra: String(params.missingProperty), message: "is required" };
    case "additionalProperties":
      return { extra: String(params.additionalProperty), message: "is not allowed" };
    case "unevaluatedProperties":
      return { extra: String(params.unevaluatedProperty), message: "is not allowed" };
    case "enum":
      return { message: `must be one of ${(Array.isArray(params.allowedValues) ? params.allowedValues : []).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      return { message: `must be ${String(params.type).split(",").join(" or ")}` };
    case "const":
      return { message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { message: e.message ?? "is invalid" };
  }
}

/** Every failing place once per message; the wrapper a 3.0 `nullable` becomes adds no message of its own. */
export function toIssues(prefix: string, errors: readonly ErrorObject[] | null | undefined, data: unknown): FieldIssue[] {
  const out: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === "if") continue;
    const { extra, message } = describe(e);
    const parts = segments(e.instancePath);
    if (extra !== undefined) parts.push(extra);
    const path = renderPath(prefix, parts, data);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}
