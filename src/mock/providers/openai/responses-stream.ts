/**
 * The Responses API stream: `event: <type>` + `data: {type, sequence_number, …}`.
 * response.created, response.in_progress; per output item:
 * output_item.added, then for a message content_part.added,
 * output_text.delta (~3 words each), output_text.done, content_part.done,
 * for a function call function_call_arguments.delta (8-character pieces)
 * and .done; output_item.done; finally response.completed (or
 * response.incomplete when cut by max_output_tokens or a content filter).
 */
import { sseEvent } from "../../../ai/sse/writer.ts";
import { argumentPieces, textPieces } from "../../common/chunks.ts";
import { type OutputItem, outputItemJson, outputText, type ResponsesAnswer, responseJson } from "./responses-body.ts";

export function responsesEvents(a: ResponsesAnswer): string[] {
  let seq = 0;
  const events: string[] = [];
  const emit = (type: string, fields: Record<string, unknown>) => events.push(sseEvent(JSON.stringify({ type, sequence_number: seq++, ...fields }), type));
  emit("response.created", { response: responseJson(a, "in_progress") });
  emit("response.in_progress", { response: responseJson(a, "in_progress") });
  a.items.forEach((item, output_index) => {
    emit("response.output_item.added", { output_index, item: outputItemJson(item, "in_progress") });
    if (item.type === "message") messageEvents(item, output_index, emit);
    else functionCallEvents(item, output_index, emit);
    emit("response.output_item.done", { output_index, item: outputItemJson(item, "completed") });
  });
  emit(a.incomplete ? "response.incomplete" : "response.completed", { response: responseJson(a, "completed") });
  return events;
}

type Emit = (type: string, fields: Record<string, unknown>) => void;

function messageEvents(item: OutputItem & { type: "message" }, output_index: number, emit: Emit): void {
  const at = { item_id: item.id, output_index, content_index: 0 };
  emit("response.content_part.added", { ...at, part: outputText("") });
  if (item.text !== "") for (const delta of textPieces(item.text)) emit("response.output_text.delta", { ...at, delta, logprobs: [] });
  emit("response.output_text.done", { ...at, text: item.text, logprobs: [] });
  emit("response.content_part.done", { ...at, part: outputText(item.text) });
}

function functionCallEvents(item: OutputItem & { type: "function_call" }, output_index: number, emit: Emit): void {
  const at = { item_id: item.id, output_index };
  for (const delta of argumentPieces(item.arguments)) emit("response.function_call_arguments.delta", { ...at, delta });
  emit("response.function_call_arguments.done", { ...at, name: item.name, arguments: item.arguments });
}
