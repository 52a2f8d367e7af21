/**
 * What a client is told when no provider could answer: a status and a
 * stable code in the client's own error format (the dialect renders it).
 */
import type { ErrorCode } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import type { ClientDialect } from "../dialect.ts";
import type { ProviderError } from "../types.ts";

export interface ClientFailure {
  status: number;
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export function clientFailure(e: ProviderError): ClientFailure {
  const retryAfterSeconds = e.retryAfterMs !== undefined ? Math.max(1, Math.ceil(e.retryAfterMs / 1000)) : undefined;
  switch (e.kind) {
    case "invalid_request":
      return { status: 400, code: "bad_request", message: e.message };
    case "context_length":
      return { status: 400, code: "context_length_exceeded", message: e.message };
    case "content_filter":
      return { status: 400, code: "content_filtered", message: e.message };
    case "not_found":
      return { status: 404, code: "model_not_found", message: e.message };
    case "rate_limited":
      return { status: 429, code: "provider_rate_limited", message: e.message, retryAfterSeconds: retryAfterSeconds ?? 1 };
    case "auth":
      // Every key was rejected: the gateway's configuration is at fault, not the caller.
      return { status: 502, code: "provider_auth_failed", message: "the provider rejected the gateway's credentials" };
    case "overloaded":
      return { status: 503, code: "no_healthy_upstream", message: e.message, retryAfterSeconds: retryAfterSeconds ?? 1 };
    case "timeout":
      return { status: 504, code: "upstream_timeout", message: e.message };
    case "connect":
      return { status: 502, code: "upstream_connect_failed", message: e.message };
    case "reset":
    case "server":
      return { status: 502, code: "provider_error", message: e.message };
  }
}

/** Ends an AI call with an error in the client's format, recording it on the call. */
export function failCall(
  ctx: RequestContext,
  hooks: ProxyHooks,
  dialect: ClientDialect,
): (status: number, code: string, message: string, param?: string, retryAfterSeconds?: number) => Response {
  return (status, code, message, param, retryAfterSeconds) => {
    ctx.record.status = status;
    ctx.record.error_code = code;
    const res = dialect.renderError(status, code, message, param);
    res.headers.set("x-request-id", ctx.requestId);
    if (retryAfterSeconds !== undefined) res.headers.set("retry-after", String(retryAfterSeconds));
    hooks.finish(ctx);
    return res;
  };
}
