import { describe, expect, test } from "bun:test";
import { argumentPieces, textPieces } from "../../src/mock/common/chunks.ts";
import type { ConversationSummary } from "../../src/mock/common/conversation.ts";
import { embedText, float32Base64 } from "../../src/mock/common/embedding.ts";
import { parseFaultMarkers, selectFault } from "../../src/mock/common/faults.ts";
import { minimalArguments, minimalJson } from "../../src/mock/common/json-schema.ts";
import { planReply } from "../../src/mock/common/reply.ts";
import { countInputTokens, mockUsage } from "../../src/mock/common/tokens.ts";
import type { MockControl } from "../../src/mock/types.ts";

function summary(over: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    provider: "openai",
    model: "gpt-4o",
    system: true,
    messages: 3,
    tools: [],
    toolChoice: "auto",
    parallelToolCalls: true,
    images: 1,
    toolResults: 1,
    messageTexts: ["be brief", "hello", "world!!"],
    lastUserText: "hello there",
    lastIsUser: true,
    ...over,
  };
}

const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" }, unit: { enum: ["c", "f"] } }, required: ["city", "unit"] } };
const time = { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } };

describe("reply", () => {
  test("text reply describes the conversation and echoes the user", () => {
    expect(planReply(summary())).toEqual({ kind: "text", text: "[openai:gpt-4o] system=1 messages=3 tools=0 images=1 tool_results=1 | hello there" });
  });

  test("tools: first tool, forced tool, none, after a tool result", () => {
    expect(planReply(summary({ tools: [weather, time] }))).toEqual({ kind: "tool_calls", calls: [{ name: "get_weather", arguments: '{"city":"x","unit":"c"}' }] });
    expect(planReply(summary({ tools: [weather, time], toolChoice: { name: "get_time" } }))).toEqual({ kind: "tool_calls", calls: [{ name: "get_time", arguments: "{}" }] });
    expect(planReply(summary({ tools: [weather, time], toolChoice: "none" })).kind).toBe("text");
    expect(planReply(summary({ tools: [weather, time], lastIsUser: false })).kind).toBe("text");
  });

  test("parallel calls only when allowed and asked", () => {
    const s = summary({ tools: [weather, time], lastUserText: "do both in parallel" });
    expect(planReply(s)).toMatchObject({ kind: "tool_calls", calls: [{ name: "get_weather" }, { name: "get_time" }] });
    expect(planReply({ ...s, parallelToolCalls: false })).toMatchObject({ calls: [{ name: "get_weather" }] });
    expect(planReply({ ...s, tools: [weather] })).toMatchObject({ calls: [{ name: "get_weather" }] });
  });

  test("structured output", () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" }, n: { type: "integer", minimum: 3 } }, required: ["ok", "n"] };
    expect(planReply(summary({ output: { kind: "json_schema", schema } }))).toEqual({ kind: "text", text: '{"ok":false,"n":3}' });
    const obj = planReply(summary({ output: { kind: "json_object" } }));
    expect(obj.kind === "text" && JSON.parse(obj.text).reply).toContain("[openai:gpt-4o]");
  });
});

describe("minimalJson", () => {
  test("types, enums, const, refs, unions, arrays", () => {
    expect(minimalJson({ type: "string", minLength: 3 })).toBe("xxx");
    expect(minimalJson({ type: "string", format: "date" })).toBe("2024-01-01");
    expect(minimalJson({ type: ["null", "number"], exclusiveMinimum: 1 })).toBe(1.5);
    expect(minimalJson({ const: 7 })).toBe(7);
    expect(minimalJson({ anyOf: [{ type: "boolean" }, { type: "string" }] })).toBe(false);
    expect(minimalJson({ type: "array", minItems: 2, items: { type: "integer" } })).toEqual([0, 0]);
    const withRef = { type: "object", properties: { a: { $ref: "#/$defs/A" } }, required: ["a"], $defs: { A: { type: "object", properties: { b: { enum: ["q"] } }, required: ["b"] } } };
    expect(minimalJson(withRef)).toEqual({ a: { b: "q" } });
    expect(minimalJson({ allOf: [{ type: "object", properties: { a: { type: "null" } }, required: ["a"] }, { properties: { b: { type: "number" } }, required: ["b"] }] })).toEqual({ a: null, b: 0 });
  });

  test("recursive refs stop", () => {
    const schema = { $ref: "#", type: "object" };
    expect(() => minimalJson(schema)).not.toThrow();
  });

  test("arguments are always an object", () => {
    expect(minimalArguments({ type: "string" })).toBe("{}");
    expect(minimalArguments({})).toBe("{}");
  });
});

