import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { anthropicMessages } from "../../../src/ai/dialects/index.ts";
import type { ChatResponse, ChatStreamEvent } from "../../../src/ai/types.ts";
import { type FakeServer, JSON_HEADERS, SSE_HEADERS, sseFrames, startFakeServer } from "./fake-server.ts";

function parseOk(body: unknown) {
  const r = anthropicMessages.parseChat(body);
  if (!r.ok) throw new Error(`expected a valid request, got ${JSON.stringify(r.error)}`);
  return r.request;
}

function parseErr(body: unknown) {
  const r = anthropicMessages.parseChat(body);
  if (r.ok) throw new Error("expected a parse error");
  return r.error;
}

const WEATHER_SCHEMA = {
  type: "object",
  properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } },
  required: ["location"],
};

describe("parseChat: documented request examples", () => {
  test("hello world", () => {
    expect(parseOk({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hello, world" }] })).toEqual({
      model: "claude-sonnet-4-5",
      maxTokens: 1024,
      stream: false,
      messages: [{ role: "user", content: [{ type: "text", text: "Hello, world" }] }],
    });
  });

  test("system blocks, multi-turn, images by base64 and URL, sampling parameters", () => {
    expect(
      parseOk({
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        system: [{ type: "text", text: "You are a vision assistant.", cache_control: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: "Hello there." },
          { role: "assistant", content: "Hi, I'm Claude. How can I help you?" },
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRg" } },
              { type: "image", source: { type: "url", url: "https://upload.wikimedia.org/ant.jpg" } },
              { type: "text", text: "What is in the above images?" },
            ],
          },
        ],
        stop_sequences: ["\n\nHuman:"],
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        metadata: { user_id: "13803d75-b4b5-4c3e-b2a2-6f21399b021b" },
        stream: true,
        thinking: { type: "disabled" },
      }),
    ).toEqual({
      model: "claude-sonnet-4-5",
      maxTokens: 1024,
      stream: true,
      includeUsage: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a vision assistant." }] },
        { role: "user", content: [{ type: "text", text: "Hello there." }] },
        { role: "assistant", content: [{ type: "text", text: "Hi, I'm Claude. How can I help you?" }] },
        {
          role: "user",
          content: [
            { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQSkZJRg" } },
            { type: "image", source: { kind: "url", url: "https://upload.wikimedia.org/ant.jpg" } },
            { type: "text", text: "What is in the above images?" },
          ],
        },
      ],
      stop: ["\n\nHuman:"],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      user: "13803d75-b4b5-4c3e-b2a2-6f21399b021b",
    });
  });

  test("tool use: tool_result blocks become tool messages ahead of the user's text", () => {
    expect(
      parseOk({
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        tools: [{ name: "get_weather", description: "Get the current weather in a given location", input_schema: WEATHER_SCHEMA }],
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        messages: [
          { role: "user", content: "What's the weather like in San Francisco and Paris?" },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "Two cities.", signature: "sig" },
              { type: "text", text: "I'll check both." },
              { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { location: "San Francisco, CA" } },
              { type: "tool_use", id: "toolu_01B", name: "get_weather", input: { location: "Paris" } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_01A", content: "15 degrees" },
              { type: "tool_result", tool_use_id: "toolu_01B", content: [{ type: "text", text: "error: no station" }], is_error: true },
              { type: "text", text: "Thanks, and tomorrow?" },
            ],
          },
        ],
      }),
    ).toEqual({
      model: "claude-sonnet-4-5",
      maxTokens: 1024,
      stream: false,
      messages: [
        { role: "user", content: [{ type: "text", text: "What's the weather like in San Francisco and Paris?" }] },
        {
          role: "assistant",
          content: [{ type: "text", text: "I'll check both." }],
          toolCalls: [
            { id: "toolu_01A", name: "get_weather", arguments: '{"location":"San Francisco, CA"}' },
            { id: "toolu_01B", name: "get_weather", arguments: '{"location":"Paris"}' },
          ],
        },
        { role: "tool", toolCallId: "toolu_01A", content: [{ type: "text", text: "15 degrees" }] },
        { role: "tool", toolCallId: "toolu_01B", content: [{ type: "text", text: "error: no station" }], isError: true },
        { role: "user", content: [{ type: "text", text: "Thanks, and tomorrow?" }] },
      ],
      tools: [{ name: "get_weather", description: "Get the current weather in a given location", parameters: WEATHER_SCHEMA }],
      toolChoice: "required",
      parallelToolCalls: false,
    });
  });

  test("tool_choice variants", () => {
    const base = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }], tools: [{ name: "t", input_schema: { type: "object" } }] };
    expect(parseOk({ ...base, tool_choice: { type: "auto" } }).toolChoice).toBe("auto");
    expect(parseOk({ ...base, tool_choice: { type: "none" } }).toolChoice).toBe("none");
    expect(parseOk({ ...base, tool_choice: { type: "tool", name: "t" } }).toolChoice).toEqual({ name: "t" });
  });
});

