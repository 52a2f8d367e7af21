/**
 * executePlan with real provider runtimes (credential pools on a fake clock)
 * and a scripted `send`: which failures move to the next key, which spend an
 * attempt, which fall back to the next target and which stop the route.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { type Provider, ProviderInput, type RouteNode } from "../../../src/config/ai-entities.ts";
import { FakeClock } from "../../../src/core/clock.ts";
import { executePlan, type ExecuteDeps, type SendAttempt } from "../../../src/ai/runtime/execute.ts";
import { ProviderRuntime } from "../../../src/ai/runtime/provider-runtime.ts";
import { type PlannedTarget, planRoute } from "../../../src/ai/runtime/route-plan.ts";
import type { ProviderError, ProviderErrorKind } from "../../../src/ai/types.ts";
import { TargetRegistry } from "../../../src/upstream/registry.ts";
import type { TargetRuntime } from "../../../src/upstream/target.ts";

let clock: FakeClock;
let registry: TargetRegistry;
let providers: Map<string, ProviderRuntime>;
/** What each provider answers next, in order; "ok" once the queue is empty. */
let script: Map<string, Array<ProviderError | "ok">>;
/** `provider/key` of every send, in order. */
let calls: string[];
let windows: Record<string, number>;
let latencies: Array<[string, string, number]>;

beforeEach(() => {
  clock = new FakeClock();
  registry = new TargetRegistry();
  providers = new Map();
  script = new Map();
  calls = [];
  windows = {};
  latencies = [];
});

function addProvider(name: string, keys: string[], over: Record<string, unknown> = {}): ProviderRuntime {
  const parsed = ProviderInput.parse({ name, kind: "openai", keys: keys.map((k) => ({ name: k })), ...over });
  const p: Provider = { ...parsed, keys: parsed.keys.map(({ secret: _s, session_token: _t, ...rest }) => rest), id: name, created_at: "", updated_at: "" };
  const rt = new ProviderRuntime(p, registry, clock, undefined);
  providers.set(name, rt);
  return rt;
}

const deps: ExecuteDeps = {
  provider: (name) => providers.get(name),
  contextWindow: (_p, model) => windows[model],
  observeLatency: (provider, model, ms) => latencies.push([provider, model, ms]),
};

function err(kind: ProviderErrorKind, status: number, extra: Partial<ProviderError> = {}): ProviderError {
  return { kind, status, message: `${kind} from the script`, ...extra };
}

const keyName = (t: TargetRuntime) => decodeURIComponent(t.url.slice(t.url.indexOf("#") + 1));

/** Behaves like sendChat towards the pool: reports every attempt and applies the credential consequences. */
const send: SendAttempt<string> = async (provider, target) => {
  const id = `${provider.name}/${keyName(target)}`;
  calls.push(id);
  const next = script.get(provider.name)?.shift() ?? "ok";
  if (next === "ok") {
    provider.pool.report(target, { kind: "response", status: 200, durationMs: 7 });
    provider.onSuccess(target);
    return { ok: true, value: id, ttfbMs: 7 };
  }
  provider.pool.report(target, { kind: "response", status: next.status || 502, durationMs: 7 });
  provider.onError(target, next);
  return { ok: false, error: next };
};

function plan(route: RouteNode): PlannedTarget[] {
  return planRoute(route, {
    condition: { header: () => null, metadata: {}, params: {}, appName: undefined, promptTokens: () => 0 },
    random: Math.random,
    latencyOf: () => 0,
    costOf: () => 0,
  });
}

const tgt = (provider: string, model = "gpt-4o", extra: Record<string, unknown> = {}): RouteNode => ({ type: "target", provider, model, ...extra });
const fallback = (targets: RouteNode[], extra: Record<string, unknown> = {}): RouteNode => ({ type: "fallback", targets, ...extra });

function run(route: RouteNode, signal = new AbortController().signal, s: SendAttempt<string> = send) {
  return executePlan(plan(route), deps, (p) => p.provider.timeouts, signal, s);
}

