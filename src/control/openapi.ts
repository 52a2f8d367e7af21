/**
 * The OpenAPI 3.1 document of the admin API, generated from the zod schemas
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits natively).
 */
import { z } from "zod";
import { INPUT_SCHEMAS, KINDS, type Kind } from "../config/entities.ts";
import { NAMED_KINDS } from "./lookup.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, filterFields } from "./resources.ts";
import {
  CredentialCreated,
  DeletedSchema,
  ErrorSchema,
  SINGULAR,
  StatusSchema,
  TargetHealthSchema,
  entitySchema,
  pageSchema,
} from "./schemas.ts";
import { DEFAULT_OVERLAP_SECONDS, MAX_OVERLAP_SECONDS } from "./credential-rotation.ts";
import { SUBSCRIPTION_ACTIONS, TRANSITIONS, type SubscriptionAction } from "./subscription-actions.ts";
import { VERSION } from "./version.ts";
import { IDENTITY_SCHEMAS, identityPaths } from "../identity/openapi.ts";
import { budgetAlertPaths } from "./budget-alerts-openapi.ts";
import { callPaths } from "./calls-openapi.ts";
import { promptApiAdminPaths } from "../prompt-apis/admin/admin-openapi.ts";
import { catalogPaths } from "../catalog/admin-openapi.ts";
import { openapiIoPaths } from "../openapi-io/admin-openapi.ts";
import { releasePaths } from "../releases/openapi.ts";

type JsonObject = Record<string, unknown>;

/** zod marks `startsWith` with a non-standard `format`; the pattern it also emits says the same thing. */
const NON_STANDARD_FORMATS = new Set(["starts_with", "ends_with", "includes"]);

/**
 * Recursive schemas come out with `$defs` and root-relative `#/$defs/…`
 * references, which point nowhere once the schema sits under
 * components/schemas; they are re-anchored at the component itself.
 */
function anchorDefs(node: unknown, base: string): void {
  if (Array.isArray(node)) {
    for (const item of node) anchorDefs(item, base);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const o = node as JsonObject;
  if (typeof o.$ref === "string" && o.$ref.startsWith("#/$defs/")) o.$ref = `${base}/$defs/${o.$ref.slice("#/$defs/".length)}`;
  for (const value of Object.values(o)) anchorDefs(value, base);
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const out = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: (ctx) => {
      const s = ctx.jsonSchema as JsonObject;
      if (typeof s.format === "string" && NON_STANDARD_FORMATS.has(s.format)) delete s.format;
    },
  }) as JsonObject;
  delete out.$schema;
  return out;
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonObject): JsonObject => ({ "application/json": { schema } });

const ERROR_RESPONSES: Record<string, { status: string; description: string }> = {
  BadRequest: {
    status: "400",
    description:
      "Malformed JSON (bad_request), invalid document (validation_failed, with field details), unknown reference (reference_not_found) or a provider secret this node cannot encrypt (secrets_unavailable)",
  },
  Unauthorized: { status: "401", description: "Missing, wrong, expired or revoked admin token, session or access token, or a disabled user (admin_unauthorized)" },
  InvalidLogin: { status: "401", description: "Wrong username or password, or a disabled user (invalid_login)" },
  Forbidden: { status: "403", description: "Authenticated, but the caller's roles do not allow this (forbidden)" },
  NotFound: { status: "404", description: "No entity with this id or name, or one of a team the caller does not belong to (not_found)" },
  Conflict: { status: "409", description: "Duplicate unique field (conflict) or the entity is still referenced (reference_conflict)" },
  InvalidTransition: {
    status: "409",
    description: "The entity's current state does not allow this action, e.g. approving a revoked subscription or rotating a disabled key (invalid_transition)",
  },
  UnsupportedMediaType: { status: "415", description: "The body is not sent as application/json (unsupported_media_type)" },
  InternalError: { status: "500", description: "Unexpected failure (internal_error); details are logged, never returned" },
};

