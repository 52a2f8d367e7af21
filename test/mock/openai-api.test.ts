import { beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { embedText } from "../../src/mock/common/embedding.ts";
import { timeTool, useMockProviders, weatherTool } from "./helpers.ts";

const mock = useMockProviders();
const client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/openai/v1`, maxRetries: 0 });

beforeEach(() => {
  mock.control.faults.length = 0;
  mock.control.always.clear();
});

describe("simulated OpenAI embeddings and models", () => {
  test("SDK default (base64) decodes to the deterministic vectors", async () => {
    const res = await client.embeddings.create({ model: "text-embedding-3-small", input: ["hello", "world"], dimensions: 8 });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data[0]?.embedding).toEqual(embedText("hello", 8));
    expect(res.data[1]?.embedding).toEqual(embedText("world", 8));
    expect(res.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  test("float encoding and default dimensions", async () => {
    const res = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello", encoding_format: "float" });
    expect(res.data[0]?.embedding).toHaveLength(1536);
    expect(res.data[0]?.embedding).toEqual(embedText("hello", 1536));
  });

  test("invalid input is a 400", async () => {
    const e = await client.embeddings.create({ model: "m", input: [] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
  });

  test("models list and retrieve", async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toContain("gpt-4o");
    expect((await client.models.retrieve("gpt-4o")).owned_by).toBe("system");
    expect(await client.models.retrieve("nope").catch((x: unknown) => x)).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("simulated OpenAI responses API", () => {
  test("text answer with output_text and usage", async () => {
    const res = await client.responses.create({ model: "gpt-4.1", instructions: "Be brief.", input: "hello" });
    expect(res.status).toBe("completed");
    expect(res.output_text).toBe("[openai:gpt-4.1] system=1 messages=1 tools=0 images=0 tool_results=0 | hello");
    expect(res.usage?.input_tokens).toBe(Math.ceil(14 / 4) + 8);
  });

  test("function call item, then function_call_output continues the conversation", async () => {
    const tools = [weatherTool, timeTool].map((t) => ({ type: "function" as const, name: t.function.name, parameters: t.function.parameters, strict: false }));
    const first = await client.responses.create({ model: "gpt-4.1", input: [{ role: "user", content: "weather?" }], tools });
    const call = first.output[0];
    expect(call?.type).toBe("function_call");
    if (call?.type !== "function_call") throw new Error("expected a function call");
    expect(JSON.parse(call.arguments)).toEqual({ city: "x", unit: "celsius" });
    const second = await client.responses.create({
      model: "gpt-4.1",
      tools,
      input: [{ role: "user", content: "weather?" }, call, { type: "function_call_output", call_id: call.call_id, output: "sunny" }],
    });
    expect(second.output_text).toBe("[openai:gpt-4.1] system=0 messages=3 tools=2 images=0 tool_results=1 | ");
  });

  test("streamed text through the SDK's stream helper", async () => {
    const stream = client.responses.stream({ model: "gpt-4.1", input: [{ role: "user", content: [{ type: "input_text", text: "a b c d e" }] }] });
    const types = new Set<string>();
    let deltas = "";
    for await (const e of stream) {
      types.add(e.type);
      if (e.type === "response.output_text.delta") deltas += e.delta;
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(deltas);
    expect(deltas).toContain("| a b c d e");
    for (const t of ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.done", "response.output_item.done", "response.completed"]) {
      expect(types.has(t)).toBe(true);
    }
  });

  test("streamed function call arguments", async () => {
    const stream = await client.responses.create({
      model: "gpt-4.1",
      input: "go",
      tools: [{ type: "function", name: "get_time", parameters: timeTool.function.parameters, strict: false }],
      stream: true,
    });
    const events = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const pieces = events.flatMap((e) => (e.type === "response.function_call_arguments.delta" ? [e.delta] : []));
    expect(pieces.join("")).toBe('{"zone":"x"}');
    const done = events.at(-1);
    expect(done?.type).toBe("response.completed");
    if (done?.type === "response.completed") expect(done.response.output[0]).toMatchObject({ type: "function_call", name: "get_time", arguments: '{"zone":"x"}' });
  });

  test("json schema text format", async () => {
    const res = await client.responses.create({
      model: "gpt-4.1",
      input: "x",
      text: { format: { type: "json_schema", name: "r", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false } } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ ok: false });
  });
});

describe("simulated OpenAI responses API limits", () => {
  test("max_output_tokens and content_filter end incomplete", async () => {
    const cut = await client.responses.create({ model: "gpt-4.1", input: "hello", max_output_tokens: 2 });
    expect(cut.status).toBe("incomplete");
    expect(cut.incomplete_details?.reason).toBe("max_output_tokens");
    expect(cut.output_text).toBe("[openai:");
    mock.control.faults.push({ kind: "content_filter" });
    const stream = await client.responses.create({ model: "gpt-4.1", input: "hello", stream: true });
    const types = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(["response.created", "response.in_progress", "response.incomplete"]);
  });
});