describe("parseChat: errors", () => {
  test("required fields and ranges", () => {
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }] })).toEqual({ param: "max_tokens", message: "Invalid value for 'max_tokens': is required" });
    expect(parseErr({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }], temperature: 1.5 }).param).toBe("temperature");
    expect(parseErr({ model: "m", max_tokens: 5, messages: [{ role: "system", content: "x" }] }).param).toBe("messages.0.role");
  });

  test("bad blocks name their path", () => {
    const img = parseErr({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png" } }] }] });
    expect(img.param).toBe("messages.0.content.0.source.data");
    const toolUse = parseErr({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "tool_use", id: "a", name: "b", input: {} }] }] });
    expect(toolUse.param).toBe("messages.0.content.0.type");
    const doc = parseErr({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "document", source: {} }] }] });
    expect(doc.param).toBe("messages.0.content.0.type");
    expect(doc.message).toContain("not supported");
  });

  test("server tools and unknown tool_choice names are refused", () => {
    const base = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] };
    expect(parseErr({ ...base, tools: [{ type: "web_search_20250305", name: "web_search" }] }).param).toBe("tools.0.type");
    expect(parseErr({ ...base, tools: [{ name: "t" }] }).param).toBe("tools.0.input_schema");
    expect(parseErr({ ...base, tool_choice: { type: "tool", name: "t" } }).param).toBe("tool_choice.name");
  });
});

const RESPONSE: ChatResponse = {
  id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  model: "claude-sonnet-4-5-20250929",
  created: 1,
  choices: [
    {
      index: 0,
      message: { content: "Let me check the weather.", toolCalls: [{ id: "toolu_01A", name: "get_weather", arguments: '{"location":"Paris"}' }] },
      finishReason: "tool_calls",
    },
  ],
  usage: { inputTokens: 2095, outputTokens: 503, cachedInputTokens: 2000, cacheWriteInputTokens: 50 },
};

describe("renderChat", () => {
  test("a message object, exactly", () => {
    expect(JSON.stringify(anthropicMessages.renderChat(RESPONSE, "my-model"))).toBe(
      JSON.stringify({
        id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        type: "message",
        role: "assistant",
        model: "my-model",
        content: [
          { type: "text", text: "Let me check the weather." },
          { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { location: "Paris" } },
        ],
        stop_reason: "tool_use",
        stop_sequence: null,
        usage: { input_tokens: 45, cache_creation_input_tokens: 50, cache_read_input_tokens: 2000, output_tokens: 503 },
      }),
    );
  });

  test("stop reasons; malformed tool arguments become an empty input", () => {
    const render = (finishReason: ChatResponse["choices"][number]["finishReason"], args = "{}") =>
      anthropicMessages.renderChat(
        { id: "chatcmpl-9", model: "x", created: 1, choices: [{ index: 0, message: { content: null, toolCalls: [{ id: "c", name: "f", arguments: args }] }, finishReason }] },
        "m",
      ) as { id: string; stop_reason: string; content: Array<{ input?: unknown }> };
    expect(render("stop").stop_reason).toBe("end_turn");
    expect(render("length").stop_reason).toBe("max_tokens");
    expect(render("content_filter").stop_reason).toBe("refusal");
    expect(render("stop", '{"a":').content[0]?.input).toEqual({});
    expect(render("stop", "[1]").content[0]?.input).toEqual({});
    expect(render("stop").id).toBe("msg_chatcmpl-9");
  });
});

