/**
 * data_masking on AI traffic, end to end with the official SDKs against the
 * provider simulator: prompts are masked as the provider receives them, and
 * answers — whole or streamed, with the secret split across stream chunks —
 * are masked before the client sees them, in both client dialects.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type AiFixture, parseMockReply, startAiFixture } from "../ai/e2e/fixture.ts";

const EMAIL = "ann.lee@example.com";
const CARD = "4111 1111 1111 1111";
const KEY = "sk-proj-abc123DEF456ghi789JKL0mnoPQR";
const R = (type: string) => `[REDACTED:${type}]`;
// Echoed after the simulator's 7-word prefix, which it streams in 3-word pieces: the card number lands in two pieces.
const PROMPT = `my card is ${CARD} and mail ${EMAIL} key ${KEY}`;
const MASKED = `my card is ${R("credit_card")} and mail ${R("email")} key ${R("api_key")}`;

let f: AiFixture;
/** Clients per application: `plain` has no policy, `inbound` masks prompts, `outbound` masks answers. */
const openai: Record<string, OpenAI> = {};
const anthropic: Record<string, Anthropic> = {};

beforeAll(async () => {
  f = await startAiFixture();
  const svc = await f.g.store.getByName("services", "ai");
  const apps: Record<string, string> = { plain: f.appKey };
  for (const [name, applyTo] of [
    ["inbound", ["request"]],
    ["outbound", ["response"]],
  ] as const) {
    const app = await f.g.create("applications", { name });
    apps[name] = (await f.g.apiKey(app.id)).key;
    await f.g.create("subscriptions", { application_id: app.id, service_id: svc!.id });
    await f.g.create("policies", { name: `mask-${name}`, kind: "data_masking", scope: "application", application_id: app.id, config: { apply_to: applyTo } });
  }
  await f.g.synced();
  for (const [name, key] of Object.entries(apps)) {
    openai[name] = new OpenAI({ baseURL: f.baseURL, apiKey: key, maxRetries: 0 });
    anthropic[name] = new Anthropic({ baseURL: f.g.url, apiKey: key, maxRetries: 0 });
  }
});
afterAll(() => f.stop());

const lastProviderBody = () => JSON.stringify(f.mock.control.requests.at(-1)?.body);

async function openaiStream(client: OpenAI, model: string, content: string): Promise<string[]> {
  const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content }] });
  const deltas: string[] = [];
  for await (const chunk of stream) {
    const d = chunk.choices[0]?.delta.content;
    if (d) deltas.push(d);
  }
  return deltas;
}

describe("data_masking: prompts", () => {
  test("OpenAI dialect: every role's text is masked as the provider receives it", async () => {
    const res = await openai.inbound!.chat.completions.create({
      model: "oa/gpt-4o-mini",
      messages: [
        { role: "system", content: `Support for ${EMAIL}.` },
        { role: "user", content: [{ type: "text", text: `first ${CARD}` }] },
        { role: "assistant", content: `noted ${EMAIL}` },
        { role: "user", content: PROMPT },
      ],
    });
    const body = lastProviderBody();
    expect(body).not.toContain(EMAIL);
    expect(body).not.toContain(CARD);
    expect(body).not.toContain(KEY);
    expect(body).toContain(`Support for ${R("email")}.`);
    expect(body).toContain(`first ${R("credit_card")}`);
    expect(body).toContain(`noted ${R("email")}`);
    expect(parseMockReply(res.choices[0]!.message.content!).echo).toBe(MASKED);
  });

  test("tool results and tool-call arguments in the history are masked", async () => {
    await openai.inbound!.chat.completions.create({
      model: "an/claude-sonnet-4-5",
      messages: [
        { role: "user", content: "look up the customer" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: JSON.stringify({ email: EMAIL }) } }] },
        { role: "tool", tool_call_id: "call_1", content: `found: ${EMAIL}, card ${CARD}` },
        { role: "user", content: "thanks" },
      ],
    });
    const body = lastProviderBody();
    expect(f.mock.control.requests.at(-1)?.provider).toBe("anthropic");
    expect(body).not.toContain(EMAIL);
    expect(body).not.toContain("4111");
    expect(body).toContain(R("email"));
  });

  test("Anthropic dialect: system and messages are masked", async () => {
    const res = await anthropic.inbound!.messages.create({ model: "oa/gpt-4o-mini", max_tokens: 200, system: `agent for ${EMAIL}`, messages: [{ role: "user", content: PROMPT }] });
    const body = lastProviderBody();
    expect(body).not.toContain(EMAIL);
    expect(body).not.toContain(KEY);
    const text = res.content.find((b) => b.type === "text");
    expect(text?.type === "text" && parseMockReply(text.text).echo).toBe(MASKED);
  });

  test("prompt masking leaves answers alone (a policy for requests only)", async () => {
    // The prompt carries no secret; the answer quotes what the provider saw.
    const res = await openai.inbound!.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] });
    expect(parseMockReply(res.choices[0]!.message.content!).echo).toBe("hello there");
  });
});

