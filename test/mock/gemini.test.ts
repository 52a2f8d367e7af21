import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type } from "@google/genai";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { handler } from "../../src/mock/providers/gemini.ts";
import { startMockProviders } from "../../src/mock/server.ts";

const mock = startMockProviders({ hostname: "127.0.0.1", port: 0, handlers: [handler] });
const ctl = mock.control;
const base = `${mock.url}/gemini`;
afterAll(() => mock.stop());
beforeEach(() => {
  ctl.faults.length = 0;
  ctl.always.clear();
});

const ai = new GoogleGenAI({ apiKey: "gemini-test-key", httpOptions: { baseUrl: base } });
const MODEL = "gemini-2.5-flash";

const weather = {
  name: "get_weather",
  description: "Weather",
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER, minimum: 1 } }, required: ["city", "days"] },
};
const time = { name: "get_time", parametersJsonSchema: { type: "object", properties: { tz: { type: "string", enum: ["UTC"] } }, required: ["tz"] } };

function post(path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": "k" }): Promise<Response> {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("gemini generateContent", () => {
  test("deterministic reply, usage metadata, modelVersion and responseId; key sent in x-goog-api-key", async () => {
    const res = await ai.models.generateContent({
      model: MODEL,
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "hello" }] },
        { role: "user", parts: [{ inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }, { text: "what is this?" }] },
      ],
      config: { systemInstruction: "Be brief.", temperature: 0.1, topP: 0.9, topK: 3, seed: 7 },
    });
    const text = `[gemini:${MODEL}] system=1 messages=3 tools=0 images=1 tool_results=0 | what is this?`;
    expect(res.text).toBe(text);
    expect(res.candidates?.[0]?.finishReason).toBe("STOP" as never);
    expect(res.candidates?.[0]?.content?.role).toBe("model");
    expect(res.usageMetadata?.promptTokenCount).toBe(8 + 16);
    expect(res.usageMetadata?.candidatesTokenCount).toBe(Math.ceil(text.length / 4));
    expect(res.usageMetadata?.totalTokenCount).toBe(24 + Math.ceil(text.length / 4));
    expect(res.modelVersion).toBe(MODEL);
    expect(res.responseId).toBeString();
    const recorded = ctl.requests.at(-1);
    expect(recorded?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(recorded?.headers["x-goog-api-key"]).toBe("gemini-test-key");
  });

  test("function calls: schema-valid args, parallel, forced via ANY + allowedFunctionNames, NONE", async () => {
    const tools = [{ functionDeclarations: [weather, time] }];
    const first = await ai.models.generateContent({ model: MODEL, contents: "weather in Paris?", config: { tools } });
    expect(first.functionCalls).toEqual([{ name: "get_weather", args: { city: "x", days: 1 } }]);

    const parallel = await ai.models.generateContent({ model: MODEL, contents: "both in parallel", config: { tools } });
    expect(parallel.functionCalls?.map((f) => f.name)).toEqual(["get_weather", "get_time"]);

    const forced = await ai.models.generateContent({
      model: MODEL,
      contents: "now",
      config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ["get_time"] } } },
    });
    expect(forced.functionCalls).toEqual([{ name: "get_time", args: { tz: "UTC" } }]);

    const none = await ai.models.generateContent({ model: MODEL, contents: "hi", config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } } } });
    expect(none.functionCalls).toBeUndefined();
    expect(none.text).toStartWith(`[gemini:${MODEL}] system=0 messages=1 tools=2`);

    const answered = await ai.models.generateContent({
      model: MODEL,
      contents: [
        { role: "user", parts: [{ text: "weather in Paris?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris", days: 1 } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
      ],
      config: { tools },
    });
    expect(answered.text).toBe(`[gemini:${MODEL}] system=0 messages=3 tools=2 images=0 tool_results=1 | `);
  });

  test("maxOutputTokens, stopSequences, candidateCount and JSON schema output", async () => {
    const cut = await ai.models.generateContent({ model: MODEL, contents: "x", config: { maxOutputTokens: 2 } });
    expect(cut.candidates?.[0]?.finishReason).toBe("MAX_TOKENS" as never);
    expect(cut.text).toHaveLength(8);

    const stopped = await ai.models.generateContent({ model: MODEL, contents: "x", config: { stopSequences: [" messages="] } });
    expect(stopped.text).toBe(`[gemini:${MODEL}] system=0`);
    expect(stopped.candidates?.[0]?.finishReason).toBe("STOP" as never);

    const two = await ai.models.generateContent({ model: MODEL, contents: "x", config: { candidateCount: 2 } });
    expect(two.candidates?.map((c) => c.index)).toEqual([0, 1]);

    const structured = await ai.models.generateContent({
      model: MODEL,
      contents: "json",
      config: { responseMimeType: "application/json", responseSchema: { type: Type.OBJECT, properties: { n: { type: Type.NUMBER } }, required: ["n"] } },
    });
    expect(JSON.parse(structured.text ?? "")).toEqual({ n: 0 });
  });

  test("generateContentStream: text in pieces over SSE, usage on every chunk, finishReason last", async () => {
    const chunks = [];
    for await (const ch of await ai.models.generateContentStream({ model: MODEL, contents: "stream these words please" })) chunks.push(ch);
    expect(chunks.length).toBeGreaterThan(2);
    const text = chunks.map((c) => c.text ?? "").join("");
    expect(text).toBe(`[gemini:${MODEL}] system=0 messages=1 tools=0 images=0 tool_results=0 | stream these words please`);
    expect(chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP" as never);
    expect(chunks.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(Math.ceil(text.length / 4));
    expect(ctl.requests.at(-1)?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);

    const calls = [];
    for await (const ch of await ai.models.generateContentStream({ model: MODEL, contents: "go", config: { tools: [{ functionDeclarations: [weather] }] } })) calls.push(ch);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.functionCalls).toEqual([{ name: "get_weather", args: { city: "x", days: 1 } }]);
  });

  test("without alt=sse the stream is a JSON array", async () => {
    const res = await post(`/v1beta/models/${MODEL}:streamGenerateContent`, { contents: [{ parts: [{ text: "one two three four" }] }] });
    expect(res.headers.get("content-type")).toContain("application/json");
    const arr = (await res.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>;
    expect(arr.length).toBeGreaterThan(1);
    expect(arr.map((c) => c.candidates[0]?.content.parts[0]?.text).join("")).toEndWith("| one two three four");
  });

  test("embedContent (batchEmbedContents on the wire) and :embedContent", async () => {
    const out = await ai.models.embedContent({ model: "gemini-embedding-001", contents: ["alpha", "beta"], config: { outputDimensionality: 8 } });
    expect(out.embeddings).toHaveLength(2);
    expect(out.embeddings?.[0]?.values).toHaveLength(8);
    expect(out.embeddings?.[0]?.values).not.toEqual(out.embeddings?.[1]?.values);
    expect(ctl.requests.at(-1)?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");

    const single = await post("/v1beta/models/gemini-embedding-001:embedContent", { content: { parts: [{ text: "alpha" }] }, outputDimensionality: 8 });
    const body = (await single.json()) as { embedding: { values: number[] } };
    expect(body.embedding.values).toEqual(out.embeddings?.[0]?.values as number[]);
  });

  test("countTokens", async () => {
    const count = await ai.models.countTokens({ model: MODEL, contents: "abcdefgh" });
    expect(count.totalTokens).toBe(2 + 4);
  });
});

describe("gemini errors", () => {
  test("a status fault is an ApiError with the Google error body; 429 carries RetryInfo", async () => {
    ctl.faults.push({ kind: "status", status: 429, retryAfterSeconds: 3 });
    const err = await ai.models.generateContent({ model: MODEL, contents: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.status).toBe(429);
    const parsed = JSON.parse(api.message) as { error: { code: number; status: string; details: Array<Record<string, string>> } };
    expect(parsed.error.code).toBe(429);
    expect(parsed.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(parsed.error.details[0]?.retryDelay).toBe("3s");

    for (const [code, status] of [
      [500, "INTERNAL"],
      [503, "UNAVAILABLE"],
      [403, "PERMISSION_DENIED"],
      [401, "UNAUTHENTICATED"],
    ] as const) {
      ctl.faults.push({ kind: "status", status: code });
      const e = (await ai.models.generateContent({ model: MODEL, contents: "x" }).catch((x: unknown) => x)) as ApiError;
      expect(e.status).toBe(code);
      expect((JSON.parse(e.message) as { error: { status: string } }).error.status).toBe(status);
    }
  });

  test("auth: missing key is 403, a key containing 'invalid' is 400 API_KEY_INVALID; ?key= works", async () => {
    const missing = await post(`/v1beta/models/${MODEL}:generateContent`, { contents: [{ parts: [{ text: "x" }] }] }, {});
    expect(missing.status).toBe(403);
    const bad = await post(`/v1beta/models/${MODEL}:generateContent?key=an-invalid-key`, { contents: [{ parts: [{ text: "x" }] }] }, {});
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] } });
    const ok = await post(`/v1beta/models/${MODEL}:generateContent?key=good`, { contents: [{ parts: [{ text: "x" }] }] }, {});
    expect(ok.status).toBe(200);
  });

  test("context length, content filter (finishReason SAFETY) and validation", async () => {
    const long = (await ai.models.generateContent({ model: MODEL, contents: "[[mock:context_length]]" }).catch((e: unknown) => e)) as ApiError;
    expect(long.status).toBe(400);
    expect(long.message).toMatch(/The input token count \(\d+\) exceeds the maximum number of tokens allowed \(1048576\)/);

    const filtered = await ai.models.generateContent({ model: MODEL, contents: "[[mock:content_filter]]" });
    expect(filtered.candidates?.[0]?.finishReason).toBe("SAFETY" as never);
    expect(filtered.candidates?.[0]?.safetyRatings?.some((r) => r.blocked)).toBe(true);
    expect(filtered.text).toBeUndefined();

    const mismatch = await post(`/v1beta/models/${MODEL}:generateContent`, {
      contents: [
        { role: "user", parts: [{ text: "x" }] },
        { role: "model", parts: [{ functionCall: { name: "a", args: {} } }, { functionCall: { name: "b", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "a", response: {} } }] },
      ],
    });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toContain("number of function response parts is equal to the number of function call parts");

    const role = await post(`/v1beta/models/${MODEL}:generateContent`, { contents: [{ role: "assistant", parts: [{ text: "x" }] }] });
    expect(((await role.json()) as { error: { message: string } }).error.message).toBe("Please use a valid role: user, model.");
  });

  test("midstream: an error chunk the SDK raises, and a cut connection", async () => {
    ctl.faults.push({ kind: "midstream", afterEvents: 2, error: true });
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const ch of await ai.models.generateContentStream({ model: MODEL, contents: "a b c d e f g h i j" })) seen.push(ch);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);

    ctl.faults.push({ kind: "midstream", afterEvents: 1 });
    const cut = await (async () => {
      for await (const _ of await ai.models.generateContentStream({ model: MODEL, contents: "a b c d e f g h i j" })) void _;
      return "completed";
    })().catch((e: unknown) => e);
    expect(cut).not.toBe("completed");
  });
});

