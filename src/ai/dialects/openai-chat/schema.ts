/**
 * The accepted shape of a `/v1/chat/completions` body. Unknown top-level
 * fields are stripped (OpenAI ignores fields it does not use the same way);
 * present fields of the wrong type are errors. `null` is accepted wherever
 * OpenAI accepts it and means "not given".
 */
import { z } from "zod";

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).nullish() }),
});
const refusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });
/** Audio and file parts parse so the error can name them; they are refused during mapping. */
const audioPart = z.object({ type: z.literal("input_audio"), input_audio: z.unknown() });
const filePart = z.object({ type: z.literal("file"), file: z.unknown() });

const userPart = z.discriminatedUnion("type", [textPart, imagePart, audioPart, filePart]);
const assistantPart = z.discriminatedUnion("type", [textPart, refusalPart]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const chatMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.union([z.string(), z.array(textPart)]), name: z.string().nullish() }),
  z.object({ role: z.literal("developer"), content: z.union([z.string(), z.array(textPart)]), name: z.string().nullish() }),
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(userPart)]), name: z.string().nullish() }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(assistantPart)]).nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.unknown().optional(),
    name: z.string().nullish(),
  }),
  z.object({ role: z.literal("tool"), content: z.union([z.string(), z.array(textPart)]), tool_call_id: z.string() }),
  z.object({ role: z.literal("function"), content: z.string().nullish(), name: z.string().nullish() }),
]);
export type ChatMessageBody = z.infer<typeof chatMessageSchema>;

const functionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const chatBodySchema = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  user: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullish(),
  /** Deprecated function calling: parsed only to refuse it clearly. */
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
});
export type ChatBody = z.infer<typeof chatBodySchema>;
