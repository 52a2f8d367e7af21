/**
 * The unified, provider-neutral shapes every AI request passes through.
 * Client dialects (OpenAI chat, OpenAI responses, Anthropic messages) parse
 * into these; provider adapters translate these to and from each provider's
 * wire format. Because fallback re-translates the same ChatRequest for the
 * next provider, everything a conversation carries (system prompt, history,
 * tool definitions, tool calls and results, images) must be representable
 * here without loss.
 */

export type JsonSchema = Record<string, unknown>;

export type ImageSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string };

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image"; source: ImageSource; detail?: "auto" | "low" | "high" };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

export type Message =
  | { role: "system"; content: ContentPart[] }
  | { role: "user"; content: ContentPart[]; name?: string }
  | { role: "assistant"; content: ContentPart[]; toolCalls?: ToolCall[]; refusal?: string }
  | { role: "tool"; toolCallId: string; content: ContentPart[]; isError?: boolean };

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: JsonSchema; strict?: boolean; description?: string };

export interface ChatRequest {
  /** The provider's model id (after virtual-model routing). */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  n?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  responseFormat?: ResponseFormat;
  /** An end-user id for abuse monitoring. */
  user?: string;
  stream: boolean;
  /** OpenAI's stream_options.include_usage: the client wants a usage event. */
  includeUsage?: boolean;
  /** Reasoning effort for reasoning models, passed through where supported. */
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of inputTokens). */
  cacheWriteInputTokens?: number;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens?: number;
  /** True when counted by the gateway's tokenizer because the provider reported none. */
  estimated?: boolean;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  topLogprobs?: Array<{ token: string; logprob: number; bytes?: number[] | null }>;
}

export interface ChatChoice {
  index: number;
  message: { content: string | null; toolCalls?: ToolCall[]; refusal?: string | null };
  finishReason: FinishReason;
  logprobs?: TokenLogprob[];
}

export interface ChatResponse {
  id: string;
  /** The model that actually answered, as the provider names it. */
  model: string;
  /** Epoch seconds. */
  created: number;
  choices: ChatChoice[];
  usage?: Usage;
  systemFingerprint?: string;
}

/**
 * One step of a streamed answer. Providers' streams are decoded into these,
 * and client dialects encode these into their own SSE. Indices: `choice` is
 * the choice index (n > 1), `tool` the tool call's index within the message.
 */
export type ChatStreamEvent =
  | { type: "start"; id: string; model: string; created: number }
  | { type: "text"; choice: number; text: string }
  | { type: "refusal"; choice: number; text: string }
  | { type: "tool_call_start"; choice: number; tool: number; id: string; name: string }
  | { type: "tool_call_delta"; choice: number; tool: number; arguments: string }
  | { type: "finish"; choice: number; reason: FinishReason }
  | { type: "usage"; usage: Usage }
  | { type: "logprobs"; choice: number; logprobs: TokenLogprob[] };

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  dimensions?: number;
  /** What the client asked for; adapters always return floats, dialects encode. */
  encodingFormat?: "float" | "base64";
  /** Cohere/Gemini task hints; ignored where unsupported. */
  inputType?: "search_document" | "search_query" | "classification" | "clustering";
  user?: string;
}

export interface EmbeddingsResponse {
  model: string;
  embeddings: number[][];
  usage: { inputTokens: number; estimated?: boolean };
}

/** How a provider failure is classified; drives fallback triggers and credential cooldowns. */
export type ProviderErrorKind =
  | "rate_limited" // 429: cool the key down, try the next
  | "auth" // 401/403: park the key, try the next
  | "context_length" // prompt too long: a model with a larger window may succeed
  | "content_filter" // refused by the provider's safety system
  | "invalid_request" // 400 the client must fix: no fallback
  | "not_found" // model or deployment unknown
  | "overloaded" // 503/529
  | "server" // 5xx
  | "timeout"
  | "connect"
  | "reset";

export interface ProviderError {
  kind: ProviderErrorKind;
  /** HTTP status from the provider (0 for transport failures). */
  status: number;
  message: string;
  /** Provider's own error type/code, kept for the log. */
  providerCode?: string;
  retryAfterMs?: number;
}
