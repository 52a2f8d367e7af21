/**
 * What differs between OpenAI's chat completions and the dialects of it
 * that Azure OpenAI and Mistral speak; one chat implementation serves all three.
 */
import type { MockUsage } from "../../common/tokens.ts";
import type { MockFault } from "../../types.ts";

export interface ChatFlavor {
  completionId(): string;
  toolCallId(): string;
  usage(u: MockUsage): Record<string, unknown>;
  /** "include_usage": OpenAI's extra usage chunk when asked; "last_chunk": usage always on the finishing chunk (Mistral). */
  streamUsage: "include_usage" | "last_chunk";
  /** Mistral sends each tool call whole in one chunk instead of argument pieces. */
  wholeToolCalls: boolean;
  /** Fields only OpenAI has (system_fingerprint, refusal, annotations, service_tier). */
  openaiExtras: boolean;
  /** Azure's content_filter_results and prompt_filter_results. */
  filterResults: boolean;
  /** Error response for a fault, or undefined to answer (content_filter answered as a finish reason). */
  faultError(fault: MockFault | undefined): Response | undefined;
}

export function openaiUsage(u: MockUsage): Record<string, unknown> {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.total,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
