/** The Responses API `response` object, complete or as the in-progress snapshot streams start with. */
import type { ConversationSummary } from "../../common/conversation.ts";
import { nowSeconds, prefixedId } from "../../common/ids.ts";
import type { JsonObject } from "../../common/http.ts";
import { limitReply, type MockReply, planReply } from "../../common/reply.ts";
import { type MockUsage, mockUsage } from "../../common/tokens.ts";

export interface ResponsesAnswer {
  id: string;
  created: number;
  model: string;
  reply: MockReply;
  /** Why the response is incomplete, if it is. */
  incomplete?: "max_output_tokens" | "content_filter";
  /** One output item per text message or function call, with their ids. */
  items: OutputItem[];
  usage: MockUsage;
  request: JsonObject;
}

export type OutputItem =
  | { type: "message"; id: string; text: string }
  | { type: "function_call"; id: string; call_id: string; name: string; arguments: string };

/** `filtered`: a content_filter fault; the response ends incomplete with no output, as OpenAI's does. */
export function responsesAnswer(body: JsonObject, s: ConversationSummary, filtered = false): ResponsesAnswer {
  const maxTokens = typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined;
  const { reply, truncated } = filtered ? { reply: { kind: "text", text: "" } as MockReply, truncated: false } : limitReply(planReply(s), maxTokens);
  const items: OutputItem[] =
    filtered
      ? []
      : reply.kind === "text"
        ? [{ type: "message", id: prefixedId("msg_", 32), text: reply.text }]
        : reply.calls.map((c) => ({ type: "function_call", id: prefixedId("fc_", 32), call_id: prefixedId("call_", 24), name: c.name, arguments: c.arguments }));
  const incomplete = filtered ? "content_filter" : truncated ? "max_output_tokens" : undefined;
  return {
    id: prefixedId("resp_", 32),
    created: nowSeconds(),
    model: s.model,
    reply,
    ...(incomplete ? { incomplete } : {}),
    items,
    usage: mockUsage(s, reply),
    request: body,
  };
}

export function outputItemJson(item: OutputItem, status: "in_progress" | "completed"): Record<string, unknown> {
  if (item.type === "function_call") {
    return { type: "function_call", id: item.id, call_id: item.call_id, name: item.name, arguments: status === "completed" ? item.arguments : "", status };
  }
  return { type: "message", id: item.id, status, role: "assistant", content: status === "completed" ? [outputText(item.text)] : [] };
}

export function outputText(text: string): Record<string, unknown> {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function responseJson(a: ResponsesAnswer, state: "in_progress" | "completed"): Record<string, unknown> {
  const done = state === "completed";
  const status = done ? (a.incomplete ? "incomplete" : "completed") : "in_progress";
  const r = a.request;
  return {
    id: a.id,
    object: "response",
    created_at: a.created,
    status,
    background: false,
    error: null,
    incomplete_details: done && a.incomplete ? { reason: a.incomplete } : null,
    instructions: typeof r.instructions === "string" ? r.instructions : null,
    max_output_tokens: typeof r.max_output_tokens === "number" ? r.max_output_tokens : null,
    model: a.model,
    output: done ? a.items.map((i) => outputItemJson(i, "completed")) : [],
    parallel_tool_calls: r.parallel_tool_calls !== false,
    previous_response_id: typeof r.previous_response_id === "string" ? r.previous_response_id : null,
    reasoning: { effort: null, summary: null },
    store: r.store === true,
    temperature: typeof r.temperature === "number" ? r.temperature : 1,
    text: typeof r.text === "object" && r.text !== null ? r.text : { format: { type: "text" } },
    tool_choice: r.tool_choice ?? "auto",
    tools: Array.isArray(r.tools) ? r.tools : [],
    top_p: typeof r.top_p === "number" ? r.top_p : 1,
    truncation: "disabled",
    usage: done
      ? {
          input_tokens: a.usage.input,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: a.usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: a.usage.total,
        }
      : null,
    user: null,
    metadata: {},
  };
}
