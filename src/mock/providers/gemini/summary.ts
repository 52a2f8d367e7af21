/**
 * Reads a Gemini / Vertex AI GenerateContentRequest into the neutral
 * summary, rejecting with INVALID_ARGUMENT what the real API rejects and a
 * translating gateway tends to get wrong: roles other than user/model, a
 * function call turn not following a user or function response turn, and a
 * function response turn whose number of parts differs from the calls.
 */
import type { ConversationSummary, MockToolChoice, MockToolSpec } from "../../common/conversation.ts";
import { asArray, asString, isObject, type JsonObject } from "../../common/http.ts";
import { invalid } from "./errors.ts";
import { toJsonSchema } from "./schema.ts";

export interface GeminiRequest {
  summary: ConversationSummary;
  maxTokens?: number;
  stopSequences: string[];
  candidates: number;
}

interface Turn {
  role: string;
  text: string;
  calls: number;
  responses: number;
  hasText: boolean;
}

function isImage(part: JsonObject): boolean {
  const data = isObject(part.inlineData) ? part.inlineData : isObject(part.fileData) ? part.fileData : undefined;
  return (asString(data?.mimeType) ?? "").startsWith("image/");
}

function readTurn(content: unknown, i: number, counts: { images: number; toolResults: number; texts: string[] }): Turn {
  if (!isObject(content)) invalid(`Invalid value at 'contents[${i}]', expected an object`);
  const role = content.role === undefined ? "user" : content.role;
  if (role !== "user" && role !== "model") invalid("Please use a valid role: user, model.");
  const parts = asArray(content.parts);
  if (parts.length === 0) invalid(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`);
  const texts: string[] = [];
  let calls = 0;
  let responses = 0;
  parts.forEach((p, j) => {
    if (!isObject(p)) invalid(`Invalid value at 'contents[${i}].parts[${j}]', expected an object`);
    if (typeof p.text === "string" && p.thought !== true) {
      texts.push(p.text);
      counts.texts.push(p.text);
    } else if (isObject(p.functionCall)) {
      if (role !== "model") invalid(`* GenerateContentRequest.contents[${i}].parts[${j}].function_call: function_call is only allowed in model turns.`);
      if (p.functionCall.args !== undefined && !isObject(p.functionCall.args)) invalid(`Invalid value at 'contents[${i}].parts[${j}].function_call.args' (type.googleapis.com/google.protobuf.Struct), expected an object`);
      calls++;
    } else if (isObject(p.functionResponse)) {
      if (p.functionResponse.response !== undefined && !isObject(p.functionResponse.response)) {
        invalid(`Invalid value at 'contents[${i}].parts[${j}].function_response.response' (type.googleapis.com/google.protobuf.Struct), expected an object`);
      }
      counts.texts.push(JSON.stringify(p.functionResponse.response ?? {}));
      counts.toolResults++;
      responses++;
    } else if (isImage(p)) {
      counts.images++;
    }
  });
  return { role, text: texts.join(" "), calls, responses, hasText: texts.length > 0 };
}

function parseTools(body: JsonObject): MockToolSpec[] {
  const tools: MockToolSpec[] = [];
  for (const t of asArray(body.tools)) {
    if (!isObject(t)) continue;
    asArray(t.functionDeclarations ?? t.function_declarations).forEach((d, i) => {
      if (!isObject(d) || typeof d.name !== "string") invalid(`* GenerateContentRequest.tools[0].function_declarations[${i}].name: Name cannot be empty.`);
      const schema = d.parametersJsonSchema !== undefined ? d.parametersJsonSchema : d.parameters;
      tools.push({ name: d.name, parameters: toJsonSchema(schema ?? { type: "object" }) });
    });
  }
  return tools;
}

/** Returns the tools reordered so the allowed ones come first, with the choice. */
function parseToolChoice(body: JsonObject, tools: MockToolSpec[]): { tools: MockToolSpec[]; choice: MockToolChoice } {
  const config = isObject(body.toolConfig) && isObject(body.toolConfig.functionCallingConfig) ? body.toolConfig.functionCallingConfig : {};
  const mode = asString(config.mode) ?? "AUTO";
  const allowed = asArray(config.allowedFunctionNames).filter((n): n is string => typeof n === "string");
  if (allowed.length > 0 && mode !== "ANY" && mode !== "VALIDATED") {
    invalid("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY or VALIDATED.");
  }
  for (const name of allowed) {
    if (!tools.some((t) => t.name === name)) invalid(`* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${name} is not declared.`);
  }
  switch (mode) {
    case "NONE":
      return { tools, choice: "none" };
    case "ANY": {
      const only = allowed.length === 1 ? allowed[0] : undefined;
      if (only !== undefined) return { tools, choice: { name: only } };
      const ordered = allowed.length > 0 ? [...tools.filter((t) => allowed.includes(t.name)), ...tools.filter((t) => !allowed.includes(t.name))] : tools;
      return { tools: ordered, choice: "required" };
    }
    case "AUTO":
    case "VALIDATED":
    case "MODE_UNSPECIFIED":
      return { tools, choice: "auto" };
    default:
      return invalid(`Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${mode}"`);
  }
}

