import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openaiResponses } from "../../../src/ai/dialects/index.ts";
import type { ChatResponse, ChatStreamEvent } from "../../../src/ai/types.ts";
import { type FakeServer, JSON_HEADERS, SSE_HEADERS, sseFrames, startFakeServer } from "./fake-server.ts";

function parseOk(body: unknown) {
  const r = openaiResponses.parseChat(body);
  if (!r.ok) throw new Error(`expected a valid request, got ${JSON.stringify(r.error)}`);
  return r.request;
}

function parseErr(body: unknown) {
  const r = openaiResponses.parseChat(body);
  if (r.ok) throw new Error("expected a parse error");
  return r.error;
}

const WEATHER_PARAMS = {
  type: "object",
  properties: { location: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
  required: ["location", "unit"],
  additionalProperties: false,
};

describe("parseChat: documented request examples", () => {
  test("a string input", () => {
    expect(parseOk({ model: "gpt-4.1", input: "Tell me a three sentence bedtime story about a unicorn." })).toEqual({
      model: "gpt-4.1",
      stream: false,
      messages: [{ role: "user", content: [{ type: "text", text: "Tell me a three sentence bedtime story about a unicorn." }] }],
    });
  });

  test("instructions become the system message", () => {
    expect(parseOk({ model: "gpt-4.1", instructions: "Talk like a pirate.", input: "Are semicolons optional in JavaScript?", stream: true })).toEqual({
      model: "gpt-4.1",
      stream: true,
      includeUsage: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "Talk like a pirate." }] },
        { role: "user", content: [{ type: "text", text: "Are semicolons optional in JavaScript?" }] },
      ],
    });
  });

  test("image input items", () => {
    const r = parseOk({
      model: "gpt-4.1",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "what is in this image?" },
            { type: "input_image", image_url: "https://upload.wikimedia.org/nature.jpg" },
            { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ", detail: "high" },
          ],
        },
      ],
    });
    expect(r.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "what is in this image?" },
          { type: "image", source: { kind: "url", url: "https://upload.wikimedia.org/nature.jpg" } },
          { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQ" }, detail: "high" },
        ],
      },
    ]);
  });

  test("function tools, tool_choice and the call / output round trip", () => {
    const r = parseOk({
      model: "gpt-4.1",
      input: [
        { type: "message", role: "developer", content: "Use tools." },
        { role: "user", content: "What is the weather like in Boston and Paris today?" },
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "opaque" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking.", annotations: [] }], id: "msg_1", status: "completed" },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_current_weather", arguments: '{"location":"Boston"}', status: "completed" },
        { type: "function_call", id: "fc_2", call_id: "call_2", name: "get_current_weather", arguments: '{"location":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "22C" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "18C" }] },
      ],
      tools: [{ type: "function", name: "get_current_weather", description: "Get the current weather", parameters: WEATHER_PARAMS, strict: true }],
      tool_choice: { type: "function", name: "get_current_weather" },
      parallel_tool_calls: true,
      text: { format: { type: "json_schema", name: "weather", schema: { type: "object" }, strict: true } },
      max_output_tokens: 500,
      temperature: 1,
      top_p: 0.5,
      reasoning: { effort: "medium" },
      user: "u-1",
      store: true,
      metadata: { a: "b" },
    });
    expect(r).toEqual({
      model: "gpt-4.1",
      stream: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "Use tools." }] },
        { role: "user", content: [{ type: "text", text: "What is the weather like in Boston and Paris today?" }] },
        {
          role: "assistant",
          content: [{ type: "text", text: "Checking." }],
          toolCalls: [
            { id: "call_1", name: "get_current_weather", arguments: '{"location":"Boston"}' },
            { id: "call_2", name: "get_current_weather", arguments: '{"location":"Paris"}' },
          ],
        },
        { role: "tool", toolCallId: "call_1", content: [{ type: "text", text: "22C" }] },
        { role: "tool", toolCallId: "call_2", content: [{ type: "text", text: "18C" }] },
      ],
      tools: [{ name: "get_current_weather", description: "Get the current weather", parameters: WEATHER_PARAMS, strict: true }],
      toolChoice: { name: "get_current_weather" },
      parallelToolCalls: true,
      responseFormat: { type: "json_schema", name: "weather", schema: { type: "object" }, strict: true },
      maxTokens: 500,
      temperature: 1,
      topP: 0.5,
      reasoningEffort: "medium",
      user: "u-1",
    });
  });

  test("a function call with no preceding assistant text starts an assistant turn", () => {
    const r = parseOk({
      model: "m",
      input: [
        { role: "user", content: "x" },
        { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: "ok" },
      ],
    });
    expect(r.messages.slice(1)).toEqual([
      { role: "assistant", content: [], toolCalls: [{ id: "c", name: "f", arguments: "{}" }] },
      { role: "tool", toolCallId: "c", content: [{ type: "text", text: "ok" }] },
    ]);
  });
});