describe("tokens", () => {
  test("input and output counts", () => {
    // 20 characters → 5, four messages (system included) → 16.
    expect(countInputTokens(summary())).toBe(21);
    const s = summary();
    const reply = planReply(s);
    expect(mockUsage(s, reply)).toEqual({ input: 21, output: Math.ceil((reply.kind === "text" ? reply.text.length : 0) / 4), total: 21 + Math.ceil((reply.kind === "text" ? reply.text.length : 0) / 4) });
  });
});

describe("chunks", () => {
  test("text in three-word pieces that concatenate back", () => {
    const text = "[p:m] one two three four five six seven";
    const pieces = textPieces(text);
    expect(pieces).toEqual(["[p:m] one two", " three four five", " six seven"]);
    expect(pieces.join("")).toBe(text);
    expect(textPieces("  lead  and trail  ").join("")).toBe("  lead  and trail  ");
    expect(textPieces("")).toEqual([""]);
  });

  test("arguments in 8-character pieces", () => {
    expect(argumentPieces('{"city":"x","unit":"c"}')).toEqual(['{"city":', '"x","uni', 't":"c"}']);
    expect(argumentPieces("")).toEqual([""]);
  });
});

describe("faults", () => {
  const ctl = (): MockControl => ({ faults: [], always: new Map(), requests: [] });

  test("markers", () => {
    expect(parseFaultMarkers("hi [[mock:status=429,retry_after=2]] [[mock:timeout,provider=openai]] [[mock:bogus]] [[mock:latency=50,per_event=5]]")).toEqual([
      { kind: "status", status: 429, retryAfterSeconds: 2 },
      { kind: "timeout", provider: "openai" },
      { kind: "latency", ms: 50, perEventMs: 5 },
    ]);
    expect(parseFaultMarkers("[[mock:midstream=3]] [[mock:reset]] [[mock:context_length]] [[mock:content_filter]] [[mock:status=200]]")).toEqual([
      { kind: "midstream", afterEvents: 3 },
      { kind: "reset" },
      { kind: "context_length" },
      { kind: "content_filter" },
    ]);
  });

  test("queue first (consumed, scoped), then always, then markers", () => {
    const c = ctl();
    c.faults.push({ kind: "reset", provider: "anthropic" }, { kind: "timeout" });
    c.always.set("openai", { kind: "status", status: 500 });
    expect(selectFault(c, "openai", "[[mock:reset]]")).toEqual({ kind: "timeout" });
    expect(selectFault(c, "openai", "[[mock:reset]]")).toEqual({ kind: "status", status: 500 });
    expect(selectFault(c, "anthropic", "")).toEqual({ kind: "reset" });
    expect(c.faults).toEqual([]);
    expect(selectFault(c, "mistral", "[[mock:reset,provider=openai]] [[mock:status=503]]")).toEqual({ kind: "status", status: 503 });
    expect(selectFault(c, "mistral", "plain")).toBeUndefined();
  });
});

describe("embeddings", () => {
  test("deterministic unit vectors", () => {
    const a = embedText("hello", 8);
    expect(a).toHaveLength(8);
    expect(embedText("hello", 8)).toEqual(a);
    expect(embedText("hello!", 8)).not.toEqual(a);
    expect(Math.abs(a.reduce((n, x) => n + x * x, 0) - 1)).toBeLessThan(1e-5);
    const back = new Float32Array(new Uint8Array(Buffer.from(float32Base64(a), "base64")).buffer);
    expect([...back]).toEqual(a);
  });
});