function parseOutput(config: JsonObject): ConversationSummary["output"] {
  const mime = asString(config.responseMimeType);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (schema !== undefined && mime !== "application/json" && mime !== "text/x.enum") {
    invalid("* GenerateContentRequest.generation_config.response_mime_type: response_mime_type must be set to application/json or text/x.enum when a response schema is given.");
  }
  if (mime !== "application/json") return undefined;
  return isObject(schema) ? { kind: "json_schema", schema: toJsonSchema(schema) } : { kind: "json_object" };
}

export function parseGeminiRequest(body: JsonObject, provider: string, model: string): GeminiRequest {
  const contents = asArray(body.contents);
  if (contents.length === 0) invalid("* GenerateContentRequest.contents: contents is not specified\n");
  const counts = { images: 0, toolResults: 0, texts: [] as string[] };

  let system = false;
  if (body.systemInstruction !== undefined) {
    const si = isObject(body.systemInstruction) ? body.systemInstruction : invalid("Invalid value at 'system_instruction', expected an object");
    for (const p of asArray(si.parts)) {
      if (isObject(p) && typeof p.text === "string") {
        system = true;
        counts.texts.push(p.text);
      }
    }
  }

  const turns = contents.map((c, i) => readTurn(c, i, counts));
  turns.forEach((t, i) => {
    const prev = turns[i - 1];
    if (t.calls > 0 && prev !== undefined && prev.role !== "user") {
      invalid("Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
    }
    if (t.responses > 0 && (prev === undefined || prev.calls !== t.responses)) {
      invalid("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.");
    }
  });

  const declared = parseTools(body);
  const { tools, choice } = parseToolChoice(body, declared);
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const candidates = typeof config.candidateCount === "number" ? config.candidateCount : 1;
  if (!Number.isInteger(candidates) || candidates < 1 || candidates > 8) invalid("* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8.");
  const output = parseOutput(config);
  const last = turns[turns.length - 1];
  const maxTokens = typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : undefined;
  return {
    summary: {
      provider,
      model,
      system,
      messages: turns.length,
      tools,
      toolChoice: choice,
      parallelToolCalls: true,
      images: counts.images,
      toolResults: counts.toolResults,
      messageTexts: counts.texts,
      lastUserText: last?.role === "user" ? last.text : "",
      // Function responses followed by new user text in the same turn still make a user turn.
      lastIsUser: last?.role === "user" && (last.responses === 0 || last.hasText),
      ...(output ? { output } : {}),
    },
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    stopSequences: asArray(config.stopSequences).filter((s): s is string => typeof s === "string"),
    candidates,
  };
}
