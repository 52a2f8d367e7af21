/**
 * Redis counters: exact across gateway nodes, because each hit is one
 * EVALSHA of an atomic script (./redis-hit.lua.ts) on one sorted set per key,
 * and each add one atomic INCRBY with its expiry (./redis-add.lua.ts).
 * Keys carry a prefix and a hash tag ({key}) so a key's two Redis keys land
 * on one slot, and expire one second after their newest hit leaves the window.
 */
import Redis from "ioredis";
import { type CounterStore, type HitResult, checkAdd } from "./counter-store.ts";
import { ADD_SCRIPT } from "./redis-add.lua.ts";
import { HIT_SCRIPT } from "./redis-hit.lua.ts";

export interface RedisCounterOptions {
  /** Prepended to every Redis key (default "waygate:rl:"). */
  prefix?: string;
  /** A hit that takes longer fails rather than holding the request (default 1000 ms). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: new Bun.CryptoHasher("sha1").update(source).digest("hex") };
}

const HIT = script(HIT_SCRIPT);
const ADD = script(ADD_SCRIPT);

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
    const reply = await this.run(HIT, 2, [`${base}:l`, `${base}:m`, String(windowMs), String(limit), String(cost)]);
    return parseReply(reply, limit);
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    checkAdd(amount, ttlMs);
    const reply = await this.run(ADD, 1, [this.totalKey(key), String(amount), String(Math.ceil(ttlMs))]);
    return parseTotal(reply);
  }

  async get(key: string): Promise<number> {
    return parseTotal((await this.redis.get(this.totalKey(key))) ?? "0");
  }

  private totalKey(key: string): string {
    return `${this.prefix}{${key}}:t`;
  }

  /** EVALSHA, loading the script on the first NOSCRIPT (after a Redis restart or on a fresh server). */
  private async run(s: Script, keys: number, args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes("NOSCRIPT")) throw err;
      return await this.redis.eval(s.source, keys, ...args);
    }
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

function parseTotal(reply: unknown): number {
  const total = typeof reply === "string" || typeof reply === "number" ? Number(reply) : Number.NaN;
  if (!Number.isSafeInteger(total)) throw new Error(`unexpected total from Redis: ${String(reply)}`);
  return total;
}

function parseReply(reply: unknown, limit: number): HitResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error("unexpected reply from the Redis rate-limit script");
  const [allowed, count, resetMs, retryAfterMs] = reply.map((v) => Number(v)) as [number, number, number, number];
  return { allowed: allowed === 1, count, remaining: Math.max(0, limit - count), resetMs, retryAfterMs };
}
