import { describe, expect, test } from "bun:test";
import type { CounterStore, HitResult } from "../../src/counters/counter-store.ts";
import { MemoryCounterStore } from "../../src/counters/memory.ts";
import { WaygateError, errorResponse } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import type { PolicyBuildContext, PolicyKind } from "../../src/policies/kind.ts";
import type { Policy, PolicyVerdict } from "../../src/policies/policy.ts";
import { kind } from "../../src/policies/rate-limit/index.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import { emptyRecord } from "../../src/telemetry/call-record.ts";

const snapshot = {} as Snapshot;

function fakeContext(opts: { ip?: string; app?: string; credential?: string; headers?: Record<string, string> } = {}): RequestContext {
  const req = new Request("http://gw.test/orders", { headers: opts.headers ?? {} });
  const ip = opts.ip ?? "10.0.0.1";
  return {
    requestId: crypto.randomUUID(),
    req,
    method: "GET",
    host: "gw.test",
    path: "/orders",
    query: "",
    clientIp: ip,
    startedAt: performance.now(),
    route: undefined,
    params: {},
    rest: "",
    matchedPath: "",
    applicationId: opts.app,
    applicationName: undefined,
    credentialId: opts.credential,
    dropHeaders: undefined,
    upstreamMs: 0,
    record: emptyRecord("r", Date.now(), "GET", "gw.test", "/orders", ip),
  };
}

function buildContext(counters: CounterStore | undefined, id = "pol-1"): PolicyBuildContext {
  return { id, name: `limit-${id}`, scope: "route", services: counters ? { counters } : {} };
}

function build(config: unknown, counters: CounterStore = new MemoryCounterStore(), id?: string): Policy {
  return kind.build(kind.schema.parse(config), buildContext(counters, id));
}

async function run(policy: Policy, ctx: RequestContext): Promise<PolicyVerdict> {
  return policy.onRequest?.(ctx, snapshot);
}

async function statuses(policy: Policy, n: number, make: () => RequestContext): Promise<Array<number>> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = await run(policy, make());
    out.push(v instanceof WaygateError ? v.status : 200);
  }
  return out;
}

describe("rate_limit config", () => {
  test("accepts named windows and window_ms", () => {
    expect(kind.schema.parse({ limit: 5, window: "minute", key: "client_ip" })).toMatchObject({ limit: 5, window: "minute", fault_tolerant: true });
    expect(kind.schema.safeParse({ limit: 5, window_ms: 1500, key: "application" }).success).toBe(true);
    expect(kind.combine).toBe("stack");
    expect(kind.kind).toBe("rate_limit");
    // The registry lists kinds as plain PolicyKind.
    const listed: readonly PolicyKind[] = [kind];
    expect(listed[0]?.schema.safeParse({ limit: 1, window: "day", key: "credential" }).success).toBe(true);
  });

  test("rejects bad configurations", () => {
    const bad = [
      { limit: 5, key: "client_ip" },
      { limit: 5, window: "minute", window_ms: 1000, key: "client_ip" },
      { limit: 0, window: "minute", key: "client_ip" },
      { limit: 1.5, window: "minute", key: "client_ip" },
      { limit: 5, window: "week", key: "client_ip" },
      { limit: 5, window: "minute", key: "header" },
      { limit: 5, window: "minute", key: "client_ip", header: "x-tenant" },
      { limit: 5, window: "minute", key: "header", header: "bad header" },
      { limit: 5, window: "minute", key: "client_ip", extra: true },
    ];
    for (const config of bad) expect(kind.schema.safeParse(config).success).toBe(false);
  });

  test("building without a counter store fails clearly", () => {
    const config = kind.schema.parse({ limit: 1, window: "second", key: "client_ip" });
    expect(() => kind.build(config, buildContext(undefined))).toThrow(/needs a counter store/);
  });
});

