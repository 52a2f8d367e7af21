/**
 * One budget on two gateway nodes sharing one Redis: spending adds up to the
 * micro-dollar, and the soft and hard alerts are each raised exactly once
 * between the nodes, however the calls interleave.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import type { BudgetAlert } from "../../src/policies/budget/alert.ts";
import { kind } from "../../src/policies/budget/index.ts";
import type { CompiledRoute } from "../../src/snapshot/snapshot.ts";
import { redisBackend, redisReachable, redisUnreachableMessage, warnRedisMissing } from "../counters/backends.ts";
import { NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

if (await redisReachable()) {
  describe("budget over Redis", () => {
    test("two nodes count 400 concurrent calls exactly and alert once per level", async () => {
      const db = await redisBackend.fresh();
      try {
        const other = await db.twin();
        if (!other) throw new Error("the Redis backend gives a second store");
        const alerts: BudgetAlert[] = [];
        const clock = new FakeClock(Date.UTC(2026, 10, 22, 12));
        const config = kind.schema.parse({ limit_usd: 5, period: "month", key: "team", alert_at: 0.5, enforce: false });
        const nodes = [db.store, other].map((counters) =>
          kind.build(config, { id: "bg-shared", name: "shared", scope: "global", services: { counters, clock, budgetAlerts: { record: (a) => void alerts.push(a) } } }),
        );
        const ctxs = Array.from({ length: 400 }, () => {
          const ctx = fakeContext({ method: "POST", url: "http://gw.test/v1/chat/completions" });
          ctx.applicationId = "a1";
          ctx.applicationTeamId = "t1";
          ctx.route = { service: { service: { kind: "ai" } } } as unknown as CompiledRoute;
          return ctx;
        });
        await Promise.all(ctxs.map((ctx, i) => nodes[i % 2]?.onRequest?.(ctx, NO_SNAPSHOT)));
        // 400 × $0.0137 = $5.48: past the soft threshold ($2.50) and the limit ($5).
        ctxs.forEach((ctx, i) => nodes[i % 2]?.ai?.consumed?.(ctx, { provider: "oa", model: "m", usage: { inputTokens: 10, outputTokens: 10 }, costUsd: 0.0137 }));
        const deadline = Date.now() + 3000;
        while (alerts.length < 2 && Date.now() < deadline) await Bun.sleep(10);
        await Bun.sleep(50);
        expect(alerts.map((a) => a.level).sort()).toEqual(["hard", "soft"]);
        const ctx = fakeContext({ method: "POST", url: "http://gw.test/v1/chat/completions" });
        ctx.applicationId = "a2";
        ctx.applicationTeamId = "t1";
        await nodes[1]?.onRequest?.(ctx, NO_SNAPSHOT);
        const headers = new Headers();
        nodes[1]?.onResponse?.(ctx, headers);
        expect(headers.get("x-waygate-budget-remaining-usd")).toBe("0");
        expect(alerts.find((a) => a.level === "hard")?.spent_usd).toBeGreaterThanOrEqual(5);
        // The same policy with a raised limit reads the same total: exactly 400 × 13 700 micro-dollars.
        const raised = kind.build(kind.schema.parse({ limit_usd: 100, period: "month", key: "team" }), {
          id: "bg-shared",
          name: "shared",
          scope: "global",
          services: { counters: other, clock },
        });
        await raised.onRequest?.(ctx, NO_SNAPSHOT);
        const after = new Headers();
        raised.onResponse?.(ctx, after);
        expect(after.get("x-waygate-budget-remaining-usd")).toBe("94.52");
      } finally {
        await db.dispose();
      }
    });
  });
} else if (process.env.CI === "true") {
  test("Redis is reachable (required under CI)", () => {
    throw new Error(`${redisUnreachableMessage()}; CI must run the Redis budget tests`);
  });
} else {
  warnRedisMissing();
}