function errors(...names: (keyof typeof ERROR_RESPONSES)[]): JsonObject {
  const out: JsonObject = {};
  for (const name of ["Unauthorized", ...names, "Forbidden", "InternalError"]) {
    const r = ERROR_RESPONSES[name];
    if (r) out[r.status] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function refFieldNote(kind: Kind): string {
  const refs = filterFields(kind).filter((f) => f !== "name");
  return refs.length === 0 ? "" : ` Reference fields (${refs.join(", ")}) take an id, or the referenced entity's name; they are stored as ids.`;
}

const PROVIDER_SECRETS_NOTE =
  " Each key's `secret` (and `session_token`) is write-only: it is stored encrypted with the node's master key and reads show only `secret_hint`. A key sent without `secret` keeps the secret stored for the key of the same name.";

function writeNote(kind: Kind): string {
  return kind === "providers" ? PROVIDER_SECRETS_NOTE : "";
}

function collectionPath(kind: Kind): JsonObject {
  const name = SINGULAR[kind];
  const filters = filterFields(kind).map((field) => ({
    name: field,
    in: "query",
    required: false,
    description: field === "name" ? "Exact name" : `Only entities whose ${field} is this id (or the referenced entity's name)`,
    schema: { type: "string" },
  }));
  return {
    get: {
      operationId: `list${name}s`,
      tags: [kind],
      summary: `List ${kind}`,
      parameters: [
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
        { name: "cursor", in: "query", required: false, description: "The `next` value of the previous page", schema: { type: "string" } },
        ...filters,
      ],
      responses: { "200": { description: "One page", content: jsonContent(ref(`${name}Page`)) }, ...errors("BadRequest") },
    },
    post: {
      operationId: `create${name}`,
      tags: [kind],
      summary: `Create a ${name.toLowerCase()}`,
      description:
        (kind === "credentials"
          ? "Without `key`, a key is generated. The response carries the plaintext `key` once; later reads never return it."
          : "Omitted fields take their defaults. An `id` may be given; otherwise one is generated.") +
        (kind === "subscriptions"
          ? " A `status`, `reason` or `decided_at` sent here is ignored: the subscription is `approved` when the service's `subscription_approval` is `auto`, `pending` when it is `manual`."
          : "") +
        writeNote(kind) +
        refFieldNote(kind),
      requestBody: { required: true, content: jsonContent(ref(`${name}Input`)) },
      responses: {
        "201": { description: "Created", content: jsonContent(ref(kind === "credentials" ? "CredentialCreated" : name)) },
        ...errors("BadRequest", "Conflict", "UnsupportedMediaType"),
      },
    },
  };
}

function itemPath(kind: Kind): JsonObject {
  const name = SINGULAR[kind];
  const ok = { description: "OK", content: jsonContent(ref(name)) };
  return {
    parameters: [
      {
        name: "id",
        in: "path",
        required: true,
        description: NAMED_KINDS.has(kind) ? `The ${name.toLowerCase()}'s id or name` : `The ${name.toLowerCase()}'s id`,
        schema: { type: "string" },
      },
    ],
    get: { operationId: `get${name}`, tags: [kind], summary: `Get a ${name.toLowerCase()}`, responses: { "200": ok, ...errors("NotFound") } },
    put: {
      operationId: `replace${name}`,
      tags: [kind],
      summary: `Replace a ${name.toLowerCase()}`,
      description:
        "The body is the whole document; omitted fields return to their defaults." +
        (kind === "credentials" ? " Without `key` the credential keeps its key; with one, the key is rotated." : "") +
        writeNote(kind) +
        refFieldNote(kind),
      requestBody: { required: true, content: jsonContent(ref(`${name}Input`)) },
      responses: { "200": ok, ...errors("BadRequest", "NotFound", "Conflict", "UnsupportedMediaType") },
    },
    patch: {
      operationId: `patch${name}`,
      tags: [kind],
      summary: `Change some fields of a ${name.toLowerCase()}`,
      description:
        "A JSON Merge Patch (RFC 7396): objects merge, `null` removes a field, arrays replace. The result is validated as a whole." + writeNote(kind),
      requestBody: {
        required: true,
        content: { "application/json": { schema: ref(`${name}Patch`) }, "application/merge-patch+json": { schema: ref(`${name}Patch`) } },
      },
      responses: { "200": ok, ...errors("BadRequest", "NotFound", "Conflict", "UnsupportedMediaType") },
    },
    delete: {
      operationId: `delete${name}`,
      tags: [kind],
      summary: `Delete a ${name.toLowerCase()}`,
      description: "Fails with 409 reference_conflict while other entities point here, except dependants that are deleted with it (routes and subscriptions of a service, credentials and subscriptions of an application).",
      responses: { "200": { description: "Deleted", content: jsonContent(ref("Deleted")) }, ...errors("NotFound", "Conflict") },
    },
  };
}

const ACTION_NOTES: Record<SubscriptionAction, { summary: string; body: string }> = {
  approve: { summary: "Approve a pending subscription", body: "No body is needed." },
  reject: { summary: "Reject a pending subscription", body: "`reason` is required (400 validation_failed without it)." },
  cancel: { summary: "Cancel a subscription (the subscriber withdraws it)", body: "`reason` is optional." },
  revoke: { summary: "Revoke an approved subscription (the service owner withdraws it)", body: "`reason` is optional." },
};

const ActionBody: JsonObject = {
  type: "object",
  properties: { reason: { type: "string", minLength: 1, maxLength: 2000 } },
  additionalProperties: true,
};

function subscriptionActionPath(action: SubscriptionAction): JsonObject {
  const rule = TRANSITIONS[action];
  const note = ACTION_NOTES[action];
  return {
    parameters: [{ name: "id", in: "path", required: true, description: "The subscription's id", schema: { type: "string" } }],
    post: {
      operationId: `${action}Subscription`,
      tags: ["subscriptions"],
      summary: note.summary,
      description:
        `Allowed from ${rule.from.join(" or ")}; the subscription becomes ${rule.to} and \`decided_at\` is set. ` +
        `${note.body} Any other current status is 409 invalid_transition. The gateway applies the change within a second. ` +
        (action === "cancel"
          ? "Cancelling is the subscriber's move: team_admin or developer of the application's team."
          : "Deciding is the service owner's move: team_admin, service_admin or consumer_manager of the service's team."),
      requestBody: { required: action === "reject", content: jsonContent(ActionBody) },
      responses: {
        "200": { description: "The updated subscription", content: jsonContent(ref("Subscription")) },
        ...errors("BadRequest", "NotFound", "InvalidTransition", "UnsupportedMediaType"),
      },
    },
  };
}

const RotateBody: JsonObject = {
  type: "object",
  properties: {
    overlap_seconds: {
      type: "integer",
      minimum: 0,
      maximum: MAX_OVERLAP_SECONDS,
      default: DEFAULT_OVERLAP_SECONDS,
      description: "How long the old key keeps working; 0 ends it at once",
    },
    name: { type: "string", minLength: 1, maxLength: 128, description: "The new credential's name; `<old name>-rotated-<yyyymmddhhmmss>` by default" },
  },
  additionalProperties: false,
};

const CredentialRotated: JsonObject = {
  type: "object",
  properties: { credential: ref("CredentialCreated"), previous: ref("Credential") },
  required: ["credential", "previous"],
};

function rotatePath(): JsonObject {
  return {
    parameters: [{ name: "id", in: "path", required: true, description: "The credential's id", schema: { type: "string" } }],
    post: {
      operationId: "rotateCredential",
      tags: ["credentials"],
      summary: "Rotate an API key with an overlap period",
      description:
        "In one transaction: creates a new credential for the same application with a generated key (returned once, in `credential.key`), " +
        "and sets the old credential's `expires_at` to now + `overlap_seconds` unless it already expires sooner. " +
        "The new credential copies the old one's settings; its `expires_at` is copied only when later than the end of the overlap. " +
        "A disabled or already expired credential, or a jwt credential (its signing keys rotate instead), is 409 invalid_transition; a `name` the application already uses is 409 conflict. " +
        "To revoke a key at once, PATCH it with `{\"enabled\": false}` or DELETE it.",
      requestBody: { required: false, content: jsonContent(RotateBody) },
      responses: {
        "201": { description: "The new credential (with its key) and the old one", content: jsonContent(ref("CredentialRotated")) },
        ...errors("BadRequest", "NotFound", "InvalidTransition", "UnsupportedMediaType"),
      },
    },
  };
}

function componentSchemas(): JsonObject {
  const schemas: JsonObject = {
    Error: jsonSchema(ErrorSchema, "output"),
    Status: jsonSchema(StatusSchema, "output"),
    Deleted: jsonSchema(DeletedSchema, "output"),
    TargetHealth: jsonSchema(TargetHealthSchema, "output"),
    CredentialCreated: jsonSchema(CredentialCreated, "output"),
    CredentialRotated,
    ...IDENTITY_SCHEMAS,
  };
  for (const kind of KINDS) {
    const name = SINGULAR[kind];
    const input: z.ZodType = INPUT_SCHEMAS[kind];
    schemas[`${name}Input`] = jsonSchema(input, "input");
    schemas[`${name}Patch`] = { ...jsonSchema(INPUT_SCHEMAS[kind].partial(), "input"), description: `JSON Merge Patch of a ${name}Input` };
    schemas[name] = jsonSchema(entitySchema(kind), "output");
    schemas[`${name}Page`] = jsonSchema(pageSchema(kind), "output");
  }
  for (const [name, schema] of Object.entries(schemas)) anchorDefs(schema, `#/components/schemas/${name}`);
  return schemas;
}

function componentResponses(): JsonObject {
  const out: JsonObject = {};
  for (const [name, r] of Object.entries(ERROR_RESPONSES)) out[name] = { description: r.description, content: jsonContent(ref("Error")) };
  return out;
}

export function buildOpenApi(): JsonObject {
  const paths: JsonObject = {};
  for (const kind of KINDS) {
    paths[`/admin/${kind}`] = collectionPath(kind);
    paths[`/admin/${kind}/{id}`] = itemPath(kind);
  }
  paths["/admin/credentials/{id}/rotate"] = rotatePath();
  for (const action of SUBSCRIPTION_ACTIONS) paths[`/admin/subscriptions/{id}/${action}`] = subscriptionActionPath(action);
  Object.assign(paths, identityPaths());
  Object.assign(paths, budgetAlertPaths());
  Object.assign(paths, callPaths());
  Object.assign(paths, promptApiAdminPaths());
  Object.assign(paths, openapiIoPaths());
  Object.assign(paths, catalogPaths());
  Object.assign(paths, releasePaths());
  paths["/admin/status"] = {
    get: {
      operationId: "getStatus",
      tags: ["system"],
      summary: "Configuration revision, store dialect and version",
      responses: { "200": { description: "OK", content: jsonContent(ref("Status")) }, ...errors() },
    },
  };
  paths["/admin/health/targets"] = {
    get: {
      operationId: "getTargetHealth",
      tags: ["system"],
      summary: "Health of every upstream target, as this gateway node sees it (system admins)",
      responses: { "200": { description: "OK", content: jsonContent(ref("TargetHealth")) }, ...errors() },
    },
  };
  paths["/admin/openapi.json"] = {
    get: {
      operationId: "getOpenApi",
      tags: ["system"],
      summary: "This document",
      security: [],
      responses: { "200": { description: "OpenAPI 3.1 document", content: jsonContent({ type: "object" }) } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Waygate admin API",
      version: VERSION,
      description:
        "Manage the entities the Waygate gateway is configured from. Callers authenticate with the admin token, a login session or a personal access token; " +
        "what they may see and change follows their roles and teams (docs/access-control.md). Every error body is `{error:{code,message,request_id,details?}}` with a stable code.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { adminToken: [] }],
    tags: [...KINDS.map((k) => ({ name: k })), { name: "identity" }, { name: "users" }, { name: "system" }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Authorization: Bearer <admin token | session token | personal access token>" },
        adminToken: { type: "apiKey", in: "header", name: "x-admin-token" },
      },
      schemas: componentSchemas(),
      responses: componentResponses(),
    },
  };
}
