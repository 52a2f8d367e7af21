/**
 * Unified stream events → the Responses API's streaming events, each with
 * its `event:` name and a running `sequence_number`:
 *
 *   response.created, response.in_progress,
 *   per message item: output_item.added, content_part.added,
 *     output_text.delta… (or refusal.delta…), output_text.done,
 *     content_part.done, output_item.done,
 *   per function call: output_item.added, function_call_arguments.delta…,
 *     function_call_arguments.done, output_item.done,
 *   response.completed (or response.incomplete when cut short).
 *
 * An item is closed when the next one opens, as OpenAI's items never
 * interleave. Errors send `error` and then `response.failed`. Only choice 0
 * is carried: the Responses API has no `n`.
 */
import type { StreamEncoder } from "../../dialect.ts";
import { sseEvent } from "../../sse/writer.ts";
import type { ChatStreamEvent, FinishReason, Usage } from "../../types.ts";
import { randomId } from "../shared/ids.ts";
import { statusForCode } from "../shared/status.ts";
import { itemStem, type OutputContent, type OutputItem, outputText, responseId, responseObject, type ResponseStatus, statusFor } from "./render.ts";

interface OpenPart {
  kind: "output_text" | "refusal";
  text: string;
}

interface Item {
  item: OutputItem;
  /** Message items: the content part still receiving deltas. */
  part?: OpenPart;
  open: boolean;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  private id = randomId("resp_");
  private createdAt = Math.floor(Date.now() / 1000);
  private readonly model: string;
  private seq = 0;
  private started = false;
  private ended = false;
  private readonly items: Item[] = [];
  private current: number | undefined;
  private readonly toolItems = new Map<number, number>();
  private messageCount = 0;
  private finish: FinishReason | undefined;
  private usage: Usage | undefined;

  constructor(model: string) {
    this.model = model;
  }

  private emit(type: string, payload: Record<string, unknown>): string {
    const data = { type, ...payload, sequence_number: this.seq++ };
    return sseEvent(JSON.stringify(data), type);
  }

  private snapshot(status: ResponseStatus, extra: { incomplete?: { reason: string } | null; error?: { code: string; message: string } } = {}): Record<string, unknown> {
    return responseObject({
      id: this.id,
      createdAt: this.createdAt,
      model: this.model,
      status,
      output: this.items.map((i) => structuredClone(i.item)),
      usage: status === "in_progress" ? undefined : this.usage,
      incomplete: extra.incomplete ?? null,
      error: extra.error ?? null,
    });
  }

  private begin(): string {
    if (this.started) return "";
    this.started = true;
    const response = this.snapshot("in_progress");
    return this.emit("response.created", { response }) + this.emit("response.in_progress", { response });
  }

  private closePart(index: number, it: Item): string {
    const part = it.part;
    if (!part || it.item.type !== "message") return "";
    it.part = undefined;
    const content_index = it.item.content.length - 1;
    const base = { item_id: it.item.id, output_index: index, content_index };
    const done: OutputContent = part.kind === "output_text" ? outputText(part.text) : { type: "refusal", refusal: part.text };
    it.item.content[content_index] = done;
    const textDone =
      part.kind === "output_text"
        ? this.emit("response.output_text.done", { ...base, text: part.text, logprobs: [] })
        : this.emit("response.refusal.done", { ...base, refusal: part.text });
    return textDone + this.emit("response.content_part.done", { ...base, part: done });
  }

  private closeCurrent(): string {
    if (this.current === undefined) return "";
    const index = this.current;
    const it = this.items[index];
    this.current = undefined;
    if (!it || !it.open) return "";
    it.open = false;
    let out = "";
    if (it.item.type === "function_call") {
      out += this.emit("response.function_call_arguments.done", {
        item_id: it.item.id,
        output_index: index,
        name: it.item.name,
        arguments: it.item.arguments,
      });
    } else out += this.closePart(index, it);
    it.item.status = "completed";
    return out + this.emit("response.output_item.done", { output_index: index, item: structuredClone(it.item) });
  }

