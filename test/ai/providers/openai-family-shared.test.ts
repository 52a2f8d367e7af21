/** The shared adapter helpers (src/ai/providers/shared) the OpenAI family is built on. */
import { describe, expect, test } from "bun:test";
import { assertSupported } from "../../../src/ai/providers/shared/capabilities.ts";
import { readErrorBody } from "../../../src/ai/providers/shared/error-body.ts";
import { kindForStatus } from "../../../src/ai/providers/shared/error-kind.ts";
import { applyFieldMap, type FieldMap } from "../../../src/ai/providers/shared/field-map.ts";
import { alnumId, generateId } from "../../../src/ai/providers/shared/ids.ts";
import { retryAfterMs } from "../../../src/ai/providers/shared/retry-after.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";

const req: ChatRequest = {
  model: "m",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  temperature: 0,
  topK: 5,
  maxTokens: 100,
  stop: ["x"],
};

describe("field map", () => {
  test("plain, nested and converted targets; absent and unmapped fields are dropped", () => {
    const map: FieldMap = {
      temperature: "generationConfig.temperature",
      topK: "generationConfig.topK",
      maxTokens: { path: "inferenceConfig.maxTokens", value: (v) => v * 2 },
      stop: { path: "stop_sequences", value: (v) => (v.length > 0 ? v : undefined) },
      seed: "seed",
    };
    expect(applyFieldMap(req, map, { model: "m" })).toEqual({
      model: "m",
      generationConfig: { temperature: 0, topK: 5 },
      inferenceConfig: { maxTokens: 200 },
      stop_sequences: ["x"],
    });
    expect(applyFieldMap({ ...req, stop: [] }, map, {})).not.toHaveProperty("stop_sequences");
  });
});

describe("Retry-After", () => {
  test("retry-after-ms wins, then seconds, then an HTTP date; garbage is ignored", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250.4", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "1.5" }))).toBe(1500);
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:10 GMT" }), Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe("status defaults", () => {
  test("each status class", () => {
    expect([401, 403, 404, 408, 429, 500, 502, 503, 504, 529, 400, 422, 0].map(kindForStatus)).toEqual([
      "auth",
      "auth",
      "not_found",
      "timeout",
      "rate_limited",
      "server",
      "server",
      "overloaded",
      "timeout",
      "overloaded",
      "invalid_request",
      "invalid_request",
      "connect",
    ]);
  });
});

describe("error bodies", () => {
  test("nested, string, top-level, detail, array and plain text shapes", () => {
    expect(readErrorBody('{"error":{"message":"m","type":"t","code":"c"}}')).toEqual({ message: "m", code: "c", type: "t" });
    expect(readErrorBody('{"error":{"message":"m","type":"t","code":null}}')).toEqual({ message: "m", code: "t", type: "t" });
    expect(readErrorBody('{"error":"plain"}')).toEqual({ message: "plain" });
    expect(readErrorBody('{"message":"top","type":"t"}')).toEqual({ message: "top", code: "t", type: "t" });
    expect(readErrorBody('{"detail":"d"}')).toEqual({ message: "d" });
    expect(readErrorBody('[{"error":{"message":"in array","code":429}}]')).toEqual({ message: "in array", code: "429" });
    expect(readErrorBody("upstream connect error")).toEqual({ message: "upstream connect error" });
    expect(readErrorBody("")).toEqual({ message: "(empty error body)" });
  });
});

describe("ids", () => {
  test("generated ids are prefixed and unique; alnum ids are deterministic", () => {
    expect(generateId("call_")).toMatch(/^call_[0-9a-f]{24}$/);
    expect(generateId("x")).not.toBe(generateId("x"));
    expect(alnumId("abc", 9)).toBe(alnumId("abc", 9));
    expect(alnumId("abc", 12)).toMatch(/^[a-zA-Z0-9]{12}$/);
  });
});

describe("capabilities", () => {
  const none = { embeddings: false, tools: false, images: false, jsonSchema: false, streamUsage: false, n: false, logprobs: false, seed: false };
  test("images, tools, n > 1 and json_schema are refused with bad_request when unsupported", () => {
    const image: ChatRequest = { ...req, messages: [{ role: "user", content: [{ type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] };
    expect(() => assertSupported(image, none, "P")).toThrow(/P does not accept images/);
    expect(() => assertSupported({ ...req, tools: [{ name: "t", parameters: {} }] }, none, "P")).toThrow(/tools/);
    expect(() => assertSupported({ ...req, n: 2 }, none, "P")).toThrow(/n must be 1/);
    expect(() => assertSupported({ ...req, responseFormat: { type: "json_schema", name: "s", schema: {} } }, none, "P")).toThrow(/json_schema/);
    expect(() => assertSupported({ ...req, n: 1, logprobs: true, seed: 1 }, none, "P")).not.toThrow();
  });
});
