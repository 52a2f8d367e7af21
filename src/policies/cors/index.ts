/**
 * CORS. Preflights (OPTIONS with Origin and Access-Control-Request-Method)
 * are answered here and never reach the upstream: 204 with the allowances,
 * or 403 cors_rejected. Other requests pass through; their response gets
 * the allow headers when the origin is allowed, and loses any the upstream
 * set when it is not — with this policy attached, the gateway owns CORS.
 * A disallowed origin on a plain request is not refused: CORS is enforced by
 * the browser, and non-browser clients send Origin too.
 */
import { WaygateError } from "../../core/errors.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";
import { compileOrigins } from "./origins.ts";
import { type CorsConfig, corsSchema } from "./schema.ts";

const PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

function addVaryOrigin(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) {
    headers.set("vary", "Origin");
    return;
  }
  for (const part of vary.split(",")) {
    const p = part.trim().toLowerCase();
    if (p === "origin" || p === "*") return;
  }
  headers.set("vary", `${vary}, Origin`);
}

function buildCors(config: CorsConfig): Policy {
  const origins = compileOrigins(config.origins);
  const credentials = config.credentials;
  const anyMethod = config.methods.includes("*");
  const methods = new Set(config.methods.map((m) => m.toUpperCase()));
  const methodList = [...methods].join(", ");
  const anyHeader = config.headers.includes("*");
  const allowedHeaders = new Set(config.headers.map((h) => h.toLowerCase()));
  const headerList = config.headers.join(", ");
  const exposeList = config.expose_headers.join(", ");
  const maxAge = config.max_age_s === undefined ? undefined : String(config.max_age_s);
  // `*` is only literal without credentials: browsers refuse a credentialed response allowing `*`.
  const allowOrigin = (origin: string): string => (origins.any && !credentials && origin !== "null" ? "*" : origin);
  const rejected = (why: string) => new WaygateError("cors_rejected", why);

  function preflight(origin: string, method: string, requested: string | null): PolicyVerdict {
    if (!origins.matches(origin)) return rejected(`origin ${origin} is not allowed`);
    if (!anyMethod && !methods.has(method.toUpperCase())) return rejected(`method ${method} is not allowed`);
    if (requested && !anyHeader) {
      for (const part of requested.split(",")) {
        const name = part.trim().toLowerCase();
        if (name && !allowedHeaders.has(name)) return rejected(`request header ${name} is not allowed`);
      }
    }
    const h = new Headers({
      "access-control-allow-origin": allowOrigin(origin),
      "access-control-allow-methods": anyMethod ? method : methodList,
      vary: PREFLIGHT_VARY,
    });
    // With `*` the requested list is echoed: the literal `*` means nothing to browsers on a credentialed request.
    const headersAllowed = anyHeader ? (requested ?? "") : headerList;
    if (headersAllowed) h.set("access-control-allow-headers", headersAllowed);
    if (credentials) h.set("access-control-allow-credentials", "true");
    if (maxAge !== undefined) h.set("access-control-max-age", maxAge);
    return new Response(null, { status: 204, headers: h });
  }

  return {
    name: "cors",
    onRequest(ctx): PolicyVerdict {
      if (ctx.method !== "OPTIONS") return undefined;
      const origin = ctx.req.headers.get("origin");
      const method = ctx.req.headers.get("access-control-request-method");
      if (origin === null || method === null) return undefined;
      return preflight(origin, method, ctx.req.headers.get("access-control-request-headers"));
    },
    onResponse(ctx, headers): void {
      const origin = ctx.req.headers.get("origin");
      const allowed = origin !== null && origins.matches(origin);
      const value = allowed ? allowOrigin(origin) : undefined;
      // The answer depends on Origin unless it is a blanket `*`, so shared caches must key on it.
      if (value !== "*") addVaryOrigin(headers);
      if (value === undefined) {
        headers.delete("access-control-allow-origin");
        headers.delete("access-control-allow-credentials");
        headers.delete("access-control-expose-headers");
        return;
      }
      headers.set("access-control-allow-origin", value);
      if (credentials) headers.set("access-control-allow-credentials", "true");
      else headers.delete("access-control-allow-credentials");
      if (exposeList) headers.set("access-control-expose-headers", exposeList);
    },
  };
}

export const kind: PolicyKind<typeof corsSchema> = {
  kind: "cors",
  description: "Cross-origin resource sharing: answers preflights and adds the allow headers to responses",
  schema: corsSchema,
  combine: "override",
  build: (config) => buildCors(config),
};
