/**
 * The admin REST API as a fetch handler, mounted by `waygate serve`.
 * Everything under /admin requires a caller — the admin token, a login
 * session or a personal access token — except the OpenAPI document and
 * POST /admin/login. Every route checks the caller's roles and team scope
 * (src/identity/access.ts); every change is written to the audit log.
 * Every response is JSON; every failure has a stable code.
 */
import { KINDS, type Kind } from "../config/entities.ts";
import { WaygateError, isWaygateError } from "../core/errors.ts";
import { newRequestId } from "../core/ids.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { Store } from "../store/store.ts";
import { extensionAccess } from "../identity/access.ts";
import { auditLogFor } from "../identity/api/audit-log.ts";
import { DEFAULT_SESSION_TTL_SECONDS, login, logout } from "../identity/api/login.ts";
import { createMembershipFor, deleteMembershipFor, getMembershipFor, listMembershipsFor } from "../identity/api/memberships.ts";
import { createTokenFor, getTokenFor, listSessionsFor, listTokensFor, revokeSessionFor, revokeTokenFor } from "../identity/api/tokens.ts";
import { createUserFor, deleteUserFor, getUserFor, listUsersFor, me, patchUserFor } from "../identity/api/users.ts";
import { recordAudit } from "../identity/audit.ts";
import { auditOf, type Caller } from "../identity/caller.ts";
import { changeFor, createFor, deleteFor, getFor, listFor, rotateFor, subscriptionActionFor } from "../identity/entity-access.ts";
import { LoginThrottle, type ThrottleLimits } from "../identity/login-throttle.ts";
import { primeDecoy } from "../identity/passwords.ts";
import { authenticate, isAdmin, scopeWith } from "../identity/principal.ts";
import { type AdminTokenSpec, expectedDigest, presentedToken } from "./auth.ts";
import { fail, json, readJson } from "./http.ts";
import { buildOpenApi } from "./openapi.ts";
import type { Result, WriteContext } from "./resources.ts";
import { ADMIN_EXTENSIONS, type AdminServices, SELF_AUDITED } from "./extensions.ts";
import { isSubscriptionAction } from "./subscription-actions.ts";
import { VERSION } from "./version.ts";
import type { PolicyKindLookup } from "../policies/registry.ts";

export interface AdminHandlerOptions {
  store: Store;
  /** The admin token, or `{kind: "sha256", hash}` when only its hash is kept. It authenticates as the built-in super admin. */
  adminToken: AdminTokenSpec;
  /** Target health as the gateway sees it, served at GET /admin/health/targets. */
  health?: () => unknown[];
  /** Seals provider key secrets; without it, writing a provider secret is 400 secrets_unavailable. */
  secrets?: SecretBox;
  /** Policy kinds to validate `policies` documents against; the built-in registry by default. */
  policyKinds?: PolicyKindLookup;
  /** What the extension endpoints (src/control/extensions.ts) need. */
  services?: AdminServices;
  /** How long a login session lasts (default 12 hours). */
  sessionTtlSeconds?: number;
  /** The time sessions and tokens are checked against; the system clock by default. */
  now?: () => Date;
  /** Failed-login limits per user name and per address (src/identity/login-throttle.ts). */
  loginThrottle?: ThrottleLimits;
}

/**
 * The client's address for the audit log: the listener passes
 * `server.requestIP(req)?.address`; a Bun server passed as is (when the
 * handler is the whole `fetch`) is asked the same question.
 */
export type AdminPeer = string | { requestIP(req: Request): { address: string } | null } | undefined;

export type AdminHandler = (req: Request, peer?: AdminPeer) => Promise<Response>;

const KIND_SET: ReadonlySet<string> = new Set(KINDS);

function isKind(s: string): s is Kind {
  return KIND_SET.has(s);
}

class MethodNotAllowed extends WaygateError {
  constructor(readonly allow: string[]) {
    super("method_not_allowed", `method not allowed; use ${allow.join(", ")}`);
  }
}

function methodNotAllowed(allowed: string[]): WaygateError {
  return new MethodNotAllowed(allowed);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new WaygateError("bad_request", "malformed percent-encoding in the request path");
  }
}

function peerAddress(req: Request, peer: AdminPeer): string | null {
  if (typeof peer === "string") return peer.length > 0 ? peer : null;
  if (peer && typeof peer === "object" && typeof peer.requestIP === "function") return peer.requestIP(req)?.address ?? null;
  return null;
}

function isRead(req: Request): boolean {
  return req.method === "GET" || req.method === "HEAD";
}

