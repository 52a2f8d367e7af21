import { beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { timeTool, useMockProviders, weatherTool } from "./helpers.ts";

const mock = useMockProviders();
const client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/openai/v1`, maxRetries: 0 });

beforeEach(() => {
  mock.control.faults.length = 0;
  mock.control.always.clear();
  mock.control.requests.length = 0;
});

describe("simulated OpenAI chat completions", () => {
  test("a JSON answer describes the conversation and counts tokens", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        { role: "assistant", content: "ok" },
        { role: "user", content: "hello there" },
      ],
    });
    const text = "[openai:gpt-4o] system=1 messages=3 tools=0 images=1 tool_results=0 | hello there";
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0]?.message.content).toBe(text);
    expect(res.choices[0]?.finish_reason).toBe("stop");
    // "Be brief." + "look" + "ok" + "hello there" = 26 chars → 7 tokens, plus 4 per message.
    expect(res.usage).toMatchObject({ prompt_tokens: 7 + 16, completion_tokens: Math.ceil(text.length / 4), prompt_tokens_details: { cached_tokens: 0 } });
    expect(mock.control.requests.at(-1)).toMatchObject({ provider: "openai", method: "POST", path: "/v1/chat/completions", body: { model: "gpt-4o" } });
    expect(mock.control.requests.at(-1)?.headers.authorization).toBe("Bearer sk-test");
  });

  test("a stream in three-word pieces with usage and [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("[openai:gpt-4o-mini] system=0 messages=1 tools=0 images=0 tool_results=0 | one two three four");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(Math.ceil(text.split(" ").length / 3));
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  test("without include_usage there is no usage chunk", async () => {
    const res = await fetch(`${mock.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const body = await res.text();
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(body).not.toContain('"usage"');
  });

  test("tool calls: first tool, arguments valid for the schema", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "weather?" }],
      tools: [weatherTool, timeTool],
    });
    const choice = res.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "x", unit: "celsius" });
    expect(choice?.message.tool_calls).toHaveLength(1);
  });

  test("forced tool, none, parallel", async () => {
    const forced = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "time?" }],
      tools: [weatherTool, timeTool],
      tool_choice: { type: "function", function: { name: "get_time" } },
    });
    const f = forced.choices[0]?.message.tool_calls?.[0];
    expect(f?.type === "function" && f.function.name).toBe("get_time");
    const none = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }], tools: [weatherTool], tool_choice: "none" });
    expect(none.choices[0]?.message.content).toContain("tools=1");
    const parallel = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "both in parallel" }], tools: [weatherTool, timeTool] });
    expect(parallel.choices[0]?.message.tool_calls?.map((c) => c.type === "function" && c.function.name)).toEqual(["get_weather", "get_time"]);
    const serial = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "both in parallel" }],
      tools: [weatherTool, timeTool],
      parallel_tool_calls: false,
    });
    expect(serial.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  test("after a tool result the model answers with text counting the result", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(res.choices[0]?.message.content).toBe("[openai:gpt-4o] system=0 messages=3 tools=1 images=0 tool_results=1 | ");
  });

  test("streamed tool calls accumulate through the SDK's stream helper", async () => {
    const runner = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "go parallel" }],
      tools: [weatherTool, timeTool],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === "function" && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["get_weather", { city: "x", unit: "celsius" }],
      ["get_time", { zone: "x" }],
    ]);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  test("raw tool call deltas: id and name first, then 8-character argument pieces", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "w" }], tools: [weatherTool], stream: true });
    const deltas = [];
    for await (const c of stream) for (const t of c.choices[0]?.delta.tool_calls ?? []) deltas.push(t);
    expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(deltas[0]?.id).toMatch(/^call_/);
    const pieces = deltas.slice(1).map((d) => d.function?.arguments ?? "");
    expect(pieces.every((p) => p.length <= 8)).toBe(true);
    expect(pieces.join("")).toBe('{"city":"x","unit":"celsius"}');
    expect(deltas.slice(1).every((d) => d.id === undefined && d.index === 0)).toBe(true);
  });

  test("json_schema response format gives a valid minimal document", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "classify" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "c", schema: { type: "object", properties: { label: { type: "string", enum: ["pos", "neg"] }, score: { type: "number" } }, required: ["label", "score"] } },
      },
    });
    expect(JSON.parse(res.choices[0]?.message.content ?? "")).toEqual({ label: "pos", score: 0 });
  });

  test("n > 1 and logprobs", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], n: 2, logprobs: true, top_logprobs: 2 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    const text = res.choices[1]?.message.content ?? "";
    const lp = res.choices[0]?.logprobs?.content ?? [];
    expect(lp.map((t) => t.token).join("")).toBe(text);
    expect(lp[0]?.top_logprobs).toHaveLength(2);
    expect(res.usage?.completion_tokens).toBe(2 * Math.ceil(text.length / 4));
  });

  test("n > 1 streams every choice", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], n: 2, stream: true });
    const texts = ["", ""];
    for await (const c of stream) for (const ch of c.choices) texts[ch.index] += ch.delta.content ?? "";
    expect(texts[0]).toContain("| hi");
    expect(texts[1]).toBe(texts[0] ?? "");
  });

  test("max_tokens cuts the text and finishes for length", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 3 });
    expect(res.choices[0]?.message.content).toBe("[openai:gpt-");
    expect(res.choices[0]?.finish_reason).toBe("length");
  });

  test("content_filter fault is a finish reason", async () => {
    mock.control.faults.push({ kind: "content_filter" });
    const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0]?.finish_reason).toBe("content_filter");
    expect(res.choices[0]?.message.content).toBe("");
  });
});
