/**
 * The operations an API description declares, read the same way from
 * Swagger 2.0 and OpenAPI 3.x: method, path template, operationId and
 * summary, in document order, plus the base path the servers put in front
 * of every path (`basePath` in 2.0, the first server URL's path in 3.x).
 */
import { isObject, type JsonObject, type LoadedSpec } from "./spec.ts";

export const SPEC_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface SpecOperation {
  method: Uppercase<(typeof SPEC_METHODS)[number]>;
  /** The path template as written, e.g. `/pets/{petId}`. */
  template: string;
  operationId?: string;
  summary?: string;
}

export function specOperations(doc: JsonObject): SpecOperation[] {
  const out: SpecOperation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of SPEC_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      out.push({
        method: method.toUpperCase() as SpecOperation["method"],
        template,
        ...(typeof op.operationId === "string" && op.operationId.length > 0 ? { operationId: op.operationId } : {}),
        ...(typeof op.summary === "string" ? { summary: op.summary } : {}),
      });
    }
  }
  return out;
}

/** `{scheme}://host/{version}` with each variable's default filled in. */
function expandServerUrl(url: string, variables: unknown): string {
  return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = isObject(variables) ? variables[name] : undefined;
    return isObject(variable) && typeof variable.default === "string" ? variable.default : whole;
  });
}

function normalizeBase(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" || trimmed === "/" ? "" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The path every operation's path is appended to on the API's servers ("" for none). */
export function specBasePath(spec: LoadedSpec): string {
  const { doc } = spec;
  if (spec.version === "2.0") return typeof doc.basePath === "string" ? normalizeBase(doc.basePath) : "";
  const first = Array.isArray(doc.servers) ? doc.servers[0] : undefined;
  if (!isObject(first) || typeof first.url !== "string") return "";
  const url = expandServerUrl(first.url, first.variables);
  try {
    // Relative server URLs (`/v1`) are relative to where the document is served; only the path matters here.
    return normalizeBase(decodeURI(new URL(url, "http://relative.invalid").pathname));
  } catch {
    return "";
  }
}
