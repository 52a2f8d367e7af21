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