  private openItem(item: OutputItem): { out: string; index: number } {
    const out = this.begin() + this.closeCurrent();
    const index = this.items.length;
    this.items.push({ item, open: true });
    this.current = index;
    return { out: out + this.emit("response.output_item.added", { output_index: index, item: structuredClone(item) }), index };
  }

  private messageDelta(kind: OpenPart["kind"], delta: string): string {
    let out = "";
    let index = this.current;
    let it = index === undefined ? undefined : this.items[index];
    if (index === undefined || !it || it.item.type !== "message") {
      const stem = itemStem(this.id);
      const id = this.messageCount === 0 ? `msg_${stem}` : `msg_${stem}_${this.messageCount}`;
      this.messageCount++;
      const opened = this.openItem({ id, type: "message", status: "in_progress", content: [], role: "assistant" });
      out += opened.out;
      index = opened.index;
      it = this.items[index];
    }
    if (!it || it.item.type !== "message") return out;
    if (it.part?.kind !== kind) {
      out += this.closePart(index, it);
      const part: OutputContent = kind === "output_text" ? outputText("") : { type: "refusal", refusal: "" };
      it.item.content.push(part);
      it.part = { kind, text: "" };
      out += this.emit("response.content_part.added", { item_id: it.item.id, output_index: index, content_index: it.item.content.length - 1, part });
    }
    const part = it.part;
    part.text += delta;
    const base = { item_id: it.item.id, output_index: index, content_index: it.item.content.length - 1 };
    return out + (kind === "output_text" ? this.emit("response.output_text.delta", { ...base, delta, logprobs: [] }) : this.emit("response.refusal.delta", { ...base, delta }));
  }

  event(ev: ChatStreamEvent): string {
    if (this.ended) return "";
    if (ev.type === "start") {
      if (this.started) return "";
      this.id = responseId(ev.id);
      this.createdAt = ev.created;
      return this.begin();
    }
    if (ev.type === "usage") {
      this.usage = ev.usage;
      return "";
    }
    if (ev.choice !== 0) return "";
    switch (ev.type) {
      case "text":
        return this.messageDelta("output_text", ev.text);
      case "refusal":
        return this.messageDelta("refusal", ev.text);
      case "tool_call_start": {
        const { out, index } = this.openItem({
          id: `fc_${itemStem(this.id)}_${ev.tool}`,
          type: "function_call",
          status: "in_progress",
          arguments: "",
          call_id: ev.id,
          name: ev.name,
        });
        this.toolItems.set(ev.tool, index);
        return out;
      }
      case "tool_call_delta": {
        const index = this.toolItems.get(ev.tool);
        const it = index === undefined ? undefined : this.items[index];
        if (index === undefined || !it || it.item.type !== "function_call") return "";
        it.item.arguments += ev.arguments;
        return this.emit("response.function_call_arguments.delta", { item_id: it.item.id, output_index: index, delta: ev.arguments });
      }
      case "finish":
        this.finish = ev.reason;
        return this.closeCurrent();
      case "logprobs":
        return "";
    }
  }

  done(): string {
    if (this.ended) return "";
    this.ended = true;
    const out = this.begin() + this.closeCurrent();
    if (this.finish === "error") {
      return out + this.emit("response.failed", { response: this.snapshot("failed", { error: { code: "server_error", message: "The model's answer ended with an error." } }) });
    }
    const { status, incomplete } = statusFor(this.finish);
    const type = status === "incomplete" ? "response.incomplete" : "response.completed";
    return out + this.emit(type, { response: this.snapshot(status, { incomplete }) });
  }

  error(code: string, message: string): string {
    if (this.ended) return "";
    this.ended = true;
    const out = this.begin();
    const failedCode = statusForCode(code) === 429 ? "rate_limit_exceeded" : "server_error";
    return (
      out +
      this.emit("error", { code, message, param: null }) +
      this.emit("response.failed", { response: this.snapshot("failed", { error: { code: failedCode, message } }) })
    );
  }
}
