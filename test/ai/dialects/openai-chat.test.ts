import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openaiChat } from "../../../src/ai/dialects/index.ts";
import type { ChatResponse, ChatStreamEvent } from "../../../src/ai/types.ts";
import { type FakeServer, JSON_HEADERS, SSE_HEADERS, sseFrames, startFakeServer } from "./fake-server.ts";

function parseOk(body: unknown) {
  const r = openaiChat.parseChat(body);
  if (!r.ok) throw new Error(`expected a valid request, got ${JSON.stringify(r.error)}`);
  return r.request;
}

function parseErr(body: unknown) {
  const r = openaiChat.parseChat(body);
  if (r.ok) throw new Error("expected a parse error");
  return r.error;
}

describe("parseChat: documented request examples", () => {
  test("developer + user text", () => {
    expect(
      parseOk({
        model: "gpt-4o",
        messages: [
          { role: "developer", content: "You are a helpful assistant." },
          { role: "user", content: "Hello!" },
        ],
      }),
    ).toEqual({
      model: "gpt-4o",
      stream: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a helpful assistant." }] },
        { role: "user", content: [{ type: "text", text: "Hello!" }] },
      ],
    });
  });

  test("image input by URL and by data URL", () => {
    expect(
      parseOk({
        model: "gpt-4o",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What's in this image?" },
              { type: "image_url", image_url: { url: "https://upload.wikimedia.org/boardwalk.jpg" } },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
            ],
          },
        ],
        max_tokens: 300,
      }),
    ).toEqual({
      model: "gpt-4o",
      stream: false,
      maxTokens: 300,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What's in this image?" },
            { type: "image", source: { kind: "url", url: "https://upload.wikimedia.org/boardwalk.jpg" } },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "low" },
          ],
        },
      ],
    });
  });

  test("function calling, then the tool result round trip", () => {
    const weatherTool = {
      type: "function",
      function: {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: {
          type: "object",
          properties: { location: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
          required: ["location"],
        },
        strict: false,
      },
    };
    expect(
      parseOk({
        model: "gpt-4o",
        messages: [
          { role: "user", content: "What's the weather like in Boston today?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "call_abc123", type: "function", function: { name: "get_current_weather", arguments: '{"location":"Boston, MA"}' } }],
          },
          { role: "tool", tool_call_id: "call_abc123", content: "22 degrees, sunny" },
        ],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_current_weather" } },
        parallel_tool_calls: false,
      }),
    ).toEqual({
      model: "gpt-4o",
      stream: false,
      messages: [
        { role: "user", content: [{ type: "text", text: "What's the weather like in Boston today?" }] },
        { role: "assistant", content: [], toolCalls: [{ id: "call_abc123", name: "get_current_weather", arguments: '{"location":"Boston, MA"}' }] },
        { role: "tool", toolCallId: "call_abc123", content: [{ type: "text", text: "22 degrees, sunny" }] },
      ],
      tools: [
        {
          name: "get_current_weather",
          description: "Get the current weather in a given location",
          parameters: weatherTool.function.parameters,
          strict: false,
        },
      ],
      toolChoice: { name: "get_current_weather" },
      parallelToolCalls: false,
    });
  });

  test("every sampling and output parameter", () => {
    expect(
      parseOk({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi", name: "ada" }],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 10,
        max_completion_tokens: 50,
        stop: "END",
        seed: 7,
        n: 2,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        logprobs: true,
        top_logprobs: 3,
        user: "user-1",
        stream: true,
        stream_options: { include_usage: true },
        reasoning_effort: "low",
        response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
        tool_choice: "none",
        metadata: { ignored: "yes" },
        store: false,
        service_tier: "auto",
      }),
    ).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }], name: "ada" }],
      stream: true,
      includeUsage: true,
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 50,
      stop: ["END"],
      seed: 7,
      n: 2,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      logprobs: true,
      topLogprobs: 3,
      user: "user-1",
      reasoningEffort: "low",
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      toolChoice: "none",
    });
  });

  test("nulls mean not given; include_usage only counts when streaming", () => {
    const r = parseOk({
      model: "m",
      messages: [{ role: "system", content: [{ type: "text", text: "be brief" }] }, { role: "user", content: "x" }],
      temperature: null,
      tools: null,
      stop: ["a", "b"],
      stream_options: { include_usage: true },
      response_format: { type: "json_object" },
    });
    expect(r).toEqual({
      model: "m",
      stream: false,
      stop: ["a", "b"],
      responseFormat: { type: "json_object" },
      messages: [
        { role: "system", content: [{ type: "text", text: "be brief" }] },
        { role: "user", content: [{ type: "text", text: "x" }] },
      ],
    });
  });

  test("assistant refusal parts and refusal field become the refusal", () => {
    const r = parseOk({
      model: "m",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "text", text: "Well" }, { type: "refusal", refusal: "I can't" }] },
      ],
    });
    expect(r.messages[1]).toEqual({ role: "assistant", content: [{ type: "text", text: "Well" }], refusal: "I can't" });
  });
});

