/** The Cohere v2 adapter (api.cohere.com): chat and embed. */
import type { ProviderAdapter } from "../../provider.ts";
import { cohereEmbeddingsResponse } from "./embeddings.ts";
import { cohereError } from "./errors.ts";
import { COHERE_CAPABILITIES } from "./fields.ts";
import { cohereChatRequest, cohereEmbeddingsRequest } from "./request.ts";
import { cohereChatResponse } from "./response.ts";
import { cohereStream } from "./stream.ts";

export const adapter: ProviderAdapter = {
  kind: "cohere",
  defaultBaseUrl: "https://api.cohere.com",
  capabilities: COHERE_CAPABILITIES,
  chatRequest: cohereChatRequest,
  chatResponse: cohereChatResponse,
  chatStream: cohereStream,
  embeddingsRequest: cohereEmbeddingsRequest,
  embeddingsResponse: cohereEmbeddingsResponse,
  error: cohereError,
};
