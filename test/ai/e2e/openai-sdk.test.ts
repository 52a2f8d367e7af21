/**
 * The official `openai` SDK, unmodified, as a client of Waygate, routed to
 * every provider wire format through the simulator.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type AiFixture, parseMockReply, startAiFixture } from "./fixture.ts";

let f: AiFixture;
let client: OpenAI;

beforeAll(async () => {
  f = await startAiFixture();
  client = new OpenAI({ baseURL: f.baseURL, apiKey: f.appKey, maxRetries: 0 });
});
afterAll(() => f.stop());

const PROVIDERS = [
  ["oa/gpt-4o-mini", "openai"],
  ["an/claude-sonnet-4-5", "anthropic"],
  ["gm/gemini-2.5-flash", "gemini"],
  ["br/anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock"],
  ["co/command-r-plus", "cohere"],
  ["az/gpt-4o", "azure"],
  ["mi/mistral-large-latest", "mistral"],
] as const;

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe.each(PROVIDERS)("chat via %s", (model, wire) => {
  test("non-streaming: the whole conversation arrives and usage and cost are recorded", async () => {
    const res = await client.chat.completions.create({
      model,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "What is 2+2?" },
      ],
      max_tokens: 200,
    });
    expect(res.model).toBe(model);
    const reply = parseMockReply(res.choices[0]!.message.content ?? "");
    expect(reply.provider).toBe(wire);
    expect(reply.system).toBe(1);
    expect(reply.messages).toBe(3);
    expect(reply.echo).toContain("What is 2+2?");
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
    const record = await f.g.record(res._request_id ?? "");
    expect(record.ai?.provider).toBe(model.split("/")[0]!);
    expect(record.ai?.input_tokens).toBe(res.usage!.prompt_tokens);
  });

  test("streaming: text arrives in pieces and assembles to the full reply", async () => {
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: "user", content: "stream me a reply please" }],
      stream_options: { include_usage: true },
      max_tokens: 200,
    });
    let pieces = 0;
    stream.on("content", () => pieces++);
    const final = await stream.finalChatCompletion();
    const text = final.choices[0]!.message.content ?? "";
    expect(parseMockReply(text).provider).toBe(wire);
    expect(text).toContain("stream me a reply please");
    expect(pieces).toBeGreaterThan(1);
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("tools: a tool call comes back with JSON arguments, and the tool result goes back in", async () => {
    const first = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weatherTool],
      max_tokens: 200,
    });
    const call = first.choices[0]!.message.tool_calls?.[0];
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.function.name).toBe("get_weather");
    expect(typeof JSON.parse(call.function.arguments).city).toBe("string");
    const second = await client.chat.completions.create({
      model,
      messages: [
        { role: "user", content: "weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "sunny, 21C" },
      ],
      tools: [weatherTool],
      max_tokens: 200,
    });
    const reply = parseMockReply(second.choices[0]!.message.content ?? "");
    expect(reply.toolResults).toBe(1);
    expect(reply.tools).toBe(1);
  });
});

test("streamed tool calls assemble through the SDK", async () => {
  const stream = client.chat.completions.stream({
    model: "an/claude-sonnet-4-5",
    messages: [{ role: "user", content: "weather?" }],
    tools: [weatherTool],
  });
  const final = await stream.finalChatCompletion();
  const call = final.choices[0]!.message.tool_calls?.[0];
  expect(call?.type === "function" && call.function.name).toBe("get_weather");
  if (call?.type === "function") expect(JSON.parse(call.function.arguments)).toHaveProperty("city");
});

test("structured output with a JSON schema", async () => {
  const res = await client.chat.completions.create({
    model: "gm/gemini-2.5-flash",
    messages: [{ role: "user", content: "give me a person" }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "person", schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"] } },
    },
  });
  const parsed = JSON.parse(res.choices[0]!.message.content ?? "");
  expect(typeof parsed.name).toBe("string");
  expect(Number.isInteger(parsed.age)).toBe(true);
});

test("embeddings, float and base64", async () => {
  const floats = await client.embeddings.create({ model: "embed-default", input: ["a", "b"], encoding_format: "float" });
  expect(floats.data.length).toBe(2);
  expect(floats.data[0]!.embedding.length).toBeGreaterThan(8);
  const b64 = await client.embeddings.create({ model: "embed-default", input: "a" });
  expect(b64.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
});

test("models lists the virtual models and the providers' listed models", async () => {
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(m.id);
  expect(ids).toContain("chat-default");
  expect(ids).toContain("oa/gpt-4o-mini");
  expect(ids).toContain("an/claude-sonnet-4-5");
});

test("the Responses API, plain and streaming", async () => {
  const res = await client.responses.create({ model: "an/claude-sonnet-4-5", input: "hello responses", instructions: "be kind" });
  expect(parseMockReply(res.output_text).system).toBe(1);
  const stream = client.responses.stream({ model: "oa/gpt-4o-mini", input: "stream responses" });
  const final = await stream.finalResponse();
  expect(final.output_text).toContain("stream responses");
  expect(final.usage?.input_tokens).toBeGreaterThan(0);
});

test("errors arrive as the SDK's typed errors", async () => {
  const unknown = await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  const bad = await client.chat.completions.create({ model: "chat-default", messages: [] as never }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
  const noKey = new OpenAI({ baseURL: f.baseURL, apiKey: "wrong-key-123456789", maxRetries: 0 });
  const denied = await noKey.chat.completions.create({ model: "chat-default", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
});
