/**
 * One ProviderAdapter interface, one implementation per provider in
 * ./providers/<name>/, one shared conformance suite over all of them
 * (test/ai/providers/conformance.case.ts).
 *
 * An adapter is data first: a declarative map of unified request fields to
 * the provider's fields, plus small functions for what a map cannot say,
 * plus a typed stream decoder (a state machine over the provider's stream
 * events). Adapters do no I/O: they build requests and parse responses; the
 * AI runtime sends them, so timeouts, retries, breakers and logging are the
 * same for every provider.
 */
import type { ChatRequest, ChatResponse, ChatStreamEvent, EmbeddingsRequest, EmbeddingsResponse, ProviderError } from "./types.ts";

export const PROVIDER_KINDS = [
  "openai",
  "azure_openai",
  "anthropic",
  "gemini",
  "vertex",
  "mistral",
  "bedrock",
  "cohere",
  /** Any server speaking OpenAI's API: Groq, DeepSeek, Together, Fireworks, xAI, OpenRouter, Perplexity, Ollama, vLLM, LM Studio, … */
  "openai_compatible",
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Where and how to reach one provider, resolved from the provider entity. */
export interface ProviderEndpoint {
  kind: ProviderKind;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Azure api-version, Anthropic anthropic-version, Vertex API version. */
  apiVersion?: string;
  /** Bedrock / Vertex region. */
  region?: string;
  /** Vertex project id. */
  project?: string;
  /** Azure: the deployment serving the requested model. */
  deployment?: string;
  /** Extra headers sent with every request. */
  headers: Record<string, string>;
}

export type ProviderCredential =
  | { kind: "api_key"; key: string }
  | { kind: "aws"; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { kind: "none" };

export interface HttpRequest {
  url: string;
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
}

/** What a stream decoder yields: unified events, or the provider's in-stream error. */
export type DecodedStreamItem = ChatStreamEvent | { type: "error"; error: ProviderError };

/**
 * A stream decoder is a state machine fed the raw response bytes in
 * whatever pieces the network delivers (events may be split anywhere).
 */
export interface StreamDecoder {
  push(chunk: Uint8Array): DecodedStreamItem[];
  /**
   * The upstream body ended. Returns what is left; when the provider's
   * stream ended without its terminal event (a cut stream), the last item is
   * an error of kind "reset".
   */
  end(): DecodedStreamItem[];
}

export interface AdapterCapabilities {
  embeddings: boolean;
  tools: boolean;
  images: boolean;
  jsonSchema: boolean;
  /** The provider reports usage in streams (possibly only when asked). */
  streamUsage: boolean;
  n: boolean;
  logprobs: boolean;
  seed: boolean;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  readonly defaultBaseUrl: string;
  readonly capabilities: AdapterCapabilities;
  /** Async because some providers sign requests (SigV4). */
  chatRequest(req: ChatRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest>;
  chatResponse(body: unknown, req: ChatRequest): ChatResponse;
  chatStream(req: ChatRequest): StreamDecoder;
  embeddingsRequest?(req: EmbeddingsRequest, endpoint: ProviderEndpoint, credential: ProviderCredential): Promise<HttpRequest>;
  embeddingsResponse?(body: unknown, req: EmbeddingsRequest): EmbeddingsResponse;
  /** Classifies a non-2xx answer (body as text; it may not be JSON). */
  error(status: number, body: string, headers: Headers): ProviderError;
}