export function createAdminHandler(opts: AdminHandlerOptions): AdminHandler {
  let openapi: string | undefined;
  const expected = expectedDigest(opts.adminToken);
  const db = opts.store.db;
  const sessionTtlSeconds = opts.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const now = opts.now ?? (() => new Date());
  const throttle = new LoginThrottle(opts.loginThrottle);
  primeDecoy();
  const ctx: WriteContext = {
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(opts.policyKinds ? { policyKinds: opts.policyKinds } : {}),
  };

  async function route(req: Request, url: URL, caller: Caller): Promise<Result | Response> {
    const segments = url.pathname.replace(/\/+$/, "").split("/").slice(2).map(decodeSegment);
    const [first, second, third, ...more] = segments;
    if (first === undefined) throw notFound(url);
    const identity = await identityRoute(req, url, caller, first, segments.slice(1));
    if (identity) return identity;
    if (Object.hasOwn(ADMIN_EXTENSIONS, first)) return extension(req, url, caller, first, segments.slice(1));
    if (more.length > 0) throw notFound(url);
    if (third !== undefined) {
      if (second === undefined) throw notFound(url);
      if (first === "credentials" && third === "rotate") {
        if (req.method !== "POST") throw methodNotAllowed(["POST"]);
        return rotateFor(opts.store, caller, second, await readActionBody(req));
      }
      if (first !== "subscriptions" || !isSubscriptionAction(third)) throw notFound(url);
      if (req.method !== "POST") throw methodNotAllowed(["POST"]);
      return subscriptionActionFor(opts.store, caller, second, third, await readActionBody(req));
    }
    if (first === "status" && second === undefined) {
      onlyGet(req);
      return { status: 200, body: { revision: await opts.store.revision(), dialect: opts.store.dialect, version: VERSION } };
    }
    if (first === "health" && second === "targets") {
      onlyGet(req);
      // Target health names every team's upstreams.
      if (!isAdmin(caller.principal)) throw new WaygateError("forbidden", "target health covers every team; it needs a system admin");
      return { status: 200, body: opts.health ? opts.health() : [] };
    }
    if (!isKind(first)) throw notFound(url);
    if (second === undefined) return collection(req, url, caller, first);
    return item(req, caller, first, second);
  }

  /** The identity endpoints, or undefined when `first` is not one of them. */
  async function identityRoute(req: Request, url: URL, caller: Caller, first: string, rest: string[]): Promise<Result | undefined> {
    const [id, ...more] = rest;
    const params = url.searchParams;
    switch (first) {
      case "logout":
        if (rest.length > 0) throw notFound(url);
        if (req.method !== "POST") throw methodNotAllowed(["POST"]);
        return logout(db, caller);
      case "me":
        if (rest.length > 0) throw notFound(url);
        onlyGet(req);
        return me(caller);
      case "audit-log":
        if (rest.length > 0) throw notFound(url);
        onlyGet(req);
        return auditLogFor(db, caller, params);
      case "users":
        if (more.length > 0) throw notFound(url);
        if (id === undefined) {
          if (isRead(req)) return listUsersFor(db, caller, params);
          if (req.method === "POST") return createUserFor(db, caller, await readJson(req));
          throw methodNotAllowed(["GET", "POST"]);
        }
        if (isRead(req)) return getUserFor(db, caller, id);
        if (req.method === "PATCH") return patchUserFor(db, caller, id, await readJson(req, { allowMergePatch: true }));
        if (req.method === "DELETE") return deleteUserFor(db, caller, id);
        throw methodNotAllowed(["GET", "PATCH", "DELETE"]);
      case "memberships":
        if (more.length > 0) throw notFound(url);
        if (id === undefined) {
          if (isRead(req)) return listMembershipsFor(opts.store, caller, params);
          if (req.method === "POST") return createMembershipFor(opts.store, caller, await readJson(req));
          throw methodNotAllowed(["GET", "POST"]);
        }
        if (isRead(req)) return getMembershipFor(opts.store, caller, id);
        if (req.method === "DELETE") return deleteMembershipFor(opts.store, caller, id);
        throw methodNotAllowed(["GET", "DELETE"]);
      case "tokens":
        if (more.length > 0) throw notFound(url);
        if (id === undefined) {
          if (isRead(req)) return listTokensFor(db, caller, params);
          if (req.method === "POST") return createTokenFor(db, caller, await readJson(req));
          throw methodNotAllowed(["GET", "POST"]);
        }
        if (isRead(req)) return getTokenFor(db, caller, id);
        if (req.method === "DELETE") return revokeTokenFor(db, caller, id);
        throw methodNotAllowed(["GET", "DELETE"]);
      case "sessions":
        if (more.length > 0) throw notFound(url);
        if (id === undefined) {
          onlyGet(req);
          return listSessionsFor(db, caller, params);
        }
        if (req.method === "DELETE") return revokeSessionFor(db, caller, id);
        throw methodNotAllowed(["DELETE"]);
      default:
        return undefined;
    }
  }

  /**
   * Extensions get the teams where the caller holds a role allowed for
   * this segment and method; system admins get every team. A change made
   * through an extension is audited once it succeeded.
   */
  async function extension(req: Request, url: URL, caller: Caller, segment: string, rest: string[]): Promise<Result | Response> {
    const access = extensionAccess(segment);
    const roles = isRead(req) ? access.read : access.write;
    const scope = scopeWith(caller.principal, roles);
    if (scope.kind === "teams" && scope.teams.size === 0) {
      throw new WaygateError("forbidden", roles.length === 0 ? `/admin/${segment} needs a system admin` : `/admin/${segment} needs one of ${roles.join(", ")}`);
    }
    const route = ADMIN_EXTENSIONS[segment] as (typeof ADMIN_EXTENSIONS)[string];
    const result = await route({ req, url, rest, scope, caller, store: opts.store, services: opts.services ?? {} });
    if (!isRead(req) && result.status < 400 && !SELF_AUDITED.has(segment)) {
      const body = result instanceof Response ? undefined : result.body;
      const bodyId = typeof body === "object" && body !== null && typeof (body as { id?: unknown }).id === "string" ? (body as { id: string }).id : undefined;
      await db.write((q) =>
        recordAudit(
          q,
          auditOf(caller, {
            action: req.method.toLowerCase(),
            kind: segment,
            entityId: bodyId ?? rest[0] ?? null,
            after: body,
            teams: scope.kind === "teams" ? [...scope.teams] : [],
          }),
        ),
      );
    }
    return result;
  }

  async function collection(req: Request, url: URL, caller: Caller, kind: Kind): Promise<Result> {
    if (isRead(req)) return listFor(opts.store, caller, kind, url.searchParams);
    if (req.method === "POST") return createFor(opts.store, caller, kind, await readJson(req), ctx);
    throw methodNotAllowed(["GET", "POST"]);
  }

  async function item(req: Request, caller: Caller, kind: Kind, ref: string): Promise<Result> {
    switch (req.method) {
      case "GET":
      case "HEAD":
        return getFor(opts.store, caller, kind, ref);
      case "PUT":
        return changeFor(opts.store, caller, kind, ref, await readJson(req), ctx, "update");
      case "PATCH":
        return changeFor(opts.store, caller, kind, ref, await readJson(req, { allowMergePatch: true }), ctx, "patch");
      case "DELETE":
        return deleteFor(opts.store, caller, kind, ref);
      default:
        throw methodNotAllowed(["GET", "PUT", "PATCH", "DELETE"]);
    }
  }

  return async (req: Request, peer?: AdminPeer): Promise<Response> => {
    const requestId = newRequestId();
    try {
      const url = new URL(req.url);
      const ip = peerAddress(req, peer);
      if (url.pathname === "/admin/openapi.json") {
        onlyGet(req);
        openapi ??= JSON.stringify(buildOpenApi());
        return new Response(openapi, { headers: { "content-type": "application/json", "x-request-id": requestId } });
      }
      if (url.pathname === "/admin/login") {
        if (req.method !== "POST") throw methodNotAllowed(["POST"]);
        const result = await login(db, await readJson(req), ip, { sessionTtlSeconds, throttle, now });
        return json(result.body, result.status, requestId);
      }
      const principal = await authenticate(db, presentedToken(req), expected, now());
      if (!principal) {
        return fail(new WaygateError("admin_unauthorized", "a valid admin token, session or access token is required"), requestId, {
          "www-authenticate": 'Bearer realm="waygate-admin"',
        });
      }
      if (url.pathname !== "/admin" && !url.pathname.startsWith("/admin/")) throw notFound(url);
      const caller: Caller = { principal, ip, method: req.method, path: url.pathname };
      const result = await route(req, url, caller);
      if (result instanceof Response) {
        result.headers.set("x-request-id", requestId);
        return result;
      }
      return json(result.body, result.status, requestId);
    } catch (err) {
      if (err instanceof MethodNotAllowed) return fail(err, requestId, { allow: err.allow.join(", ") });
      if (isWaygateError(err)) return fail(err, requestId);
      console.error(`admin API: unexpected error (request ${requestId}):`, err);
      return fail(new WaygateError("internal_error", "internal error"), requestId);
    }
  };
}

/** Action bodies are optional (`approve` needs none), but one that is sent must be a JSON object. */
async function readActionBody(req: Request): Promise<Record<string, unknown>> {
  if (req.headers.get("content-type") === null) {
    if ((await req.text()).length === 0) return {};
    throw new WaygateError("unsupported_media_type", "request body must be sent as application/json");
  }
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WaygateError("validation_failed", "request body must be a JSON object", { details: [{ path: "", message: "expected an object" }] });
  }
  return body as Record<string, unknown>;
}

function onlyGet(req: Request): void {
  if (!isRead(req)) throw methodNotAllowed(["GET"]);
}

function notFound(url: URL): WaygateError {
  return new WaygateError("not_found", `no admin endpoint at ${url.pathname}`);
}
