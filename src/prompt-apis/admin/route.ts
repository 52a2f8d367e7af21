/**
 * /admin/prompt-apis: what prompt APIs offer beyond their CRUD at
 * /admin/prompt_apis.
 *
 *   GET  /admin/prompt-apis/templates                     the built-in templates
 *   POST /admin/prompt-apis/templates/:name/instantiate   a prompt API from a template
 *   GET  /admin/prompt-apis/:id/openapi                   its OpenAPI 3.1 description
 *   POST /admin/prompt-apis/:id/try                       run it with the body as variables
 *
 * A prompt API is visible when its service's team is in the caller's scope
 * (any team role reads; service managers instantiate and try); others read
 * as missing.
 */
import type { AdminCall } from "../../control/extensions.ts";
import { readJson } from "../../control/http.ts";
import { findByIdOrName } from "../../control/lookup.ts";
import type { Result } from "../../control/resources.ts";
import { inScope } from "../../control/scope.ts";
import type { Service } from "../../config/entities.ts";
import { WaygateError, errorResponse } from "../../core/errors.ts";
import { createFor } from "../../identity/entity-access.ts";
import type { PromptApi } from "../entity.ts";
import { PROMPT_TEMPLATES, promptTemplate } from "../templates/index.ts";
import { promptApiOpenApi } from "./openapi.ts";
import type { PromptApiServices } from "./services.ts";
import { tryPromptApi } from "./try.ts";

export async function promptApisRoute(call: AdminCall, services: PromptApiServices | undefined): Promise<Result | Response> {
  const [first, second, third, ...more] = call.rest;
  if (first === undefined || more.length > 0) throw notFound(call.url);
  if (first === "templates") {
    if (second === undefined) {
      if (call.req.method !== "GET" && call.req.method !== "HEAD") return methodNotAllowed("GET");
      return { status: 200, body: { data: PROMPT_TEMPLATES } };
    }
    if (third !== "instantiate") throw notFound(call.url);
    if (call.req.method !== "POST") return methodNotAllowed("POST");
    return instantiate(call, second);
  }
  if (second === undefined || third !== undefined) throw notFound(call.url);
  const { api, service } = await visiblePromptApi(call, first);
  if (second === "openapi") {
    if (call.req.method !== "GET" && call.req.method !== "HEAD") return methodNotAllowed("GET");
    const routes = await call.store.list("routes", { where: { service_id: service.id }, limit: 1000 });
    return { status: 200, body: promptApiOpenApi(api, service, routes.items) };
  }
  if (second === "try") {
    if (call.req.method !== "POST") return methodNotAllowed("POST");
    if (!services) throw new WaygateError("internal_error", "trying prompt APIs needs the gateway, which this admin API runs without", { status: 503 });
    return tryPromptApi(services, api, service, call.req, call.url);
  }
  throw notFound(call.url);
}

async function visiblePromptApi(call: AdminCall, ref: string): Promise<{ api: PromptApi; service: Service }> {
  const api = await findByIdOrName(call.store, "prompt_apis", ref);
  const service = api ? await call.store.get("services", api.service_id) : null;
  if (!api || !service || !inScope(call.scope, service.team_id)) throw new WaygateError("not_found", `prompt_apis '${ref}' not found`);
  return { api, service };
}

/**
 * The template's prompt with the caller's name, service, model and path
 * (default `/<template name>`); any other prompt API field in the body
 * replaces the template's. Created like POST /admin/prompt_apis, with the
 * same checks and audit entry.
 */
async function instantiate(call: AdminCall, name: string): Promise<Result> {
  const template = promptTemplate(name);
  if (!template) throw new WaygateError("not_found", `no prompt API template '${name}'; see GET /admin/prompt-apis/templates`);
  if (!call.caller) throw new WaygateError("internal_error", "the caller of an instantiation is unknown");
  const body = await readJson(call.req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WaygateError("validation_failed", "request body must be a JSON object", { details: [{ path: "", message: "expected an object" }] });
  }
  const { example: _example, name: _template, ...prompt } = template;
  const doc = { ...prompt, path: `/${template.name}`, ...body };
  return createFor(call.store, call.caller, "prompt_apis", doc, {});
}

function notFound(url: URL): WaygateError {
  return new WaygateError("not_found", `no such resource: ${url.pathname}`);
}

function methodNotAllowed(allow: string): Response {
  return errorResponse(new WaygateError("method_not_allowed", `method not allowed; use ${allow}`), undefined, { allow });
}
