import type { ClientDialect } from "../../dialect.ts";
import { renderOpenAIError } from "../openai-chat/errors.ts";
import { parseResponsesRequest } from "./parse.ts";
import { renderResponse } from "./render.ts";
import { ResponsesStreamEncoder } from "./stream.ts";

/** OpenAI Responses: `POST /v1/responses`. Errors use OpenAI's error body, as the Responses API does. */
export const openAIResponsesDialect: ClientDialect = {
  name: "openai_responses",
  parseChat: parseResponsesRequest,
  renderChat: renderResponse,
  streamEncoder: (model) => new ResponsesStreamEncoder(model),
  renderError: renderOpenAIError,
};
