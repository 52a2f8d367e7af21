/** OpenAI (api.openai.com): chat completions and embeddings. */
import type { ProviderAdapter } from "../../provider.ts";
import { baseUrlOf, bearerAuth } from "../shared/http.ts";
import { openAiEmbeddingsBody } from "./embeddings.ts";
import { classifyOpenAiError } from "./errors.ts";
import { openAiFamilyAdapter } from "./family.ts";
import { OPENAI_BODY } from "./parts.ts";

export const adapter: ProviderAdapter = openAiFamilyAdapter({
  kind: "openai",
  label: "OpenAI",
  defaultBaseUrl: "https://api.openai.com/v1",
  capabilities: { embeddings: true, tools: true, images: true, jsonSchema: true, streamUsage: true, n: true, logprobs: true, seed: true },
  body: OPENAI_BODY,
  url: (endpoint, operation) => `${baseUrlOf(endpoint, "OpenAI")}/${operation}`,
  auth: (credential) => bearerAuth(credential, "OpenAI"),
  embeddingsBody: openAiEmbeddingsBody,
  error: classifyOpenAiError,
});
