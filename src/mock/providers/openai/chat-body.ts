/** The non-streamed `chat.completion` object. */
import type { ChatAnswer } from "./chat-answer.ts";
import { SAFE_FILTER_RESULTS, promptFilterResults } from "./content-filter.ts";
import type { ChatFlavor } from "./flavor.ts";
import { textLogprobs } from "./logprobs.ts";

export function chatCompletionBody(a: ChatAnswer, flavor: ChatFlavor): Record<string, unknown> {
  const choices = Array.from({ length: a.choices }, (_, index) => choice(a, flavor, index));
  return {
    id: a.id,
    object: "chat.completion",
    created: a.created,
    model: a.model,
    choices,
    usage: flavor.usage(a.usage),
    ...(flavor.openaiExtras ? { system_fingerprint: "fp_mock", service_tier: "default" } : {}),
    ...(flavor.filterResults ? { prompt_filter_results: promptFilterResults() } : {}),
  };
}

function choice(a: ChatAnswer, flavor: ChatFlavor, index: number): Record<string, unknown> {
  const text = a.reply.kind === "text" ? a.reply.text : null;
  const message: Record<string, unknown> = { role: "assistant", content: text };
  if (a.reply.kind === "tool_calls") {
    const ids = a.toolCallIds[index] ?? [];
    message.tool_calls = a.reply.calls.map((c, i) => ({ id: ids[i] ?? "", type: "function", function: { name: c.name, arguments: c.arguments } }));
  }
  if (flavor.openaiExtras) Object.assign(message, { refusal: null, annotations: [] });
  const logprobs = a.logprobs ? { content: textLogprobs(text ?? "", a.topLogprobs), refusal: null } : null;
  return {
    index,
    message,
    logprobs,
    finish_reason: a.finish,
    ...(flavor.filterResults ? { content_filter_results: a.finish === "content_filter" ? {} : SAFE_FILTER_RESULTS } : {}),
  };
}
