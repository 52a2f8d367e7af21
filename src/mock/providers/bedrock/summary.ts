/**
 * Reads a Converse / ConverseStream request body into the neutral summary,
 * rejecting with Bedrock's ValidationException messages what the real
 * service rejects and a translating gateway tends to get wrong: a
 * conversation not starting with a user turn or not alternating roles
 * (consecutive tool results must share one user message), toolResult ids
 * that do not answer the previous turn's toolUse ids, tool inputs that are
 * not JSON objects, unknown image formats.
 */
import type { JsonSchema } from "../../../ai/types.ts";
import type { ConversationSummary, MockToolChoice, MockToolSpec } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";
import { invalid } from "./errors.ts";

export interface ConverseRequest {
  summary: ConversationSummary;
  maxTokens?: number;
  stopSequences: string[];
}

const IMAGE_FORMATS = ["png", "jpeg", "gif", "webp"];

function memberOf(block: unknown, where: string): [string, unknown] {
  if (!isObject(block)) invalid(`The format of the value at ${where} is invalid. Provide a json object for the field and try again.`);
  const keys = Object.keys(block);
  if (keys.length !== 1) invalid(`The value at ${where} must contain exactly one content type. Provide exactly one content type and try again.`);
  const key = keys[0] ?? "";
  return [key, block[key]];
}

function checkImage(image: unknown, where: string): void {
  const format = isObject(image) ? image.format : undefined;
  if (typeof format !== "string" || !IMAGE_FORMATS.includes(format)) {
    invalid(`1 validation error detected: Value '${String(format)}' at '${where}.image.format' failed to satisfy constraint: Member must satisfy enum value set: [${IMAGE_FORMATS.join(", ")}]`);
  }
}