describe("data_masking: answers", () => {
  test("without the policy the simulator streams the card number split across chunks (the setup the next tests rely on)", async () => {
    const deltas = await openaiStream(openai.plain!, "oa/gpt-4o-mini", PROMPT);
    expect(deltas.join("")).toContain(CARD);
    expect(deltas.some((d) => d.includes(CARD))).toBe(false);
    expect(deltas.some((d) => d.includes("4111"))).toBe(true);
  });

  test("a whole answer is masked (the provider saw the raw prompt)", async () => {
    const res = await openai.outbound!.chat.completions.create({ model: "oa/gpt-4o-mini", messages: [{ role: "user", content: PROMPT }] });
    expect(lastProviderBody()).toContain(EMAIL);
    expect(parseMockReply(res.choices[0]!.message.content!).echo).toBe(MASKED);
  });

  test("OpenAI dialect, streamed: a secret split across chunks is masked", async () => {
    for (const model of ["oa/gpt-4o-mini", "an/claude-sonnet-4-5", "gm/gemini-2.5-flash"]) {
      const deltas = await openaiStream(openai.outbound!, model, PROMPT);
      const text = deltas.join("");
      expect(text).not.toContain("4111");
      expect(text).not.toContain(EMAIL);
      expect(parseMockReply(text).echo).toBe(MASKED);
      // Held text goes out in pieces, not all at the end.
      expect(deltas.length).toBeGreaterThan(1);
    }
  });

  test("Anthropic dialect, streamed and whole", async () => {
    const stream = anthropic.outbound!.messages.stream({ model: "an/claude-sonnet-4-5", max_tokens: 300, messages: [{ role: "user", content: PROMPT }] });
    let streamed = "";
    stream.on("text", (t) => {
      streamed += t;
    });
    const final = await stream.finalMessage();
    expect(parseMockReply(streamed).echo).toBe(MASKED);
    const block = final.content.find((b) => b.type === "text");
    expect(block?.type === "text" && block.text).toBe(streamed);
    expect(final.stop_reason).toBe("end_turn");

    const whole = await anthropic.outbound!.messages.create({ model: "oa/gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: PROMPT }] });
    const text = whole.content.find((b) => b.type === "text");
    expect(text?.type === "text" && parseMockReply(text.text).echo).toBe(MASKED);
  });

  test("Responses API, streamed and whole", async () => {
    const stream = openai.outbound!.responses.stream({ model: "oa/gpt-4o-mini", input: PROMPT });
    let streamed = "";
    stream.on("response.output_text.delta", (e) => {
      streamed += e.delta;
    });
    const final = await stream.finalResponse();
    expect(parseMockReply(streamed).echo).toBe(MASKED);
    expect(final.output_text).toBe(streamed);
    const whole = await openai.outbound!.responses.create({ model: "an/claude-sonnet-4-5", input: PROMPT });
    expect(parseMockReply(whole.output_text).echo).toBe(MASKED);
  });
});
