/**
 * Unified ChatResponse → a Responses API `response` object. Fields the
 * gateway cannot know from the answer alone (the request's tools,
 * temperature, …) are given the API's neutral values; `store` is false
 * because nothing is stored.
 */
import type { ChatResponse, FinishReason, ToolCall, Usage } from "../../types.ts";
import { withPrefix } from "../shared/ids.ts";

export type ResponseStatus = "completed" | "incomplete" | "failed" | "in_progress";

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function responsesUsage(u: Usage): ResponsesUsage {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

export function responseId(id: string): string {
  return withPrefix("resp_", id);
}

/** The item-id stem shared by a response's output items (`msg_<stem>`, `fc_<stem>_1`). */
export function itemStem(respId: string): string {
  return respId.startsWith("resp_") ? respId.slice(5) : respId;
}

export type OutputContent = { type: "output_text"; text: string; annotations: []; logprobs: [] } | { type: "refusal"; refusal: string };

export type OutputItem =
  | { id: string; type: "message"; status: "in_progress" | "completed"; content: OutputContent[]; role: "assistant" }
  | { id: string; type: "function_call"; status: "in_progress" | "completed"; arguments: string; call_id: string; name: string };

export function outputText(text: string): OutputContent {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function functionCallItem(id: string, call: ToolCall, status: "in_progress" | "completed"): OutputItem {
  return { id, type: "function_call", status, arguments: call.arguments, call_id: call.id, name: call.name };
}

export function statusFor(reason: FinishReason | undefined): { status: ResponseStatus; incomplete: { reason: string } | null } {
  if (reason === "length") return { status: "incomplete", incomplete: { reason: "max_output_tokens" } };
  if (reason === "content_filter") return { status: "incomplete", incomplete: { reason: "content_filter" } };
  return { status: "completed", incomplete: null };
}

export function responseObject(p: {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  output: OutputItem[];
  usage: Usage | undefined;
  incomplete?: { reason: string } | null;
  error?: { code: string; message: string } | null;
}): Record<string, unknown> {
  return {
    id: p.id,
    object: "response",
    created_at: p.createdAt,
    status: p.status,
    background: false,
    error: p.error ?? null,
    incomplete_details: p.incomplete ?? null,
    instructions: null,
    max_output_tokens: null,
    model: p.model,
    output: p.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: p.usage ? responsesUsage(p.usage) : null,
    user: null,
    metadata: {},
  };
}

export function renderResponse(res: ChatResponse, model: string): Record<string, unknown> {
  const id = responseId(res.id);
  const stem = itemStem(id);
  const choice = res.choices.find((c) => c.index === 0) ?? res.choices[0];
  const output: OutputItem[] = [];
  if (choice) {
    const content: OutputContent[] = [];
    if (choice.message.content) content.push(outputText(choice.message.content));
    if (choice.message.refusal) content.push({ type: "refusal", refusal: choice.message.refusal });
    if (content.length > 0) output.push({ id: `msg_${stem}`, type: "message", status: "completed", content, role: "assistant" });
    (choice.message.toolCalls ?? []).forEach((call, i) => output.push(functionCallItem(`fc_${stem}_${i}`, call, "completed")));
  }
  const reason = choice?.finishReason;
  if (reason === "error") {
    return responseObject({
      id,
      createdAt: res.created,
      model,
      status: "failed",
      output,
      usage: res.usage,
      error: { code: "server_error", message: "The model's answer ended with an error." },
    });
  }
  const { status, incomplete } = statusFor(reason);
  return responseObject({ id, createdAt: res.created, model, status, output, usage: res.usage, incomplete });
}
