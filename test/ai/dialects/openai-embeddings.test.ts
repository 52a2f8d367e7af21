import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import OpenAI from "openai";
import { float32Base64, parseEmbeddings, renderEmbeddings } from "../../../src/ai/dialects/openai-embeddings.ts";
import type { EmbeddingsResponse } from "../../../src/ai/types.ts";
import { type FakeServer, JSON_HEADERS, startFakeServer } from "./fake-server.ts";

describe("parseEmbeddings", () => {
  test("the documented example and every field", () => {
    expect(parseEmbeddings({ input: "The food was delicious and the waiter...", model: "text-embedding-ada-002", encoding_format: "float" })).toEqual({
      ok: true,
      request: { model: "text-embedding-ada-002", input: ["The food was delicious and the waiter..."], encodingFormat: "float" },
    });
    expect(parseEmbeddings({ input: ["a", "b"], model: "text-embedding-3-small", dimensions: 256, user: "u", encoding_format: "base64", input_type: "search_query" })).toEqual({
      ok: true,
      request: { model: "text-embedding-3-small", input: ["a", "b"], dimensions: 256, encodingFormat: "base64", user: "u", inputType: "search_query" },
    });
  });

  test("token arrays are decoded with cl100k_base", () => {
    const a = encode("hello world");
    const b = encode("the quick brown fox");
    expect(parseEmbeddings({ model: "m", input: a })).toEqual({ ok: true, request: { model: "m", input: ["hello world"] } });
    expect(parseEmbeddings({ model: "m", input: [a, b] })).toEqual({ ok: true, request: { model: "m", input: ["hello world", "the quick brown fox"] } });
  });

  test("errors name the parameter", () => {
    const err = (body: unknown) => {
      const r = parseEmbeddings(body);
      if (r.ok) throw new Error("expected an error");
      return r.error;
    };
    expect(err({ input: "x" }).param).toBe("model");
    expect(err({ model: "m" }).param).toBe("input");
    expect(err({ model: "m", input: "" }).param).toBe("input");
    expect(err({ model: "m", input: [] }).param).toBe("input");
    expect(err({ model: "m", input: ["ok", ""] }).param).toBe("input.1");
    expect(err({ model: "m", input: [[1, 2], [99999999]] })).toEqual({ param: "input.1", message: "Invalid value for 'input.1': token ids must be cl100k_base tokens" });
    expect(err({ model: "m", input: "x", encoding_format: "int8" }).param).toBe("encoding_format");
    expect(err({ model: "m", input: "x", dimensions: 0 }).param).toBe("dimensions");
    expect(err({ model: "m", input: new Array(2049).fill("x") }).param).toBe("input");
  });
});

const RESULT: EmbeddingsResponse = { model: "text-embedding-3-small", embeddings: [[0.0023064255, -0.009327292, 1.5], [0.25, -2, 0]], usage: { inputTokens: 8 } };

describe("renderEmbeddings", () => {
  test("float list, exactly", () => {
    expect(renderEmbeddings(RESULT, "my-embedder")).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.0023064255, -0.009327292, 1.5] },
        { object: "embedding", index: 1, embedding: [0.25, -2, 0] },
      ],
      model: "my-embedder",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  test("base64 is little-endian float32", () => {
    // 1.5 = 0x3FC00000, -2 = 0xC0000000: little-endian bytes 00 00 C0 3F, 00 00 00 C0.
    expect(float32Base64([1.5, -2])).toBe(Buffer.from([0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0]).toString("base64"));
    const out = renderEmbeddings(RESULT, "m", "base64") as { data: Array<{ embedding: string }> };
    expect(out.data[1]?.embedding).toBe(float32Base64([0.25, -2, 0]));
  });
});

describe("the openai SDK accepts what the dialect sends", () => {
  let server: FakeServer;
  let client: OpenAI;
  beforeAll(() => {
    server = startFakeServer();
    client = new OpenAI({ apiKey: "test", baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => server.stop());

  test("the SDK's default base64 request round-trips to floats", async () => {
    // The SDK asks for base64 when the caller names no format, and decodes it itself.
    server.reply(200, JSON.stringify(renderEmbeddings(RESULT, "my-embedder", "base64")), JSON_HEADERS);
    const res = await client.embeddings.create({ model: "my-embedder", input: ["a", "b"] });
    const parsed = parseEmbeddings(server.requests.at(-1));
    expect(parsed.ok && parsed.request.encodingFormat).toBe("base64");
    expect(res.data.map((d) => d.embedding)).toEqual(RESULT.embeddings.map((v) => Array.from(new Float32Array(v))));
    expect(res.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });

  test("an explicit float request", async () => {
    server.reply(200, JSON.stringify(renderEmbeddings(RESULT, "my-embedder", "float")), JSON_HEADERS);
    const res = await client.embeddings.create({ model: "my-embedder", input: "a", encoding_format: "float" });
    expect(res.data[0]?.embedding).toEqual([0.0023064255, -0.009327292, 1.5]);
  });
});