describe("parseChat: errors name the parameter", () => {
  test("a wrong type deep in a content part", () => {
    const e = parseErr({
      model: "gpt-4o",
      messages: [
        { role: "user", content: "hi" },
        { role: "user", content: [{ type: "image_url", image_url: { url: 42 } }] },
      ],
    });
    expect(e.param).toBe("messages.1.content.0.image_url.url");
    expect(e.message).toContain("expected string, received number");
  });

  test("missing model, empty messages, wrong top-level types", () => {
    expect(parseErr({ messages: [{ role: "user", content: "x" }] })).toEqual({ param: "model", message: "Invalid value for 'model': is required" });
    expect(parseErr({ model: "m", messages: [] }).param).toBe("messages");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], temperature: "hot" }).param).toBe("temperature");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], temperature: 3 }).param).toBe("temperature");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], stream: "yes" }).param).toBe("stream");
    expect(parseErr("not an object").param).toBe("");
  });

  test("content that is neither string nor parts", () => {
    const e = parseErr({ model: "m", messages: [{ role: "user", content: 5 }] });
    expect(e).toEqual({ param: "messages.0.content", message: "Invalid value for 'messages.0.content': expected string or array" });
  });

  test("unknown role and unknown part type", () => {
    const role = parseErr({ model: "m", messages: [{ role: "robot", content: "x" }] });
    expect(role.param).toBe("messages.0.role");
    expect(role.message).toContain("'user'");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: [{ type: "video" }] }] }).param).toBe("messages.0.content.0.type");
  });

  test("deprecated function calling is refused with the replacement named", () => {
    const role = parseErr({ model: "m", messages: [{ role: "function", name: "f", content: "1" }] });
    expect(role.param).toBe("messages.0.role");
    expect(role.message).toContain("'tool'");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], functions: [{ name: "f" }] }).param).toBe("functions");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], function_call: "auto" }).param).toBe("function_call");
  });

  test("bad image URLs, unsupported parts, unknown tool_choice name, top_logprobs without logprobs", () => {
    const img = (url: string) => parseErr({ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }] });
    expect(img("data:image/png,rawbytes").param).toBe("messages.0.content.0.image_url.url");
    expect(img("data:image/png;base64,***").param).toBe("messages.0.content.0.image_url.url");
    expect(img("ftp://example.com/a.png").param).toBe("messages.0.content.0.image_url.url");
    const audio = parseErr({ model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }] }] });
    expect(audio.param).toBe("messages.0.content.0.type");
    const choice = parseErr({ model: "m", messages: [{ role: "user", content: "x" }], tool_choice: { type: "function", function: { name: "nope" } } });
    expect(choice.param).toBe("tool_choice.function.name");
    expect(parseErr({ model: "m", messages: [{ role: "user", content: "x" }], top_logprobs: 2 }).param).toBe("top_logprobs");
  });
});

