/**
 * Unified stream events → `chat.completion.chunk` SSE, in the order OpenAI
 * sends them: a role chunk, content / refusal / tool-call deltas, a chunk
 * carrying finish_reason, then (only when the client asked with
 * stream_options.include_usage) a usage chunk with empty choices, then
 * `data: [DONE]`. Usage is held until the end because providers report it
 * at different points and OpenAI clients expect it last.
 */
import type { StreamEncoder } from "../../dialect.ts";
import { sseEvent } from "../../sse/writer.ts";
import type { ChatStreamEvent, Usage } from "../../types.ts";
import { randomId } from "../shared/ids.ts";
import { statusForCode } from "../shared/status.ts";
import { openAIErrorObject } from "./errors.ts";
import { chatCompletionId, openAIFinishReason, openAILogprobs, openAIUsage } from "./render.ts";

type Delta = Record<string, unknown>;

export class ChatCompletionsStreamEncoder implements StreamEncoder {
  private id = randomId("chatcmpl-");
  private created = Math.floor(Date.now() / 1000);
  private readonly model: string;
  private readonly includeUsage: boolean;
  private readonly roleSent = new Set<number>();
  private usage: Usage | undefined;
  private started = false;
  private ended = false;

  constructor(model: string, opts: { includeUsage: boolean }) {
    this.model = model;
    this.includeUsage = opts.includeUsage;
  }

  private chunk(choices: unknown[], usage?: unknown): string {
    const body: Record<string, unknown> = {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      system_fingerprint: null,
      choices,
    };
    if (this.includeUsage) body.usage = usage ?? null;
    return sseEvent(JSON.stringify(body));
  }

  private choiceChunk(index: number, delta: Delta, extra: { logprobs?: unknown; finish?: string } = {}): string {
    let prefix = "";
    if (!this.started) prefix = this.begin();
    if (!this.roleSent.has(index)) {
      this.roleSent.add(index);
      delta = { role: "assistant", ...delta };
    }
    return prefix + this.chunk([{ index, delta, logprobs: extra.logprobs ?? null, finish_reason: extra.finish ?? null }]);
  }

  private begin(): string {
    this.started = true;
    this.roleSent.add(0);
    return this.chunk([{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }]);
  }

  event(ev: ChatStreamEvent): string {
    if (this.ended) return "";
    switch (ev.type) {
      case "start":
        if (this.started) return "";
        this.id = chatCompletionId(ev.id);
        this.created = ev.created;
        return this.begin();
      case "text":
        return this.choiceChunk(ev.choice, { content: ev.text });
      case "refusal":
        return this.choiceChunk(ev.choice, { refusal: ev.text });
      case "tool_call_start":
        return this.choiceChunk(ev.choice, {
          tool_calls: [{ index: ev.tool, id: ev.id, type: "function", function: { name: ev.name, arguments: "" } }],
        });
      case "tool_call_delta":
        return this.choiceChunk(ev.choice, { tool_calls: [{ index: ev.tool, function: { arguments: ev.arguments } }] });
      case "finish":
        return this.choiceChunk(ev.choice, {}, { finish: openAIFinishReason(ev.reason) });
      case "logprobs":
        return this.choiceChunk(ev.choice, {}, { logprobs: { content: openAILogprobs(ev.logprobs), refusal: null } });
      case "usage":
        this.usage = ev.usage;
        return "";
    }
  }

  done(): string {
    if (this.ended) return "";
    this.ended = true;
    let out = this.started ? "" : this.begin();
    if (this.includeUsage && this.usage) out += this.chunk([], openAIUsage(this.usage));
    return `${out}data: [DONE]\n\n`;
  }

  error(code: string, message: string): string {
    if (this.ended) return "";
    this.ended = true;
    return sseEvent(JSON.stringify({ error: openAIErrorObject(statusForCode(code), code, message) }));
  }
}
