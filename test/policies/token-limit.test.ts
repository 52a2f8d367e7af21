import { describe, expect, test } from "bun:test";
import type { Usage } from "../../src/ai/types.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { CounterStore } from "../../src/counters/counter-store.ts";
import { MemoryCounterStore } from "../../src/counters/memory.ts";
import { WaygateError } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import type { PolicyServices } from "../../src/policies/kind.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { calendarWindow, secondsLeft } from "../../src/policies/quota/calendar.ts";
import { kind } from "../../src/policies/token-limit/index.ts";
import type { CompiledRoute } from "../../src/snapshot/snapshot.ts";
import { NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

const T0 = Date.UTC(2026, 10, 22, 10, 15, 30);

interface Caller {
  app?: string;
  team?: string;
  credential?: string;
  ip?: string;
  headers?: Record<string, string>;
  path?: string;
  ai?: boolean;
}

function ctxFor(c: Caller = {}): RequestContext {
  const ctx = fakeContext({ url: `http://gw.test${c.path ?? "/v1/chat/completions"}`, method: "POST", clientIp: c.ip ?? "10.0.0.1", ...(c.headers ? { headers: c.headers } : {}) });
  ctx.applicationId = c.app;
  ctx.applicationTeamId = c.team;
  ctx.credentialId = c.credential;
  if (c.ai !== false) ctx.route = { service: { service: { kind: "ai" } } } as unknown as CompiledRoute;
  return ctx;
}

function build(config: Record<string, unknown>, services: PolicyServices, id = "tl-1"): Policy {
  return kind.build(kind.schema.parse(config), { id, name: `quota-${id}`, scope: "global", services });
}

function usage(inputTokens: number, outputTokens: number): Usage {
  return { inputTokens, outputTokens };
}

/** One AI call: the check before it, then (when admitted) its consumption. */
async function call(policy: Policy, caller: Caller, used: Usage): Promise<Response | undefined> {
  const ctx = ctxFor(caller);
  const verdict = await policy.onRequest?.(ctx, NO_SNAPSHOT);
  if (verdict instanceof WaygateError) throw verdict;
  if (verdict) return verdict;
  policy.ai?.consumed?.(ctx, { provider: "oa", model: "gpt-4o-mini", usage: used, costUsd: 0.001 });
  return undefined;
}

function setup(config: Record<string, unknown>) {
  const clock = new FakeClock(T0);
  const counters = new MemoryCounterStore();
  const policy = build(config, { counters, clock });
  return { clock, counters, policy };
}

describe("calendar windows", () => {
  test("minute, hour, day and month windows follow the UTC calendar", () => {
    expect(calendarWindow(T0, "minute")).toEqual({ id: "2026-11-22T10:15", startMs: Date.UTC(2026, 10, 22, 10, 15), endMs: Date.UTC(2026, 10, 22, 10, 16) });
    expect(calendarWindow(T0, "hour")).toMatchObject({ id: "2026-11-22T10", endMs: Date.UTC(2026, 10, 22, 11) });
    expect(calendarWindow(T0, "day")).toMatchObject({ id: "2026-11-22", endMs: Date.UTC(2026, 10, 23) });
    expect(calendarWindow(T0, "month")).toMatchObject({ id: "2026-11", endMs: Date.UTC(2026, 11, 1) });
    // Month ends of every length, and the year's end.
    expect(calendarWindow(Date.UTC(2028, 1, 29, 23, 59), "month")).toMatchObject({ id: "2028-02", endMs: Date.UTC(2028, 2, 1) });
    expect(calendarWindow(Date.UTC(2026, 11, 31, 23, 59, 59, 999), "day")).toMatchObject({ id: "2026-12-31", endMs: Date.UTC(2027, 0, 1) });
    expect(calendarWindow(Date.UTC(2026, 11, 31, 23, 59, 59, 999), "month")).toMatchObject({ id: "2026-12", endMs: Date.UTC(2027, 0, 1) });
  });

  test("seconds left round up and are at least 1", () => {
    const w = calendarWindow(T0, "minute");
    expect(secondsLeft(w, T0)).toBe(30);
    expect(secondsLeft(w, w.endMs - 1)).toBe(1);
    expect(secondsLeft(w, w.endMs - 1001)).toBe(2);
  });
});

describe("token_limit config", () => {
  test("accepts every key and window, with defaults", () => {
    expect(kind.schema.parse({ limit: 1000, window: "minute", key: "application" })).toEqual({
      limit: 1000,
      window: "minute",
      key: "application",
      tokens: "total",
      fault_tolerant: true,
    });
    for (const window of ["minute", "hour", "day", "month"]) {
      for (const key of ["application", "credential", "team", "client_ip"]) expect(kind.schema.safeParse({ limit: 1, window, key }).success).toBe(true);
    }
    expect(kind.schema.safeParse({ limit: 5, window: "day", key: "header", header: "x-tenant", tokens: "output" }).success).toBe(true);
    expect(kind.combine).toBe("stack");
  });

  test("rejects bad configurations", () => {
    const bad = [
      { limit: 5, key: "team" },
      { limit: 0, window: "minute", key: "team" },
      { limit: 2.5, window: "minute", key: "team" },
      { limit: 5, window: "second", key: "team" },
      { limit: 5, window: "week", key: "team" },
      { limit: 5, window: "day", key: "header" },
      { limit: 5, window: "day", key: "team", header: "x-tenant" },
      { limit: 5, window: "day", key: "team", tokens: "cached" },
      { limit: 5, window: "day", key: "team", extra: true },
    ];
    for (const config of bad) expect(kind.schema.safeParse(config).success).toBe(false);
  });

  test("needs a counter store", () => {
    expect(() => build({ limit: 5, window: "day", key: "team" }, {})).toThrow(/counter store/);
  });
});

describe("token_limit", () => {
  test("admits calls until the window's tokens are used up, then refuses with 429 in the OpenAI format", async () => {
    const { policy } = setup({ limit: 1000, window: "minute", key: "application" });
    const app = { app: "a1" };
    expect(await call(policy, app, usage(300, 200))).toBeUndefined();
    expect(await call(policy, app, usage(250, 240))).toBeUndefined();
    // 990 used: still under the limit, so this call is admitted and overshoots to 1090.
    expect(await call(policy, app, usage(50, 50))).toBeUndefined();
    const refused = await call(policy, app, usage(1, 1));
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get("retry-after")).toBe("30");
    expect(refused?.headers.get("x-ratelimit-limit-tokens")).toBe("1000");
    expect(refused?.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    expect(refused?.headers.get("x-ratelimit-reset-tokens")).toBe("30s");
    const body = (await refused?.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error.code).toBe("token_quota_exceeded");
    expect(body.error.message).toContain("1000 tokens per minute");
    expect(body.error.message).toContain("1090 used");
    expect(body.error.message).toContain("2026-11-22T10:16:00Z");
  });

  test("a refusal on /v1/messages is in Anthropic's format and records the code on the call", async () => {
    const { policy } = setup({ limit: 10, window: "hour", key: "application" });
    await call(policy, { app: "a1" }, usage(10, 0));
    const ctx = ctxFor({ app: "a1", path: "/v1/messages" });
    const refused = (await policy.onRequest?.(ctx, NO_SNAPSHOT)) as Response;
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-waygate-error-code")).toBe("token_quota_exceeded");
    expect(refused.headers.get("retry-after")).toBe(String(Math.ceil((Date.UTC(2026, 10, 22, 11) - T0) / 1000)));
    expect(await refused.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(ctx.record.error_code).toBe("token_quota_exceeded");
  });

  test("outside an AI service the refusal is Waygate's error JSON", async () => {
    const { policy } = setup({ limit: 10, window: "day", key: "client_ip" });
    await call(policy, { ip: "10.9.9.9", ai: false }, usage(20, 0));
    const refused = (await policy.onRequest?.(ctxFor({ ip: "10.9.9.9", ai: false }), NO_SNAPSHOT)) as Response;
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "token_quota_exceeded" } });
  });

  test("the window resets at the calendar boundary, not a sliding span later", async () => {
    const { policy, clock } = setup({ limit: 100, window: "minute", key: "application" });
    await call(policy, { app: "a1" }, usage(100, 0));
    expect((await call(policy, { app: "a1" }, usage(1, 0)))?.status).toBe(429);
    clock.advance(29_999);
    expect((await call(policy, { app: "a1" }, usage(1, 0)))?.status).toBe(429);
    clock.advance(1);
    expect(await call(policy, { app: "a1" }, usage(60, 0))).toBeUndefined();
    const ctx = ctxFor({ app: "a1" });
    expect(await policy.onRequest?.(ctx, NO_SNAPSHOT)).toBeUndefined();
    const headers = new Headers();
    policy.onResponse?.(ctx, headers);
    expect(headers.get("x-ratelimit-remaining-tokens")).toBe("40");
    expect(headers.get("x-ratelimit-reset-tokens")).toBe("60s");
  });

  test("a monthly window lasts to the first of the next month", async () => {
    const { policy, clock } = setup({ limit: 50, window: "month", key: "team" });
    await call(policy, { app: "a1", team: "t1" }, usage(50, 0));
    clock.set(Date.UTC(2026, 10, 30, 23, 59, 59));
    expect((await call(policy, { app: "a1", team: "t1" }, usage(1, 0)))?.headers.get("retry-after")).toBe("1");
    clock.set(Date.UTC(2026, 11, 1));
    expect(await call(policy, { app: "a1", team: "t1" }, usage(1, 0))).toBeUndefined();
  });

  test("input, output and total tokens count as configured", async () => {
    // Each call: 30 input, 80 output tokens; a call is admitted while the count is under 100.
    for (const [tokens, admittedCalls] of [
      ["input", 4],
      ["output", 2],
      ["total", 1],
    ] as const) {
      const { policy } = setup({ limit: 100, window: "day", key: "application", tokens });
      let admitted = 0;
      while ((await call(policy, { app: "a1" }, usage(30, 80))) === undefined) admitted++;
      expect([tokens, admitted]).toEqual([tokens, admittedCalls]);
    }
  });

  test("applications of one team share a team limit; per-application limits keep them apart", async () => {
    const { policy: team, counters, clock } = setup({ limit: 100, window: "day", key: "team" });
    const perApp = build({ limit: 100, window: "day", key: "application" }, { counters, clock }, "tl-2");
    await call(team, { app: "a1", team: "t1" }, usage(60, 0));
    await call(team, { app: "a2", team: "t1" }, usage(60, 0));
    expect((await call(team, { app: "a3", team: "t1" }, usage(1, 0)))?.status).toBe(429);
    expect(await call(team, { app: "a4", team: "t2" }, usage(1, 0))).toBeUndefined();

    await call(perApp, { app: "a1", team: "t1" }, usage(100, 0));
    expect((await call(perApp, { app: "a1", team: "t1" }, usage(1, 0)))?.status).toBe(429);
    expect(await call(perApp, { app: "a2", team: "t1" }, usage(1, 0))).toBeUndefined();
  });

  test("a missing identity falls back to a broader one, never to no limit", async () => {
    const { policy } = setup({ limit: 10, window: "day", key: "team" });
    // An application without a team is its own subject…
    await call(policy, { app: "solo" }, usage(10, 0));
    expect((await call(policy, { app: "solo" }, usage(1, 0)))?.status).toBe(429);
    // …and an anonymous caller is counted by its address.
    await call(policy, { ip: "192.0.2.7" }, usage(10, 0));
    expect((await call(policy, { ip: "192.0.2.7" }, usage(1, 0)))?.status).toBe(429);
    expect(await call(policy, { ip: "192.0.2.8" }, usage(1, 0))).toBeUndefined();
  });

  test("credential and header keys count per credential and per header value", async () => {
    const { policy: byCred } = setup({ limit: 10, window: "day", key: "credential" });
    await call(byCred, { app: "a1", credential: "c1" }, usage(10, 0));
    expect((await call(byCred, { app: "a1", credential: "c1" }, usage(1, 0)))?.status).toBe(429);
    expect(await call(byCred, { app: "a1", credential: "c2" }, usage(1, 0))).toBeUndefined();

    const { policy: byHeader } = setup({ limit: 10, window: "day", key: "header", header: "x-tenant" });
    await call(byHeader, { headers: { "x-tenant": "acme" } }, usage(10, 0));
    expect((await call(byHeader, { headers: { "x-tenant": "acme" } }, usage(1, 0)))?.status).toBe(429);
    expect(await call(byHeader, { headers: { "x-tenant": "globex" } }, usage(1, 0))).toBeUndefined();
  });

  test("with two limits on one request the headers show the tighter one", async () => {
    const clock = new FakeClock(T0);
    const counters = new MemoryCounterStore();
    const minute = build({ limit: 1000, window: "minute", key: "application" }, { counters, clock }, "m");
    const day = build({ limit: 5000, window: "day", key: "application" }, { counters, clock }, "d");
    const ctx1 = ctxFor({ app: "a1" });
    for (const p of [minute, day]) await p.onRequest?.(ctx1, NO_SNAPSHOT);
    for (const p of [minute, day]) p.ai?.consumed?.(ctx1, { provider: "oa", model: "m", usage: usage(900, 0), costUsd: null });
    const ctx2 = ctxFor({ app: "a1" });
    for (const p of [minute, day]) expect(await p.onRequest?.(ctx2, NO_SNAPSHOT)).toBeUndefined();
    const headers = new Headers();
    for (const p of [day, minute]) p.onResponse?.(ctx2, headers);
    expect(headers.get("x-ratelimit-limit-tokens")).toBe("1000");
    expect(headers.get("x-ratelimit-remaining-tokens")).toBe("100");
  });

  test("reads (model lists, CORS preflights) pass even when the quota is used up", async () => {
    const { policy } = setup({ limit: 10, window: "day", key: "application" });
    await call(policy, { app: "a1" }, usage(10, 0));
    expect((await call(policy, { app: "a1" }, usage(1, 0)))?.status).toBe(429);
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const ctx = fakeContext({ method, url: "http://gw.test/v1/models" });
      ctx.applicationId = "a1";
      expect(await policy.onRequest?.(ctx, NO_SNAPSHOT)).toBeUndefined();
    }
  });

  test("a failing counter store lets calls through when fault_tolerant, refuses them otherwise", async () => {
    const fail = () => Promise.reject(new Error("connection refused"));
    const broken: CounterStore = { backend: "broken", hit: fail, add: fail, get: fail, close: () => Promise.resolve() };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const tolerant = build({ limit: 10, window: "day", key: "application" }, { counters: broken });
      expect(await call(tolerant, { app: "a1" }, usage(5, 5))).toBeUndefined();
      await Bun.sleep(0);
      expect(errors.length).toBe(1);
      const strict = build({ limit: 10, window: "day", key: "application", fault_tolerant: false }, { counters: broken });
      const verdict = await strict.onRequest?.(ctxFor({ app: "a1" }), NO_SNAPSHOT);
      expect(verdict).toBeInstanceOf(WaygateError);
      expect((verdict as WaygateError).status).toBe(503);
    } finally {
      console.error = original;
    }
  });
});
