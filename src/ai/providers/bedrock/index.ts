/** The AWS Bedrock adapter: the Converse / ConverseStream API, SigV4-signed. No embeddings (those are per-model InvokeModel bodies). */
import type { ProviderAdapter } from "../../provider.ts";
import { bedrockError } from "./errors.ts";
import { BEDROCK_CAPABILITIES } from "./fields.ts";
import { BEDROCK_DEFAULT_BASE_URL, bedrockChatRequest } from "./request.ts";
import { bedrockChatResponse } from "./response.ts";
import { BedrockStreamDecoder } from "./stream.ts";

export const adapter: ProviderAdapter = {
  kind: "bedrock",
  defaultBaseUrl: BEDROCK_DEFAULT_BASE_URL,
  capabilities: BEDROCK_CAPABILITIES,
  chatRequest: (req, endpoint, credential) => bedrockChatRequest(req, endpoint, credential),
  chatResponse: bedrockChatResponse,
  chatStream: (req) => new BedrockStreamDecoder(req),
  error: bedrockError,
};
