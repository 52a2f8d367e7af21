/** /admin/releases and /admin/lifecycle in the admin OpenAPI document (./api.ts and ../lifecycle/api.ts serve them; docs/lifecycle.md). */
import { LIFECYCLE_STATES } from "../config/entities.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/cursor.ts";
import { RELEASE_STATUSES } from "./records.ts";

type JsonObject = Record<string, unknown>;

const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
const ok = (schema: JsonObject, description = "OK"): JsonObject => ({ description, content: { "application/json": { schema } } });
const body = (schema: JsonObject, required: boolean): JsonObject => ({ required, content: { "application/json": { schema } } });
const idParam = { name: "id", in: "path", required: true, description: "The release's id", schema: str };
const serviceParam = { name: "service", in: "path", required: true, description: "The service's id or name", schema: str };

function errors(...extra: Array<[string, string]>): JsonObject {
  const out: JsonObject = { "401": response("Unauthorized"), "403": response("Forbidden"), "500": response("InternalError") };
  for (const [status, name] of extra) out[status] = response(name);
  return out;
}

const ReleaseSummary: JsonObject = {
  type: "object",
  properties: {
    id: str,
    service_id: str,
    team_id: nullableStr,
    version: str,
    notes: str,
    status: { enum: [...RELEASE_STATUSES] },
    previous_id: { type: ["string", "null"], description: "The release published when this one was made" },
    rollback_of: { type: ["string", "null"], description: "On a rollback: the release whose content it repeats" },
    created_by: nullableStr,
    created_at: { type: "string", format: "date-time" },
    requested_by: nullableStr,
    published_at: nullableStr,
    decided_by: nullableStr,
    decided_at: nullableStr,
    reason: nullableStr,
  },
};

const Release: JsonObject = {
  ...ReleaseSummary,
  properties: {
    ...(ReleaseSummary.properties as JsonObject),
    content: {
      type: "object",
      description: "The frozen service content: service, routes, upstream, policies attached to the service or its routes, prompt_apis",
      properties: { service: { type: "object" }, routes: { type: "array" }, upstream: { type: ["object", "null"] }, policies: { type: "array" }, prompt_apis: { type: "array" } },
    },
  },
};

const FieldChange: JsonObject = { type: "object", properties: { path: str, before: {}, after: {} }, required: ["path", "before", "after"] };
const ItemRef: JsonObject = { type: "object", properties: { id: str, name: nullableStr } };
const CollectionDiff: JsonObject = {
  type: "object",
  properties: {
    added: { type: "array", items: ItemRef },
    removed: { type: "array", items: ItemRef },
    changed: { type: "array", items: { type: "object", properties: { id: str, name: nullableStr, changes: { type: "array", items: FieldChange } } } },
  },
};
const ReleaseRef: JsonObject = { type: ["object", "null"], properties: { id: str, version: nullableStr } };
const Diff: JsonObject = {
  type: "object",
  properties: {
    from: ReleaseRef,
    to: ReleaseRef,
    changes: {
      type: "object",
      properties: {
        service: { type: "array", items: FieldChange },
        upstream: { type: "array", items: FieldChange },
        routes: CollectionDiff,
        policies: CollectionDiff,
        prompt_apis: CollectionDiff,
      },
    },
  },
};

const Lifecycle: JsonObject = {
  type: "object",
  properties: {
    id: str,
    name: str,
    version: nullableStr,
    lifecycle: { enum: [...LIFECYCLE_STATES] },
    allowed: { type: "array", items: { enum: [...LIFECYCLE_STATES] } },
    successor_service_id: nullableStr,
    successor_url: nullableStr,
    deprecated_at: nullableStr,
    sunset_at: nullableStr,
    deprecation_link: nullableStr,
  },
};

function action(name: string, summary: string, input?: JsonObject): JsonObject {
  return {
    post: {
      operationId: `${name}Release`,
      tags: ["releases"],
      summary,
      parameters: [idParam],
      ...(input ? { requestBody: body(input, name === "reject") } : {}),
      responses: {
        [name === "rollback" ? "201" : "200"]: ok(Release),
        ...errors(["400", "BadRequest"], ["404", "NotFound"], ["409", "InvalidTransition"], ["415", "UnsupportedMediaType"]),
      },
    },
  };
}

