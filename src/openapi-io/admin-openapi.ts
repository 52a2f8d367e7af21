/** /admin/openapi/import and /admin/openapi/export in the admin OpenAPI document (./admin.ts serves them; docs/openapi.md). */
type JsonObject = Record<string, unknown>;

const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
const names = { type: "array", items: { type: "string" } };
const plannedRoute = {
  type: "object",
  properties: { name: { type: "string" }, method: { type: "string" }, path: { type: "string" }, rewrite: { type: "string" } },
  required: ["name", "method", "path"],
};

const ImportRequest: JsonObject = {
  type: "object",
  additionalProperties: false,
  required: ["spec", "service"],
  properties: {
    spec: { description: "Swagger 2.0, OpenAPI 3.0 or 3.1 document: an object, or YAML or JSON text", oneOf: [{ type: "object" }, { type: "string" }] },
    service: { type: "string", description: "Id or name of the service to update; the name of the service to create when none has it" },
    team_id: { type: "string", description: "New service: its team (id or name)" },
    upstream_id: { type: "string", description: "New service: an existing upstream (id or name)" },
    target_url: { type: "string", format: "uri", description: "New service: a target URL; an upstream named after the service is created" },
    path_prefix: { type: "string", description: "Put in front of every route path at the gateway; routes rewrite it away" },
    validate_requests: { type: "boolean", default: false, description: "Attach an openapi_validation policy with the document (OpenAPI 3.x)" },
    prune: { type: "boolean", default: false, description: "Delete the service's routes the document does not produce" },
    dry_run: { type: "boolean", default: false, description: "Answer with the plan only" },
  },
};

const ImportResult: JsonObject = {
  type: "object",
  properties: {
    dry_run: { type: "boolean" },
    spec: { type: "object", properties: { version: { enum: ["2.0", "3.0", "3.1"] }, operations: { type: "integer" } } },
    service: { type: "object", properties: { id: { type: ["string", "null"] }, name: { type: "string" }, created: { type: "boolean" }, base_path: { type: "string" } } },
    upstream: { type: ["object", "null"] },
    routes: {
      type: "object",
      properties: { created: { type: "array", items: plannedRoute }, updated: { type: "array", items: plannedRoute }, unchanged: names, deleted: names, kept: names },
    },
    policy: { type: ["object", "null"], properties: { name: { type: "string" }, action: { enum: ["create", "update", "unchanged"] } } },
    warnings: names,
  },
};

export function openapiIoPaths(): JsonObject {
  return {
    "/admin/openapi/import": {
      post: {
        operationId: "importOpenApi",
        tags: ["openapi"],
        summary: "Create a service from an API description, or update an existing service's routes from one (one transaction; dry_run for the plan)",
        requestBody: { required: true, content: { "application/json": { schema: ImportRequest } } },
        responses: {
          "200": { description: "Updated (or the plan of a dry run)", content: { "application/json": { schema: ImportResult } } },
          "201": { description: "A service was created", content: { "application/json": { schema: ImportResult } } },
          "400": response("BadRequest"),
          "401": response("Unauthorized"),
          "403": response("Forbidden"),
          "404": response("NotFound"),
          "409": response("Conflict"),
          "500": response("InternalError"),
        },
      },
    },
    "/admin/openapi/export": {
      get: {
        operationId: "exportOpenApi",
        tags: ["openapi"],
        summary: "The service as an OpenAPI 3.1 document, as clients see it at the gateway",
        parameters: [{ name: "service", in: "query", required: true, description: "The service's id or name", schema: { type: "string" } }],
        responses: {
          "200": { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } },
          "400": response("BadRequest"),
          "401": response("Unauthorized"),
          "404": response("NotFound"),
          "500": response("InternalError"),
        },
      },
    },
  };
}