describe("keys", () => {
  for (const [kind, status] of [
    ["rate_limited", 429],
    ["auth", 401],
  ] as const) {
    test(`${kind}: the next key is tried without spending the target's only attempt`, async () => {
      addProvider("p", ["k1", "k2"]);
      addProvider("q", ["k1"]);
      script.set("p", [err(kind, status)]);
      const r = await run(fallback([tgt("p"), tgt("q")]));
      expect(r.ok).toBe(true);
      expect(calls.length).toBe(2);
      expect(calls[0]).not.toBe(calls[1]);
      expect(calls.every((c) => c.startsWith("p/"))).toBe(true);
      expect(r.attempts.map((a) => a.result)).toEqual([kind, "ok"]);
    });
  }

  test("every key rate limited: the next target answers", async () => {
    addProvider("p", ["k1", "k2"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("rate_limited", 429), err("rate_limited", 429)]);
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(r.ok && r.value).toBe("q/k1");
    expect(r.attempts.map((a) => [a.provider, a.result])).toEqual([
      ["p", "rate_limited"],
      ["p", "rate_limited"],
      ["q", "ok"],
    ]);
  });

  test("a rejected key is parked for auth_failure_park_ms (doubling on repeat) and comes back by itself", async () => {
    const p = addProvider("p", ["only"], { auth_failure_park_ms: 1000 });
    script.set("p", [err("auth", 401)]);
    expect((await run(tgt("p"))).ok).toBe(false);
    // Parked: not even tried.
    const parked = await run(tgt("p"));
    expect(parked.attempts.map((a) => a.result)).toEqual(["no_available_key"]);
    clock.advance(1001);
    script.set("p", [err("auth", 401)]);
    expect((await run(tgt("p"))).attempts.map((a) => a.result)).toEqual(["auth"]);
    // Second strike: parked twice as long.
    clock.advance(1500);
    expect((await run(tgt("p"))).attempts.map((a) => a.result)).toEqual(["no_available_key"]);
    clock.advance(600);
    const back = await run(tgt("p"));
    expect(back.ok).toBe(true);
    expect(p.pool.targets[0]!.coolingDown()).toBe(false);
  });
});

describe("attempts", () => {
  test("a retriable failure spends an attempt; attempts beyond the number of keys go to a key again", async () => {
    addProvider("p", ["only"]);
    script.set("p", [err("server", 500), err("overloaded", 529)]);
    const r = await run(tgt("p", "gpt-4o", { attempts: 3 }));
    expect(r.ok).toBe(true);
    expect(calls).toEqual(["p/only", "p/only", "p/only"]);
  });

  test("attempts used up: the next target", async () => {
    addProvider("p", ["k1", "k2"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("server", 500), err("timeout", 0), err("server", 500)]);
    const r = await run(fallback([tgt("p"), tgt("q")], { attempts: 2 }));
    expect(r.ok && r.value).toBe("q/k1");
    // Two attempts, on two different keys, before moving on.
    expect(calls.slice(0, 2).sort()).toEqual(["p/k1", "p/k2"]);
    expect(calls[2]).toBe("q/k1");
  });

  test("one attempt by default", async () => {
    addProvider("p", ["k1", "k2"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("connect", 0)]);
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(r.attempts.map((a) => [a.provider, a.result])).toEqual([
      ["p", "connect"],
      ["q", "ok"],
    ]);
  });

  test("key failures between retriable ones do not spend attempts", async () => {
    addProvider("p", ["k1", "k2", "k3"]);
    script.set("p", [err("rate_limited", 429), err("server", 500), err("auth", 403)]);
    const r = await run(tgt("p", "gpt-4o", { attempts: 2 }));
    expect(r.ok).toBe(true);
    expect(r.attempts.map((a) => a.result)).toEqual(["rate_limited", "server", "auth", "ok"]);
  });
});

