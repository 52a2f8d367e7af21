/** /admin/prompt-apis/* in the admin OpenAPI document (./route.ts serves them). */
import { PROMPT_STREAM_MODES } from "../entity.ts";

type JsonObject = Record<string, unknown>;

const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
const json = (schema: JsonObject): JsonObject => ({ "application/json": { schema } });
const idParam: JsonObject = { name: "id", in: "path", required: true, description: "The prompt API's id or name", schema: { type: "string" } };
const tags = ["prompt-apis"];

const Template: JsonObject = {
  type: "object",
  properties: {
    name: { type: "string" },
    description: { type: "string" },
    messages: { type: "array", items: { type: "object", properties: { role: { type: "string" }, content: { type: "string" } } } },
    input_schema: { type: "object" },
    output_schema: { type: "object" },
    parameters: { type: "object" },
    stream: { enum: [...PROMPT_STREAM_MODES] },
    example: { type: "object", description: "Variables a call could send" },
  },
  required: ["name", "description", "messages", "input_schema", "parameters", "stream", "example"],
};

export function promptApiAdminPaths(): JsonObject {
  return {
    "/admin/prompt-apis/templates": {
      get: {
        operationId: "listPromptApiTemplates",
        tags,
        summary: "The built-in prompt API templates: sentiment, translation, summarisation, classification, extraction",
        responses: {
          "200": { description: "OK", content: json({ type: "object", properties: { data: { type: "array", items: Template } }, required: ["data"] }) },
          "401": response("Unauthorized"),
          "403": response("Forbidden"),
        },
      },
    },
    "/admin/prompt-apis/templates/{name}/instantiate": {
      post: {
        operationId: "instantiatePromptApiTemplate",
        tags,
        summary: "Creates a prompt API from a template; the body gives name, service_id and model, and may replace any other field (path defaults to /<template>)",
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            properties: { name: { type: "string" }, service_id: { type: "string" }, model: { type: "string" }, path: { type: "string" } },
            required: ["name", "service_id", "model"],
          }),
        },
        responses: {
          "201": { description: "Created", content: json({ $ref: "#/components/schemas/PromptApi" }) },
          "400": response("BadRequest"),
          "401": response("Unauthorized"),
          "403": response("Forbidden"),
          "404": response("NotFound"),
          "409": response("Conflict"),
        },
      },
    },
    "/admin/prompt-apis/{id}/openapi": {
      get: {
        operationId: "getPromptApiOpenApi",
        tags,
        summary: "The OpenAPI 3.1 description of a prompt API: its operation under each route of its service",
        parameters: [idParam],
        responses: { "200": { description: "OpenAPI 3.1 document", content: json({ type: "object" }) }, "401": response("Unauthorized"), "404": response("NotFound") },
      },
    },
    "/admin/prompt-apis/{id}/try": {
      post: {
        operationId: "tryPromptApi",
        tags,
        summary: "Runs the prompt API (as stored, even disabled) with the body as its variables, without an application credential; recorded in the call log",
        parameters: [idParam, { name: "stream", in: "query", required: false, schema: { type: "boolean" } }],
        requestBody: { required: true, content: json({ type: "object", description: "The variables" }) },
        responses: {
          "200": {
            description: "The answer, as a client would get it: {output, usage, model}, or server-sent events",
            content: { ...json({ type: "object" }), "text/event-stream": { schema: { type: "string" } } },
          },
          "400": { description: "Invalid variables (request_validation_failed, with details)", content: json({ $ref: "#/components/schemas/Error" }) },
          "401": response("Unauthorized"),
          "403": response("Forbidden"),
          "404": response("NotFound"),
          "502": { description: "The provider failed, or the output did not match its schema (prompt_output_invalid)", content: json({ $ref: "#/components/schemas/Error" }) },
        },
      },
    },
  };
}
