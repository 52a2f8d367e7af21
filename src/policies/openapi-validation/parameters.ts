/**
 * Parameters as they arrive: strings in the path, the query, headers and
 * cookies, serialized by the parameter's `style` and `explode`. Each is
 * turned back into the value its schema describes (a string, a list, an
 * object) before the schema — with type coercion — judges it.
 */
export const LOCATIONS = ["path", "query", "header", "cookie"] as const;
export type Location = (typeof LOCATIONS)[number];

/** What kind of value a schema describes, as far as deserialization cares. */
export type Shape = "array" | "object" | "scalar";

export interface ParameterSpec {
  /** As written; header names are matched lowercased. */
  name: string;
  in: Location;
  required: boolean;
  style: string;
  explode: boolean;
  shape: Shape;
  /** Property names of an object-shaped schema (form-exploded objects are spread over the query). */
  properties: readonly string[];
  /** The parameter uses `content: {application/json: ...}`: its value is JSON text. */
  json: boolean;
}

const STYLES: Record<Location, readonly string[]> = {
  path: ["simple", "label", "matrix"],
  query: ["form", "spaceDelimited", "pipeDelimited", "deepObject"],
  header: ["simple"],
  cookie: ["form"],
};

export const DEFAULT_STYLE: Record<Location, string> = { path: "simple", query: "form", header: "simple", cookie: "form" };

export function checkStyle(location: Location, style: string): string | undefined {
  return STYLES[location].includes(style) ? undefined : `style '${style}' is not valid in ${location}; use ${STYLES[location].join(", ")}`;
}

/** What a request offers for each location, read once per request. */
export interface RequestParts {
  /** Raw (percent-encoded) path variables. */
  path: Record<string, string>;
  query: URLSearchParams;
  headers: Headers;
  cookies: Map<string, string>;
}

export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const pair of header.split(";")) {
    const i = pair.indexOf("=");
    if (i <= 0) continue;
    const name = pair.slice(0, i).trim();
    if (!out.has(name)) out.set(name, pair.slice(i + 1).trim());
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function pairs(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < items.length; i += 2) out[items[i] ?? ""] = items[i + 1] ?? "";
  return out;
}

function keyValues(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf("=");
    if (i > 0) out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** `a,b,c` (or exploded `k=v,k=v`) into the parameter's shape. */
function fromList(p: ParameterSpec, items: string[]): unknown {
  if (p.shape === "array") return items;
  if (p.shape === "object") return p.explode ? keyValues(items) : pairs(items);
  return items.join(",");
}

function pathValue(p: ParameterSpec, raw: string): unknown {
  let s = raw;
  if (p.style === "label") {
    if (!s.startsWith(".")) return decode(s);
    s = s.slice(1);
    return fromList(p, (p.explode ? s.split(".") : s.split(",")).map(decode));
  }
  if (p.style === "matrix") {
    const prefix = `;${p.name}=`;
    if (p.shape === "array" && p.explode) return s.split(prefix).slice(1).map(decode);
    if (p.shape === "object" && p.explode) return keyValues(s.split(";").slice(1).map(decode));
    if (!s.startsWith(prefix)) return decode(s);
    s = s.slice(prefix.length);
  }
  return fromList(p, s.split(",").map(decode));
}

function queryValue(p: ParameterSpec, q: URLSearchParams): unknown {
  if (p.style === "deepObject") {
    const out: Record<string, string> = {};
    const prefix = `${p.name}[`;
    for (const [key, value] of q) if (key.startsWith(prefix) && key.endsWith("]")) out[key.slice(prefix.length, -1)] = value;
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (p.shape === "object" && p.explode && p.style === "form") {
    const out: Record<string, string> = {};
    for (const name of p.properties) {
      const v = q.get(name);
      if (v !== null) out[name] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const all = q.getAll(p.name);
  if (all.length === 0) return undefined;
  if (p.shape === "array" && p.explode) return all;
  const first = all[0] ?? "";
  if (p.shape === "scalar") return first;
  const separator = p.style === "spaceDelimited" ? " " : p.style === "pipeDelimited" ? "|" : ",";
  return fromList(p, first === "" ? [] : first.split(separator));
}

/** The parameter's value in the request, or undefined when absent; JSON `content` parameters that do not parse are reported. */
export function parameterValue(p: ParameterSpec, parts: RequestParts): { value: unknown } | { invalid: string } {
  let raw: unknown;
  switch (p.in) {
    case "path": {
      const v = parts.path[p.name];
      raw = v === undefined ? undefined : p.json ? decode(v) : pathValue(p, v);
      break;
    }
    case "query":
      raw = p.json ? (parts.query.get(p.name) ?? undefined) : queryValue(p, parts.query);
      break;
    case "header": {
      const v = parts.headers.get(p.name);
      raw = v === null ? undefined : p.json || p.shape === "scalar" ? v : fromList(p, v.split(",").map((s) => s.trim()));
      break;
    }
    case "cookie": {
      const v = parts.cookies.get(p.name);
      raw = v === undefined ? undefined : p.json ? decode(v) : fromList(p, v.split(",").map(decode));
      break;
    }
  }
  if (!p.json || typeof raw !== "string") return { value: raw };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return { invalid: "is not valid JSON" };
  }
}
