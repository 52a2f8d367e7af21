/**
 * The admin REST API as a fetch handler, mounted by `waygate serve`.
 * Everything under /admin requires the admin token except the OpenAPI
 * document; every response is JSON; every failure has a stable code.
 */
import { KINDS, type Kind } from "../config/entities.ts";
import { WaygateError, isWaygateError } from "../core/errors.ts";
import { newRequestId } from "../core/ids.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { Store } from "../store/store.ts";
import { type AdminTokenSpec, expectedDigest, isAuthorized } from "./auth.ts";
import { readRotateBody, rotateCredential } from "./credential-rotation.ts";
import { fail, json, readJson } from "./http.ts";
import { buildOpenApi } from "./openapi.ts";
import { createEntity, deleteEntity, getEntity, listEntities, patchEntity, replaceEntity, type Result, type WriteContext } from "./resources.ts";
import { ADMIN_EXTENSIONS, type AdminServices } from "./extensions.ts";
import { ALL_TEAMS, type TeamScope } from "./scope.ts";
import { applySubscriptionAction, isSubscriptionAction } from "./subscription-actions.ts";
import { VERSION } from "./version.ts";
import type { PolicyKindLookup } from "../policies/registry.ts";

export interface AdminHandlerOptions {
  store: Store;
  /** The admin token, or `{kind: "sha256", hash}` when only its hash is kept. */
  adminToken: AdminTokenSpec;
  /** Target health as the gateway sees it, served at GET /admin/health/targets. */
  health?: () => unknown[];
  /** Seals provider key secrets; without it, writing a provider secret is 400 secrets_unavailable. */
  secrets?: SecretBox;
  /** Policy kinds to validate `policies` documents against; the built-in registry by default. */
  policyKinds?: PolicyKindLookup;
  /** What the extension endpoints (src/control/extensions.ts) need. */
  services?: AdminServices;
}

export type AdminHandler = (req: Request) => Promise<Response>;

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

export function createAdminHandler(opts: AdminHandlerOptions): AdminHandler {
  let openapi: string | undefined;
  const expected = expectedDigest(opts.adminToken);
  const ctx: WriteContext = {
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(opts.policyKinds ? { policyKinds: opts.policyKinds } : {}),
  };

  async function route(req: Request, url: URL, scope: TeamScope): Promise<Result | Response> {
    const segments = url.pathname.replace(/\/+$/, "").split("/").slice(2).map(decodeSegment);
    const [first, second, third, ...more] = segments;
    const extension = first !== undefined && Object.hasOwn(ADMIN_EXTENSIONS, first) ? ADMIN_EXTENSIONS[first] : undefined;
    if (extension) return extension({ req, url, rest: segments.slice(1), scope, store: opts.store, services: opts.services ?? {} });
    if (first === undefined || more.length > 0) throw notFound(url);
    if (third !== undefined) {
      if (second === undefined) throw notFound(url);
      if (first === "credentials" && third === "rotate") {
        if (req.method !== "POST") throw methodNotAllowed(["POST"]);
        return rotateCredential(opts.store, second, readRotateBody(await readActionBody(req)));
      }
      if (first !== "subscriptions" || !isSubscriptionAction(third)) throw notFound(url);
      if (req.method !== "POST") throw methodNotAllowed(["POST"]);
      return applySubscriptionAction(opts.store, second, third, await readActionBody(req));
    }
    if (first === "status" && second === undefined) {
      onlyGet(req);
      return { status: 200, body: { revision: await opts.store.revision(), dialect: opts.store.dialect, version: VERSION } };
    }
    if (first === "health" && second === "targets") {
      onlyGet(req);
      return { status: 200, body: opts.health ? opts.health() : [] };
    }
    if (!isKind(first)) throw notFound(url);
    if (second === undefined) return collection(req, url, first);
    return item(req, first, second);
  }

  async function collection(req: Request, url: URL, kind: Kind): Promise<Result> {
    if (req.method === "GET") return listEntities(opts.store, kind, url.searchParams);
    if (req.method === "POST") return createEntity(opts.store, kind, await readJson(req), ctx);
    throw methodNotAllowed(["GET", "POST"]);
  }

  async function item(req: Request, kind: Kind, ref: string): Promise<Result> {
    switch (req.method) {
      case "GET":
        return getEntity(opts.store, kind, ref);
      case "PUT":
        return replaceEntity(opts.store, kind, ref, await readJson(req), ctx);
      case "PATCH":
        return patchEntity(opts.store, kind, ref, await readJson(req, { allowMergePatch: true }), ctx);
      case "DELETE":
        return deleteEntity(opts.store, kind, ref);
      default:
        throw methodNotAllowed(["GET", "PUT", "PATCH", "DELETE"]);
    }
  }

  return async (req: Request): Promise<Response> => {
    const requestId = newRequestId();
    try {
      const url = new URL(req.url);
      if (url.pathname === "/admin/openapi.json") {
        onlyGet(req);
        openapi ??= JSON.stringify(buildOpenApi());
        return new Response(openapi, { headers: { "content-type": "application/json", "x-request-id": requestId } });
      }
      if (!isAuthorized(req, expected)) {
        return fail(new WaygateError("admin_unauthorized", "a valid admin token is required"), requestId, {
          "www-authenticate": 'Bearer realm="waygate-admin"',
        });
      }
      if (url.pathname !== "/admin" && !url.pathname.startsWith("/admin/")) throw notFound(url);
      const result = await route(req, url, ALL_TEAMS);
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
  if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed(["GET"]);
}

function notFound(url: URL): WaygateError {
  return new WaygateError("not_found", `no admin endpoint at ${url.pathname}`);
}
