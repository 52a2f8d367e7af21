/**
 * The provider adapter conformance case: the same checks over every adapter
 * in src/ai/providers/registry.ts, so a fallback can hand any conversation to
 * any provider and read back the same unified shapes.
 *
 * Adding an adapter:
 *   1. Register it in src/ai/providers/registry.ts.
 *   2. Add a file `test/ai/providers/fixtures/<folder>/<name>.conformance.ts`
 *      exporting `export const conformance: AdapterFixture = { kind: "<kind>", … }`
 *      (or an array of them, one per kind): a minimal valid answer body and
 *      its text, a small stream and its text, the provider's context-length
 *      error body; plus an endpoint base URL or credential when the defaults
 *      (adapter.defaultBaseUrl, an API key) do not fit.
 *   conformance.test.ts finds the file by its name and runs this case; an
 *   adapter in the registry without fixtures fails the suite.
 *
 * What is checked: the rich request below builds into a POST to an http(s)
 * URL whose JSON body carries every message's text, both tool names and the
 * tool result (and the image, or a clear WaygateError when the adapter does
 * not take images); the minimal answer parses to the unified shape; the
 * stream decodes to the same events whether fed whole, in 1-byte pieces or
 * in random pieces; a stream cut short ends with a "reset" error; error()
 * classifies 401, 429 (+Retry-After), 500, 503 and the context-length body.
 */
import { describe, expect, test } from "bun:test";
import { isWaygateError } from "../../../src/core/errors.ts";
import type { DecodedStreamItem, ProviderAdapter, ProviderCredential, ProviderEndpoint, ProviderKind, StreamDecoder } from "../../../src/ai/provider.ts";
import type { ChatRequest, ProviderErrorKind } from "../../../src/ai/types.ts";

export interface AdapterFixture {
  kind: ProviderKind;
  /** Merged over `{kind, baseUrl: adapter.defaultBaseUrl, headers: {}}`; required where there is no default base URL. */
  endpoint?: Partial<ProviderEndpoint>;
  /** Default: `{kind: "api_key", key: "test-key"}`. */
  credential?: ProviderCredential;
  /** The model the rich request names. Default: "test-model". */
  model?: string;
  /** A minimal valid non-streaming answer, as the parsed JSON body. */
  response: unknown;
  /** The assistant text `response` carries. */
  responseText: string;
  /** A small complete stream as sent on the wire (SSE text, or binary frames). */
  stream: string | Uint8Array;
  /** The text its text events add up to. */
  streamText: string;
  /** Byte offset where the truncation test cuts `stream` (default: half); must fall before the stream's end marker. */
  cutAt?: number;
  /** The provider's context-length error. Default status 400. */
  contextLength: { status?: number; body: string };
  /** The provider's error body for a status (default: an OpenAI-style error object). */
  errorBody?: (status: number) => string;
}

const encoder = new TextEncoder();

/** Ascii strings the rich request carries, checked for in the built body. */
export const RICH_TEXTS = {
  system: "You are Waygate's conformance assistant.",
  user1: "Describe the attached picture please.",
  assistant1: "It shows a small red square.",
  user2: "What is the weather in Lisbon and what should I wear?",
  assistantBeforeCall: "Let me look that up.",
  toolResult: "sunny and 24 degrees celsius",
  toolA: "get_weather",
  toolB: "suggest_outfit",
} as const;

/** A 1x1 PNG. */
export const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

