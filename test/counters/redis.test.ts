import { describe, expect, test } from "bun:test";
import { openCounters } from "../../src/counters/open.ts";
import { redisBackend, redisReachable, redisUnreachableMessage, warnRedisMissing } from "./backends.ts";
import { runCounterSuite } from "./counter-store.case.ts";

if (await redisReachable()) {
  runCounterSuite(redisBackend);

  describe("redis counter store", () => {
    test("keys expire once their window has passed", async () => {
      const db = await redisBackend.fresh();
      try {
        await db.store.hit("ttl", 200, 5);
        expect((await db.store.hit("ttl", 200, 5)).count).toBe(2);
        await Bun.sleep(250);
        expect(await db.store.hit("ttl", 200, 5)).toMatchObject({ allowed: true, count: 1 });
      } finally {
        await db.dispose();
      }
    });
  });
} else if (process.env.CI === "true") {
  test("Redis is reachable (required under CI)", () => {
    throw new Error(`${redisUnreachableMessage()}; CI must run the Redis counter suite`);
  });
} else {
  warnRedisMissing();
}

describe("openCounters (redis)", () => {
  test("fails fast with a clear message when Redis is unreachable", async () => {
    await expect(openCounters("redis://127.0.0.1:1", { connectTimeoutMs: 500 })).rejects.toThrow(/cannot reach the Redis counter store/);
  });
});
