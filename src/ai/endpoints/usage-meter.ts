/**
 * Usage of one answer: the provider's own figures when it reports them,
 * otherwise counted with the tokenizer and marked as estimated; then the
 * cost from the catalog's prices.
 */
import type { AiCallFields } from "../../telemetry/call-record.ts";
import type { AiRuntime } from "../runtime/ai-runtime.ts";
import type { ProviderRuntime } from "../runtime/provider-runtime.ts";
import type { ChatRequest, ChatResponse, ChatStreamEvent, Usage } from "../types.ts";

export class UsageMeter {
  private reported: Usage | undefined;
  private output = "";

  constructor(
    private readonly ai: AiRuntime,
    private readonly provider: ProviderRuntime,
    private readonly model: string,
    private readonly request: ChatRequest,
  ) {}

  fromResponse(res: ChatResponse): void {
    if (res.usage) this.reported = res.usage;
    for (const c of res.choices) {
      this.output += c.message.content ?? "";
      for (const t of c.message.toolCalls ?? []) this.output += t.name + t.arguments;
    }
  }

  observe(ev: ChatStreamEvent): void {
    if (ev.type === "usage") this.reported = mergeUsage(this.reported, ev.usage);
    else if (ev.type === "text" || ev.type === "refusal") this.output += ev.text;
    else if (ev.type === "tool_call_start") this.output += ev.name;
    else if (ev.type === "tool_call_delta") this.output += ev.arguments;
  }

  usage(): Usage {
    if (this.reported) return this.reported;
    this.reported = {
      inputTokens: this.ai.estimateChatTokens(this.request),
      outputTokens: this.ai.estimateTextTokens(this.output),
      estimated: true,
    };
    return this.reported;
  }

  /** At the end of a stream: the usage event to send when the client asked for one and the provider gave none. */
  streamEnded(clientWantsUsage: boolean): ChatStreamEvent[] {
    const hadUsage = this.reported !== undefined;
    const usage = this.usage();
    return clientWantsUsage && !hadUsage ? [{ type: "usage", usage }] : [];
  }

  record(fields: AiCallFields, finishReason: string | null): void {
    const u = this.usage();
    fields.input_tokens = u.inputTokens;
    fields.output_tokens = u.outputTokens;
    fields.cached_tokens = u.cachedInputTokens ?? 0;
    fields.reasoning_tokens = u.reasoningTokens ?? 0;
    fields.tokens_estimated = u.estimated === true;
    fields.cost_usd = this.ai.cost(this.provider, this.model, u);
    fields.finish_reason = finishReason;
  }
}

/** Providers report usage in pieces (Anthropic: input at the start, output at the end). */
function mergeUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return b;
  return {
    inputTokens: b.inputTokens || a.inputTokens,
    outputTokens: b.outputTokens || a.outputTokens,
    cachedInputTokens: b.cachedInputTokens ?? a.cachedInputTokens,
    cacheWriteInputTokens: b.cacheWriteInputTokens ?? a.cacheWriteInputTokens,
    reasoningTokens: b.reasoningTokens ?? a.reasoningTokens,
    estimated: a.estimated === true && b.estimated === true ? true : undefined,
  };
}
