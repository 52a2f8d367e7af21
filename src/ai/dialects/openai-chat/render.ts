/** Unified ChatResponse → a `chat.completion` object, field for field as OpenAI returns it. */
import type { ChatResponse, FinishReason, TokenLogprob, Usage } from "../../types.ts";
import { withPrefix } from "../shared/ids.ts";

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** OpenAI has no "error" finish reason; an answer cut short by an error ends as a plain stop. */
export function openAIFinishReason(r: FinishReason): OpenAIFinishReason {
  return r === "error" ? "stop" : r;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: { reasoning_tokens: number; audio_tokens: number; accepted_prediction_tokens: number; rejected_prediction_tokens: number };
}

/** Unified inputTokens already include cached tokens, as OpenAI's prompt_tokens do. */
export function openAIUsage(u: Usage): OpenAIUsage {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export interface OpenAITokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

export function openAILogprobs(lp: TokenLogprob[]): OpenAITokenLogprob[] {
  return lp.map((t) => ({
    token: t.token,
    logprob: t.logprob,
    bytes: t.bytes ?? null,
    top_logprobs: (t.topLogprobs ?? []).map((x) => ({ token: x.token, logprob: x.logprob, bytes: x.bytes ?? null })),
  }));
}

export function chatCompletionId(id: string): string {
  return withPrefix("chatcmpl-", id);
}

export function renderChatCompletion(res: ChatResponse, model: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: chatCompletionId(res.id),
    object: "chat.completion",
    created: res.created,
    model,
    choices: res.choices.map((c) => {
      const message: Record<string, unknown> = {
        role: "assistant",
        content: c.message.content,
        refusal: c.message.refusal ?? null,
        annotations: [],
      };
      if (c.message.toolCalls && c.message.toolCalls.length > 0) {
        message.tool_calls = c.message.toolCalls.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: t.arguments } }));
      }
      return {
        index: c.index,
        message,
        logprobs: c.logprobs ? { content: openAILogprobs(c.logprobs), refusal: null } : null,
        finish_reason: openAIFinishReason(c.finishReason),
      };
    }),
  };
  if (res.usage) out.usage = openAIUsage(res.usage);
  out.system_fingerprint = res.systemFingerprint ?? null;
  return out;
}
