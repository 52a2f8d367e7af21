/**
 * Any server speaking OpenAI's chat completions API (Groq, DeepSeek,
 * Together, Fireworks, xAI, OpenRouter, Perplexity, Ollama, vLLM, LM Studio,
 * …). base_url is required (e.g. http://localhost:11434/v1); the key is
 * optional (credential kind none sends no Authorization header).
 *
 * Capabilities are the conservative common ground: max_tokens rather than
 * max_completion_tokens, one choice, no logprobs. stream_options is still
 * sent, but a stream without usage is not an error: the gateway estimates.
 */
import type { ProviderAdapter } from "../../provider.ts";
import type { FieldMap } from "../shared/field-map.ts";
import { baseUrlOf, bearerAuth } from "../shared/http.ts";
import { openAiEmbeddingsBody } from "../openai/embeddings.ts";
import { classifyOpenAiError } from "../openai/errors.ts";
import { openAiFamilyAdapter } from "../openai/family.ts";
import { OPENAI_BODY } from "../openai/parts.ts";

export const COMPATIBLE_FIELDS: FieldMap = {
  temperature: "temperature",
  topP: "top_p",
  maxTokens: "max_tokens",
  stop: "stop",
  seed: "seed",
  presencePenalty: "presence_penalty",
  frequencyPenalty: "frequency_penalty",
  user: "user",
  parallelToolCalls: "parallel_tool_calls",
  reasoningEffort: "reasoning_effort",
};

export const adapter: ProviderAdapter = openAiFamilyAdapter({
  kind: "openai_compatible",
  label: "OpenAI-compatible server",
  defaultBaseUrl: "",
  capabilities: { embeddings: true, tools: true, images: true, jsonSchema: true, streamUsage: false, n: false, logprobs: false, seed: true },
  body: { ...OPENAI_BODY, fields: COMPATIBLE_FIELDS },
  url: (endpoint, operation) => `${baseUrlOf(endpoint, "openai_compatible")}/${operation}`,
  auth: (credential) => bearerAuth(credential, "openai_compatible"),
  embeddingsBody: openAiEmbeddingsBody,
  error: classifyOpenAiError,
});
