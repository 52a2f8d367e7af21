/**
 * Which requests a token quota or budget checks: those that can consume
 * (every AI call that reaches a provider is a POST). Listing models, CORS
 * preflights and other reads pass even when the quota is used up, so a
 * client can still discover models and read its own headers.
 */
import type { RequestContext } from "../../gateway/context.ts";

export function mayConsume(ctx: RequestContext): boolean {
  return ctx.method === "POST";
}