export function richRequest(model: string, opts: { images?: boolean; stream?: boolean } = {}): ChatRequest {
  const t = RICH_TEXTS;
  const picture = opts.images === false ? [] : [{ type: "image" as const, source: { kind: "base64" as const, mediaType: "image/png", data: TINY_PNG } }];
  return {
    model,
    stream: opts.stream ?? false,
    maxTokens: 256,
    temperature: 0.5,
    messages: [
      { role: "system", content: [{ type: "text", text: t.system }] },
      { role: "user", content: [{ type: "text", text: t.user1 }, ...picture] },
      { role: "assistant", content: [{ type: "text", text: t.assistant1 }] },
      { role: "user", content: [{ type: "text", text: t.user2 }] },
      {
        role: "assistant",
        content: [{ type: "text", text: t.assistantBeforeCall }],
        toolCalls: [{ id: "call_w1", name: t.toolA, arguments: '{"city":"Lisbon"}' }],
      },
      { role: "tool", toolCallId: "call_w1", content: [{ type: "text", text: t.toolResult }] },
    ],
    tools: [
      {
        name: t.toolA,
        description: "Current weather for a city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      {
        name: t.toolB,
        description: "Clothing advice for a weather description",
        parameters: { type: "object", properties: { weather: { type: "string" } }, required: ["weather"] },
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Stream helpers, also used by the per-adapter golden tests.

export function bytesOf(stream: string | Uint8Array): Uint8Array {
  return typeof stream === "string" ? encoder.encode(stream) : stream;
}

/** Feeds `chunks` then ends the decoder; returns everything it yielded. */
export function drain(decoder: StreamDecoder, chunks: Uint8Array[]): DecodedStreamItem[] {
  const out: DecodedStreamItem[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  out.push(...decoder.end());
  return out;
}

export function whole(bytes: Uint8Array): Uint8Array[] {
  return [bytes];
}

export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

/** Deterministic pseudo-random split points (mulberry32), so a failure can be replayed by seed. */
export function randomSplits(bytes: Uint8Array, seed: number): Uint8Array[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(next() * 24);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/**
 * Replaces ids and timestamps the decoder made up (not present in the
 * stream bytes), so two decodings of the same stream compare equal.
 */
export function normalizeGenerated(items: DecodedStreamItem[], streamText: string): DecodedStreamItem[] {
  return items.map((it) => {
    if (it.type === "start") {
      return {
        ...it,
        id: streamText.includes(it.id) ? it.id : "(generated)",
        created: streamText.includes(String(it.created)) ? it.created : 0,
      };
    }
    if (it.type === "tool_call_start") return { ...it, id: streamText.includes(it.id) ? it.id : "(generated)" };
    return it;
  });
}

/** Every string leaf of a JSON value. */
function stringLeaves(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringLeaves(x, out);
  else if (typeof v === "object" && v !== null) for (const x of Object.values(v)) stringLeaves(x, out);
  return out;
}

function containsText(body: unknown, text: string): boolean {
  return stringLeaves(body).some((s) => s.includes(text));
}

function defaultErrorBody(status: number): string {
  return JSON.stringify({ error: { message: `simulated ${status}`, type: "error" } });
}

const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter", "error"];

// ---------------------------------------------------------------------------

export function adapterConformance(adapter: ProviderAdapter, fx: AdapterFixture): void {
  const endpoint: ProviderEndpoint = { kind: adapter.kind, baseUrl: adapter.defaultBaseUrl, headers: {}, ...fx.endpoint };
  const credential: ProviderCredential = fx.credential ?? { kind: "api_key", key: "test-key" };
  const model = fx.model ?? "test-model";
  const errorBody = fx.errorBody ?? defaultErrorBody;
  const streamBytes = bytesOf(fx.stream);
  const streamText = new TextDecoder().decode(streamBytes);

  describe(`${adapter.kind} adapter conformance`, () => {
    test("fixture kind matches the adapter", () => {
      expect(fx.kind).toBe(adapter.kind);
    });

    test("the rich request is a POST to an http(s) URL with a JSON body carrying the whole conversation", async () => {
      const req = richRequest(model, { images: adapter.capabilities.images });
      const http = await adapter.chatRequest(req, endpoint, credential);
      expect(http.method).toBe("POST");
      expect(new URL(http.url).protocol).toMatch(/^https?:$/);
      expect(http.body).toBeString();
      const body: unknown = JSON.parse(http.body ?? "");
      for (const [label, text] of Object.entries(RICH_TEXTS)) {
        expect({ label, found: containsText(body, text) }).toEqual({ label, found: true });
      }
      if (adapter.capabilities.images) expect(containsText(body, TINY_PNG)).toBe(true);
    });

    test("the rich request streams the same conversation", async () => {
      const http = await adapter.chatRequest(richRequest(model, { images: adapter.capabilities.images, stream: true }), endpoint, credential);
      const body: unknown = JSON.parse(http.body ?? "");
      expect(containsText(body, RICH_TEXTS.toolResult)).toBe(true);
    });

    test("an image request is refused with a clear error exactly when images are unsupported", async () => {
      const attempt = adapter.chatRequest(richRequest(model, { images: true }), endpoint, credential);
      if (adapter.capabilities.images) {
        await attempt;
        return;
      }
      const err: unknown = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isWaygateError(err)).toBe(true);
      expect(isWaygateError(err) ? err.message : "").toMatch(/image/i);
    });

    test("a minimal answer parses to the unified response", () => {
      const res = adapter.chatResponse(fx.response, richRequest(model));
      expect(res.id).toBeString();
      expect(res.id.length).toBeGreaterThan(0);
      expect(res.model).toBeString();
      expect(Number.isFinite(res.created)).toBe(true);
      expect(res.choices.length).toBeGreaterThan(0);
      const first = res.choices[0];
      expect(first?.message.content).toBe(fx.responseText);
      expect(FINISH_REASONS).toContain(first?.finishReason ?? "");
      if (res.usage) {
        expect(res.usage.inputTokens).toBeGreaterThanOrEqual(0);
        expect(res.usage.outputTokens).toBeGreaterThanOrEqual(0);
      }
    });

    const decode = (chunks: Uint8Array[]): DecodedStreamItem[] =>
      normalizeGenerated(drain(adapter.chatStream(richRequest(model, { stream: true })), chunks), streamText);

    test("the stream decodes to text, a finish and no error", () => {
      const items = decode(whole(streamBytes));
      expect(items.filter((i) => i.type === "error")).toEqual([]);
      expect(items.filter((i) => i.type === "start").length).toBe(1);
      const text = items.map((i) => (i.type === "text" ? i.text : "")).join("");
      expect(text).toBe(fx.streamText);
      expect(items.some((i) => i.type === "finish")).toBe(true);
    });

    test("the stream fed in 1-byte pieces equals the stream fed whole", () => {
      expect(decode(bytewise(streamBytes))).toEqual(decode(whole(streamBytes)));
    });

    test("the stream fed in random pieces equals the stream fed whole", () => {
      const expected = decode(whole(streamBytes));
      for (let seed = 1; seed <= 20; seed++) expect(decode(randomSplits(streamBytes, seed))).toEqual(expected);
    });

    test("a stream cut short ends with one reset error", () => {
      const cut = streamBytes.subarray(0, fx.cutAt ?? Math.floor(streamBytes.length / 2));
      for (const chunks of [whole(cut), bytewise(cut)]) {
        const items = drain(adapter.chatStream(richRequest(model, { stream: true })), chunks);
        const errors = items.filter((i) => i.type === "error");
        expect(errors.length).toBe(1);
        const last = items[items.length - 1];
        expect(last?.type === "error" ? last.error.kind : "no error at the end").toBe("reset");
      }
    });

    test("an empty stream ends with a reset error", () => {
      const items = drain(adapter.chatStream(richRequest(model, { stream: true })), []);
      const last = items[items.length - 1];
      expect(last?.type === "error" ? last.error.kind : "no error").toBe("reset");
    });

    const classify = (status: number, body: string, headers: Record<string, string> = {}) => adapter.error(status, body, new Headers(headers));
    const cases: Array<[number, ProviderErrorKind]> = [
      [401, "auth"],
      [429, "rate_limited"],
      [500, "server"],
      [503, "overloaded"],
    ];
    for (const [status, kind] of cases) {
      test(`error ${status} is ${kind}`, () => {
        const err = classify(status, errorBody(status));
        expect(err.kind).toBe(kind);
        expect(err.status).toBe(status);
        expect(err.message.length).toBeGreaterThan(0);
      });
    }

    test("429 with Retry-After seconds gives retryAfterMs", () => {
      const err = classify(429, errorBody(429), { "retry-after": "7" });
      expect(err.kind).toBe("rate_limited");
      expect(err.retryAfterMs).toBe(7000);
    });

    test("a body that is not JSON still classifies by status", () => {
      expect(classify(502, "<html>Bad gateway</html>").kind).toBe("server");
      expect(classify(401, "").kind).toBe("auth");
    });

    test("the context-length error is context_length", () => {
      const status = fx.contextLength.status ?? 400;
      const err = classify(status, fx.contextLength.body);
      expect(err.kind).toBe("context_length");
      expect(err.status).toBe(status);
    });
  });
}
