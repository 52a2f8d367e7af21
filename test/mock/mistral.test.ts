import { beforeEach, describe, expect, test } from "bun:test";
import { Mistral } from "@mistralai/mistralai";
import { useMockProviders, weatherTool } from "./helpers.ts";

const mock = useMockProviders();
const client = new Mistral({ apiKey: "mistral-key", serverURL: `${mock.url}/mistral`, retryConfig: { strategy: "none" } });

beforeEach(() => {
  mock.control.faults.length = 0;
});

describe("simulated Mistral", () => {
  test("chat", async () => {
    const res = await client.chat.complete({ model: "mistral-small-latest", messages: [{ role: "system", content: "s" }, { role: "user", content: "bonjour" }] });
    expect(res.choices[0]?.message?.content).toBe("[mistral:mistral-small-latest] system=1 messages=1 tools=0 images=0 tool_results=0 | bonjour");
    expect(res.choices[0]?.finishReason).toBe("stop");
    expect(res.usage.promptTokens).toBe(Math.ceil(8 / 4) + 8);
  });

  test("tool call ids are 9 alphanumeric characters", async () => {
    const res = await client.chat.complete({ model: "mistral-large-latest", messages: [{ role: "user", content: "w" }], tools: [weatherTool], toolChoice: "any" });
    const call = res.choices[0]?.message?.toolCalls?.[0];
    expect(call?.id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(call?.function.name).toBe("get_weather");
    expect(res.choices[0]?.finishReason).toBe("tool_calls");
  });

  test("stream with usage on the last chunk", async () => {
    const stream = await client.chat.stream({ model: "mistral-small-latest", messages: [{ role: "user", content: "one two three four" }] });
    const chunks = [];
    for await (const e of stream) chunks.push(e.data);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("[mistral:mistral-small-latest] system=0 messages=1 tools=0 images=0 tool_results=0 | one two three four");
    const last = chunks.at(-1);
    expect(last?.choices[0]?.finishReason).toBe("stop");
    expect(last?.usage?.completionTokens).toBe(Math.ceil(text.length / 4));
  });

  test("streamed tool call arrives whole", async () => {
    const stream = await client.chat.stream({ model: "m", messages: [{ role: "user", content: "w" }], tools: [weatherTool] });
    const calls = [];
    for await (const e of stream) calls.push(...(e.data.choices[0]?.delta.toolCalls ?? []));
    expect(calls).toHaveLength(1);
    expect(JSON.parse(String(calls[0]?.function.arguments))).toEqual({ city: "x", unit: "celsius" });
  });

  test("embeddings", async () => {
    const res = await client.embeddings.create({ model: "mistral-embed", inputs: ["a", "b"] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]?.embedding).toHaveLength(1024);
  });

  test("errors carry the status", async () => {
    mock.control.faults.push({ kind: "status", status: 429, retryAfterSeconds: 2 });
    const e = await client.chat.complete({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ statusCode: 429 });
    const bad = new Mistral({ apiKey: "invalid", serverURL: `${mock.url}/mistral`, retryConfig: { strategy: "none" } });
    expect(await bad.chat.complete({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((x: unknown) => x)).toMatchObject({ statusCode: 401 });
  });
});
