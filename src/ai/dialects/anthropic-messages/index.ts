import type { ClientDialect } from "../../dialect.ts";
import { renderAnthropicError } from "./errors.ts";
import { parseAnthropicMessages } from "./parse.ts";
import { renderAnthropicMessage } from "./render.ts";
import { AnthropicStreamEncoder } from "./stream.ts";

/** Anthropic messages: `POST /v1/messages`. */
export const anthropicMessagesDialect: ClientDialect = {
  name: "anthropic_messages",
  parseChat: parseAnthropicMessages,
  renderChat: renderAnthropicMessage,
  streamEncoder: (model) => new AnthropicStreamEncoder(model),
  renderError: renderAnthropicError,
};
