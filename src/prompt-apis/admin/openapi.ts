/**
 * The OpenAPI 3.1 description of one prompt API: one POST operation per
 * route of its service it can be reached under, the input schema as the
 * request body and `{output, usage, model}` (output: the output schema, or
 * text) as the answer; a streaming prompt API also documents its events.
 */
import type { Route, Service } from "../../config/entities.ts";
import type { PromptApi } from "../entity.ts";

type JsonObject = Record<string, unknown>;

const ERROR: JsonObject = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        request_id: { type: "string" },
        details: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } }, required: ["path", "message"] } },
      },
      required: ["code", "message"],
    },
  },
  required: ["error"],
};

const USAGE: JsonObject = {
  type: "object",
  properties: { input_tokens: { type: "integer" }, output_tokens: { type: "integer" }, total_tokens: { type: "integer" } },
  required: ["input_tokens", "output_tokens", "total_tokens"],
};

/** Where the prompt API answers: each literal prefix route of the service, plus the prompt API's path. */
function promptApiPaths(api: PromptApi, routes: readonly Route[]): string[] {
  const out = new Set<string>();
  for (const r of routes) {
    if (r.service_id !== api.service_id) continue;
    for (const p of r.paths) {
      // Paths with parameters or wildcards have no one address to document.
      if (!r.prefix || /[:*]/.test(p)) continue;
      out.add(`${p.replace(/\/+$/, "")}${api.path}`);
    }
  }
  return [...out].sort();
}

export function promptApiOpenApi(api: PromptApi, service: Service, routes: readonly Route[]): JsonObject {
  const schemes = securitySchemes(service);
  const answer: JsonObject = {
    type: "object",
    properties: { output: api.output_schema ?? { type: "string" }, usage: USAGE, model: { type: "string" } },
    required: ["output", "usage", "model"],
  };
  const content: JsonObject = {};
  if (api.stream !== "on") content["application/json"] = { schema: answer };
  if (api.stream !== "off") {
    content["text/event-stream"] = {
      schema: {
        type: "string",
        description: "`event: delta` with `{text}` for each piece of the answer, then `event: done` with the answer object, or `event: error` with `{error}`",
      },
    };
  }
  const errors = (description: string) => ({ description, content: { "application/json": { schema: ERROR } } });
  const operation: JsonObject = {
    operationId: operationId(api.name),
    summary: api.description || `Prompt API ${api.name}`,
    requestBody: { required: true, content: { "application/json": { schema: api.input_schema } } },
    responses: {
      "200": { description: "The model's answer", content },
      "400": errors("The variables do not match the input schema (request_validation_failed, with the failing paths in details)"),
      "401": errors("Missing or invalid credential"),
      "403": errors("No approved subscription to the service"),
      "502": errors("The provider failed, or the answer did not match the output schema after one repair (prompt_output_invalid)"),
    },
    ...(schemes ? { security: Object.keys(schemes).map((name) => ({ [name]: [] })) } : {}),
  };
  if (api.stream === "optional") {
    operation.parameters = [{ name: "stream", in: "query", required: false, description: "true: answer as server-sent events", schema: { type: "boolean" } }];
  }
  const paths: JsonObject = {};
  for (const p of promptApiPaths(api, routes)) paths[p] = { post: operation };
  return {
    openapi: "3.1.0",
    info: { title: api.name, version: api.version, ...(api.description ? { description: api.description } : {}) },
    paths,
    ...(schemes ? { components: { securitySchemes: schemes } } : {}),
  };
}

/** One scheme per place the service reads an application's credential from (any one of them is enough). */
function securitySchemes(service: Service): JsonObject | undefined {
  if (service.auth.mode === "none") return undefined;
  const out: JsonObject = {};
  for (const [i, loc] of service.auth.locations.entries()) {
    if (loc === "bearer") out.bearer = { type: "http", scheme: "bearer", description: "An application's API key or JWT" };
    else if ("header" in loc) out[`header${i}`] = { type: "apiKey", in: "header", name: loc.header };
    else out[`query${i}`] = { type: "apiKey", in: "query", name: loc.query };
  }
  return out;
}

function operationId(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join("") || "prompt";
}