const EVENTS: ChatStreamEvent[] = [
  { type: "start", id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", model: "claude", created: 1 },
  { type: "usage", usage: { inputTokens: 472, outputTokens: 2 } },
  { type: "text", choice: 0, text: "Okay" },
  { type: "text", choice: 0, text: ", let's check." },
  { type: "tool_call_start", choice: 0, tool: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: "" },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"location":' },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: ' "San Francisco, CA"}' },
  { type: "finish", choice: 0, reason: "tool_calls" },
  { type: "usage", usage: { inputTokens: 472, outputTokens: 89 } },
];

function encodeAll(events: ChatStreamEvent[]): string {
  const enc = anthropicMessages.streamEncoder("my-model", { includeUsage: true });
  return events.map((e) => enc.event(e)).join("") + enc.done();
}

describe("stream encoder", () => {
  test("the exact Anthropic event sequence", () => {
    const frames: Array<[string, Record<string, unknown>]> = [
      [
        "message_start",
        {
          message: {
            id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
            type: "message",
            role: "assistant",
            model: "my-model",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
          },
        },
      ],
      ["content_block_start", { index: 0, content_block: { type: "text", text: "" } }],
      ["ping", {}],
      ["content_block_delta", { index: 0, delta: { type: "text_delta", text: "Okay" } }],
      ["content_block_delta", { index: 0, delta: { type: "text_delta", text: ", let's check." } }],
      ["content_block_stop", { index: 0 }],
      ["content_block_start", { index: 1, content_block: { type: "tool_use", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", input: {} } }],
      ["content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"location":' } }],
      ["content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: ' "San Francisco, CA"}' } }],
      ["content_block_stop", { index: 1 }],
      [
        "message_delta",
        {
          delta: { stop_reason: "tool_use", stop_sequence: null },
          usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 89 },
        },
      ],
      ["message_stop", {}],
    ];
    const expected = frames.map(([type, payload]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`).join("");
    expect(encodeAll(EVENTS)).toBe(expected);
  });

  test("an empty answer still opens and closes the message; other choices are ignored", () => {
    const frames = sseFrames(encodeAll([{ type: "text", choice: 1, text: "other" }]));
    expect(frames.map((f) => f.event)).toEqual(["message_start", "message_delta", "message_stop"]);
    expect(frames[1]?.data).toEqual({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 0 } });
  });

  test("error(): an Anthropic error event", () => {
    const enc = anthropicMessages.streamEncoder("m", { includeUsage: true });
    expect(enc.error("overloaded", "Overloaded")).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    expect(enc.done()).toBe("");
  });
});

describe("renderError", () => {
  test("error types by status, code in a header", async () => {
    const res = anthropicMessages.renderError(400, "bad_request", "Invalid value for 'max_tokens': is required", "max_tokens");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-waygate-error-code")).toBe("bad_request");
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "Invalid value for 'max_tokens': is required" } });
    const types = await Promise.all(
      [401, 403, 404, 413, 429, 500, 502, 503, 504, 529].map(async (s) => ((await anthropicMessages.renderError(s, "c", "m").json()) as { error: { type: string } }).error.type),
    );
    expect(types).toEqual([
      "authentication_error",
      "permission_error",
      "not_found_error",
      "request_too_large",
      "rate_limit_error",
      "api_error",
      "api_error",
      "overloaded_error",
      "timeout_error",
      "overloaded_error",
    ]);
  });
});

describe("the Anthropic SDK accepts what the dialect sends", () => {
  let server: FakeServer;
  let client: Anthropic;
  beforeAll(() => {
    server = startFakeServer();
    client = new Anthropic({ apiKey: "test", baseURL: server.url, maxRetries: 0 });
  });
  afterAll(() => server.stop());

  test("a message, and the SDK's own request parses", async () => {
    server.reply(200, JSON.stringify(anthropicMessages.renderChat(RESPONSE, "my-model")), JSON_HEADERS);
    const msg = await client.messages.create({
      model: "my-model",
      max_tokens: 100,
      system: "be brief",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    });
    expect(msg.content[1] as unknown).toEqual({ type: "tool_use", id: "toolu_01A", name: "get_weather", input: { location: "Paris" } });
    expect(msg.usage.cache_read_input_tokens).toBe(2000);
    const parsed = parseOk(server.requests.at(-1));
    expect(parsed.messages[0]).toEqual({ role: "system", content: [{ type: "text", text: "be brief" }] });
    expect(parsed.tools).toEqual([{ name: "get_weather", parameters: { type: "object" } }]);
  });

  test("a stream through messages.stream().finalMessage()", async () => {
    server.reply(200, encodeAll(EVENTS), SSE_HEADERS);
    const stream = client.messages.stream({ model: "my-model", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts).toEqual(["Okay", ", let's check."]);
    expect(final.id).toBe("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content as unknown).toEqual([
      { type: "text", text: "Okay, let's check." },
      { type: "tool_use", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", input: { location: "San Francisco, CA" } },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 472, output_tokens: 89 });
  });

  test("tool calls only, with usage reported at the end: the SDK's totals come from message_delta", async () => {
    server.reply(
      200,
      encodeAll([
        { type: "start", id: "chatcmpl-77", model: "gpt-4o", created: 1 },
        { type: "tool_call_start", choice: 0, tool: 0, id: "call_a", name: "f" },
        { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"x":1}' },
        { type: "tool_call_start", choice: 0, tool: 1, id: "call_b", name: "g" },
        { type: "tool_call_delta", choice: 0, tool: 1, arguments: "{}" },
        { type: "finish", choice: 0, reason: "tool_calls" },
        { type: "usage", usage: { inputTokens: 30, outputTokens: 7, cachedInputTokens: 10 } },
      ]),
      SSE_HEADERS,
    );
    const final = await client.messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).finalMessage();
    expect(final.id).toBe("msg_chatcmpl-77");
    expect(final.content as unknown).toEqual([
      { type: "tool_use", id: "call_a", name: "f", input: { x: 1 } },
      { type: "tool_use", id: "call_b", name: "g", input: {} },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 10, output_tokens: 7 });
  });

  test("a mid-stream error raises the SDK's APIError with the type and message", async () => {
    const enc = anthropicMessages.streamEncoder("m", { includeUsage: true });
    server.reply(200, enc.event({ type: "text", choice: 0, text: "par" }) + enc.error("overloaded", "Overloaded"), SSE_HEADERS);
    const err = await client.messages
      .stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.type).toBe("overloaded_error");
    expect(e.apiMessage).toBe("Overloaded");
  });

  test("error statuses raise the SDK's typed errors", async () => {
    const send = async (status: number) => {
      server.reply(status, await anthropicMessages.renderError(status, "c", `failed with ${status}`).text(), JSON_HEADERS);
      return client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    };
    const limited = (await send(429)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.status).toBe(429);
    expect(limited.type).toBe("rate_limit_error");
    expect(limited.apiMessage).toBe("failed with 429");
    expect(await send(400)).toBeInstanceOf(Anthropic.BadRequestError);
    expect(await send(401)).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(await send(404)).toBeInstanceOf(Anthropic.NotFoundError);
    const overloaded = (await send(529)) as InstanceType<typeof Anthropic.InternalServerError>;
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect(overloaded.type).toBe("overloaded_error");
  });
});
