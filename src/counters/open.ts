/**
 * Opens the counter backend named by a URL: "memory" (the default, one
 * node) or "redis://host:port[/db]" (exact across gateway nodes).
 */
import type { CounterStore } from "./counter-store.ts";
import { MemoryCounterStore } from "./memory.ts";
import type { RedisCounterOptions } from "./redis.ts";

export async function openCounters(url = "memory", options: RedisCounterOptions = {}): Promise<CounterStore> {
  if (url === "memory") return new MemoryCounterStore();
  if (url.startsWith("redis://") || url.startsWith("rediss://")) {
    // The Redis client is loaded only when it is used: a single node never pays its memory.
    const { RedisCounterStore } = await import("./redis.ts");
    const store = new RedisCounterStore(url, options);
    try {
      await store.connect();
    } catch (err) {
      await store.close();
      throw new Error(`cannot reach the Redis counter store at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return store;
  }
  throw new Error(`unknown counter store URL "${redactUrl(url)}" (expected "memory" or redis://…)`);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
