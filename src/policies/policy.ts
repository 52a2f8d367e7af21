/**
 * A policy is a small object with the hooks it needs. The snapshot compiler
 * orders the policies of each route once; the pipeline calls them in order.
 * `onRequest` returns a WaygateError (or a ready Response) to stop the
 * request, or undefined to let it through. A policy that needs the request
 * body reads it with bufferedBody() (src/gateway/buffered-body.ts) and may
 * replace ctx.body.
 */
import type { ChatRequest, ChatResponse, ChatStreamEvent, EmbeddingsRequest, Usage } from "../ai/types.ts";
import type { WaygateError } from "../core/errors.ts";
import type { RequestContext } from "../gateway/context.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";

export type PolicyVerdict = WaygateError | Response | undefined;

export interface Policy {
  readonly name: string;
  onRequest?(ctx: RequestContext, snapshot: Snapshot): PolicyVerdict | Promise<PolicyVerdict>;
  /** May edit the headers sent to the client. */
  onResponse?(ctx: RequestContext, headers: Headers): void;
  /**
   * REST traffic: sees a whole upstream response body of a textual content
   * type (up to the gateway's response buffer cap) and returns the bytes to
   * send instead. Routes without such a policy stream bodies untouched.
   */
  onResponseBody?(ctx: RequestContext, body: Uint8Array, contentType: string): Uint8Array;
  /** AI traffic (services of kind `ai`): hooks on the unified request and answer. */
  ai?: AiPolicyHooks;
}

/** What one AI call consumed, reported once at its end (streams included). */
export interface AiConsumption {
  provider: string;
  model: string;
  usage: Usage;
  /** USD; null when the model has no price. */
  costUsd: number | null;
}

export interface AiPolicyHooks {
  /**
   * A chat request (any client dialect) before routing: return it (maybe
   * rewritten, e.g. masked) or a WaygateError to refuse it (guardrails).
   */
  chatRequest?(ctx: RequestContext, request: ChatRequest): ChatRequest | WaygateError;
  /** The inputs of an embeddings request before routing, as chatRequest: texts sent to a provider all the same. */
  embeddingsRequest?(ctx: RequestContext, request: EmbeddingsRequest): EmbeddingsRequest | WaygateError;
  /** A whole chat answer before it is rendered for the client: return it (maybe rewritten) or refuse it. */
  chatResponse?(ctx: RequestContext, response: ChatResponse): ChatResponse | WaygateError;
  /** A fresh filter for one streamed chat answer. */
  chatStream?(ctx: RequestContext): ChatStreamFilter;
  /** After any AI call (chat or embeddings) that reached a provider and succeeded; must not throw or block. */
  consumed?(ctx: RequestContext, consumption: AiConsumption): void;
}

/**
 * Sits between the provider's decoded events and the client's encoder. It
 * may hold text back (e.g. until a match across chunk boundaries is ruled
 * out) and release it later — but before it passes on that choice's
 * `finish` event, since clients stop reading a choice at its finish;
 * returning a WaygateError ends the stream with an error event in the
 * client's format.
 */
export interface ChatStreamFilter {
  push(event: ChatStreamEvent): ChatStreamEvent[] | WaygateError;
  /** At the end of the upstream stream: whatever is still held back. */
  flush(): ChatStreamEvent[] | WaygateError;
}