const RESPONSE: ChatResponse = {
  id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
  model: "gpt-4o-2024-08-06",
  created: 1741570283,
  choices: [
    {
      index: 0,
      message: {
        content: "Let me check.",
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
      finishReason: "tool_calls",
    },
  ],
  usage: { inputTokens: 1117, outputTokens: 46, cachedInputTokens: 1024, reasoningTokens: 0 },
  systemFingerprint: "fp_fc9f1d7035",
};

const RENDERED = {
  id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
  object: "chat.completion",
  created: 1741570283,
  model: "my-model",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "Let me check.",
        refusal: null,
        annotations: [],
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: {
    prompt_tokens: 1117,
    completion_tokens: 46,
    total_tokens: 1163,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  system_fingerprint: "fp_fc9f1d7035",
};

describe("renderChat", () => {
  test("a chat.completion object, exactly", () => {
    expect(JSON.stringify(openaiChat.renderChat(RESPONSE, "my-model"))).toBe(JSON.stringify(RENDERED));
  });

  test("no tool_calls key without calls; logprobs; error finish is a stop; foreign ids get the prefix", () => {
    const out = openaiChat.renderChat(
      {
        id: "msg_01XYZ",
        model: "claude",
        created: 1,
        choices: [
          { index: 0, message: { content: "hi" }, finishReason: "error", logprobs: [{ token: "hi", logprob: -0.1, topLogprobs: [{ token: "hi", logprob: -0.1 }] }] },
        ],
      },
      "m",
    ) as Record<string, unknown>;
    expect(out.id).toBe("chatcmpl-msg_01XYZ");
    expect(out.usage).toBeUndefined();
    expect(out.system_fingerprint).toBeNull();
    expect(out.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: "hi", refusal: null, annotations: [] },
        logprobs: { content: [{ token: "hi", logprob: -0.1, bytes: null, top_logprobs: [{ token: "hi", logprob: -0.1, bytes: null }] }], refusal: null },
        finish_reason: "stop",
      },
    ]);
  });
});

const EVENTS: ChatStreamEvent[] = [
  { type: "start", id: "chatcmpl-123", model: "gpt-4o", created: 1694268190 },
  { type: "text", choice: 0, text: "Hel" },
  { type: "text", choice: 0, text: "lo" },
  { type: "tool_call_start", choice: 0, tool: 0, id: "call_1", name: "get_weather" },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"city":' },
  { type: "tool_call_delta", choice: 0, tool: 0, arguments: '"Paris"}' },
  { type: "usage", usage: { inputTokens: 9, outputTokens: 12, cachedInputTokens: 0 } },
  { type: "finish", choice: 0, reason: "tool_calls" },
];

function encodeAll(events: ChatStreamEvent[], includeUsage: boolean): string {
  const enc = openaiChat.streamEncoder("my-model", { includeUsage });
  return events.map((e) => enc.event(e)).join("") + enc.done();
}

describe("stream encoder", () => {
  test("the exact chunk sequence with include_usage", () => {
    const head = '{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"my-model","system_fingerprint":null,"choices":';
    const usage =
      '{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}';
    const chunk = (choices: string, u = "null") => `data: ${head}${choices},"usage":${u}}\n\n`;
    expect(encodeAll(EVENTS, true)).toBe(
      chunk('[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]') +
        chunk('[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]') +
        chunk('[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}]') +
        chunk(
          '[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]',
        ) +
        chunk('[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]},"logprobs":null,"finish_reason":null}]') +
        chunk('[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}]') +
        chunk('[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]') +
        chunk("[]", usage) +
        "data: [DONE]\n\n",
    );
  });

  test("without include_usage: no usage key and no usage chunk", () => {
    const frames = sseFrames(encodeAll(EVENTS, false));
    expect(frames.at(-1)?.data).toBe("[DONE]");
    const chunks = frames.slice(0, -1).map((f) => f.data as Record<string, unknown>);
    expect(chunks).toHaveLength(7);
    for (const c of chunks) expect("usage" in c).toBe(false);
    expect(chunks.every((c) => (c.choices as unknown[]).length === 1)).toBe(true);
  });

  test("a second choice gets its own role delta; events after done are dropped", () => {
    const enc = openaiChat.streamEncoder("m", { includeUsage: false });
    const text =
      enc.event({ type: "start", id: "x", model: "m", created: 1 }) +
      enc.event({ type: "text", choice: 1, text: "b" }) +
      enc.event({ type: "refusal", choice: 0, text: "no" });
    const deltas = sseFrames(text).map((f) => (f.data as { choices: Array<{ index: number; delta: unknown }> }).choices[0]);
    expect(deltas).toEqual([
      expect.objectContaining({ index: 0, delta: { role: "assistant", content: "", refusal: null } }),
      expect.objectContaining({ index: 1, delta: { role: "assistant", content: "b" } }),
      expect.objectContaining({ index: 0, delta: { refusal: "no" } }),
    ]);
    expect(enc.done()).toBe("data: [DONE]\n\n");
    expect(enc.event({ type: "text", choice: 0, text: "late" })).toBe("");
    expect(enc.done()).toBe("");
  });

  test("error(): one OpenAI error event, nothing after", () => {
    const enc = openaiChat.streamEncoder("m", { includeUsage: false });
    enc.event({ type: "text", choice: 0, text: "partial" });
    expect(enc.error("rate_limited", "slow down")).toBe(
      'data: {"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limited"}}\n\n',
    );
    expect(enc.done()).toBe("");
  });
});