describe("parseChat: errors", () => {
  test("previous_response_id is a clear 400 for a stateless gateway", () => {
    const e = parseErr({ model: "m", input: "x", previous_response_id: "resp_123" });
    expect(e.param).toBe("previous_response_id");
    expect(e.message).toContain("full conversation");
    expect(parseErr({ model: "m", input: "x", conversation: "conv_1" }).param).toBe("conversation");
    expect(parseErr({ model: "m", input: [{ type: "item_reference", id: "msg_1" }] }).param).toBe("input.0.type");
  });

  test("built-in tools and unknown items are refused by path", () => {
    expect(parseErr({ model: "m", input: "x", tools: [{ type: "web_search_preview" }] }).param).toBe("tools.0.type");
    expect(parseErr({ model: "m", input: "x", tools: [{ type: "function", name: "f", parameters: 3 }] }).param).toBe("tools.0.parameters");
    expect(parseErr({ model: "m", input: [{ type: "computer_call_output", call_id: "c" }] }).param).toBe("input.0.type");
    expect(parseErr({ model: "m", input: "x", tool_choice: { type: "function", name: "nope" } }).param).toBe("tool_choice.name");
  });

  test("bad values inside input items name their path", () => {
    const e = parseErr({ model: "m", input: [{ role: "user", content: [{ type: "input_text", text: "a" }, { type: "input_image", image_url: 7 }] }] });
    expect(e.param).toBe("input.0.content.1.image_url");
    expect(parseErr({ model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] }).param).toBe("input.0.content.0.image_url");
    expect(parseErr({ model: "m", input: [{ role: "tool", content: "x" }] }).param).toBe("input.0.role");
    expect(parseErr({ model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }).param).toBe("input.0.call_id");
    expect(parseErr({ model: "m" }).param).toBe("input");
    expect(parseErr({ model: "m", input: "x", max_output_tokens: 0 }).param).toBe("max_output_tokens");
  });
});

const RESPONSE: ChatResponse = {
  id: "resp_67ccd2bed1ec8190",
  model: "gpt-4.1-2025-04-14",
  created: 1741476542,
  choices: [
    {
      index: 0,
      message: { content: "In a peaceful grove…", toolCalls: [{ id: "call_9", name: "lookup", arguments: '{"q":"unicorn"}' }] },
      finishReason: "tool_calls",
    },
  ],
  usage: { inputTokens: 36, outputTokens: 87, cachedInputTokens: 0, reasoningTokens: 0 },
};

const COMMON_TAIL = {
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: false,
  temperature: null,
  text: { format: { type: "text" } },
  tool_choice: "auto",
  tools: [],
  top_p: null,
  truncation: "disabled",
};

describe("renderChat", () => {
  test("a response object, exactly", () => {
    const expected = {
      id: "resp_67ccd2bed1ec8190",
      object: "response",
      created_at: 1741476542,
      status: "completed",
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: "my-model",
      output: [
        {
          id: "msg_67ccd2bed1ec8190",
          type: "message",
          status: "completed",
          content: [{ type: "output_text", text: "In a peaceful grove…", annotations: [], logprobs: [] }],
          role: "assistant",
        },
        { id: "fc_67ccd2bed1ec8190_0", type: "function_call", status: "completed", arguments: '{"q":"unicorn"}', call_id: "call_9", name: "lookup" },
      ],
      ...COMMON_TAIL,
      usage: { input_tokens: 36, input_tokens_details: { cached_tokens: 0 }, output_tokens: 87, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 123 },
      user: null,
      metadata: {},
    };
    expect(JSON.stringify(openaiResponses.renderChat(RESPONSE, "my-model"))).toBe(JSON.stringify(expected));
  });

  test("length is incomplete with max_output_tokens; refusal is a refusal part; foreign ids get resp_", () => {
    const out = openaiResponses.renderChat(
      { id: "chatcmpl-1", model: "x", created: 2, choices: [{ index: 0, message: { content: null, refusal: "No." }, finishReason: "length" }] },
      "m",
    ) as Record<string, unknown>;
    expect(out.id).toBe("resp_chatcmpl-1");
    expect(out.status).toBe("incomplete");
    expect(out.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(out.usage).toBeNull();
    expect(out.output).toEqual([{ id: "msg_chatcmpl-1", type: "message", status: "completed", content: [{ type: "refusal", refusal: "No." }], role: "assistant" }]);
  });
});

const EVENTS: ChatStreamEvent[] = [
  { type: "start", id: "resp_abc", model: "gpt-4.1", created: 1700000000 },
  { type: "text", choice: 0, text: "Hi" },
  { type: "text", choice: 0, text: " there" },
  { type: "tool_call_start", choice: 0, tool: 0, id: "call_1", name: "get_weather" },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"city":' },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: '"Paris"}' },
  { type: "finish", choice: 0, reason: "tool_calls" },
  { type: "usage", usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 1 } },
];