describe("rate_limit policy", () => {
  test("admits `limit` requests per window, then 429 rate_limited with Retry-After", async () => {
    const policy = build({ limit: 3, window: "minute", key: "client_ip" });
    expect(await statuses(policy, 3, () => fakeContext())).toEqual([200, 200, 200]);
    const refused = await run(policy, fakeContext());
    expect(refused).toBeInstanceOf(WaygateError);
    const err = refused as WaygateError;
    expect(err.code).toBe("rate_limited");
    expect(err.status).toBe(429);
    expect(err.message).toContain("3 requests per minute");
    expect(err.retryAfter).toBeGreaterThan(58);
    expect(err.retryAfter).toBeLessThanOrEqual(60);
    expect(errorResponse(err).headers.get("retry-after")).toBe(String(err.retryAfter));
  });

  test("client_ip counts each address separately", async () => {
    const policy = build({ limit: 1, window: "minute", key: "client_ip" });
    expect(await run(policy, fakeContext({ ip: "10.0.0.1" }))).toBeUndefined();
    expect(await run(policy, fakeContext({ ip: "10.0.0.2" }))).toBeUndefined();
    expect(await run(policy, fakeContext({ ip: "10.0.0.1" }))).toBeInstanceOf(WaygateError);
  });

  test("application and credential keys count across addresses; anonymous callers fall back to their IP", async () => {
    const byApp = build({ limit: 2, window: "minute", key: "application" });
    expect(await run(byApp, fakeContext({ app: "a1", ip: "1.1.1.1" }))).toBeUndefined();
    expect(await run(byApp, fakeContext({ app: "a1", ip: "2.2.2.2" }))).toBeUndefined();
    expect(await run(byApp, fakeContext({ app: "a1", ip: "3.3.3.3" }))).toBeInstanceOf(WaygateError);
    expect(await run(byApp, fakeContext({ app: "a2", ip: "3.3.3.3" }))).toBeUndefined();
    // No application: counted by IP, in a bucket apart from the applications'.
    expect(await run(byApp, fakeContext({ ip: "1.1.1.1" }))).toBeUndefined();
    expect(await run(byApp, fakeContext({ ip: "1.1.1.1" }))).toBeUndefined();
    expect(await run(byApp, fakeContext({ ip: "1.1.1.1" }))).toBeInstanceOf(WaygateError);

    const byCred = build({ limit: 1, window: "minute", key: "credential" });
    expect(await run(byCred, fakeContext({ app: "a1", credential: "c1" }))).toBeUndefined();
    expect(await run(byCred, fakeContext({ app: "a1", credential: "c2" }))).toBeUndefined();
    expect(await run(byCred, fakeContext({ app: "a1", credential: "c1" }))).toBeInstanceOf(WaygateError);
  });

  test("header key counts per header value, case-insensitively by header name", async () => {
    const policy = build({ limit: 1, window: "minute", key: "header", header: "X-Tenant" });
    expect(await run(policy, fakeContext({ headers: { "x-tenant": "acme" } }))).toBeUndefined();
    expect(await run(policy, fakeContext({ headers: { "x-tenant": "globex" } }))).toBeUndefined();
    expect(await run(policy, fakeContext({ headers: { "X-TENANT": "acme" }, ip: "9.9.9.9" }))).toBeInstanceOf(WaygateError);
    // Long values are hashed, still counted per value.
    const long = "t".repeat(500);
    expect(await run(policy, fakeContext({ headers: { "x-tenant": long } }))).toBeUndefined();
    expect(await run(policy, fakeContext({ headers: { "x-tenant": long } }))).toBeInstanceOf(WaygateError);
    expect(await run(policy, fakeContext({ headers: { "x-tenant": `${long}u` } }))).toBeUndefined();
  });

  test("onResponse sets RateLimit-* headers in delta seconds", async () => {
    const policy = build({ limit: 5, window: "minute", key: "client_ip" });
    const ctx = fakeContext();
    await run(policy, ctx);
    const headers = new Headers();
    policy.onResponse?.(ctx, headers);
    expect(headers.get("ratelimit-limit")).toBe("5");
    expect(headers.get("ratelimit-remaining")).toBe("4");
    expect(Number(headers.get("ratelimit-reset"))).toBe(60);

    // A refused request reports nothing remaining.
    for (let i = 0; i < 4; i++) await run(policy, fakeContext());
    const refused = fakeContext();
    expect(await run(policy, refused)).toBeInstanceOf(WaygateError);
    const h2 = new Headers();
    policy.onResponse?.(refused, h2);
    expect(h2.get("ratelimit-remaining")).toBe("0");
  });

  test("onResponse for a request it did not see leaves the headers alone", () => {
    const policy = build({ limit: 5, window: "minute", key: "client_ip" });
    const headers = new Headers();
    policy.onResponse?.(fakeContext(), headers);
    expect([...headers.keys()]).toEqual([]);
  });

  test("stacked limits: each applies, and the headers report the most restrictive", async () => {
    const counters = new MemoryCounterStore();
    const perMinute = build({ limit: 10, window: "minute", key: "client_ip" }, counters, "minute");
    const perSecond = build({ limit: 2, window: "second", key: "client_ip" }, counters, "second");
    for (const order of [[perMinute, perSecond], [perSecond, perMinute]] as const) {
      const ctx = fakeContext({ ip: `order-${order[0] === perMinute ? "a" : "b"}` });
      for (const p of order) expect(await run(p, ctx)).toBeUndefined();
      const headers = new Headers();
      for (const p of order) p.onResponse?.(ctx, headers);
      expect(headers.get("ratelimit-limit")).toBe("2");
      expect(headers.get("ratelimit-remaining")).toBe("1");
      expect(headers.get("ratelimit-reset")).toBe("1");
    }
  });

  test("two policies with the same settings keep separate counts", async () => {
    const counters = new MemoryCounterStore();
    const a = build({ limit: 1, window: "minute", key: "client_ip" }, counters, "a");
    const b = build({ limit: 1, window: "minute", key: "client_ip" }, counters, "b");
    expect(await run(a, fakeContext())).toBeUndefined();
    expect(await run(b, fakeContext())).toBeUndefined();
    expect(await run(a, fakeContext())).toBeInstanceOf(WaygateError);
  });

  test("counts survive a rebuild of the policy (a snapshot swap) on the same store", async () => {
    const counters = new MemoryCounterStore();
    const config = { limit: 2, window: "hour", key: "client_ip" };
    expect(await run(build(config, counters), fakeContext())).toBeUndefined();
    expect(await run(build(config, counters), fakeContext())).toBeUndefined();
    expect(await run(build(config, counters), fakeContext())).toBeInstanceOf(WaygateError);
  });

  test("exact under 500 concurrent requests", async () => {
    const policy = build({ limit: 42, window: "minute", key: "client_ip" });
    const verdicts = await Promise.all(Array.from({ length: 500 }, () => run(policy, fakeContext())));
    expect(verdicts.filter((v) => v === undefined).length).toBe(42);
  });

  test("the window slides (window_ms)", async () => {
    const policy = build({ limit: 1, window_ms: 250, key: "client_ip" });
    expect(await run(policy, fakeContext())).toBeUndefined();
    const refused = (await run(policy, fakeContext())) as WaygateError;
    expect(refused.code).toBe("rate_limited");
    expect(refused.retryAfter).toBe(1);
    await Bun.sleep(300);
    expect(await run(policy, fakeContext())).toBeUndefined();
  });

  test("a failing counter store lets requests through when fault_tolerant, refuses them otherwise", async () => {
    const broken: CounterStore = {
      backend: "broken",
      hit(): Promise<HitResult> {
        return Promise.reject(new Error("connection refused"));
      },
      add: () => Promise.reject(new Error("connection refused")),
      get: () => Promise.reject(new Error("connection refused")),
      close: () => Promise.resolve(),
    };
    const tolerant = build({ limit: 1, window: "second", key: "client_ip" }, broken);
    const ctx = fakeContext();
    expect(await run(tolerant, ctx)).toBeUndefined();
    const headers = new Headers();
    tolerant.onResponse?.(ctx, headers);
    expect(headers.get("ratelimit-limit")).toBeNull();

    const strict = build({ limit: 1, window: "second", key: "client_ip", fault_tolerant: false }, broken);
    const verdict = (await run(strict, fakeContext())) as WaygateError;
    expect(verdict).toBeInstanceOf(WaygateError);
    expect(verdict.status).toBe(503);
  });
});
