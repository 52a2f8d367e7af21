/**
 * Redis counters: exact across gateway nodes, because each hit is one
 * EVALSHA of an atomic script (./redis-hit.lua.ts) on one sorted set per key.
 * Keys carry a prefix and a hash tag ({key}) so a key's two Redis keys land
 * on one slot, and expire one second after their newest hit leaves the window.
 */
import Redis from "ioredis";
import type { CounterStore, HitResult } from "./counter-store.ts";
import { HIT_SCRIPT } from "./redis-hit.lua.ts";

export interface RedisCounterOptions {
  /** Prepended to every Redis key (default "waygate:rl:"). */
  prefix?: string;
  /** A hit that takes longer fails rather than holding the request (default 1000 ms). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const SHA = new Bun.CryptoHasher("sha1").update(HIT_SCRIPT).digest("hex");

export class RedisCounterStore implements CounterStore {
  readonly backend = "redis";
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(url: string, options: RedisCounterOptions = {}) {
    this.prefix = options.prefix ?? "waygate:rl:";
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: options.connectTimeoutMs ?? 2000,
    });
    // Connection errors surface as failed hits; without a listener ioredis would also print each one.
    this.redis.on("error", () => undefined);
  }

  /** Connects and checks Redis answers; rejects when it does not. */
  async connect(): Promise<void> {
    await this.redis.connect();
    await this.redis.ping();
  }

  async hit(key: string, windowMs: number, limit: number, cost = 1): Promise<HitResult> {
    const base = `${this.prefix}{${key}}`;
    const args = [`${base}:l`, `${base}:m`, String(windowMs), String(limit), String(cost)];
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(SHA, 2, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes("NOSCRIPT")) throw err;
      reply = await this.redis.eval(HIT_SCRIPT, 2, ...args);
    }
    return parseReply(reply, limit);
  }

  async close(): Promise<void> {
    if (this.redis.status === "end") return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

function parseReply(reply: unknown, limit: number): HitResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error("unexpected reply from the Redis rate-limit script");
  const [allowed, count, resetMs, retryAfterMs] = reply.map((v) => Number(v)) as [number, number, number, number];
  return { allowed: allowed === 1, count, remaining: Math.max(0, limit - count), resetMs, retryAfterMs };
}
