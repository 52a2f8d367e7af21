/** Mistral (api.mistral.ai): chat completions and embeddings, OpenAI-shaped with its own fields. */
import type { ProviderAdapter } from "../../provider.ts";
import type { EmbeddingsRequest } from "../../types.ts";
import { classifyOpenAiError } from "../openai/errors.ts";
import { openAiFamilyAdapter } from "../openai/family.ts";
import { toOpenAiResponseFormat, toOpenAiTools } from "../openai/tools.ts";
import { baseUrlOf, bearerAuth } from "../shared/http.ts";
import { MISTRAL_FIELDS } from "./field-map.ts";
import { toMistralMessages } from "./messages.ts";
import { toMistralToolChoice } from "./tools.ts";

function mistralEmbeddingsBody(req: EmbeddingsRequest): Record<string, unknown> {
  // Floats are Mistral's default output; output_dtype is left unset for older models.
  const body: Record<string, unknown> = { model: req.model, input: req.input };
  if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
  return body;
}

export const adapter: ProviderAdapter = openAiFamilyAdapter({
  kind: "mistral",
  label: "Mistral",
  defaultBaseUrl: "https://api.mistral.ai/v1",
  capabilities: { embeddings: true, tools: true, images: true, jsonSchema: true, streamUsage: true, n: true, logprobs: false, seed: true },
  body: {
    fields: MISTRAL_FIELDS,
    messages: toMistralMessages,
    tools: toOpenAiTools,
    toolChoice: toMistralToolChoice,
    responseFormat: toOpenAiResponseFormat,
    // Mistral reports usage on its last chunk unasked.
    streamOptions: false,
  },
  url: (endpoint, operation) => `${baseUrlOf(endpoint, "Mistral")}/${operation}`,
  auth: (credential) => bearerAuth(credential, "Mistral"),
  embeddingsBody: mistralEmbeddingsBody,
  error: classifyOpenAiError,
});
