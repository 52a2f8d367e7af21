/**
 * Every failure the gateway or the admin API reports carries a stable,
 * machine-readable code. Clients and dashboards key on the code, never on
 * the message, so codes are never renamed once released.
 */
export const ERROR_STATUS = {
  // data plane
  route_not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  bad_request: 400,
  unauthorized: 401,
  invalid_credential: 401,
  credential_expired: 401,
  /** A JWT credential's key set (JWKS URL) could not be fetched, so no token of it can be checked now. */
  jwks_unavailable: 503,
  subscription_required: 403,
  subscription_pending: 403,
  /** An ip_rules policy refused the client address. */
  ip_denied: 403,
  /** A CORS preflight from an origin, method or header the cors policy does not allow. */
  cors_rejected: 403,
  upstream_timeout: 504,
  upstream_connect_failed: 502,
  upstream_reset: 502,
  upstream_error: 502,
  no_healthy_upstream: 503,
  client_closed_request: 499,
  /** A rate_limit policy refused the request (Retry-After and RateLimit-* say when to come back). */
  rate_limited: 429,
  /** A token_limit policy's tokens for the period are used up. */
  token_quota_exceeded: 429,
  /** A budget policy's hard limit in money is reached. */
  budget_exceeded: 402,
  /** A guardrail policy matched the prompt (400) or the completion. */
  guardrail_violation: 400,
  /** The request does not match the route's OpenAPI description (details name the failing paths). */
  request_validation_failed: 400,
  /** The service is retired (docs/lifecycle.md); the message and Link rel="successor-version" name its successor. */
  api_retired: 410,
  // AI gateway
  model_not_found: 404,
  context_length_exceeded: 400,
  content_filtered: 400,
  provider_rate_limited: 429,
  provider_auth_failed: 502,
  provider_error: 502,
  unsupported_endpoint: 404,
  /** A prompt API's structured output still failed its schema after one repair attempt (details name the failing paths). */
  prompt_output_invalid: 502,
  internal_error: 500,
  // control plane
  not_found: 404,
  validation_failed: 400,
  conflict: 409,
  reference_conflict: 409,
  reference_not_found: 400,
  /** A subscription action that its current status does not allow (e.g. approving a revoked one). */
  invalid_transition: 409,
  admin_unauthorized: 401,
  /** Authenticated, but the caller's roles do not allow this admin action. */
  forbidden: 403,
  /** Wrong user name or password. */
  invalid_login: 401,
  config_invalid: 400,
  /** DB-less mode: the configuration file is the source of truth, the admin API is read-only. */
  config_managed: 409,
  unsupported_media_type: 415,
  /** A provider secret was sent but this node has no master key to encrypt it with. */
  secrets_unavailable: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  path: string;
  message: string;
}

export class WaygateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: FieldIssue[] | undefined;
  /** Seconds the client should wait before retrying (sets Retry-After). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: FieldIssue[]; retryAfter?: number; status?: number } = {}) {
    super(message);
    this.name = "WaygateError";
    this.code = code;
    this.status = opts.status ?? ERROR_STATUS[code];
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }
}

export function isWaygateError(e: unknown): e is WaygateError {
  return e instanceof WaygateError;
}

/** The JSON body every error response uses: `{error:{code,message,request_id}}`. */
export function errorBody(code: ErrorCode, message: string, requestId?: string, details?: FieldIssue[]): string {
  const error: Record<string, unknown> = { code, message };
  if (requestId) error.request_id = requestId;
  if (details && details.length > 0) error.details = details;
  return JSON.stringify({ error });
}

export function errorResponse(err: WaygateError, requestId?: string, extraHeaders?: Record<string, string>): Response {
  const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
  if (requestId) headers["x-request-id"] = requestId;
  if (err.retryAfter !== undefined) headers["retry-after"] = String(Math.max(0, Math.ceil(err.retryAfter)));
  return new Response(errorBody(err.code, err.message, requestId, err.details), { status: err.status, headers });
}
