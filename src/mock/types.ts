/**
 * The provider simulator: one handler per provider wire format, mounted by
 * `waygate mock-providers` under a path prefix per provider. Tests and
 * benchmarks drive failures through MockControl; people trying the gateway
 * can put `[[mock:<fault>]]` in a user message (e.g. `[[mock:status=500]]`,
 * `[[mock:status=429,retry_after=2]]`, `[[mock:timeout]]`, `[[mock:midstream=3]]`).
 */

export type MockFault =
  /** Answer with this status and the provider's own error body (429 adds Retry-After when given). */
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  /** The provider's context-length-exceeded error. */
  | { kind: "context_length" }
  /** The provider's content-filter refusal (error or finish reason, as the provider does it). */
  | { kind: "content_filter" }
  /** Accept the request and never send response headers. */
  | { kind: "timeout" }
  /** Drop the connection before any response byte. */
  | { kind: "reset" }
  /**
   * Streaming only: send this many stream events, then cut the connection.
   * With `error`, send the provider's own in-stream error event (Anthropic
   * `event: error`, a Bedrock exception frame, a Gemini error chunk) before
   * cutting, where the provider has one.
   */
  | { kind: "midstream"; afterEvents: number; error?: boolean }
  /** Delay the answer (and, for streams, each event by perEventMs). */
  | { kind: "latency"; ms: number; perEventMs?: number };

export interface RecordedRequest {
  provider: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body (or null). */
  body: unknown;
}

export interface MockControl {
  /** Faults applied to the next requests, one each, in order (shared by all providers unless scoped). */
  faults: Array<MockFault & { provider?: string }>;
  /** A fault applied to every request of a provider while set. */
  always: Map<string, MockFault>;
  /** Every request received, newest last. */
  requests: RecordedRequest[];
}

export interface MockProviderHandler {
  /** Path prefix it is mounted under, e.g. `/openai`. */
  readonly prefix: string;
  readonly name: string;
  /** `path` is the request path with the prefix removed. */
  handle(req: Request, path: string, ctl: MockControl): Promise<Response>;
}
