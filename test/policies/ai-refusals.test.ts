/**
 * Refusals made by the gateway itself (authentication, subscription, a rate
 * limit) on an AI service come in the error format of the endpoint called,
 * so SDK clients surface them as they would a provider's, and carry the
 * policies' response headers (RateLimit-* on a 429).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { memoryBackend } from "../counters/backends.ts";
import { type QuotaFixture, startQuotaFixture } from "./quota-fixture.ts";

describe("gateway refusals on an AI service", () => {
  let q: QuotaFixture;

  beforeAll(async () => {
    q = await startQuotaFixture(memoryBackend, Date.UTC(2026, 10, 22, 10, 15, 20));
  });
  afterAll(async () => {
    await q.stop();
  });

  test("a wrong key: OpenAI's error object on /chat/completions, Anthropic's on /messages", async () => {
    const chat = await q.chat("wg_not-a-real-key");
    expect(chat.status).toBe(401);
    const openai = (await chat.json()) as { error: { code: string; type: string; message: string } };
    expect(openai.error.code).toBe("invalid_credential");
    expect(typeof openai.error.message).toBe("string");
    expect(chat.headers.get("x-request-id")).toBeTruthy();

    const messages = await q.messages("wg_not-a-real-key");
    expect(messages.status).toBe(401);
    const anthropic = (await messages.json()) as { type: string; error: { type: string; message: string } };
    expect(anthropic.type).toBe("error");
    expect(typeof anthropic.error.type).toBe("string");
    expect(anthropic.error.message).toContain("not valid");
  });

  test("a rate-limit refusal is a 429 in the endpoint's format with Retry-After and RateLimit-* headers", async () => {
    const policy = await q.policy("rate_limit", { limit: 1, window: "minute", key: "application" });
    try {
      const first = await q.chat(q.tenants.a1.key);
      expect(first.status).toBe(200);
      expect(first.headers.get("ratelimit-remaining")).toBe("0");
      const refused = await q.messages(q.tenants.a1.key);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("ratelimit-limit")).toBe("1");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      const body = (await refused.json()) as { type: string; error: { type: string } };
      expect(body.type).toBe("error");
      expect(body.error.type).toBe("rate_limit_error");
    } finally {
      await policy.remove();
    }
  });
});
