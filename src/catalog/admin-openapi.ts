/** /admin/catalog in the admin OpenAPI document (./admin.ts serves it; docs/catalog.md). */
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/cursor.ts";

type JsonObject = Record<string, unknown>;

const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
const page = [
  { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
  { name: "cursor", in: "query", required: false, description: "The `next` value of the previous page", schema: str },
];
const serviceParam = { name: "service", in: "path", required: true, description: "The service's id or name", schema: str };

const Entry: JsonObject = {
  type: "object",
  properties: {
    id: str,
    name: str,
    kind: { enum: ["rest", "ai"] },
    description: str,
    team: { type: ["object", "null"], properties: { id: str, name: str } },
    visibility: { enum: ["public", "internal"] },
    tags: { type: "array", items: str },
    categories: { type: "array", items: str },
    version: nullableStr,
    lifecycle: str,
    subscription_approval: { enum: ["auto", "manual"] },
    has_docs: { type: "boolean" },
    updated_at: { type: "string", format: "date-time" },
  },
};

const CatalogSubscription: JsonObject = {
  type: "object",
  properties: {
    id: str,
    status: { enum: ["pending", "approved", "rejected", "cancelled", "revoked"] },
    reason: nullableStr,
    decided_at: nullableStr,
    created_at: str,
    updated_at: str,
    application: { type: "object", properties: { id: str, name: str, team_id: nullableStr } },
    service: { type: "object", properties: { id: str, name: str } },
  },
};

const listOf = (items: JsonObject): JsonObject => ({
  type: "object",
  properties: { data: { type: "array", items }, next: nullableStr, total: { type: "integer" } },
  required: ["data", "next", "total"],
});

const ok = (schema: JsonObject): JsonObject => ({ description: "OK", content: { "application/json": { schema } } });
const readErrors = { "400": response("BadRequest"), "401": response("Unauthorized"), "403": response("Forbidden"), "500": response("InternalError") };

export function catalogPaths(): JsonObject {
  return {
    "/admin/catalog": {
      get: {
        operationId: "listCatalog",
        tags: ["catalog"],
        summary: "Services the caller's teams may find: public ones of every team, internal ones of their own",
        parameters: [
          { name: "q", in: "query", required: false, description: "Words that must all appear in name, description, tags, categories or docs", schema: str },
          { name: "tag", in: "query", required: false, description: "Repeatable; every one must be among the service's tags", schema: str },
          { name: "category", in: "query", required: false, description: "Repeatable; every one must be among the service's categories", schema: str },
          ...page,
        ],
        responses: { "200": ok(listOf(Entry)), ...readErrors },
      },
    },
    "/admin/catalog/subscriptions": {
      get: {
        operationId: "listCatalogSubscriptions",
        tags: ["catalog"],
        summary: "Subscriptions of the applications of the caller's teams",
        parameters: [{ name: "status", in: "query", required: false, schema: { enum: ["pending", "approved", "rejected", "cancelled", "revoked"] } }, ...page],
        responses: { "200": ok(listOf(CatalogSubscription)), ...readErrors },
      },
    },
    "/admin/catalog/{service}": {
      get: {
        operationId: "getCatalogService",
        tags: ["catalog"],
        summary: "One service's page: docs, releases, OpenAPI document and the caller's subscriptions to it",
        parameters: [serviceParam],
        responses: {
          "200": ok({
            allOf: [
              Entry,
              {
                type: "object",
                properties: {
                  docs: str,
                  releases: { type: "array", items: { type: "object", properties: { id: str, version: str, status: str, published_at: nullableStr } } },
                  openapi: { type: "object" },
                  subscriptions: { type: "array", items: CatalogSubscription },
                },
              },
            ],
          }),
          "404": response("NotFound"),
          ...readErrors,
        },
      },
    },
    "/admin/catalog/{service}/subscribe": {
      post: {
        operationId: "subscribeFromCatalog",
        tags: ["catalog"],
        summary: "Subscribe one of the caller's applications; approved at once or pending, as the service's subscription_approval says",
        parameters: [serviceParam],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", additionalProperties: false, required: ["application_id"], properties: { application_id: str } } } },
        },
        responses: {
          "200": { description: "The application already has this pending or approved subscription" },
          "201": { description: "Subscribed (status approved or pending)" },
          "404": response("NotFound"),
          "409": response("Conflict"),
          ...readErrors,
        },
      },
    },
  };
}
