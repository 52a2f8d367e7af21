/** Reads an OpenAI chat completions body (also Azure's and Mistral's) into the neutral summary. */
import type { ConversationSummary, MockToolChoice, MockToolSpec } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";

export function chatSummary(body: JsonObject, provider: string, model: string): ConversationSummary {
  const messages = asArray(body.messages).filter(isObject);
  const texts: string[] = [];
  let system = false;
  let count = 0;
  let images = 0;
  let toolResults = 0;
  for (const m of messages) {
    const parts = contentParts(m.content);
    texts.push(...parts.texts);
    images += parts.images;
    if (m.role === "system" || m.role === "developer") system = true;
    else count++;
    if (m.role === "tool") toolResults++;
  }
  const last = messages.at(-1);
  const lastIsUser = last?.role === "user";
  const out = responseFormat(body.response_format);
  return {
    provider,
    model,
    system,
    messages: count,
    tools: chatTools(body.tools),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: body.parallel_tool_calls !== false,
    images,
    toolResults,
    messageTexts: texts,
    lastUserText: lastIsUser ? contentParts(last.content).texts.join(" ") : "",
    lastIsUser,
    ...(out ? { output: out } : {}),
  };
}

/** Text pieces and image count of a message's `content` (a string or an array of parts). */
export function contentParts(content: unknown): { texts: string[]; images: number } {
  if (typeof content === "string") return { texts: [content], images: 0 };
  const texts: string[] = [];
  let images = 0;
  for (const part of asArray(content).filter(isObject)) {
    const text = asString(part.text);
    if (text !== undefined) texts.push(text);
    if (part.type === "image_url" || part.type === "input_image" || part.type === "image") images++;
  }
  return { texts, images };
}

function chatTools(tools: unknown): MockToolSpec[] {
  return asArray(tools)
    .filter(isObject)
    .map((t) => (isObject(t.function) ? t.function : t))
    .flatMap((f) => {
      const name = asString(f.name);
      return name ? [{ name, parameters: isObject(f.parameters) ? f.parameters : {} }] : [];
    });
}

/** Chat's `tool_choice` ("auto" | "none" | "required" | {type:"function", function:{name}}); Mistral's "any" means required. */
export function toolChoice(v: unknown): MockToolChoice {
  if (v === "none" || v === "required" || v === "auto") return v;
  if (v === "any") return "required";
  if (isObject(v)) {
    const name = asString(isObject(v.function) ? v.function.name : v.name);
    if (name) return { name };
  }
  return "auto";
}

function responseFormat(v: unknown): ConversationSummary["output"] {
  if (!isObject(v)) return undefined;
  if (v.type === "json_object") return { kind: "json_object" };
  if (v.type === "json_schema" && isObject(v.json_schema)) {
    return { kind: "json_schema", schema: isObject(v.json_schema.schema) ? v.json_schema.schema : {} };
  }
  return undefined;
}
