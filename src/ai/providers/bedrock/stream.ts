/**
 * ConverseStream (AWS event-stream frames) → unified events. Event frames
 * (`:message-type` event) are messageStart → (contentBlockStart? →
 * contentBlockDelta* → contentBlockStop)* → messageStop → metadata;
 * exception frames become error items. Content blocks are keyed by
 * contentBlockIndex; a toolUse block's contentBlockStart names the tool and
 * its deltas carry the input JSON in pieces. messageStop ends the answer
 * (finish is emitted there); metadata, which carries usage, follows it. A
 * body ending before messageStop is a cut stream.
 */
import type { DecodedStreamItem, StreamDecoder } from "../../provider.ts";
import type { ChatRequest, FinishReason } from "../../types.ts";
import { resetError } from "../shared/error-kind.ts";
import { generateId } from "../shared/ids.ts";
import { num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";
import { bedrockStreamError } from "./errors.ts";
import { EventStreamFramer, type EventFrame } from "./eventstream.ts";
import { bedrockUsage, finishReason } from "./outcome.ts";
import { ANSWER_TOOL } from "./tools.ts";

type Block = { kind: "tool"; tool: number } | { kind: "answer" };

/** before_start → streaming → stopped (messageStop seen, metadata may follow) → done. */
type Phase = "before_start" | "streaming" | "stopped" | "done";

export class BedrockStreamDecoder implements StreamDecoder {
  private readonly framer = new EventStreamFramer();
  private readonly answerTool: boolean;
  private phase: Phase = "before_start";
  private readonly blocks = new Map<number, Block>();
  private toolCount = 0;
  private answered = false;

  constructor(private readonly req: ChatRequest) {
    this.answerTool = req.responseFormat?.type === "json_schema";
  }

  push(chunk: Uint8Array): DecodedStreamItem[] {
    if (this.phase === "done") return [];
    let frames: EventFrame[];
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      this.phase = "done";
      return [{ type: "error", error: { kind: "server", status: 502, message: `bedrock stream not understood: ${String(err)}` } }];
    }
    const out: DecodedStreamItem[] = [];
    for (const f of frames) if (!this.onFrame(f, out)) break;
    return out;
  }

  end(): DecodedStreamItem[] {
    const phase = this.phase;
    this.phase = "done";
    if (phase === "done" || phase === "stopped") return [];
    return [{ type: "error", error: resetError("bedrock stream ended before messageStop") }];
  }

  /** Handles one frame; false once the stream is over and later frames must be ignored. */
  private onFrame(frame: EventFrame, out: DecodedStreamItem[]): boolean {
    const messageType = frame.headers[":message-type"];
    if (messageType === "exception" || messageType === "error") {
      this.phase = "done";
      const type = messageType === "exception" ? frame.headers[":exception-type"] : frame.headers[":error-code"];
      const body = messageType === "exception" ? frame.body : JSON.stringify({ message: frame.headers[":error-message"] ?? type ?? "stream error" });
      out.push({ type: "error", error: bedrockStreamError(type, body) });
      return false;
    }
    const data = obj(parseJson(frame.body)) ?? {};
    return this.onEvent(frame.headers[":event-type"] ?? "", data, out);
  }

  private onEvent(type: string, data: JsonObject, out: DecodedStreamItem[]): boolean {
    switch (type) {
      case "messageStart":
        if (this.phase === "before_start") {
          this.phase = "streaming";
          out.push({ type: "start", id: generateId("msg_"), model: this.req.model, created: Math.floor(Date.now() / 1000) });
        }
        return true;
      case "contentBlockStart":
        this.onBlockStart(num(data.contentBlockIndex) ?? 0, obj(obj(data.start)?.toolUse), out);
        return true;
      case "contentBlockDelta":
        this.onBlockDelta(num(data.contentBlockIndex) ?? 0, obj(data.delta) ?? {}, out);
        return true;
      case "messageStop":
        this.onStop(str(data.stopReason), out);
        return true;
      case "metadata": {
        const usage = bedrockUsage(data.usage);
        if (usage) out.push({ type: "usage", usage });
        if (this.phase !== "stopped") return true;
        this.phase = "done";
        return false;
      }
      default:
        return true; // contentBlockStop and later additions carry nothing we map
    }
  }

  private onBlockStart(index: number, toolUse: JsonObject | undefined, out: DecodedStreamItem[]): void {
    if (!toolUse) return;
    const name = str(toolUse.name) ?? "";
    if (this.answerTool && name === ANSWER_TOOL) {
      this.answered = true;
      this.blocks.set(index, { kind: "answer" });
      return;
    }
    const tool = this.toolCount++;
    this.blocks.set(index, { kind: "tool", tool });
    out.push({ type: "tool_call_start", choice: 0, tool, id: str(toolUse.toolUseId) ?? generateId("tooluse_"), name });
  }

  private onBlockDelta(index: number, delta: JsonObject, out: DecodedStreamItem[]): void {
    const text = str(delta.text);
    if (text !== undefined && text !== "") out.push({ type: "text", choice: 0, text });
    const input = str(obj(delta.toolUse)?.input);
    if (input === undefined || input === "") return;
    const block = this.blocks.get(index);
    if (block?.kind === "tool") out.push({ type: "tool_call_delta", choice: 0, tool: block.tool, arguments: input });
    else if (block?.kind === "answer") out.push({ type: "text", choice: 0, text: input });
  }

  private onStop(stopReason: string | undefined, out: DecodedStreamItem[]): void {
    if (this.phase !== "streaming" && this.phase !== "before_start") return;
    this.phase = "stopped";
    const reason: FinishReason = this.answered && this.toolCount === 0 ? "stop" : finishReason(stopReason);
    out.push({ type: "finish", choice: 0, reason });
  }
}
