/**
 * The streamed form of a chat completion: `chat.completion.chunk` objects
 * as SSE `data:` events, ending with `data: [DONE]`. Per choice: a role
 * chunk, content (~3 words each) or tool calls (index, id and name first,
 * then argument pieces), a finish chunk; then the usage chunk with empty
 * choices when `stream_options.include_usage` is set (Mistral instead puts
 * usage on the finish chunk, always).
 */
import { sseEvent } from "../../../ai/sse/writer.ts";
import { argumentPieces, textPieces } from "../../common/chunks.ts";
import type { MockToolCallPlan } from "../../common/reply.ts";
import type { ChatAnswer } from "./chat-answer.ts";
import { SAFE_FILTER_RESULTS, promptFilterResults } from "./content-filter.ts";
import type { ChatFlavor } from "./flavor.ts";
import { textLogprobs } from "./logprobs.ts";

type Delta = Record<string, unknown>;

export function chatChunks(a: ChatAnswer, flavor: ChatFlavor, includeUsage: boolean): string[] {
  const withUsageField = flavor.streamUsage === "include_usage" && includeUsage;
  const chunk = (choice: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) =>
    sseEvent(
      JSON.stringify({
        id: a.id,
        object: "chat.completion.chunk",
        created: a.created,
        model: a.model,
        ...(flavor.openaiExtras ? { system_fingerprint: "fp_mock", service_tier: "default" } : {}),
        choices: choice ? [choice] : [],
        ...(withUsageField ? { usage: null } : {}),
        ...extra,
      }),
    );
  const events: string[] = [];
  if (flavor.filterResults) events.push(sseEvent(JSON.stringify({ id: "", object: "", created: 0, model: "", prompt_filter_results: promptFilterResults(), choices: [] })));
  for (let index = 0; index < a.choices; index++) {
    const choice = (delta: Delta, finish: string | null = null, logprobs: unknown = null) => ({
      index,
      delta,
      logprobs,
      finish_reason: finish,
      ...(flavor.filterResults && finish === null && Object.keys(delta).length > 0 ? { content_filter_results: SAFE_FILTER_RESULTS } : {}),
    });
    events.push(chunk(choice({ role: "assistant", content: "", ...(flavor.openaiExtras ? { refusal: null } : {}) })));
    for (const delta of contentDeltas(a, flavor, index)) {
      const logprobs = a.logprobs && typeof delta.content === "string" ? { content: textLogprobs(delta.content, a.topLogprobs), refusal: null } : null;
      events.push(chunk(choice(delta, null, logprobs)));
    }
    const lastChoice = index === a.choices - 1;
    const usageHere = flavor.streamUsage === "last_chunk" && lastChoice ? { usage: flavor.usage(a.usage) } : {};
    events.push(chunk(choice({}, a.finish), usageHere));
  }
  if (withUsageField) events.push(chunk(undefined, { usage: flavor.usage(a.usage) }));
  events.push(sseEvent("[DONE]"));
  return events;
}

function contentDeltas(a: ChatAnswer, flavor: ChatFlavor, index: number): Delta[] {
  if (a.reply.kind === "text") return a.reply.text === "" ? [] : textPieces(a.reply.text).map((content) => ({ content }));
  const ids = a.toolCallIds[index] ?? [];
  return a.reply.calls.flatMap((call, i) => toolCallDeltas(call, i, ids[i] ?? "", flavor.wholeToolCalls));
}

function toolCallDeltas(call: MockToolCallPlan, index: number, id: string, whole: boolean): Delta[] {
  const head = { index, id, type: "function" };
  if (whole) return [{ content: "", tool_calls: [{ ...head, function: { name: call.name, arguments: call.arguments } }] }];
  return [
    { tool_calls: [{ ...head, function: { name: call.name, arguments: "" } }] },
    ...argumentPieces(call.arguments).map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
  ];
}