function encodeAll(events: ChatStreamEvent[]): string {
  const enc = openaiResponses.streamEncoder("my-model", { includeUsage: true });
  return events.map((e) => enc.event(e)).join("") + enc.done();
}

function responseSnapshot(status: string, output: unknown[], usage: unknown) {
  return {
    id: "resp_abc",
    object: "response",
    created_at: 1700000000,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: "my-model",
    output,
    ...COMMON_TAIL,
    usage,
    user: null,
    metadata: {},
  };
}

describe("stream encoder", () => {
  test("the documented event sequence, exactly", () => {
    const msgItem = { id: "msg_abc", type: "message", status: "in_progress", content: [], role: "assistant" };
    const textPart = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
    const msgDone = { ...msgItem, status: "completed", content: [textPart("Hi there")] };
    const fcItem = { id: "fc_abc_0", type: "function_call", status: "in_progress", arguments: "", call_id: "call_1", name: "get_weather" };
    const fcDone = { ...fcItem, status: "completed", arguments: '{"city":"Paris"}' };
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 15 };
    const frames: Array<[string, Record<string, unknown>]> = [
      ["response.created", { response: responseSnapshot("in_progress", [], null) }],
      ["response.in_progress", { response: responseSnapshot("in_progress", [], null) }],
      ["response.output_item.added", { output_index: 0, item: msgItem }],
      ["response.content_part.added", { item_id: "msg_abc", output_index: 0, content_index: 0, part: textPart("") }],
      ["response.output_text.delta", { item_id: "msg_abc", output_index: 0, content_index: 0, delta: "Hi", logprobs: [] }],
      ["response.output_text.delta", { item_id: "msg_abc", output_index: 0, content_index: 0, delta: " there", logprobs: [] }],
      ["response.output_text.done", { item_id: "msg_abc", output_index: 0, content_index: 0, text: "Hi there", logprobs: [] }],
      ["response.content_part.done", { item_id: "msg_abc", output_index: 0, content_index: 0, part: textPart("Hi there") }],
      ["response.output_item.done", { output_index: 0, item: msgDone }],
      ["response.output_item.added", { output_index: 1, item: fcItem }],
      ["response.function_call_arguments.delta", { item_id: "fc_abc_0", output_index: 1, delta: '{"city":' }],
      ["response.function_call_arguments.delta", { item_id: "fc_abc_0", output_index: 1, delta: '"Paris"}' }],
      ["response.function_call_arguments.done", { item_id: "fc_abc_0", output_index: 1, name: "get_weather", arguments: '{"city":"Paris"}' }],
      ["response.output_item.done", { output_index: 1, item: fcDone }],
      ["response.completed", { response: responseSnapshot("completed", [msgDone, fcDone], usage) }],
    ];
    const expected = frames.map(([type, payload], i) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload, sequence_number: i })}\n\n`).join("");
    expect(encodeAll(EVENTS)).toBe(expected);
  });

  test("a refusal after text is a second content part; length ends as response.incomplete", () => {
    const frames = sseFrames(
      encodeAll([
        { type: "text", choice: 0, text: "a" },
        { type: "refusal", choice: 0, text: "no" },
        { type: "text", choice: 2, text: "ignored: other choice" },
        { type: "finish", choice: 0, reason: "length" },
      ]),
    );
    expect(frames.map((f) => f.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.content_part.added",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.incomplete",
    ]);
    const last = frames.at(-1)?.data as { response: { status: string; incomplete_details: unknown; output: Array<{ content: unknown[] }> } };
    expect(last.response.status).toBe("incomplete");
    expect(last.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(last.response.output[0]?.content).toEqual([
      { type: "output_text", text: "a", annotations: [], logprobs: [] },
      { type: "refusal", refusal: "no" },
    ]);
    expect(frames.map((f) => (f.data as { sequence_number: number }).sequence_number)).toEqual(frames.map((_, i) => i));
  });

  test("error(): an error event, then response.failed", () => {
    const enc = openaiResponses.streamEncoder("m", { includeUsage: true });
    enc.event({ type: "start", id: "resp_e", model: "m", created: 3 });
    const frames = sseFrames(enc.error("rate_limited", "too many requests"));
    expect(frames.map((f) => f.event)).toEqual(["error", "response.failed"]);
    expect(frames[0]?.data).toEqual({ type: "error", code: "rate_limited", message: "too many requests", param: null, sequence_number: 2 });
    const failed = frames[1]?.data as { response: { status: string; error: unknown } };
    expect(failed.response.status).toBe("failed");
    expect(failed.response.error).toEqual({ code: "rate_limit_exceeded", message: "too many requests" });
    expect(enc.done()).toBe("");
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

  test("a response, and the SDK's own request parses", async () => {
    server.reply(200, JSON.stringify(openaiResponses.renderChat(RESPONSE, "my-model")), JSON_HEADERS);
    const res = await client.responses.create({
      model: "my-model",
      instructions: "be kind",
      input: [{ role: "user", content: [{ type: "input_text", text: "hi" }] }],
      tools: [{ type: "function", name: "lookup", parameters: { type: "object" }, strict: false }],
    });
    expect(res.output_text).toBe("In a peaceful grove…");
    expect(res.output[1]).toMatchObject({ type: "function_call", call_id: "call_9", name: "lookup" });
    expect(res.usage?.total_tokens).toBe(123);
    const parsed = parseOk(server.requests.at(-1));
    expect(parsed.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "be kind" }] },
      { role: "user", content: [{ type: "text", text: "hi" }] },
    ]);
    expect(parsed.tools).toEqual([{ name: "lookup", parameters: { type: "object" }, strict: false }]);
  });

  test("a stream through client.responses.stream", async () => {
    server.reply(200, encodeAll(EVENTS), SSE_HEADERS);
    const stream = client.responses.stream({ model: "my-model", input: "hi" });
    const deltas: string[] = [];
    const argDeltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.snapshot));
    stream.on("response.function_call_arguments.delta", (e) => argDeltas.push(e.snapshot));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(["Hi", "Hi there"]);
    expect(argDeltas).toEqual(['{"city":', '{"city":"Paris"}']);
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe("Hi there");
    expect(final.output.map((o) => o.type)).toEqual(["message", "function_call"]);
    expect(final.output[1]).toMatchObject({ call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });

  test("a stream of parallel tool calls only", async () => {
    server.reply(
      200,
      encodeAll([
        { type: "tool_call_start", choice: 0, tool: 0, id: "call_a", name: "f" },
        { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"x":1}' },
        { type: "tool_call_start", choice: 0, tool: 1, id: "call_b", name: "g" },
        { type: "finish", choice: 0, reason: "tool_calls" },
      ]),
      SSE_HEADERS,
    );
    const final = await client.responses.stream({ model: "m", input: "hi" }).finalResponse();
    expect(final.output_text).toBe("");
    expect(final.output.map((o) => (o.type === "function_call" ? [o.call_id, o.name, o.arguments, o.status] : o.type))).toEqual([
      ["call_a", "f", '{"x":1}', "completed"],
      ["call_b", "g", "", "completed"],
    ]);
    expect(final.usage).toBeNull();
  });

  test("a mid-stream failure: the stream helper rejects with the error, raw iteration sees error then response.failed", async () => {
    const enc = openaiResponses.streamEncoder("m", { includeUsage: true });
    const text = enc.event({ type: "text", choice: 0, text: "par" }) + enc.error("upstream_error", "provider went away");
    server.reply(200, text, SSE_HEADERS);
    const stream = client.responses.stream({ model: "m", input: "hi" });
    const errors: unknown[] = [];
    stream.on("error", (e) => errors.push(e));
    const rejected = await stream.finalResponse().catch((e: unknown) => e);
    expect(rejected).toMatchObject({ type: "error", code: "upstream_error", message: "provider went away" });
    expect(errors).toHaveLength(1);

    server.reply(200, text, SSE_HEADERS);
    const raw = await client.responses.create({ model: "m", input: "hi", stream: true });
    const types: string[] = [];
    let failed: unknown;
    for await (const ev of raw) {
      types.push(ev.type);
      if (ev.type === "response.failed") failed = ev.response.error;
    }
    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
    expect(failed).toEqual({ code: "server_error", message: "provider went away" });
  });

  test("an error status raises the SDK's typed error", async () => {
    server.reply(400, await openaiResponses.renderError(400, "bad_request", "'previous_response_id' is not supported", "previous_response_id").text(), JSON_HEADERS);
    const err = await client.responses.create({ model: "m", input: "x", previous_response_id: "resp_1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("previous_response_id");
    server.reply(503, await openaiResponses.renderError(503, "no_healthy_upstream", "all providers down").text(), JSON_HEADERS);
    const down = await client.responses.create({ model: "m", input: "x" }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(OpenAI.InternalServerError);
    expect((down as Error).message).toBe("503 all providers down");
  });
});
