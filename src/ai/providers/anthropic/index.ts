/** The Anthropic Messages API adapter (api.anthropic.com). */
import type { ProviderAdapter } from "../../provider.ts";
import { anthropicError } from "./errors.ts";
import { ANTHROPIC_CAPABILITIES } from "./fields.ts";
import { anthropicChatRequest } from "./request.ts";
import { anthropicChatResponse } from "./response.ts";
import { anthropicStream } from "./stream.ts";

export const adapter: ProviderAdapter = {
  kind: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com",
  capabilities: ANTHROPIC_CAPABILITIES,
  chatRequest: anthropicChatRequest,
  chatResponse: anthropicChatResponse,
  chatStream: anthropicStream,
  error: anthropicError,
};