describe("renderError", () => {
  test("bodies and types by status", async () => {
    const res = openaiChat.renderError(400, "bad_request", "Invalid value for 'temperature'", "temperature");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: { message: "Invalid value for 'temperature'", type: "invalid_request_error", param: "temperature", code: "bad_request" } });
    const types = await Promise.all(
      [401, 403, 404, 413, 429, 500, 502, 503].map(async (s) => ((await openaiChat.renderError(s, "c", "m").json()) as { error: { type: string } }).error.type),
    );
    expect(types).toEqual(["authentication_error", "permission_error", "not_found_error", "invalid_request_error", "requests", "api_error", "server_error", "server_error"]);
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

  test("a completion", async () => {
    server.reply(200, JSON.stringify(openaiChat.renderChat(RESPONSE, "my-model")), JSON_HEADERS);
    const completion = await client.chat.completions.create({ model: "my-model", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]?.message.tool_calls?.[0]).toEqual({ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
    // The SDK's own request parses back to the same conversation.
    const parsed = parseOk(server.requests.at(-1));
    expect(parsed.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  test("a stream with text, tool calls and usage, through ChatCompletionStream", async () => {
    server.reply(200, encodeAll(EVENTS, true), SSE_HEADERS);
    const stream = client.chat.completions.stream({
      model: "my-model",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on("content.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalChatCompletion();
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(final.id).toBe("chatcmpl-123");
    expect(final.model).toBe("my-model");
    expect(final.choices).toHaveLength(1);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.content).toBe("Hello");
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
    expect(final.usage?.total_tokens).toBe(21);
  });

  test("two choices through ChatCompletionStream", async () => {
    const events: ChatStreamEvent[] = [
      { type: "start", id: "c2", model: "m", created: 5 },
      { type: "text", choice: 0, text: "A" },
      { type: "text", choice: 1, text: "B" },
      { type: "finish", choice: 0, reason: "stop" },
      { type: "finish", choice: 1, reason: "length" },
    ];
    server.reply(200, encodeAll(events, false), SSE_HEADERS);
    const final = await client.chat.completions.stream({ model: "m", messages: [{ role: "user", content: "x" }], n: 2 }).finalChatCompletion();
    expect(final.choices.map((c) => [c.message.content, c.finish_reason])).toEqual([
      ["A", "stop"],
      ["B", "length"],
    ]);
  });

  test("an error status raises the SDK's typed error", async () => {
    const rendered = openaiChat.renderError(429, "rate_limited", "Rate limit reached for my-model");
    server.reply(429, await rendered.text(), JSON_HEADERS);
    const err = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.message).toBe("429 Rate limit reached for my-model");
    expect(e.code).toBe("rate_limited");

    server.reply(400, await openaiChat.renderError(400, "bad_request", "bad temperature", "temperature").text(), JSON_HEADERS);
    const bad = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");

    server.reply(401, await openaiChat.renderError(401, "unauthorized", "no key").text(), JSON_HEADERS);
    expect(await client.models.list().catch((x: unknown) => x)).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test("a mid-stream error raises an APIError carrying the message", async () => {
    const enc = openaiChat.streamEncoder("m", { includeUsage: false });
    const text =
      enc.event({ type: "start", id: "c3", model: "m", created: 1 }) + enc.event({ type: "text", choice: 0, text: "part" }) + enc.error("upstream_error", "provider went away");
    server.reply(200, text, SSE_HEADERS);
    const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["", "part"]);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toContain("provider went away");
  });
});
