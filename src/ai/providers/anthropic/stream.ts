/**
 * Anthropic Messages stream → unified events. A state machine over the SSE
 * events message_start → (content_block_start → content_block_delta* →
 * content_block_stop)* → message_delta → message_stop, with ping and error
 * possible anywhere. Content blocks are keyed by their index; tool_use
 * blocks get consecutive unified tool indices. The finish and usage events
 * are emitted at message_stop, the terminal event — a body ending before it
 * is a cut stream.
 */
import type { DecodedStreamItem, StreamDecoder } from "../../provider.ts";
import type { SseEvent } from "../../sse/parser.ts";
import type { ChatRequest, FinishReason } from "../../types.ts";
import { resetError } from "../shared/error-kind.ts";
import { sseDecoder, type SseMachine } from "../shared/sse-decoder.ts";
import { generateId } from "../shared/ids.ts";
import { isObject, num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";
import { anthropicStreamError } from "./errors.ts";
import { anthropicUsage, finishReason } from "./outcome.ts";
import { ANSWER_TOOL } from "./tools.ts";

type Block = { kind: "text" } | { kind: "tool"; tool: number } | { kind: "answer" } | { kind: "ignored" };

type Phase = "before_start" | "streaming" | "done";

export function anthropicStream(req: ChatRequest): StreamDecoder {
  return sseDecoder(new AnthropicStreamMachine(req));
}

class AnthropicStreamMachine implements SseMachine {
  private readonly answerTool: boolean;
  private phase: Phase = "before_start";
  private readonly blocks = new Map<number, Block>();
  private toolCount = 0;
  private answered = false;
  private stopReason: string | undefined;
  /** Usage fields as reported so far: message_start's, overwritten by message_delta's cumulative counts. */
  private usage: JsonObject = {};

  constructor(req: ChatRequest) {
    this.answerTool = req.responseFormat?.type === "json_schema";
  }

  get closed(): boolean {
    return this.phase === "done";
  }

  onEvent(ev: SseEvent): DecodedStreamItem[] {
    const out: DecodedStreamItem[] = [];
    const data = obj(parseJson(ev.data));
    if (data) this.handle(str(data.type) ?? ev.event ?? "", data, out);
    return out;
  }

  onEnd(): DecodedStreamItem[] {
    if (this.phase === "done") return [];
    this.phase = "done";
    return [{ type: "error", error: resetError("anthropic stream ended before message_stop") }];
  }

  private handle(type: string, data: JsonObject, out: DecodedStreamItem[]): void {
    switch (type) {
      case "message_start":
        return this.onMessageStart(obj(data.message) ?? {}, out);
      case "content_block_start":
        return this.onBlockStart(num(data.index) ?? 0, obj(data.content_block) ?? {}, out);
      case "content_block_delta":
        return this.onBlockDelta(num(data.index) ?? 0, obj(data.delta) ?? {}, out);
      case "message_delta":
        this.stopReason = str(obj(data.delta)?.stop_reason) ?? this.stopReason;
        return this.mergeUsage(data.usage);
      case "message_stop":
        return this.onStop(out);
      case "error":
        this.phase = "done";
        out.push({ type: "error", error: anthropicStreamError(data) });
        return;
      default:
        return; // ping, content_block_stop and event types added later carry nothing we map
    }
  }

  private onMessageStart(message: JsonObject, out: DecodedStreamItem[]): void {
    if (this.phase !== "before_start") return;
    this.phase = "streaming";
    this.mergeUsage(message.usage);
    out.push({
      type: "start",
      id: str(message.id) ?? generateId("msg_"),
      model: str(message.model) ?? "",
      created: Math.floor(Date.now() / 1000),
    });
  }

  private onBlockStart(index: number, block: JsonObject, out: DecodedStreamItem[]): void {
    if (block.type === "text") {
      this.blocks.set(index, { kind: "text" });
      const text = str(block.text) ?? "";
      if (text !== "") out.push({ type: "text", choice: 0, text });
    } else if (block.type === "tool_use") {
      const name = str(block.name) ?? "";
      if (this.answerTool && name === ANSWER_TOOL) {
        this.answered = true;
        this.blocks.set(index, { kind: "answer" });
        return;
      }
      const tool = this.toolCount++;
      this.blocks.set(index, { kind: "tool", tool });
      out.push({ type: "tool_call_start", choice: 0, tool, id: str(block.id) ?? generateId("toolu_"), name });
    } else this.blocks.set(index, { kind: "ignored" });
  }

  private onBlockDelta(index: number, delta: JsonObject, out: DecodedStreamItem[]): void {
    const block = this.blocks.get(index);
    if (!block) return;
    if (delta.type === "text_delta" && block.kind === "text") {
      const text = str(delta.text) ?? "";
      if (text !== "") out.push({ type: "text", choice: 0, text });
    } else if (delta.type === "input_json_delta") {
      const json = str(delta.partial_json) ?? "";
      if (json === "") return;
      if (block.kind === "tool") out.push({ type: "tool_call_delta", choice: 0, tool: block.tool, arguments: json });
      else if (block.kind === "answer") out.push({ type: "text", choice: 0, text: json });
    }
  }

  private onStop(out: DecodedStreamItem[]): void {
    this.phase = "done";
    const reason: FinishReason = this.answered && this.toolCount === 0 ? "stop" : finishReason(this.stopReason);
    out.push({ type: "finish", choice: 0, reason });
    const usage = Object.keys(this.usage).length > 0 ? anthropicUsage(this.usage) : undefined;
    if (usage) out.push({ type: "usage", usage });
  }

  private mergeUsage(raw: unknown): void {
    if (!isObject(raw)) return;
    for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined) this.usage[k] = v;
  }
}