describe("vertex ai", () => {
  const path = `/v1/projects/p1/locations/us-central1/publishers/google/models/${MODEL}`;
  test("generateContent with a Bearer token; the same reply shape", async () => {
    const res = await post(`${path}:generateContent`, { contents: [{ role: "user", parts: [{ text: "hi" }] }] }, { authorization: "Bearer ya29.token" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason: string }>; createTime: string };
    expect(body.candidates[0]?.content.parts[0]?.text).toBe(`[gemini:${MODEL}] system=0 messages=1 tools=0 images=0 tool_results=0 | hi`);
    expect(body.candidates[0]?.finishReason).toBe("STOP");
    expect(body.createTime).toBeString();
  });

  test("missing or rejected Bearer token is 401 UNAUTHENTICATED; an API key alone is not enough", async () => {
    for (const headers of [{ "x-goog-api-key": "k" }, { authorization: "Bearer invalid-token" }] as Array<Record<string, string>>) {
      const res = await post(`${path}:generateContent`, { contents: [{ parts: [{ text: "x" }] }] }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    }
  });

  test("streamGenerateContent over SSE and :predict embeddings", async () => {
    const res = await post(`${path}:streamGenerateContent?alt=sse`, { contents: [{ role: "user", parts: [{ text: "one two three four" }] }] }, { authorization: "Bearer t" });
    const text = await res.text();
    const chunks = text
      .split("\n\n")
      .filter(Boolean)
      .map((e) => JSON.parse(e.replace(/^data: /, "")) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> });
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join("")).toEndWith("| one two three four");

    const emb = await post(
      "/v1/projects/p1/locations/us-central1/publishers/google/models/text-embedding-005:predict",
      { instances: [{ content: "alpha" }, { content: "beta" }], parameters: { outputDimensionality: 4 } },
      { authorization: "Bearer t" },
    );
    const body = (await emb.json()) as { predictions: Array<{ embeddings: { values: number[]; statistics: { token_count: number } } }> };
    expect(body.predictions).toHaveLength(2);
    expect(body.predictions[0]?.embeddings.values).toHaveLength(4);
    expect(body.predictions[0]?.embeddings.statistics.token_count).toBe(2);
  });
});
