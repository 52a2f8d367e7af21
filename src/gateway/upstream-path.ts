import type { CompiledRoute } from "../snapshot/snapshot.ts";
import type { RequestContext } from "./context.ts";

/** The path sent upstream: service base path + (rewrite | stripped | original) path. */
export function upstreamPath(ctx: RequestContext, route: CompiledRoute): string {
  let path: string;
  if (route.rewrite) {
    path = "";
    for (const part of route.rewrite) path += "literal" in part ? part.literal : (ctx.params[part.param] ?? "");
  } else if (route.route.strip_path) {
    path = ctx.rest === "" ? "/" : ctx.rest.startsWith("/") ? ctx.rest : `/${ctx.rest}`;
  } else {
    path = ctx.path;
  }
  const base = route.service.service.base_path;
  if (!base) return path;
  return path === "/" ? base : base.replace(/\/$/, "") + path;
}

function decodedName(pair: string): string {
  const eq = pair.indexOf("=");
  const raw = (eq < 0 ? pair : pair.slice(0, eq)).replaceAll("+", " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The query without every parameter named in `names` — compared after
 * decoding, as the reader decodes them, so `api%5Fkey=` is stripped like
 * `api_key=`. Every other pair is kept byte for byte, in order.
 */
export function withoutQueryParams(query: string, names: readonly string[]): string {
  const kept = query
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !names.includes(decodedName(pair)));
  return kept.length === 0 ? "" : `?${kept.join("&")}`;
}
