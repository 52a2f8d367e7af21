/**
 * The record of one call through the gateway. Filled in as the request moves
 * through the pipeline, handed to the log queue once the response body has
 * ended (so byte counts and the final outcome are known).
 */
export interface CallRecord {
  request_id: string;
  /** W3C trace context: the trace this call belongs to and the gateway's span in it (null when not traced). */
  trace_id: string | null;
  span_id: string | null;
  /** Epoch ms when the request arrived. */
  ts: number;
  method: string;
  host: string;
  path: string;
  client_ip: string;
  route_id: string | null;
  /** The release of the service that served the call; null for a service served from its live configuration. */
  release_id: string | null;
  service_id: string | null;
  team_id: string | null;
  application_id: string | null;
  credential_id: string | null;
  upstream_id: string | null;
  /** URL of the target that produced the response (last attempt). */
  target: string | null;
  attempts: number;
  /** Services tried in order when a fallback service was used. */
  fallback_path: string[];
  panic: boolean;
  status: number;
  error_code: string | null;
  /** Time spent in the gateway itself (total minus time waiting on upstreams). */
  gateway_ms: number;
  upstream_ttfb_ms: number | null;
  total_ms: number;
  request_bytes: number;
  response_bytes: number;
  /** AI calls only (null otherwise). */
  ai: AiCallFields | null;
  /** Request and response bodies, when the service or route captures them (already masked and capped). */
  bodies: CapturedBodies | null;
}

/** What body capture keeps of one call; credential headers are already redacted. */
export interface CapturedBodies {
  request_headers: Record<string, string>;
  request_body: string | null;
  response_headers: Record<string, string>;
  /** For streamed AI answers, the assembled text. */
  response_body: string | null;
  /** Whether either body was cut at the capture limit. */
  truncated: boolean;
}

export interface AiCallFields {
  /** The API the client spoke: openai_chat, openai_responses, anthropic_messages, embeddings. */
  endpoint: string;
  /** The model name the client asked for (a virtual model or provider/model). */
  requested_model: string;
  virtual_model: string | null;
  /** Provider and model that answered (or were tried last). */
  provider: string | null;
  model: string | null;
  stream: boolean;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** Counted by the gateway's tokenizer because the provider reported no usage. */
  tokens_estimated: boolean;
  cost_usd: number | null;
  finish_reason: string | null;
  /** Every provider attempt: provider, model, key name, result, status, ms. */
  attempts: Array<{ provider: string; model: string; key: string; result: string; status: number; ms: number }>;
  /** The prompt API called (endpoint `prompt_api`), by name; null for the other endpoints. */
  prompt_api: string | null;
}

export function emptyAiFields(endpoint: string, requestedModel: string, stream: boolean): AiCallFields {
  return {
    endpoint,
    requested_model: requestedModel,
    virtual_model: null,
    provider: null,
    model: null,
    stream,
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    reasoning_tokens: 0,
    tokens_estimated: false,
    cost_usd: null,
    finish_reason: null,
    attempts: [],
    prompt_api: null,
  };
}

export function emptyRecord(requestId: string, ts: number, method: string, host: string, path: string, clientIp: string): CallRecord {
  return {
    request_id: requestId,
    trace_id: null,
    span_id: null,
    ts,
    method,
    host,
    path,
    client_ip: clientIp,
    route_id: null,
    release_id: null,
    service_id: null,
    team_id: null,
    application_id: null,
    credential_id: null,
    upstream_id: null,
    target: null,
    attempts: 0,
    fallback_path: [],
    panic: false,
    status: 0,
    error_code: null,
    gateway_ms: 0,
    upstream_ttfb_ms: null,
    total_ms: 0,
    request_bytes: 0,
    response_bytes: 0,
    ai: null,
    bodies: null,
  };
}
