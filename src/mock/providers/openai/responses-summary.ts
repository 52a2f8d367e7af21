/**
 * Reads an OpenAI Responses API body into the neutral summary. Message
 * counting follows chat completions: a run of function_call items is one
 * assistant turn (unless it continues an assistant message), each
 * function_call_output is one tool message.
 */
import type { ConversationSummary } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";
import { contentParts, toolChoice } from "./chat-summary.ts";

export function responsesSummary(body: JsonObject, provider: string, model: string): ConversationSummary {
  const instructions = asString(body.instructions);
  const items = typeof body.input === "string" ? [{ role: "user", content: body.input }] : asArray(body.input).filter(isObject);
  const texts: string[] = instructions ? [instructions] : [];
  let system = instructions !== undefined && instructions !== "";
  let messages = 0;
  let images = 0;
  let toolResults = 0;
  let prev: JsonObject | undefined;
  for (const item of items) {
    if (item.type === "function_call") {
      if (prev?.type !== "function_call" && !(isMessage(prev) && prev?.role === "assistant")) messages++;
    } else if (item.type === "function_call_output") {
      messages++;
      toolResults++;
      const output = item.output;
      texts.push(...(typeof output === "string" ? [output] : contentParts(output).texts));
    } else if (isMessage(item)) {
      const parts = contentParts(item.content);
      texts.push(...parts.texts);
      images += parts.images;
      if (item.role === "system" || item.role === "developer") system = true;
      else messages++;
    }
    prev = item;
  }
  const last = items.at(-1);
  const lastIsUser = isMessage(last) && last?.role === "user";
  const output = textFormat(body.text);
  return {
    provider,
    model,
    system,
    messages,
    tools: asArray(body.tools)
      .filter(isObject)
      .filter((t) => t.type === "function" && typeof t.name === "string")
      .map((t) => ({ name: t.name as string, parameters: isObject(t.parameters) ? t.parameters : {} })),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: body.parallel_tool_calls !== false,
    images,
    toolResults,
    messageTexts: texts,
    lastUserText: lastIsUser && last ? contentParts(last.content).texts.join(" ") : "",
    lastIsUser,
    ...(output ? { output } : {}),
  };
}

function isMessage(item: JsonObject | undefined): boolean {
  return item !== undefined && (item.type === "message" || (item.type === undefined && typeof item.role === "string"));
}

function textFormat(text: unknown): ConversationSummary["output"] {
  const format = isObject(text) ? text.format : undefined;
  if (!isObject(format)) return undefined;
  if (format.type === "json_object") return { kind: "json_object" };
  if (format.type === "json_schema") return { kind: "json_schema", schema: isObject(format.schema) ? format.schema : {} };
  return undefined;
}
