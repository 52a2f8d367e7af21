/**
 * Runs the AI hooks of the request's policy chain (see Policy.ai): in chain
 * order on the way in, and in the same order over the answer.
 */
import { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { AiConsumption, ChatStreamFilter, Policy } from "../../policies/policy.ts";
import type { ChatRequest, ChatResponse, ChatStreamEvent, EmbeddingsRequest } from "../types.ts";

const NONE: readonly Policy[] = [];

export function chatRequestHooks(ctx: RequestContext, request: ChatRequest): ChatRequest | WaygateError {
  let out = request;
  for (const p of ctx.policies ?? NONE) {
    const hook = p.ai?.chatRequest;
    if (!hook) continue;
    const r = hook(ctx, out);
    if (r instanceof WaygateError) return r;
    out = r;
  }
  return out;
}

export function embeddingsRequestHooks(ctx: RequestContext, request: EmbeddingsRequest): EmbeddingsRequest | WaygateError {
  let out = request;
  for (const p of ctx.policies ?? NONE) {
    const hook = p.ai?.embeddingsRequest;
    if (!hook) continue;
    const r = hook(ctx, out);
    if (r instanceof WaygateError) return r;
    out = r;
  }
  return out;
}

export function chatResponseHooks(ctx: RequestContext, response: ChatResponse): ChatResponse | WaygateError {
  let out = response;
  for (const p of ctx.policies ?? NONE) {
    const hook = p.ai?.chatResponse;
    if (!hook) continue;
    const r = hook(ctx, out);
    if (r instanceof WaygateError) return r;
    out = r;
  }
  return out;
}

/** The chain's stream filters as one, or undefined when no policy filters streams (the common, free case). */
export function chatStreamFilter(ctx: RequestContext): ChatStreamFilter | undefined {
  const filters: ChatStreamFilter[] = [];
  for (const p of ctx.policies ?? NONE) {
    const make = p.ai?.chatStream;
    if (make) filters.push(make(ctx));
  }
  if (filters.length === 0) return undefined;
  if (filters.length === 1) return filters[0];
  return {
    push: (ev) => through(filters, 0, [ev], false),
    flush: () => through(filters, 0, [], true),
  };
}

/** Feeds `events` to filters[i], then its output to the next; at the end each filter is flushed in turn. */
function through(filters: readonly ChatStreamFilter[], i: number, events: ChatStreamEvent[], flushing: boolean): ChatStreamEvent[] | WaygateError {
  const f = filters[i];
  if (!f) return events;
  const out: ChatStreamEvent[] = [];
  for (const ev of events) {
    const r = f.push(ev);
    if (!Array.isArray(r)) return r;
    out.push(...r);
  }
  if (flushing) {
    const r = f.flush();
    if (!Array.isArray(r)) return r;
    out.push(...r);
  }
  return through(filters, i + 1, out, flushing);
}

export function consumedHooks(ctx: RequestContext, consumption: AiConsumption): void {
  for (const p of ctx.policies ?? NONE) {
    const hook = p.ai?.consumed;
    if (!hook) continue;
    try {
      hook(ctx, consumption);
    } catch (err) {
      console.error(`[waygate] policy ${p.name}: consumed hook failed:`, err);
    }
  }
}
