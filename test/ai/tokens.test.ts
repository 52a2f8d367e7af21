import { expect, test } from "bun:test";
import { estimateChatTokens, estimateTextTokens } from "../../src/ai/tokens.ts";
import type { ChatRequest } from "../../src/ai/types.ts";

const text = (t: string) => [{ type: "text" as const, text: t }];

function chat(messages: ChatRequest["messages"], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "gpt-4o", messages, stream: false, ...extra };
}

test("text counts match the o200k encoding", () => {
  expect(estimateTextTokens("")).toBe(0);
  expect(estimateTextTokens("The quick brown fox jumps over the lazy dog.")).toBe(10);
  expect(estimateTextTokens("hello world")).toBe(2);
  // Control-token lookalikes in user text are text, not an error.
  expect(estimateTextTokens("<|endoftext|>")).toBeGreaterThan(1);
});

test("a one-message chat is counted the way OpenAI bills it", () => {
  // 3 per message + 1 for the role + 2 for "Hello!" + 3 for the reply primer.
  expect(estimateChatTokens(chat([{ role: "user", content: text("Hello!") }]))).toBe(9);
});

test("a conversation lands within a sane range of its known size", () => {
  const messages: ChatRequest["messages"] = [
    { role: "system", content: text("You are a helpful, pattern-following assistant that translates corporate jargon into plain English.") },
    { role: "user", content: text("New synergies will help drive top-line growth."), name: "example_user" },
    { role: "assistant", content: text("Things working well together will increase revenue.") },
    { role: "user", content: text("Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.") },
    { role: "assistant", content: text("Let's talk later when we're less busy about how to do better.") },
    { role: "user", content: text("This late pivot means we don't have time to boil the ocean for the client deliverable.") },
  ];
  // OpenAI's cookbook counts this conversation (plus a name on a system message) at 129 tokens with cl100k; o200k is a little denser.
  const n = estimateChatTokens(chat(messages));
  expect(n).toBeGreaterThan(95);
  expect(n).toBeLessThan(135);
});

test("tool definitions, tool calls and images add tokens", () => {
  const base = chat([{ role: "user", content: text("What is the weather in Paris?") }]);
  const tools: ChatRequest["tools"] = [
    {
      name: "get_weather",
      description: "Get the current weather for a city",
      parameters: { type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"] },
    },
  ];
  const withTools = estimateChatTokens({ ...base, tools });
  expect(withTools - estimateChatTokens(base)).toBeGreaterThan(25);
  expect(withTools - estimateChatTokens(base)).toBeLessThan(80);

  const call = chat([
    ...base.messages,
    { role: "assistant", content: [], toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
    { role: "tool", toolCallId: "call_1", content: text('{"temperature_c":18,"sky":"cloudy"}') },
  ]);
  expect(estimateChatTokens(call)).toBeGreaterThan(estimateChatTokens(base) + 20);

  const image = (detail?: "low" | "high") =>
    estimateChatTokens(chat([{ role: "user", content: [{ type: "image", source: { kind: "url", url: "https://example.com/a.png" }, ...(detail ? { detail } : {}) }] }]));
  expect(image("low")).toBeLessThan(image("high"));
  expect(image("low")).toBeGreaterThanOrEqual(85);
});

test("the count grows linearly with the prompt", () => {
  const paragraph = "Waygate routes each request to a provider and carries the whole conversation when it falls back. ";
  const small = estimateChatTokens(chat([{ role: "user", content: text(paragraph.repeat(100)) }]));
  const large = estimateChatTokens(chat([{ role: "user", content: text(paragraph.repeat(1000)) }]));
  expect(large / small).toBeGreaterThan(9);
  expect(large / small).toBeLessThan(11);
});

// Quadratic merging would take minutes here and hit the test timeout; sliced counting takes milliseconds.
test("long runs without spaces are counted without quadratic blow-up", () => {
  const run = "x9Qz".repeat(64_000); // 256 K characters, one pre-token
  const n = estimateTextTokens(run);
  expect(n).toBeGreaterThan(run.length / 16);
  expect(n).toBeLessThan(run.length);
});
