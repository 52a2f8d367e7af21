import { beforeEach, describe, expect, test } from "bun:test";
import { CohereClientV2, CohereError } from "cohere-ai";
import { embedText } from "../../src/mock/common/embedding.ts";
import { useMockProviders, weatherTool } from "./helpers.ts";

const mock = useMockProviders();
const client = new CohereClientV2({ token: "co-key", environment: `${mock.url}/cohere` });

beforeEach(() => {
  mock.control.faults.length = 0;
});

describe("simulated Cohere v2", () => {
  test("chat", async () => {
    const res = await client.chat({ model: "command-a-03-2025", messages: [{ role: "system", content: "s" }, { role: "user", content: "hey" }] });
    const text = "[cohere:command-a-03-2025] system=1 messages=1 tools=0 images=0 tool_results=0 | hey";
    expect(res.message.content?.[0]).toEqual({ type: "text", text });
    expect(res.finishReason).toBe("COMPLETE");
    expect(res.usage?.billedUnits?.outputTokens).toBe(Math.ceil(text.length / 4));
    expect(res.usage?.tokens?.inputTokens).toBe(Math.ceil(4 / 4) + 8);
  });

  test("tool calls with a plan", async () => {
    const res = await client.chat({ model: "command-a-03-2025", messages: [{ role: "user", content: "w" }], tools: [weatherTool] });
    expect(res.finishReason).toBe("TOOL_CALL");
    expect(res.message.toolPlan).toContain("get_weather");
    const call = res.message.toolCalls?.[0];
    expect(call?.function?.name).toBe("get_weather");
    expect(JSON.parse(call?.function?.arguments ?? "")).toEqual({ city: "x", unit: "celsius" });
  });

  test("chatStream text events", async () => {
    const stream = await client.chatStream({ model: "command-a-03-2025", messages: [{ role: "user", content: "one two three four" }] });
    const types: string[] = [];
    let text = "";
    let finish: string | undefined;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "content-delta") text += e.delta?.message?.content?.text ?? "";
      if (e.type === "message-end") finish = e.delta?.finishReason;
    }
    expect(types[0]).toBe("message-start");
    expect(types[1]).toBe("content-start");
    expect(types.slice(-2)).toEqual(["content-end", "message-end"]);
    expect(text).toBe("[cohere:command-a-03-2025] system=0 messages=1 tools=0 images=0 tool_results=0 | one two three four");
    expect(finish).toBe("COMPLETE");
  });

  test("chatStream tool events", async () => {
    const stream = await client.chatStream({ model: "c", messages: [{ role: "user", content: "w" }], tools: [weatherTool] });
    let args = "";
    const types = new Set<string>();
    let usage: unknown;
    for await (const e of stream) {
      types.add(e.type);
      if (e.type === "tool-call-delta") args += e.delta?.message?.toolCalls?.function?.arguments ?? "";
      if (e.type === "message-end") usage = e.delta?.usage;
    }
    expect([...types]).toEqual(["message-start", "tool-plan-delta", "tool-call-start", "tool-call-delta", "tool-call-end", "message-end"]);
    expect(JSON.parse(args)).toEqual({ city: "x", unit: "celsius" });
    expect(usage).toMatchObject({ billedUnits: { inputTokens: 5 }, tokens: { inputTokens: 5 } });
  });

  test("max tokens", async () => {
    const res = await client.chat({ model: "c", messages: [{ role: "user", content: "x" }], maxTokens: 2 });
    expect(res.finishReason).toBe("MAX_TOKENS");
  });

  test("embed", async () => {
    const res = await client.embed({ model: "embed-v4.0", texts: ["a", "b"], inputType: "search_document", embeddingTypes: ["float"], outputDimension: 256 });
    expect(res.embeddings.float?.[1]).toEqual(embedText("b", 256));
    expect(res.meta?.billedUnits?.inputTokens).toBe(2);
  });

  test("errors", async () => {
    mock.control.faults.push({ kind: "status", status: 429, retryAfterSeconds: 1 });
    const e = await client.chat({ model: "c", messages: [{ role: "user", content: "x" }] }, { maxRetries: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CohereError);
    expect(e).toMatchObject({ statusCode: 429 });
    const bad = new CohereClientV2({ token: "invalid", environment: `${mock.url}/cohere` });
    expect(await bad.chat({ model: "c", messages: [{ role: "user", content: "x" }] }, { maxRetries: 0 }).catch((x: unknown) => x)).toMatchObject({ statusCode: 401 });
  });
});
