/**
 * The identity endpoints' part of the admin OpenAPI document: login,
 * logout, the caller, users, memberships, sessions, access tokens and the
 * audit log, with their schemas.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./api/common.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./passwords.ts";
import { SYSTEM_ROLES, TEAM_ROLES } from "./roles.ts";

type JsonObject = Record<string, unknown>;

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject): JsonObject => ({ "application/json": { schema } });
const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const time = { type: "string", format: "date-time" };
const nullableTime = { type: ["string", "null"], format: "date-time" };

function errors(...statuses: string[]): JsonObject {
  const names: Record<string, string> = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "415": "UnsupportedMediaType",
  };
  const out: JsonObject = {};
  for (const status of ["401", ...statuses]) out[status] = { $ref: `#/components/responses/${names[status]}` };
  out["500"] = { $ref: "#/components/responses/InternalError" };
  return out;
}

function page(item: string): JsonObject {
  return {
    type: "object",
    properties: { data: { type: "array", items: ref(item) }, next: nullableStr, total: { type: "integer" } },
    required: ["data", "next", "total"],
  };
}

const paging = [
  { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
  { name: "cursor", in: "query", required: false, description: "The `next` value of the previous page", schema: str },
];

const idParam = (what: string) => ({ name: "id", in: "path", required: true, description: what, schema: str });
const userQuery = { name: "user_id", in: "query", required: false, description: "Another user's id or username (system admins only)", schema: str };

export const IDENTITY_SCHEMAS: JsonObject = {
  User: {
    type: "object",
    properties: {
      id: str,
      username: str,
      role: { enum: [...SYSTEM_ROLES] },
      disabled: { type: "boolean" },
      built_in: { type: "boolean", description: "The bootstrap admin the admin token authenticates as" },
      has_password: { type: "boolean" },
      created_at: time,
      updated_at: time,
    },
    required: ["id", "username", "role", "disabled", "built_in", "has_password", "created_at", "updated_at"],
  },
  UserInput: {
    type: "object",
    properties: {
      username: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$" },
      password: { type: "string", minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, writeOnly: true },
      role: { enum: [...SYSTEM_ROLES], default: "member" },
      disabled: { type: "boolean", default: false },
    },
    required: ["username"],
    additionalProperties: false,
  },
  UserPatch: {
    type: "object",
    properties: {
      role: { enum: [...SYSTEM_ROLES] },
      disabled: { type: "boolean" },
      password: { type: "string", minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, writeOnly: true },
      current_password: { type: "string", writeOnly: true, description: "Required when changing your own password from a session or access token" },
    },
    additionalProperties: false,
  },
  UserPage: page("User"),
  Membership: {
    type: "object",
    properties: { id: str, user_id: str, username: str, team_id: str, role: { enum: [...TEAM_ROLES] }, created_at: time },
    required: ["id", "user_id", "username", "team_id", "role", "created_at"],
  },
  MembershipInput: {
    type: "object",
    properties: { user_id: { type: "string", description: "User id or username" }, team_id: { type: "string", description: "Team id or name" }, role: { enum: [...TEAM_ROLES] } },
    required: ["user_id", "team_id", "role"],
    additionalProperties: false,
  },
  MembershipPage: page("Membership"),
  Session: {
    type: "object",
    properties: { id: str, user_id: str, prefix: str, ip: nullableStr, created_at: time, expires_at: time, revoked_at: nullableTime },
    required: ["id", "user_id", "prefix", "ip", "created_at", "expires_at", "revoked_at"],
  },
  SessionPage: page("Session"),
  AccessToken: {
    type: "object",
    properties: {
      id: str,
      user_id: str,
      name: str,
      prefix: { type: "string", description: "The first characters of the token, to recognise it" },
      created_at: time,
      expires_at: nullableTime,
      last_used_at: nullableTime,
      revoked_at: nullableTime,
    },
    required: ["id", "user_id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"],
  },
  AccessTokenInput: {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, maxLength: 128 },
      expires_in_seconds: { type: "integer", minimum: 1 },
      expires_at: time,
      user_id: { type: "string", description: "Issue the token for another user (system admins only)" },
    },
    required: ["name"],
    additionalProperties: false,
  },
  AccessTokenCreated: {
    allOf: [ref("AccessToken"), { type: "object", properties: { token: { type: "string", description: "The token. Shown only in this response." } }, required: ["token"] }],
  },
  AccessTokenPage: page("AccessToken"),
  LoginInput: {
    type: "object",
    properties: { username: str, password: { type: "string", writeOnly: true } },
    required: ["username", "password"],
    additionalProperties: false,
  },
  LoginResult: {
    type: "object",
    properties: { token: { type: "string", description: "The session token: send it as `Authorization: Bearer <token>`" }, session: ref("Session"), user: ref("User") },
    required: ["token", "session", "user"],
  },
  Me: {
    type: "object",
    properties: {
      user: ref("User"),
      auth_method: { enum: ["admin_token", "session", "access_token"] },
      credential_id: { ...nullableStr, description: "The session or access token used; null for the admin token" },
      teams: {
        type: "array",
        items: { type: "object", properties: { team_id: str, roles: { type: "array", items: { enum: [...TEAM_ROLES] } } }, required: ["team_id", "roles"] },
      },
    },
    required: ["user", "auth_method", "credential_id", "teams"],
  },
  AuditEntry: {
    type: "object",
    properties: {
      id: str,
      at: time,
      actor: {
        type: "object",
        properties: { user_id: nullableStr, username: nullableStr, auth_method: { enum: ["admin_token", "session", "access_token", null] }, ip: nullableStr },
        required: ["user_id", "username", "auth_method", "ip"],
      },
      method: str,
      path: str,
      action: { type: "string", description: "create, update, patch, delete, approve, reject, cancel, revoke, rotate, login, login_failed, logout, or an extension's method" },
      kind: nullableStr,
      entity_id: nullableStr,
      before: { description: "The document before the change, secrets masked as ***" },
      after: { description: "The document after the change, secrets masked as ***" },
      teams: { type: "array", items: str },
    },
    required: ["id", "at", "actor", "method", "path", "action", "kind", "entity_id", "before", "after", "teams"],
  },
  AuditPage: {
    type: "object",
    properties: { data: { type: "array", items: ref("AuditEntry") }, next: nullableStr },
    required: ["data", "next"],
  },
  Revoked: { type: "object", properties: { session_id: str, revoked: { const: true } }, required: ["session_id", "revoked"] },
};

const tags = (tag: string) => [tag];

export function identityPaths(): JsonObject {
  return {
    "/admin/login": {
      post: {
        operationId: "login",
        tags: tags("identity"),
        summary: "Log in with a username and password",
        description:
          "Returns a session token (shown once). A wrong password, an unknown or disabled user all answer 401 invalid_login, after the same password-hashing work. Every attempt is written to the audit log.",
        security: [],
        requestBody: { required: true, content: json(ref("LoginInput")) },
        responses: {
          "200": { description: "Logged in", content: json(ref("LoginResult")) },
          "400": { $ref: "#/components/responses/BadRequest" },
          "401": { $ref: "#/components/responses/InvalidLogin" },
          "429": { description: "Too many failed logins for this user name or from this address (rate_limited); Retry-After says when to try again", content: json(ref("Error")) },
          "500": { $ref: "#/components/responses/InternalError" },
        },
      },
    },
    "/admin/logout": {
      post: {
        operationId: "logout",
        tags: tags("identity"),
        summary: "End the session this request authenticated with",
        responses: { "200": { description: "The session is revoked", content: json(ref("Revoked")) }, ...errors("400") },
      },
    },
    "/admin/me": {
      get: { operationId: "getMe", tags: tags("identity"), summary: "The caller: user, how they authenticated, team roles", responses: { "200": { description: "OK", content: json(ref("Me")) }, ...errors() } },
    },
    "/admin/users": {
      get: {
        operationId: "listUsers",
        tags: tags("users"),
        summary: "List users (system admins)",
        parameters: paging,
        responses: { "200": { description: "One page", content: json(ref("UserPage")) }, ...errors("400", "403") },
      },
      post: {
        operationId: "createUser",
        tags: tags("users"),
        summary: "Create a user (system admins; only a super_admin creates super_admins)",
        requestBody: { required: true, content: json(ref("UserInput")) },
        responses: { "201": { description: "Created", content: json(ref("User")) }, ...errors("400", "403", "409", "415") },
      },
    },
    "/admin/users/{id}": {
      parameters: [idParam("The user's id or username")],
      get: { operationId: "getUser", tags: tags("users"), summary: "Get a user (yourself, or anyone for system admins)", responses: { "200": { description: "OK", content: json(ref("User")) }, ...errors("404") } },
      patch: {
        operationId: "patchUser",
        tags: tags("users"),
        summary: "Change a user's role, disabled flag or password",
        description:
          "System admins change other users (an admin cannot touch super_admins). Anyone may change their own password, giving `current_password`. Disabling a user, or an admin setting their password, ends their sessions and tokens at once.",
        requestBody: { required: true, content: json(ref("UserPatch")) },
        responses: { "200": { description: "OK", content: json(ref("User")) }, ...errors("400", "403", "404", "415") },
      },
      delete: {
        operationId: "deleteUser",
        tags: tags("users"),
        summary: "Delete a user with their memberships, sessions and tokens (system admins)",
        responses: { "200": { description: "Deleted", content: json(ref("Deleted")) }, ...errors("403", "404") },
      },
    },
    "/admin/memberships": {
      get: {
        operationId: "listMemberships",
        tags: tags("users"),
        summary: "Team memberships of the teams the caller belongs to (all for system admins)",
        parameters: [...paging, { name: "team_id", in: "query", required: false, schema: str }, { name: "user_id", in: "query", required: false, schema: str }],
        responses: { "200": { description: "One page", content: json(ref("MembershipPage")) }, ...errors("400") },
      },
      post: {
        operationId: "createMembership",
        tags: tags("users"),
        summary: "Grant a user a role in a team (system admins, or the team's team_admin)",
        requestBody: { required: true, content: json(ref("MembershipInput")) },
        responses: { "201": { description: "Created", content: json(ref("Membership")) }, ...errors("400", "403", "409", "415") },
      },
    },
    "/admin/memberships/{id}": {
      parameters: [idParam("The membership's id")],
      get: { operationId: "getMembership", tags: tags("users"), summary: "Get a membership", responses: { "200": { description: "OK", content: json(ref("Membership")) }, ...errors("404") } },
      delete: {
        operationId: "deleteMembership",
        tags: tags("users"),
        summary: "Take a team role away (system admins, or the team's team_admin)",
        responses: { "200": { description: "Deleted", content: json(ref("Deleted")) }, ...errors("403", "404") },
      },
    },
    "/admin/tokens": {
      get: {
        operationId: "listAccessTokens",
        tags: tags("identity"),
        summary: "The caller's personal access tokens (another user's for system admins)",
        parameters: [...paging, userQuery],
        responses: { "200": { description: "One page", content: json(ref("AccessTokenPage")) }, ...errors("400", "403") },
      },
      post: {
        operationId: "createAccessToken",
        tags: tags("identity"),
        summary: "Create a personal access token; the token is returned once",
        description: "The token acts with its user's roles. Only its SHA-256 and a short prefix are stored.",
        requestBody: { required: true, content: json(ref("AccessTokenInput")) },
        responses: { "201": { description: "Created", content: json(ref("AccessTokenCreated")) }, ...errors("400", "403", "415") },
      },
    },
    "/admin/tokens/{id}": {
      parameters: [idParam("The token's id")],
      get: { operationId: "getAccessToken", tags: tags("identity"), summary: "Get a token's record", responses: { "200": { description: "OK", content: json(ref("AccessToken")) }, ...errors("404") } },
      delete: { operationId: "revokeAccessToken", tags: tags("identity"), summary: "Revoke a token at once", responses: { "200": { description: "Revoked", content: json(ref("AccessToken")) }, ...errors("404") } },
    },
    "/admin/sessions": {
      get: {
        operationId: "listSessions",
        tags: tags("identity"),
        summary: "The caller's login sessions (another user's for system admins)",
        parameters: [...paging, userQuery],
        responses: { "200": { description: "One page", content: json(ref("SessionPage")) }, ...errors("400", "403") },
      },
    },
    "/admin/sessions/{id}": {
      parameters: [idParam("The session's id")],
      delete: { operationId: "revokeSession", tags: tags("identity"), summary: "End a session at once", responses: { "200": { description: "Revoked", content: json(ref("Session")) }, ...errors("404") } },
    },
    "/admin/audit-log": {
      get: {
        operationId: "listAuditLog",
        tags: tags("identity"),
        summary: "Audit entries, newest first (system admins: all; team_admin: their teams')",
        parameters: [
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
          { name: "cursor", in: "query", required: false, schema: str },
          { name: "from", in: "query", required: false, description: "Entries at or after this time (ISO 8601)", schema: str },
          { name: "to", in: "query", required: false, description: "Entries before this time (ISO 8601)", schema: str },
          { name: "actor", in: "query", required: false, description: "User id or username", schema: str },
          { name: "kind", in: "query", required: false, description: "Entity kind, or users, memberships, access_tokens, sessions", schema: str },
          { name: "entity_id", in: "query", required: false, schema: str },
          { name: "action", in: "query", required: false, schema: str },
          { name: "team_id", in: "query", required: false, schema: str },
        ],
        responses: { "200": { description: "One page", content: json(ref("AuditPage")) }, ...errors("400", "403") },
      },
    },
  };
}
