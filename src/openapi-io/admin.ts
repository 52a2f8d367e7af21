/**
 * /admin/openapi: POST /admin/openapi/import (src/openapi-io/import.ts)
 * and GET /admin/openapi/export?service=<id or name>, the live service as
 * an OpenAPI 3.1 document with the gateway's public URL as its server
 * (AdminServices.publicUrl, else WAYGATE_PUBLIC_URL, else none). Imports
 * record each entity they write in the audit log themselves.
 */
import { WaygateError, errorResponse } from "../core/errors.ts";
import type { AdminCall } from "../control/extensions.ts";
import { readJson } from "../control/http.ts";
import { findByIdOrName } from "../control/lookup.ts";
import type { Result } from "../control/resources.ts";
import { inScope } from "../control/scope.ts";
import { serviceOpenApi, withServer } from "./export.ts";
import { importOpenApi } from "./import.ts";
import { readServiceContent } from "../store/service-content.ts";

function onlyMethod(call: AdminCall, allowed: "GET" | "POST"): Response | undefined {
  const method = call.req.method === "HEAD" ? "GET" : call.req.method;
  if (method === allowed) return undefined;
  return errorResponse(new WaygateError("method_not_allowed", `method not allowed; use ${allowed}`), undefined, { allow: allowed });
}

async function exportRoute(call: AdminCall): Promise<Result> {
  for (const key of call.url.searchParams.keys()) {
    if (key !== "service") throw new WaygateError("bad_request", `unknown query parameter '${key}'; allowed: service`);
  }
  const ref = call.url.searchParams.get("service");
  if (ref === null || ref === "") {
    throw new WaygateError("validation_failed", "which service to export", { details: [{ path: "service", message: "required: a service id or name" }] });
  }
  const service = await findByIdOrName(call.store, "services", ref);
  if (!service || !inScope(call.scope, service.team_id)) throw new WaygateError("not_found", `services '${ref}' not found`);
  const doc = serviceOpenApi(await readServiceContent(call.store, service));
  return { status: 200, body: withServer(doc, call.services.publicUrl ?? process.env.WAYGATE_PUBLIC_URL) };
}

export async function openapiRoute(call: AdminCall): Promise<Result | Response> {
  const [action, ...more] = call.rest;
  if (more.length > 0 || (action !== "import" && action !== "export")) throw new WaygateError("not_found", `no such resource: ${call.url.pathname}`);
  if (action === "import") return onlyMethod(call, "POST") ?? importOpenApi(call.store, call.scope, await readJson(call.req), call.caller);
  return onlyMethod(call, "GET") ?? exportRoute(call);
}