export function releasePaths(): JsonObject {
  return {
    "/admin/releases": {
      get: {
        operationId: "listReleases",
        tags: ["releases"],
        summary: "Releases of the caller's teams, newest first, without their content",
        parameters: [
          { name: "service_id", in: "query", required: false, description: "Only this service's (id or name)", schema: str },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
          { name: "cursor", in: "query", required: false, description: "The `next` value of the previous page", schema: str },
        ],
        responses: {
          "200": ok({ type: "object", properties: { data: { type: "array", items: ReleaseSummary }, next: nullableStr, total: { type: "integer" } }, required: ["data", "next", "total"] }),
          ...errors(["400", "BadRequest"], ["404", "NotFound"]),
        },
      },
      post: {
        operationId: "createRelease",
        tags: ["releases"],
        summary: "Freeze a service as it is now into a release; with publish, ask for it to go live",
        requestBody: body(
          {
            type: "object",
            additionalProperties: false,
            properties: {
              service_id: { type: "string", description: "The service's id or name" },
              version: { type: "string", description: "Required unless the service has a version; unique among its releases" },
              notes: { type: "string", maxLength: 20000 },
              publish: { type: "boolean", default: false },
            },
            required: ["service_id"],
          },
          true,
        ),
        responses: { "201": ok(Release, "Created"), ...errors(["400", "BadRequest"], ["404", "NotFound"], ["409", "Conflict"], ["415", "UnsupportedMediaType"]) },
      },
    },
    "/admin/releases/{id}": {
      get: { operationId: "getRelease", tags: ["releases"], summary: "One release with its frozen content (releases are immutable)", parameters: [idParam], responses: { "200": ok(Release), ...errors(["404", "NotFound"]) } },
    },
    "/admin/releases/{id}/diff": {
      get: {
        operationId: "diffRelease",
        tags: ["releases"],
        summary: "What changed from another release (its previous_id by default, or `live` for the draft since this release)",
        parameters: [idParam, { name: "against", in: "query", required: false, description: "A release id of the same service, or `live`", schema: str }],
        responses: { "200": ok(Diff), ...errors(["400", "BadRequest"], ["404", "NotFound"]) },
      },
    },
    "/admin/releases/{id}/openapi": {
      get: {
        operationId: "releaseOpenApi",
        tags: ["releases"],
        summary: "The release's OpenAPI 3.1 document, generated from its frozen routes, policies and prompt APIs (docs/openapi.md)",
        parameters: [idParam],
        responses: { "200": ok({ type: "object" }), ...errors(["404", "NotFound"]) },
      },
    },
    "/admin/releases/{id}/publish": action("publish", "Publish (team release_approval auto) or request approval (manual: pending)"),
    "/admin/releases/{id}/approve": action("approve", "Approve a pending release: it is published (not by its requester)", { type: "object", properties: { reason: str } }),
    "/admin/releases/{id}/reject": action("reject", "Reject a pending release, with a reason", { type: "object", properties: { reason: str }, required: ["reason"] }),
    "/admin/releases/{id}/rollback": action("rollback", "Publish a new release repeating this superseded one's version and content", { type: "object", properties: { notes: str } }),
    "/admin/lifecycle/{service}": {
      get: {
        operationId: "getLifecycle",
        tags: ["lifecycle"],
        summary: "Where a service stands, the steps it may take, and its published release",
        parameters: [serviceParam],
        responses: { "200": ok({ ...Lifecycle, properties: { ...(Lifecycle.properties as JsonObject), release: { type: ["object", "null"] } } }), ...errors(["404", "NotFound"]) },
      },
      post: {
        operationId: "stepLifecycle",
        tags: ["lifecycle"],
        summary: "Move a service one lifecycle step (draft → published → deprecated → retired, or a documented step back)",
        parameters: [serviceParam],
        requestBody: body(
          {
            type: "object",
            additionalProperties: false,
            properties: {
              to: { enum: [...LIFECYCLE_STATES] },
              successor_service_id: { type: "string", description: "The successor's id or name" },
              successor_url: str,
              sunset_at: { type: "string", format: "date-time" },
              deprecation_link: { type: "string", format: "uri" },
            },
            required: ["to"],
          },
          true,
        ),
        responses: { "200": ok(Lifecycle), ...errors(["400", "BadRequest"], ["404", "NotFound"], ["409", "InvalidTransition"], ["415", "UnsupportedMediaType"]) },
      },
    },
  };
}
