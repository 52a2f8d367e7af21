/**
 * token_limit through a real gateway in front of the provider simulator, on
 * in-process and on Redis counters: refusals after exhaustion in the
 * OpenAI and Anthropic error formats, the reset at the calendar boundary
 * (a fake wall clock), per-application against per-team counting, and
 * streamed chats and embeddings counted like plain chats.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type QuotaFixture, chatUsage, counterBackends, startQuotaFixture, streamUsage } from "./quota-fixture.ts";

// 40 s before the minute ends.
const START = Date.UTC(2026, 10, 22, 10, 15, 20);

for (const backend of await counterBackends()) {
  describe(`token_limit end to end (${backend.name} counters)`, () => {
    let q: QuotaFixture;

    beforeAll(async () => {
      q = await startQuotaFixture(backend, START);
    });
    afterAll(async () => {
      await q.stop();
    });

    test("a per-application minute quota admits calls until used up, then refuses; the next minute starts afresh", async () => {
      const { a1, a2 } = q.tenants;
      const policy = await q.policy("token_limit", { limit: 60, window: "minute", key: "application" });
      try {
        let used = 0;
        let last = 0;
        let refused: Response | undefined;
        for (let i = 0; i < 20 && !refused; i++) {
          const res = await q.chat(a1.key);
          if (res.status === 429) {
            refused = res;
            break;
          }
          expect(res.headers.get("x-ratelimit-limit-tokens")).toBe("60");
          expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe(String(Math.max(0, 60 - used)));
          expect(res.headers.get("x-ratelimit-reset-tokens")).toBe("40s");
          last = (await chatUsage(res)).total_tokens;
          used += last;
        }
        if (!refused) throw new Error("the quota never refused a call");
        // The last admitted call started under the limit and overshot it.
        expect(used).toBeGreaterThanOrEqual(60);
        expect(used - last).toBeLessThan(60);

        expect(refused.headers.get("retry-after")).toBe("40");
        expect(refused.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
        expect(refused.headers.get("x-ratelimit-reset-tokens")).toBe("40s");
        const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
        expect(body.error.code).toBe("token_quota_exceeded");
        expect(body.error.type).toBe("requests");
        expect(body.error.message).toContain(`60 tokens per minute is used up (${used} used)`);

        const anthropic = await q.messages(a1.key);
        expect(anthropic.status).toBe(429);
        expect(anthropic.headers.get("x-waygate-error-code")).toBe("token_quota_exceeded");
        expect(anthropic.headers.get("retry-after")).toBe("40");
        expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

        // Listing models uses no tokens and stays open.
        const models = await fetch(`${q.f.baseURL}/models`, { headers: { authorization: `Bearer ${a1.key}` } });
        expect(models.status).toBe(200);
        await models.body?.cancel();

        // Another application of the same team has a quota of its own.
        expect((await q.chat(a2.key)).status).toBe(200);

        q.clock.advance(39_999);
        expect((await q.chat(a1.key)).headers.get("retry-after")).toBe("1");
        q.clock.advance(1);
        const fresh = await q.chat(a1.key);
        expect(fresh.status).toBe(200);
        expect(fresh.headers.get("x-ratelimit-remaining-tokens")).toBe("60");
        expect(fresh.headers.get("x-ratelimit-reset-tokens")).toBe("60s");
        await fresh.body?.cancel();
      } finally {
        await policy.remove();
      }
    });

    test("a per-team quota is shared by the team's applications and not by another team", async () => {
      const { a1, a2, b1 } = q.tenants;
      const policy = await q.policy("token_limit", { limit: 80, window: "day", key: "team" });
      try {
        let used = 0;
        for (let i = 0; i < 20 && used < 80; i++) used += (await chatUsage(await q.chat(i % 2 === 0 ? a1.key : a2.key))).total_tokens;
        expect(used).toBeGreaterThanOrEqual(80);
        for (const key of [a1.key, a2.key]) {
          const res = await q.chat(key);
          expect(res.status).toBe(429);
          expect(((await res.json()) as { error: { message: string } }).error.message).toContain("per day");
        }
        expect((await q.chat(b1.key)).status).toBe(200);
      } finally {
        await policy.remove();
      }
    });

    test("streamed chats, Anthropic messages and embeddings are counted, by the configured side", async () => {
      const { b1 } = q.tenants;
      const policy = await q.policy("token_limit", { limit: 100_000, window: "hour", key: "application", tokens: "input" });
      try {
        const first = await q.chat(b1.key, { stream: true, content: "count this streamed prompt please" });
        expect(first.headers.get("x-ratelimit-remaining-tokens")).toBe("100000");
        const streamed = await streamUsage(first);
        expect(streamed.prompt_tokens).toBeGreaterThan(0);

        const second = await q.messages(b1.key, { content: "and this one too" });
        expect(second.headers.get("x-ratelimit-remaining-tokens")).toBe(String(100_000 - streamed.prompt_tokens));
        const anthropicInput = ((await second.json()) as { usage: { input_tokens: number } }).usage.input_tokens;

        const third = await q.embeddings(b1.key, "embed these words for the quota");
        expect(third.status).toBe(200);
        expect(third.headers.get("x-ratelimit-remaining-tokens")).toBe(String(100_000 - streamed.prompt_tokens - anthropicInput));
        const embedded = ((await third.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
        expect(embedded).toBeGreaterThan(0);

        const fourth = await q.chat(b1.key);
        expect(fourth.headers.get("x-ratelimit-remaining-tokens")).toBe(String(100_000 - streamed.prompt_tokens - anthropicInput - embedded));
        await fourth.body?.cancel();
      } finally {
        await policy.remove();
      }
    });

    test("a used-up quota refuses a streamed call before it starts", async () => {
      const { a2 } = q.tenants;
      const policy = await q.policy("token_limit", { limit: 1, window: "month", key: "credential" });
      try {
        await streamUsage(await q.chat(a2.key, { stream: true }));
        const refused = await q.chat(a2.key, { stream: true });
        expect(refused.status).toBe(429);
        expect(refused.headers.get("content-type")).toContain("application/json");
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("token_quota_exceeded");
        const records = await q.f.g.records();
        expect(records.at(-1)).toMatchObject({ status: 429, error_code: "token_quota_exceeded" });
      } finally {
        await policy.remove();
      }
    });
  });
}