describe("what stops the route", () => {
  test("invalid_request never falls back and is never retried", async () => {
    addProvider("p", ["k1", "k2"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("invalid_request", 400)]);
    const r = await run(fallback([tgt("p"), tgt("q")], { attempts: 3 }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe("invalid_request");
    expect(calls).toEqual([calls[0]!]);
  });

  test("a failure not listed in `on` stops the route with that failure", async () => {
    addProvider("p", ["k1"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("server", 500)]);
    const r = await run(fallback([tgt("p"), tgt("q")], { on: ["rate_limited", "timeout"] }));
    expect(!r.ok && r.error.kind).toBe("server");
    expect(calls).toEqual(["p/k1"]);
  });

  test("a failure listed in `on` falls back", async () => {
    addProvider("p", ["k1"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("content_filter", 400)]);
    const r = await run(fallback([tgt("p"), tgt("q")], { on: ["content_filter"] }));
    expect(r.ok && r.value).toBe("q/k1");
  });

  test("a target with no available key is skipped whatever `on` says: it never answered", async () => {
    addProvider("p", ["k1"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("rate_limited", 429, { retryAfterMs: 5000 })]);
    // First request: the 429 is a listed trigger.
    expect((await run(fallback([tgt("p"), tgt("q")], { on: ["rate_limited"] }))).ok).toBe(true);
    // Next request: p's only key rests; even with `on` not listing "overloaded", q serves.
    const r = await run(fallback([tgt("p"), tgt("q")], { on: ["rate_limited"] }));
    expect(r.ok && r.value).toBe("q/k1");
    expect(r.attempts.map((a) => [a.provider, a.result])).toEqual([
      ["p", "no_available_key"],
      ["q", "ok"],
    ]);
  });

  test("an unknown or disabled provider is skipped", async () => {
    addProvider("off", ["k1"], { enabled: false });
    addProvider("q", ["k1"]);
    const r = await run(fallback([tgt("missing"), tgt("off"), tgt("q")], { on: ["timeout"] }));
    expect(r.ok && r.value).toBe("q/k1");
    expect(calls).toEqual(["q/k1"]);
  });
});

describe("context_length", () => {
  test("later targets whose window is not larger are skipped; larger or unknown windows are tried", async () => {
    windows = { "gpt-4o-mini": 128_000, "gpt-4o": 128_000, "small-model": 32_000, "gpt-4.1": 1_000_000, mystery: undefined as unknown as number };
    for (const n of ["a", "b", "c", "d", "e"]) addProvider(n, ["k1"]);
    script.set("a", [err("context_length", 400)]);
    script.set("d", [err("context_length", 400)]);
    const r = await run(fallback([tgt("a", "gpt-4o-mini"), tgt("b", "gpt-4o"), tgt("c", "small-model"), tgt("d", "gpt-4.1"), tgt("e", "mystery")]));
    expect(r.ok && r.value).toBe("e/k1");
    expect(calls).toEqual(["a/k1", "d/k1", "e/k1"]);
  });

  test("no larger window anywhere: the client gets the context_length error", async () => {
    windows = { "gpt-4o-mini": 128_000, "gpt-4o": 128_000 };
    addProvider("a", ["k1"]);
    addProvider("b", ["k1"]);
    script.set("a", [err("context_length", 400)]);
    const r = await run(fallback([tgt("a", "gpt-4o-mini"), tgt("b", "gpt-4o")]));
    expect(!r.ok && r.error.kind).toBe("context_length");
    expect(calls).toEqual(["a/k1"]);
  });

  test("the overflowed model's window unknown: nothing is skipped", async () => {
    windows = { "gpt-4o": 128_000 };
    addProvider("a", ["k1"]);
    addProvider("b", ["k1"]);
    script.set("a", [err("context_length", 400)]);
    const r = await run(fallback([tgt("a", "local-llm"), tgt("b", "gpt-4o")]));
    expect(r.ok && r.value).toBe("b/k1");
  });
});

describe("when everything fails", () => {
  test("the last provider failure is the answer", async () => {
    addProvider("p", ["k1"]);
    addProvider("q", ["k1"]);
    script.set("p", [err("server", 500)]);
    script.set("q", [err("timeout", 0)]);
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(!r.ok && r.error.kind).toBe("timeout");
    expect(!r.ok && r.cancelled).toBe(false);
  });

  test("a later unconfigured or keyless target does not mask a real failure", async () => {
    addProvider("p", ["k1"]);
    addProvider("parked", ["k1"]);
    providers.get("parked")!.onError(providers.get("parked")!.pool.targets[0]!, err("auth", 401));
    script.set("p", [err("server", 503)]);
    const r = await run(fallback([tgt("p"), tgt("missing"), tgt("parked")]));
    expect(!r.ok && r.error.kind).toBe("server");
    expect(!r.ok && r.error.status).toBe(503);
  });

  test("nothing configured: not_found; an empty plan: not_found", async () => {
    const r = await run(fallback([tgt("missing")]));
    expect(!r.ok && r.error).toMatchObject({ kind: "not_found", status: 404 });
    const empty = await executePlan<string>([], deps, (p) => p.provider.timeouts, new AbortController().signal, send);
    expect(!empty.ok && empty.error.kind).toBe("not_found");
  });

  test("no key available anywhere: Retry-After is the soonest recovery", async () => {
    const p = addProvider("p", ["k1", "k2"]);
    const q = addProvider("q", ["k1"]);
    p.onError(p.pool.targets[0]!, err("rate_limited", 429, { retryAfterMs: 9000 }));
    p.onError(p.pool.targets[1]!, err("rate_limited", 429, { retryAfterMs: 4000 }));
    q.onError(q.pool.targets[0]!, err("rate_limited", 429, { retryAfterMs: 6000 }));
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(calls).toEqual([]);
    expect(r.attempts.map((a) => a.result)).toEqual(["no_available_key", "no_available_key"]);
    // Every key rests after a 429: that is a rate limit, not an outage.
    expect(!r.ok && r.error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 4000 });
  });

  test("keys parked after auth failures: overloaded (503) with the soonest recovery", async () => {
    const p = addProvider("p", ["k1"], { auth_failure_park_ms: 60_000 });
    const q = addProvider("q", ["k1"], { auth_failure_park_ms: 2000 });
    p.onError(p.pool.targets[0]!, err("auth", 401));
    q.onError(q.pool.targets[0]!, err("auth", 403));
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(!r.ok && r.error).toMatchObject({ kind: "overloaded", status: 503, retryAfterMs: 2000 });
  });

  test("a failure answered with Retry-After keeps the sooner of it and the soonest key recovery", async () => {
    const p = addProvider("p", ["k1"]);
    addProvider("q", ["k1"]);
    p.onError(p.pool.targets[0]!, err("rate_limited", 429, { retryAfterMs: 3000 }));
    script.set("q", [err("rate_limited", 429, { retryAfterMs: 20_000 })]);
    const r = await run(fallback([tgt("p"), tgt("q")]));
    expect(!r.ok && r.error).toMatchObject({ kind: "rate_limited", retryAfterMs: 3000 });
  });
});

describe("client abort", () => {
  test("stops at once: no further key, attempt or target", async () => {
    addProvider("p", ["k1", "k2"]);
    addProvider("q", ["k1"]);
    const abort = new AbortController();
    const aborting: SendAttempt<string> = async (provider, target) => {
      calls.push(`${provider.name}/${keyName(target)}`);
      abort.abort();
      provider.pool.report(target, { kind: "cancelled", durationMs: 1 });
      return { ok: false, error: err("reset", 499) };
    };
    const r = await run(fallback([tgt("p"), tgt("q")], { attempts: 3 }), abort.signal, aborting);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.cancelled).toBe(true);
    expect(calls.length).toBe(1);
  });

  test("already gone before the first attempt: nothing is sent", async () => {
    addProvider("p", ["k1"]);
    const abort = new AbortController();
    abort.abort();
    const r = await run(tgt("p"), abort.signal);
    expect(!r.ok && r.cancelled).toBe(true);
    expect(calls).toEqual([]);
  });
});

test("success records the time to first byte for least_latency and says which key served", async () => {
  addProvider("p", ["primary-key"]);
  const r = await run(tgt("p", "gpt-4o"));
  expect(r.ok && r.model).toBe("gpt-4o");
  expect(r.attempts).toMatchObject([{ provider: "p", model: "gpt-4o", key: "primary-key", result: "ok", status: 200 }]);
  expect(latencies).toEqual([["p", "gpt-4o", 7]]);
});