function parseTools(body: JsonObject): { tools: MockToolSpec[]; choice: MockToolChoice } {
  const config = isObject(body.toolConfig) ? body.toolConfig : undefined;
  if (!config) return { tools: [], choice: "auto" };
  const tools: MockToolSpec[] = [];
  asArray(config.tools).forEach((t, i) => {
    if (!isObject(t) || isObject(t.cachePoint)) return;
    const spec = isObject(t.toolSpec) ? t.toolSpec : invalid(`The value at toolConfig.tools.${i} must contain a toolSpec.`);
    const name = asString(spec.name) ?? invalid(`1 validation error detected: Value null at 'toolConfig.tools.${i}.member.toolSpec.name' failed to satisfy constraint: Member must not be null`);
    const schema = isObject(spec.inputSchema) && isObject(spec.inputSchema.json) ? spec.inputSchema.json : invalid(`The value at toolConfig.tools.${i}.toolSpec.inputSchema must contain a json schema.`);
    tools.push({ name, parameters: schema as JsonSchema });
  });
  if (tools.length === 0) invalid("1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const tc = isObject(config.toolChoice) ? config.toolChoice : undefined;
  if (!tc || isObject(tc.auto)) return { tools, choice: "auto" };
  if (isObject(tc.any)) return { tools, choice: "required" };
  const name = isObject(tc.tool) ? asString(tc.tool.name) : undefined;
  if (name === undefined) invalid("The value at toolConfig.toolChoice is invalid. Provide exactly one of auto, any or tool.");
  if (!tools.some((t) => t.name === name)) invalid(`The tool ${name} in toolConfig.toolChoice is not defined in toolConfig.tools.`);
  return { tools, choice: { name } };
}

function parseOutput(body: JsonObject): ConversationSummary["output"] {
  const format = isObject(body.outputConfig) && isObject(body.outputConfig.textFormat) ? body.outputConfig.textFormat : undefined;
  if (!format) return undefined;
  const def = isObject(format.structure) && isObject(format.structure.jsonSchema) ? format.structure.jsonSchema : undefined;
  const text = asString(def?.schema) ?? invalid("The value at outputConfig.textFormat.structure.jsonSchema.schema is required.");
  try {
    const schema: unknown = JSON.parse(text);
    if (isObject(schema)) return { kind: "json_schema", schema };
  } catch {
    // reported below
  }
  return invalid("The value at outputConfig.textFormat.structure.jsonSchema.schema is not a valid JSON schema.");
}

export function parseConverseRequest(body: JsonObject, provider: string, modelId: string): ConverseRequest {
  const messages = Array.isArray(body.messages) ? body.messages : invalid("1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null");
  if (messages.length === 0) invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");

  const texts: string[] = [];
  const systemBlocks = asArray(body.system);
  for (const b of systemBlocks) if (isObject(b) && typeof b.text === "string") texts.push(b.text);
  const system = systemBlocks.some((b) => isObject(b) && typeof b.text === "string");

  let images = 0;
  let toolResults = 0;
  let usesTools = false;
  let previousRole = "";
  let previousToolUses: string[] = [];
  let last = { role: "", text: "", hasToolResult: false, hasText: false };
  messages.forEach((m, i) => {
    const where = `messages.${i}`;
    if (!isObject(m) || (m.role !== "user" && m.role !== "assistant")) {
      invalid(`1 validation error detected: Value at '${where}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`);
    }
    if (i === 0 && m.role !== "user") invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
    if (m.role === previousRole) invalid("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
    const content = Array.isArray(m.content) && m.content.length > 0 ? m.content : invalid(`The content field in the Message object at ${where} is empty. Add a ContentBlock object to the content field and try again.`);
    const textParts: string[] = [];
    const toolUses: string[] = [];
    const results: string[] = [];
    content.forEach((block, j) => {
      const at = `${where}.content.${j}`;
      const [kind, value] = memberOf(block, at);
      switch (kind) {
        case "text":
          textParts.push(asString(value) ?? "");
          texts.push(asString(value) ?? "");
          break;
        case "image":
          checkImage(value, `${where}.member.content.${j}.member`);
          images++;
          break;
        case "toolUse": {
          if (m.role !== "assistant") invalid(`The toolUse content block at ${at} is only allowed in assistant messages.`);
          const tu = isObject(value) ? value : {};
          if (!isObject(tu.input)) invalid(`The format of the value at ${at}.toolUse.input is invalid. Provide a json object for the field and try again.`);
          toolUses.push(asString(tu.toolUseId) ?? "");
          break;
        }
        case "toolResult": {
          if (m.role !== "user") invalid(`The toolResult content block at ${at} is only allowed in user messages.`);
          const tr = isObject(value) ? value : {};
          results.push(asString(tr.toolUseId) ?? "");
          toolResults++;
          for (const [k, inner] of asArray(tr.content).map((c, n) => memberOf(c, `${at}.toolResult.content.${n}`))) {
            if (k === "text") texts.push(asString(inner) ?? "");
            else if (k === "json") texts.push(JSON.stringify(inner));
            else if (k === "image") images++;
          }
          break;
        }
        default:
          // document, video, cachePoint, reasoningContent, guardContent: accepted, not counted.
          break;
      }
    });
    if (results.length > previousToolUses.length) {
      invalid(`The number of toolResult blocks at ${where}.content exceeds the number of toolUse blocks of previous turn.`);
    }
    const unanswered = previousToolUses.filter((id) => !results.includes(id));
    if (previousToolUses.length > 0 && unanswered.length > 0) {
      invalid(`Expected toolResult blocks at ${where}.content for the following Ids: ${unanswered.join(", ")}`);
    }
    if (toolUses.length > 0 || results.length > 0) usesTools = true;
    previousRole = m.role;
    previousToolUses = toolUses;
    last = { role: m.role, text: textParts.join(" "), hasToolResult: results.length > 0, hasText: textParts.length > 0 };
  });

  const { tools, choice } = parseTools(body);
  if (usesTools && !isObject(body.toolConfig)) invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
  const inference = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const maxTokens = typeof inference.maxTokens === "number" ? inference.maxTokens : undefined;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    invalid(`1 validation error detected: Value '${maxTokens}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  }
  const output = parseOutput(body);
  return {
    summary: {
      provider,
      model: modelId,
      system,
      messages: messages.length,
      tools,
      toolChoice: choice,
      parallelToolCalls: true,
      images,
      toolResults,
      messageTexts: texts,
      lastUserText: last.role === "user" ? last.text : "",
      // Tool results followed by new user text in the same message still make a user turn.
      lastIsUser: last.role === "user" && (!last.hasToolResult || last.hasText),
      ...(output ? { output } : {}),
    },
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    stopSequences: asArray(inference.stopSequences).filter((s): s is string => typeof s === "string"),
  };
}
