/**
 * Request validation against an OpenAPI 3.0 / 3.1 description of the API.
 * The document says what the upstream serves, so a request is matched by
 * the path the upstream will receive (after strip_path, rewrite and the
 * service's base_path), below one of the document's server base paths; on
 * AI services, which have no single upstream path, by the client's path.
 * Parameters, Content-Type and the body are checked, and a request that
 * fails anywhere is refused with `400 request_validation_failed` listing
 * every failing place; one that passes goes on untouched. Overrides: a
 * route's document replaces its service's.
 */
import { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import { refusalResponse } from "../../gateway/refusal.ts";
import { upstreamPath } from "../../gateway/upstream-path.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";
import { type CompiledApi, type CompiledOperation, compileApi } from "./compile.ts";
import { belowBase, matchTemplates } from "./paths.ts";
import { type OpenapiValidationConfig, openapiValidationSchema } from "./schema.ts";
import { validateRequest } from "./validate.ts";

type Lookup = { op: CompiledOperation; raw: Record<string, string> } | { allowed: string[] } | undefined;

function isAi(ctx: RequestContext): boolean {
  return ctx.route?.service.service.kind === "ai";
}

function matchedPath(ctx: RequestContext): string {
  return ctx.route && !isAi(ctx) ? upstreamPath(ctx, ctx.route) : ctx.path;
}

function lookup(api: CompiledApi, method: string, path: string): Lookup {
  const below = belowBase(api.bases, path);
  if (below === undefined) return undefined;
  const allowed = new Set<string>();
  for (const { template, raw } of matchTemplates(api.paths, below)) {
    // HEAD is GET without the body: a described GET covers it unless HEAD is described itself.
    const op = template.value.get(method) ?? (method === "HEAD" ? template.value.get("GET") : undefined);
    if (op) return { op, raw };
    for (const m of template.value.keys()) allowed.add(m);
  }
  return allowed.size > 0 ? { allowed: [...allowed] } : undefined;
}

/** A CORS preflight asks about a method; it is the cors policy's to answer, not the document's. */
function isPreflight(ctx: RequestContext): boolean {
  return ctx.method === "OPTIONS" && ctx.req.headers.has("origin") && ctx.req.headers.has("access-control-request-method");
}

/** The pipeline renders a refusal in the caller's format (gateway/refusal.ts); one with headers of its own (Allow) is rendered here. */
function refuse(ctx: RequestContext, err: WaygateError, headers?: Record<string, string>): PolicyVerdict {
  return headers ? refusalResponse(ctx, err, headers) : err;
}

function buildValidation(config: OpenapiValidationConfig): Policy {
  const compiled = compileApi(config.spec);
  if (!compiled.ok) {
    const first = compiled.issues[0];
    throw new Error(`invalid OpenAPI document${first ? ` at ${first.path.join(".")}: ${first.message}` : ""}`);
  }
  const api = compiled.api;
  const rejectUnknown = config.unknown_operation === "reject";
  return {
    name: "openapi_validation",
    async onRequest(ctx): Promise<PolicyVerdict> {
      const path = matchedPath(ctx);
      const found = lookup(api, ctx.method, path);
      if (found === undefined || "allowed" in found) {
        if (!rejectUnknown || isPreflight(ctx)) return undefined;
        if (found === undefined) return refuse(ctx, new WaygateError("route_not_found", `the API description has no operation for ${ctx.method} ${path}`));
        const allow = found.allowed.join(", ");
        return refuse(ctx, new WaygateError("method_not_allowed", `the API description allows ${allow} on ${path}, not ${ctx.method}`), { allow });
      }
      const result = await validateRequest(ctx, found.op, found.raw, new URLSearchParams(ctx.query));
      if (result instanceof WaygateError) return refuse(ctx, result);
      if (result.length === 0) return undefined;
      const op = `${found.op.method} ${found.op.template}`;
      return refuse(ctx, new WaygateError("request_validation_failed", `the request does not match the API description of ${op}`, { details: result }));
    },
  };
}

export const kind: PolicyKind<typeof openapiValidationSchema> = {
  kind: "openapi_validation",
  description: "Validate requests (path, query, headers, cookies, Content-Type, body) against an OpenAPI 3.0 or 3.1 document",
  schema: openapiValidationSchema,
  combine: "override",
  build: (config) => buildValidation(config),
};
