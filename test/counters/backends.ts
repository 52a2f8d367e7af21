/**
 * The counter backends the shared suite runs over. Each fresh() Redis store
 * gets a key prefix of its own, so parallel runs never share counts; its
 * twin() is a second client on the same prefix, as another gateway node.
 */
import Redis from "ioredis";
import type { CounterStore } from "../../src/counters/counter-store.ts";
import { MemoryCounterStore } from "../../src/counters/memory.ts";
import { openCounters } from "../../src/counters/open.ts";
import { RedisCounterStore } from "../../src/counters/redis.ts";

export const REDIS_TEST_URL = process.env.WAYGATE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface CounterBackend {
  readonly name: "memory" | "redis";
  /** A store no other test shares. */
  fresh(): Promise<TestCounters>;
}

export interface TestCounters {
  readonly store: CounterStore;
  /** Another store over the same counts (another node), or undefined for in-process counters. */
  twin(): Promise<CounterStore | undefined>;
  dispose(): Promise<void>;
}

export const memoryBackend: CounterBackend = {
  name: "memory",
  async fresh() {
    const store = new MemoryCounterStore();
    return { store, twin: async () => undefined, dispose: () => store.close() };
  },
};

export const redisBackend: CounterBackend = {
  name: "redis",
  async fresh() {
    const prefix = `wgt:rl:${crypto.randomUUID().slice(0, 8)}:`;
    const stores: CounterStore[] = [];
    const open = async (): Promise<CounterStore> => {
      const store = await openCounters(REDIS_TEST_URL, { prefix });
      stores.push(store);
      return store;
    };
    const store = await open();
    if (!(store instanceof RedisCounterStore)) throw new Error("expected a Redis counter store");
    return {
      store,
      twin: open,
      async dispose() {
        await Promise.all(stores.map((s) => s.close()));
        await deleteKeys(prefix);
      },
    };
  },
};

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

let reachable: Promise<boolean> | null = null;

/** Whether the test Redis answers (checked once per process). */
export function redisReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  })();
  return reachable;
}

export function redisUnreachableMessage(): string {
  return `Redis at ${REDIS_TEST_URL} is unreachable`;
}

let warned = false;

/** Prints (once) the warning that the Redis counter tests are not running. */
export function warnRedisMissing(): void {
  if (warned) return;
  warned = true;
  const line = "!".repeat(78);
  console.warn(`\n${line}\n!!! ${redisUnreachableMessage()}: Redis counter tests are NOT running.\n!!! Start Redis at 127.0.0.1:6379 or set WAYGATE_TEST_REDIS_URL.\n${line}\n`);
}
