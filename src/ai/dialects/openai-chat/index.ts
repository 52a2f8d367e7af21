import type { ClientDialect } from "../../dialect.ts";
import { renderOpenAIError } from "./errors.ts";
import { parseChatCompletions } from "./parse.ts";
import { renderChatCompletion } from "./render.ts";
import { ChatCompletionsStreamEncoder } from "./stream.ts";

/** OpenAI chat completions: `POST /v1/chat/completions`. */
export const openAIChatDialect: ClientDialect = {
  name: "openai_chat",
  parseChat: parseChatCompletions,
  renderChat: renderChatCompletion,
  streamEncoder: (model, opts) => new ChatCompletionsStreamEncoder(model, opts),
  renderError: renderOpenAIError,
};
