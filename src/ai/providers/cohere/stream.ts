/**
 * Cohere v2 chat stream → unified events. SSE events whose JSON `type` is
 * message-start → (content-start → content-delta* → content-end |
 * tool-plan-delta* | tool-call-start → tool-call-delta* → tool-call-end |
 * citation-start/end)* → message-end. message-end carries the finish reason
 * and usage and is the terminal event; an `error` in it is an in-stream
 * failure.
 */
import type { DecodedStreamItem, StreamDecoder } from "../../provider.ts";
import type { SseEvent } from "../../sse/parser.ts";
import type { ChatRequest } from "../../types.ts";
import { providerError, resetError } from "../shared/error-kind.ts";
import { generateId } from "../shared/ids.ts";
import { num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";
import { sseDecoder, type SseMachine } from "../shared/sse-decoder.ts";
import { cohereUsage, finishReason } from "./outcome.ts";

type Phase = "before_start" | "streaming" | "done";

export function cohereStream(req: ChatRequest): StreamDecoder {
  return sseDecoder(new CohereStreamMachine(req.model));
}

class CohereStreamMachine implements SseMachine {
  private phase: Phase = "before_start";
  /** Cohere's tool-call event index → unified tool index. */
  private readonly tools = new Map<number, number>();

  constructor(private readonly model: string) {}

  get closed(): boolean {
    return this.phase === "done";
  }

  onEvent(ev: SseEvent): DecodedStreamItem[] {
    const data = obj(parseJson(ev.data));
    if (!data) return [];
    const out: DecodedStreamItem[] = [];
    const message = obj(obj(data.delta)?.message) ?? {};
    switch (str(data.type) ?? ev.event) {
      case "message-start":
        this.start(str(data.id), out);
        break;
      case "content-delta": {
        const text = str(obj(message.content)?.text);
        if (text !== undefined && text !== "") out.push({ type: "text", choice: 0, text });
        break;
      }
      case "tool-call-start":
        this.toolStart(num(data.index), obj(message.tool_calls) ?? {}, out);
        break;
      case "tool-call-delta":
        this.toolDelta(num(data.index), obj(message.tool_calls) ?? {}, out);
        break;
      case "message-end":
        this.end(obj(data.delta) ?? {}, out);
        break;
      default:
        break; // content-start/end, tool-plan-delta, citations, debug: nothing to map
    }
    return out;
  }

  onEnd(): DecodedStreamItem[] {
    if (this.phase === "done") return [];
    this.phase = "done";
    return [{ type: "error", error: resetError("cohere stream ended before message-end") }];
  }

  private start(id: string | undefined, out: DecodedStreamItem[]): void {
    if (this.phase !== "before_start") return;
    this.phase = "streaming";
    out.push({ type: "start", id: id ?? generateId("chatcmpl-"), model: this.model, created: Math.floor(Date.now() / 1000) });
  }

  private toolStart(index: number | undefined, call: JsonObject, out: DecodedStreamItem[]): void {
    const tool = this.tools.size;
    this.tools.set(index ?? tool, tool);
    const fn = obj(call.function) ?? {};
    out.push({ type: "tool_call_start", choice: 0, tool, id: str(call.id) ?? generateId("call_"), name: str(fn.name) ?? "" });
    const args = str(fn.arguments);
    if (args !== undefined && args !== "") out.push({ type: "tool_call_delta", choice: 0, tool, arguments: args });
  }

  private toolDelta(index: number | undefined, call: JsonObject, out: DecodedStreamItem[]): void {
    const tool = this.tools.get(index ?? this.tools.size - 1);
    const args = str(obj(call.function)?.arguments);
    if (tool === undefined || args === undefined || args === "") return;
    out.push({ type: "tool_call_delta", choice: 0, tool, arguments: args });
  }

  private end(delta: JsonObject, out: DecodedStreamItem[]): void {
    this.phase = "done";
    const error = str(delta.error);
    if (error !== undefined && error !== "") {
      out.push({ type: "error", error: providerError("server", 500, { message: error }) });
      return;
    }
    out.push({ type: "finish", choice: 0, reason: finishReason(str(delta.finish_reason)) });
    const usage = cohereUsage(delta.usage);
    if (usage) out.push({ type: "usage", usage });
  }
}
