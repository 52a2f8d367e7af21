/** Reads a Cohere v2 `/v2/chat` body into the neutral summary. */
import type { ConversationSummary, MockToolChoice } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";

export function cohereSummary(body: JsonObject, model: string): ConversationSummary {
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
    if (m.role === "system") system = true;
    else count++;
    if (m.role === "tool") toolResults++;
  }
  const last = messages.at(-1);
  const lastIsUser = last?.role === "user";
  const output = responseFormat(body.response_format);
  return {
    provider: "cohere",
    model,
    system,
    messages: count,
    tools: asArray(body.tools)
      .filter(isObject)
      .map((t) => (isObject(t.function) ? t.function : {}))
      .flatMap((f) => {
        const name = asString(f.name);
        return name ? [{ name, parameters: isObject(f.parameters) ? f.parameters : {} }] : [];
      }),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: true,
    images,
    toolResults,
    messageTexts: texts,
    lastUserText: lastIsUser ? contentParts(last.content).texts.join(" ") : "",
    lastIsUser,
    ...(output ? { output } : {}),
  };
}

function contentParts(content: unknown): { texts: string[]; images: number } {
  if (typeof content === "string") return { texts: [content], images: 0 };
  const texts: string[] = [];
  let images = 0;
  for (const part of asArray(content).filter(isObject)) {
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    if (part.type === "image_url") images++;
    if (part.type === "document" && isObject(part.document)) {
      const data = part.document.data;
      texts.push(typeof data === "string" ? data : JSON.stringify(data));
    }
  }
  return { texts, images };
}

function toolChoice(v: unknown): MockToolChoice {
  if (v === "REQUIRED") return "required";
  if (v === "NONE") return "none";
  return "auto";
}

function responseFormat(v: unknown): ConversationSummary["output"] {
  if (!isObject(v) || v.type !== "json_object") return undefined;
  return isObject(v.json_schema) ? { kind: "json_schema", schema: v.json_schema } : { kind: "json_object" };
}
