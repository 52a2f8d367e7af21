/**
 * OpenAI chat completion chunks → unified stream events. The machine is
 * open until `data: [DONE]` or an in-stream `{"error": …}`; tool call
 * fragments are kept per (choice, tool index) so a call whose name arrives
 * after its first arguments still starts before its arguments; usage is held
 * until the end so a provider repeating cumulative usage yields one event.
 * Mistral and OpenAI-compatible servers speak the same chunks.
 */
import type { DecodedStreamItem } from "../../provider.ts";
import type { SseEvent } from "../../sse/parser.ts";
import type { ChatRequest, ChatStreamEvent, ProviderError, Usage } from "../../types.ts";
import { providerError, resetError, statusForKind } from "../shared/error-kind.ts";
import { generateId } from "../shared/ids.ts";
import { arr, num, obj, parseJson, str, type JsonObject } from "../shared/json.ts";
import type { SseMachine } from "../shared/sse-decoder.ts";
import { contentText } from "./content.ts";
import { inStreamError } from "./errors.ts";
import { openAiFinishReason } from "./finish.ts";
import { parseOpenAiLogprobs } from "./logprobs.ts";
import { argumentsText } from "./tool-calls.ts";
import { parseOpenAiUsage } from "./usage.ts";

interface ToolSlot {
  /** The unified tool index within its choice. */
  tool: number;
  id: string;
  name: string;
  started: boolean;
  /** All argument text received so far. */
  arguments: string;
}

type Phase = "open" | "done" | "failed";

export class OpenAiStreamMachine implements SseMachine {
  private phase: Phase = "open";
  private started = false;
  /** Keyed by `${choice}:${provider tool index}`. */
  private readonly tools = new Map<string, ToolSlot>();
  private readonly toolCount = new Map<number, number>();
  private readonly unfinished = new Set<number>();
  private readonly finishedChoices = new Set<number>();
  private usage: Usage | undefined;

  constructor(
    private readonly req: ChatRequest,
    private readonly provider: string,
  ) {}

  get closed(): boolean {
    return this.phase !== "open";
  }

  onEvent(ev: SseEvent, atEnd: boolean): DecodedStreamItem[] {
    const data = ev.data.trim();
    if (data === "") return [];
    if (data === "[DONE]") {
      this.phase = "done";
      return this.takeUsage();
    }
    const chunk = obj(parseJson(data));
    if (!chunk) {
      if (atEnd) return this.fail(resetError(`${this.provider} stream was cut inside an event`));
      return this.fail(providerError("server", statusForKind("server"), { message: `${this.provider} sent a stream event that is not JSON` }));
    }
    if (ev.event === "error" || (chunk.error !== undefined && chunk.error !== null)) {
      return this.fail(inStreamError(chunk.error ?? chunk));
    }
    return this.onChunk(chunk);
  }

  onEnd(): DecodedStreamItem[] {
    if (this.phase !== "open") return [];
    const complete = this.finishedChoices.size > 0 && this.unfinished.size === 0;
    // A server that skips [DONE] after finishing every choice still answered fully.
    if (complete) {
      this.phase = "done";
      return this.takeUsage();
    }
    const out = this.takeUsage();
    this.phase = "failed";
    out.push({ type: "error", error: resetError(`${this.provider} stream ended before [DONE]`) });
    return out;
  }

  private fail(error: ProviderError): DecodedStreamItem[] {
    this.phase = "failed";
    return [{ type: "error", error }];
  }

  private onChunk(chunk: JsonObject): DecodedStreamItem[] {
    const out: ChatStreamEvent[] = [];
    const choices = arr(chunk.choices);
    if (!this.started && (str(chunk.id) || choices.length > 0)) {
      this.started = true;
      out.push({
        type: "start",
        id: str(chunk.id) || generateId("chatcmpl-"),
        model: str(chunk.model) || this.req.model,
        created: num(chunk.created) || Math.floor(Date.now() / 1000),
      });
    }
    choices.forEach((c, position) => {
      const choice = obj(c);
      if (choice) this.onChoice(choice, position, out);
    });
    // Groq reports usage under x_groq on its last chunk.
    const usage = parseOpenAiUsage(chunk.usage) ?? parseOpenAiUsage(obj(chunk.x_groq)?.usage);
    if (usage) this.usage = usage;
    return out;
  }

  private onChoice(choice: JsonObject, position: number, out: ChatStreamEvent[]): void {
    const index = num(choice.index) ?? position;
    if (!this.finishedChoices.has(index)) this.unfinished.add(index);
    const delta = obj(choice.delta) ?? {};
    const text = contentText(delta.content);
    if (text) out.push({ type: "text", choice: index, text });
    const refusal = str(delta.refusal);
    if (refusal) out.push({ type: "refusal", choice: index, text: refusal });
    arr(delta.tool_calls).forEach((t, i) => {
      const call = obj(t);
      if (call) this.onToolDelta(index, num(call.index) ?? i, call, out);
    });
    const logprobs = parseOpenAiLogprobs(choice.logprobs);
    if (logprobs && logprobs.length > 0) out.push({ type: "logprobs", choice: index, logprobs });
    const reason = str(choice.finish_reason);
    if (reason) {
      out.push({ type: "finish", choice: index, reason: openAiFinishReason(reason, this.toolCount.has(index)) });
      this.unfinished.delete(index);
      this.finishedChoices.add(index);
    }
  }

  private onToolDelta(choice: number, providerIndex: number, call: JsonObject, out: ChatStreamEvent[]): void {
    const key = `${choice}:${providerIndex}`;
    const id = str(call.id);
    let slot = this.tools.get(key);
    // Some compatible servers number every call 0 and tell them apart by id.
    if (!slot || (slot.started && id && id !== slot.id)) {
      const tool = this.toolCount.get(choice) ?? 0;
      this.toolCount.set(choice, tool + 1);
      slot = { tool, id: "", name: "", started: false, arguments: "" };
      this.tools.set(key, slot);
    }
    const fn = obj(call.function) ?? {};
    const name = str(fn.name);
    if (!slot.started) {
      if (id) slot.id = id;
      if (name) slot.name = name;
    }
    const args = argumentsText(fn.arguments);
    slot.arguments += args;
    if (!slot.started) {
      if (!slot.name) return;
      slot.started = true;
      out.push({ type: "tool_call_start", choice, tool: slot.tool, id: slot.id || generateId("call_"), name: slot.name });
      if (slot.arguments) out.push({ type: "tool_call_delta", choice, tool: slot.tool, arguments: slot.arguments });
      return;
    }
    if (args) out.push({ type: "tool_call_delta", choice, tool: slot.tool, arguments: args });
  }

  private takeUsage(): DecodedStreamItem[] {
    const usage = this.usage;
    this.usage = undefined;
    return usage ? [{ type: "usage", usage }] : [];
  }
}
