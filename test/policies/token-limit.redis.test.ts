/**
 * One token limit on two gateway nodes sharing one Redis: tokens counted on
 * either node add up exactly, and once the window is used up both refuse.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import { kind } from "../../src/policies/token-limit/index.ts";
import type { CompiledRoute } from "../../src/snapshot/snapshot.ts";
import { redisBackend, redisReachable, redisUnreachableMessage, warnRedisMissing } from "../counters/backends.ts";
import { NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

function aiCall() {
  const ctx = fakeContext({ method: "POST", url: "http://gw.test/v1/chat/completions" });
  ctx.applicationId = "a1";
  ctx.route = { service: { service: { kind: "ai" } } } as unknown as CompiledRoute;
  return ctx;
}

if (await redisReachable()) {
  describe("token_limit over Redis", () => {
    test("tokens counted on two nodes add up exactly, and both refuse once the window is used up", async () => {
      const db = await redisBackend.fresh();
      try {
        const other = await db.twin();
        if (!other) throw new Error("the Redis backend gives a second store");
        const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 30));
        const config = kind.schema.parse({ limit: 5000, window: "hour", key: "application" });
        const nodes = [db.store, other].map((counters) => kind.build(config, { id: "tl-shared", name: "shared", scope: "global", services: { counters, clock } }));
        const ctxs = Array.from({ length: 300 }, aiCall);
        await Promise.all(ctxs.map((ctx, i) => nodes[i % 2]?.onRequest?.(ctx, NO_SNAPSHOT)));
        ctxs.forEach((ctx, i) => nodes[i % 2]?.ai?.consumed?.(ctx, { provider: "oa", model: "m", usage: { inputTokens: 4, outputTokens: 3 }, costUsd: null }));

        // 300 × 7 = 2100 tokens, whichever node counted them.
        const remaining = async (node: number) => {
          const ctx = aiCall();
          const verdict = await nodes[node]?.onRequest?.(ctx, NO_SNAPSHOT);
          const headers = verdict instanceof Response ? verdict.headers : new Headers();
          if (!(verdict instanceof Response)) nodes[node]?.onResponse?.(ctx, headers);
          return { status: verdict instanceof Response ? verdict.status : 200, remaining: headers.get("x-ratelimit-remaining-tokens") };
        };
        const deadline = Date.now() + 3000;
        while ((await remaining(0)).remaining !== "2900" && Date.now() < deadline) await Bun.sleep(10);
        expect(await remaining(0)).toEqual({ status: 200, remaining: "2900" });
        expect(await remaining(1)).toEqual({ status: 200, remaining: "2900" });

        const last = aiCall();
        await nodes[1]?.onRequest?.(last, NO_SNAPSHOT);
        nodes[1]?.ai?.consumed?.(last, { provider: "oa", model: "m", usage: { inputTokens: 2900, outputTokens: 0 }, costUsd: null });
        while ((await remaining(0)).status !== 429 && Date.now() < deadline) await Bun.sleep(10);
        expect(await remaining(0)).toEqual({ status: 429, remaining: "0" });
        expect(await remaining(1)).toEqual({ status: 429, remaining: "0" });
      } finally {
        await db.dispose();
      }
    });
  });
} else if (process.env.CI === "true") {
  test("Redis is reachable (required under CI)", () => {
    throw new Error(`${redisUnreachableMessage()}; CI must run the Redis token-limit tests`);
  });
} else {
  warnRedisMissing();
}
