/**
 * Which operation a request path belongs to. Path templates become anchored
 * regular expressions once; `{name}` matches one non-empty segment (or the
 * part of one, as in `/files/{name}.{ext}`). Concrete paths are tried before
 * templated ones, as OpenAPI requires, and among templated paths the one with
 * fewer variables and more literal text first. The servers' URL paths
 * (`https://api.example.com/v2` → `/v2`) are base paths the request path
 * must start with.
 */
import { type DocumentIssue, type JsonObject, isObject } from "./document.ts";

export interface PathTemplate<T> {
  readonly template: string;
  /** Variable names in order of appearance. */
  readonly names: readonly string[];
  readonly pattern: RegExp;
  readonly value: T;
}

const VARIABLE = /\{([^{}]+)\}/g;

export function compileTemplate<T>(template: string, value: T): PathTemplate<T> | DocumentIssue {
  if (!template.startsWith("/")) return { path: ["paths", template], message: "a path must start with '/'" };
  const names: string[] = [];
  let source = "";
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    source += escape(template.slice(last, m.index));
    const name = m[1] ?? "";
    if (names.includes(name)) return { path: ["paths", template], message: `the variable '${name}' appears twice` };
    names.push(name);
    source += "([^/]+?)";
    last = m.index + m[0].length;
  }
  if (/[{}]/.test(template.replace(VARIABLE, ""))) return { path: ["paths", template], message: "unbalanced '{' or '}' in the path template" };
  source += escape(template.slice(last));
  return { template, names, pattern: new RegExp(`^${source}$`), value };
}

/** Request paths arrive percent-encoded, so literal text outside ASCII is matched in its encoded form. */
function escape(literal: string): string {
  const encoded = /[^\x00-\x7f]/.test(literal) ? encodeURI(literal) : literal;
  return encoded.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function literalLength(t: PathTemplate<unknown>): number {
  return t.template.replace(VARIABLE, "").length;
}

/** Concrete first, then fewer variables, then more literal text; ties keep document order. */
export function orderTemplates<T>(templates: PathTemplate<T>[]): PathTemplate<T>[] {
  return templates
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.names.length - b.t.names.length || literalLength(b.t) - literalLength(a.t) || a.i - b.i)
    .map(({ t }) => t);
}

/** Templates matching `path` in priority order, with their raw (still percent-encoded) variable values. */
export function* matchTemplates<T>(ordered: readonly PathTemplate<T>[], path: string): Generator<{ template: PathTemplate<T>; raw: Record<string, string> }> {
  for (const t of ordered) {
    const m = t.pattern.exec(path);
    if (!m) continue;
    const raw: Record<string, string> = {};
    t.names.forEach((name, i) => (raw[name] = m[i + 1] ?? ""));
    yield { template: t, raw };
  }
}

/**
 * The servers' base paths, longest first. Server variables take their
 * defaults; a document without servers is served at `/`.
 */
export function basePaths(doc: JsonObject): string[] | DocumentIssue {
  const servers = doc.servers;
  if (servers === undefined || (Array.isArray(servers) && servers.length === 0)) return ["/"];
  if (!Array.isArray(servers)) return { path: ["servers"], message: "must be a list" };
  const out = new Set<string>();
  for (const [i, server] of servers.entries()) {
    if (!isObject(server) || typeof server.url !== "string") return { path: ["servers", i, "url"], message: "is required" };
    const variables = isObject(server.variables) ? server.variables : {};
    let url = server.url;
    for (const [name, v] of Object.entries(variables)) {
      if (!isObject(v) || typeof v.default !== "string") return { path: ["servers", i, "variables", name, "default"], message: "is required" };
      url = url.replaceAll(`{${name}}`, v.default);
    }
    if (/[{}]/.test(url)) return { path: ["servers", i, "url"], message: "uses a variable that servers[].variables does not define" };
    let pathname: string;
    try {
      pathname = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : new URL(url, "http://relative.invalid/").pathname;
    } catch {
      return { path: ["servers", i, "url"], message: `not a URL: '${server.url}'` };
    }
    out.add(pathname.replace(/\/+$/, "") || "/");
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** The request path below one of the base paths, or undefined when it is under none. */
export function belowBase(bases: readonly string[], path: string): string | undefined {
  for (const base of bases) {
    if (base === "/") return path;
    if (path === base) return "/";
    if (path.startsWith(base) && path[base.length] === "/") return path.slice(base.length);
  }
  return undefined;
}
