/**
 * Unified stream events → Anthropic's named SSE events:
 *
 *   message_start (with usage), then per content block
 *   content_block_start, content_block_delta… (text_delta or
 *   input_json_delta), content_block_stop, then message_delta (stop_reason,
 *   usage) and message_stop. One ping follows the first block start, as
 *   Anthropic sends it.
 *
 * message_start is held back until the first content (or the end) so that
 * input usage a provider reports up front (Anthropic, Bedrock) is in it;
 * the final message_delta repeats the whole usage, which Anthropic's SDKs
 * take as the totals. Only choice 0 is carried: Anthropic has no `n`.
 */
import type { StreamEncoder } from "../../dialect.ts";
import { sseEvent } from "../../sse/writer.ts";
import type { ChatStreamEvent, FinishReason, Usage } from "../../types.ts";
import { randomId } from "../shared/ids.ts";
import { statusForCode } from "../shared/status.ts";
import { anthropicErrorBody } from "./errors.ts";
import { anthropicStopReason, anthropicUsage, messageId } from "./render.ts";

export class AnthropicStreamEncoder implements StreamEncoder {
  private id = randomId("msg_");
  private readonly model: string;
  private started = false;
  private ended = false;
  private pinged = false;
  private blocks = 0;
  private open: { index: number; kind: "text" | "tool_use"; tool?: number } | undefined;
  private readonly toolBlocks = new Map<number, number>();
  private finish: FinishReason | undefined;
  private usage: Usage | undefined;

  constructor(model: string) {
    this.model = model;
  }

  private send(type: string, payload: Record<string, unknown> = {}): string {
    return sseEvent(JSON.stringify({ type, ...payload }), type);
  }

  private begin(): string {
    if (this.started) return "";
    this.started = true;
    const usage = this.usage ? { ...anthropicUsage(this.usage), output_tokens: 0 } : { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
    return this.send("message_start", {
      message: { id: this.id, type: "message", role: "assistant", model: this.model, content: [], stop_reason: null, stop_sequence: null, usage },
    });
  }

  private closeBlock(): string {
    if (!this.open) return "";
    const index = this.open.index;
    this.open = undefined;
    return this.send("content_block_stop", { index });
  }

  private openBlock(kind: "text" | "tool_use", contentBlock: Record<string, unknown>, tool?: number): string {
    let out = this.begin() + this.closeBlock();
    const index = this.blocks++;
    this.open = tool === undefined ? { index, kind } : { index, kind, tool };
    out += this.send("content_block_start", { index, content_block: contentBlock });
    if (!this.pinged) {
      this.pinged = true;
      out += this.send("ping");
    }
    return out;
  }

  private text(text: string): string {
    let out = "";
    if (this.open?.kind !== "text") out += this.openBlock("text", { type: "text", text: "" });
    const index = this.open?.index ?? 0;
    return out + this.send("content_block_delta", { index, delta: { type: "text_delta", text } });
  }

  event(ev: ChatStreamEvent): string {
    if (this.ended) return "";
    switch (ev.type) {
      case "start":
        if (!this.started) this.id = messageId(ev.id);
        return "";
      case "usage":
        this.usage = ev.usage;
        return "";
      case "logprobs":
        return "";
    }
    if (ev.choice !== 0) return "";
    switch (ev.type) {
      case "text":
      case "refusal":
        // Anthropic has no refusal channel: a refusal is the text of the answer.
        return ev.text.length > 0 ? this.text(ev.text) : this.begin();
      case "tool_call_start": {
        const out = this.openBlock("tool_use", { type: "tool_use", id: ev.id, name: ev.name, input: {} }, ev.tool);
        if (this.open) this.toolBlocks.set(ev.tool, this.open.index);
        return out;
      }
      case "tool_call_delta": {
        const index = this.toolBlocks.get(ev.tool);
        if (index === undefined || ev.arguments.length === 0) return "";
        return this.send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: ev.arguments } });
      }
      case "finish":
        this.finish = ev.reason;
        return this.begin() + this.closeBlock();
    }
  }

  done(): string {
    if (this.ended) return "";
    this.ended = true;
    const out = this.begin() + this.closeBlock();
    const usage = this.usage ? anthropicUsage(this.usage) : { output_tokens: 0 };
    return (
      out +
      this.send("message_delta", { delta: { stop_reason: anthropicStopReason(this.finish ?? "stop"), stop_sequence: null }, usage }) +
      this.send("message_stop")
    );
  }

  error(code: string, message: string): string {
    if (this.ended) return "";
    this.ended = true;
    return sseEvent(JSON.stringify(anthropicErrorBody(statusForCode(code), message)), "error");
  }
}
