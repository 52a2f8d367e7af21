/**
 * A prompt API: message templates, a model and an input schema, published as
 * its own endpoint under an AI service (`POST <route prefix><path>` with the
 * variables as a JSON object). Templates and schemas are checked when the
 * prompt API is written, so the gateway never serves one it cannot run.
 */
import { z } from "zod";
import { AI_ENDPOINT_ENDINGS, isAiEndpointPath } from "../ai/endpoint-paths.ts";
import { type JsonSchemaDoc, schemaIssues } from "./json-schema.ts";
import { parseTemplate } from "./template.ts";
import { entityId, entityName } from "../config/names.ts";

const name = entityName;
const id = entityId;


const PromptApiPath = z
  .string()
  .max(512)
  .regex(/^(\/[A-Za-z0-9._~-]+)+$/, "must be one or more '/segment' parts of letters, digits, '.', '_', '~' or '-', e.g. /sentiment")
  // The AI service already answers these endings (docs/ai-gateway.md); a prompt API there would hide them.
  .refine((p) => !isAiEndpointPath(p), { message: `must not end with an AI endpoint of the service (${AI_ENDPOINT_ENDINGS.join(", ")})` });

/** A JSON Schema document (2020-12); `$ref`s must resolve inside it. */
const JsonSchemaField = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  for (const p of schemaIssues(schema)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
});

/** The variables are a JSON object, so the schema must describe one. */
const InputSchemaField = JsonSchemaField.refine((s) => s.type === "object", { message: "must be a schema of an object (type: object)", path: ["type"] });

const PromptMessageSpec = z.strictObject({
  role: z.enum(["system", "user", "assistant"]),
  content: z
    .string()
    .min(1)
    .max(100_000)
    .superRefine((text, ctx) => {
      const parsed = parseTemplate(text);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    }),
});

const PromptParametersSpec = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  stop: z.array(z.string().min(1).max(256)).min(1).max(8).optional(),
  seed: z.number().int().optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});

export const PROMPT_STREAM_MODES = ["off", "on", "optional"] as const;

export const PromptApiInput = z.strictObject({
  name,
  /** The AI service it is published under; it belongs to that service's team. */
  service_id: id,
  /** Appended to the prefix of each of the service's routes: route `/ai` + `/sentiment` → `POST /ai/sentiment`. */
  path: PromptApiPath,
  description: z.string().max(2000).default(""),
  /** The version of this API's contract, shown in its OpenAPI operation. */
  version: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "letters, digits, '.', '_', '+' or '-', e.g. 1.2.0").default("1.0.0"),
  /** A virtual model or `provider/model`, resolved as for chat completions. */
  model: z.string().min(1).max(256),
  messages: z
    .array(PromptMessageSpec)
    .min(1)
    .max(32)
    .refine((m) => m.some((x) => x.role === "user"), { message: "needs at least one user message" }),
  /** JSON Schema of the variables object; calls that do not match get 400 request_validation_failed. */
  input_schema: InputSchemaField,
  /** When set, the answer is JSON of this schema (structured output), validated before it is returned. */
  output_schema: JsonSchemaField.optional(),
  parameters: PromptParametersSpec.default({}),
  /** off: JSON answers; on: always server-sent events; optional: events when the caller asks (`?stream=true` or `Accept: text/event-stream`). */
  stream: z.enum(PROMPT_STREAM_MODES).default("off"),
  enabled: z.boolean().default(true),
});

interface Meta {
  id: string;
  created_at: string;
  updated_at: string;
}

export type PromptApi = Omit<z.output<typeof PromptApiInput>, "input_schema" | "output_schema"> &
  Meta & { input_schema: JsonSchemaDoc; output_schema?: JsonSchemaDoc };
