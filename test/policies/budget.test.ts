import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import { WaygateError } from "../../src/core/errors.ts";
import { MemoryCounterStore } from "../../src/counters/memory.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import type { BudgetAlert, BudgetAlertSink } from "../../src/policies/budget/alert.ts";
import { kind } from "../../src/policies/budget/index.ts";
import { formatUsd, fromMicros, toMicros } from "../../src/policies/budget/money.ts";
import type { PolicyServices } from "../../src/policies/kind.ts";
import type { Policy } from "../../src/policies/policy.ts";
import type { CompiledRoute } from "../../src/snapshot/snapshot.ts";
import { NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

class ArraySink implements BudgetAlertSink {
  readonly alerts: BudgetAlert[] = [];
  record(alert: BudgetAlert): void {
    this.alerts.push(alert);
  }
}

interface Caller {
  app?: string;
  team?: string;
  path?: string;
}

function ctxFor(c: Caller = {}): RequestContext {
  const ctx = fakeContext({ url: `http://gw.test${c.path ?? "/v1/chat/completions"}`, method: "POST" });
  ctx.applicationId = c.app;
  ctx.applicationTeamId = c.team;
  ctx.route = { service: { service: { kind: "ai" } } } as unknown as CompiledRoute;
  return ctx;
}

function setup(config: Record<string, unknown>, services: Partial<PolicyServices> = {}) {
  const clock = new FakeClock(T0);
  const counters = new MemoryCounterStore();
  const sink = new ArraySink();
  const policy = kind.build(kind.schema.parse(config), { id: "bg-1", name: "spend", scope: "global", services: { counters, clock, budgetAlerts: sink, ...services } });
  return { clock, counters, sink, policy };
}

/** The async counter updates and alerts of consumed() have landed. */
const settle = () => Bun.sleep(1);

async function call(policy: Policy, caller: Caller, costUsd: number | null, model = "gpt-4o-mini"): Promise<Response | undefined> {
  const ctx = ctxFor(caller);
  const verdict = await policy.onRequest?.(ctx, NO_SNAPSHOT);
  if (verdict instanceof WaygateError) throw verdict;
  if (verdict) return verdict;
  policy.ai?.consumed?.(ctx, { provider: "oa", model, usage: { inputTokens: 100, outputTokens: 100 }, costUsd });
  await settle();
  return undefined;
}

describe("budget config", () => {
  test("accepts a limit with an optional soft threshold, with defaults", () => {
    expect(kind.schema.parse({ limit_usd: 50, period: "month", key: "team", alert_at: 0.8 })).toEqual({
      limit_usd: 50,
      period: "month",
      key: "team",
      alert_at: 0.8,
      enforce: true,
      unpriced: "flag",
      fault_tolerant: true,
    });
    expect(kind.schema.safeParse({ limit_usd: 5, period: "day", key: "application", alert_at_usd: 4, enforce: false, unpriced: "ignore" }).success).toBe(true);
    expect(kind.combine).toBe("stack");
  });

  test("rejects bad configurations", () => {
    const bad = [
      { limit_usd: 0, period: "day", key: "team" },
      { limit_usd: 5, period: "hour", key: "team" },
      { limit_usd: 5, period: "day", key: "client_ip" },
      { limit_usd: 5, period: "day", key: "team", alert_at: 1 },
      { limit_usd: 5, period: "day", key: "team", alert_at: 0 },
      { limit_usd: 5, period: "day", key: "team", alert_at_usd: 5 },
      { limit_usd: 5, period: "day", key: "team", alert_at: 0.5, alert_at_usd: 2 },
      { limit_usd: 5, period: "day", key: "team", unpriced: "refuse" },
    ];
    for (const config of bad) expect(kind.schema.safeParse(config).success).toBe(false);
  });
});

describe("money", () => {
  test("micro-dollars round to the nearest and sum exactly", () => {
    expect(toMicros(0.0000015)).toBe(2);
    expect(toMicros(12.3456784)).toBe(12_345_678);
    expect(fromMicros(toMicros(0.1) + toMicros(0.2))).toBe(0.3);
    expect(formatUsd(12.5)).toBe("$12.50");
    expect(formatUsd(0.000042)).toBe("$0.000042");
  });
});

describe("budget", () => {
  test("refuses with 402 budget_exceeded once the period's money is spent", async () => {
    const { policy } = setup({ limit_usd: 1, period: "day", key: "application" });
    expect(await call(policy, { app: "a1" }, 0.6)).toBeUndefined();
    // 0.6 spent is under the limit: this call is admitted and overshoots to 1.3.
    expect(await call(policy, { app: "a1" }, 0.7)).toBeUndefined();
    const refused = await call(policy, { app: "a1" }, 0.1);
    expect(refused?.status).toBe(402);
    expect(refused?.headers.get("retry-after")).toBe(String(14 * 3600));
    expect(refused?.headers.get("x-waygate-budget-limit-usd")).toBe("1");
    expect(refused?.headers.get("x-waygate-budget-remaining-usd")).toBe("0");
    const body = (await refused?.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.message).toBe("the daily budget of $1.00 for this application is spent ($1.30 used); calls resume at 2026-11-23T00:00:00Z");
    // Another application has its own budget.
    expect(await call(policy, { app: "a2" }, 0.1)).toBeUndefined();
  });

  test("on /v1/messages the refusal is Anthropic's billing_error", async () => {
    const { policy } = setup({ limit_usd: 1, period: "month", key: "team" });
    await call(policy, { app: "a1", team: "t1" }, 1);
    const refused = (await policy.onRequest?.(ctxFor({ app: "a2", team: "t1", path: "/v1/messages" }), NO_SNAPSHOT)) as Response;
    expect(refused.status).toBe(402);
    expect(refused.headers.get("x-waygate-error-code")).toBe("budget_exceeded");
    const body = (await refused.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "billing_error" } });
    expect(body.error.message).toContain("monthly budget of $1.00 for this team");
  });

  test("a team budget counts an application without a team by itself, and says so", async () => {
    const { policy } = setup({ limit_usd: 1, period: "day", key: "team" });
    await call(policy, { app: "loner" }, 1);
    const refused = await call(policy, { app: "loner" }, 0.1);
    expect(((await refused?.json()) as { error: { message: string } }).error.message).toContain("for this application is spent");
    expect(await call(policy, { app: "other-loner" }, 0.1)).toBeUndefined();
  });

  test("answers carry the money left as of the request", async () => {
    const { policy } = setup({ limit_usd: 10, period: "day", key: "application" });
    await call(policy, { app: "a1" }, 2.25);
    const ctx = ctxFor({ app: "a1" });
    expect(await policy.onRequest?.(ctx, NO_SNAPSHOT)).toBeUndefined();
    const headers = new Headers();
    policy.onResponse?.(ctx, headers);
    expect(headers.get("x-waygate-budget-remaining-usd")).toBe("7.75");
    expect(headers.get("x-waygate-budget-reset")).toBe(String(14 * 3600));
  });

  test("the soft threshold and the limit each raise one alert per subject and period", async () => {
    const { policy, sink, clock } = setup({ limit_usd: 10, period: "day", key: "team", alert_at: 0.5 });
    await call(policy, { app: "a1", team: "t1" }, 4);
    expect(sink.alerts).toEqual([]);
    await call(policy, { app: "a2", team: "t1" }, 2);
    expect(sink.alerts).toEqual([
      {
        policy_id: "bg-1",
        policy_name: "spend",
        subject: "team:t1",
        team_id: "t1",
        application_id: "a2",
        period: "2026-11-22",
        level: "soft",
        spent_usd: 6,
        limit_usd: 10,
        threshold_usd: 5,
        model: null,
        created_at: new Date(T0).toISOString(),
      },
    ]);
    await call(policy, { app: "a1", team: "t1" }, 1);
    await call(policy, { app: "a1", team: "t1" }, 3.5);
    expect(sink.alerts.map((a) => [a.level, a.spent_usd])).toEqual([
      ["soft", 6],
      ["hard", 10.5],
    ]);
    // Refused calls spend nothing and raise nothing more.
    expect((await call(policy, { app: "a1", team: "t1" }, 1))?.status).toBe(402);
    expect(sink.alerts.length).toBe(2);
    // The next day starts clean, with alerts of its own.
    clock.advance(14 * 3600 * 1000);
    await call(policy, { app: "a1", team: "t1" }, 11);
    expect(sink.alerts.slice(2).map((a) => [a.level, a.period])).toEqual([
      ["soft", "2026-11-23"],
      ["hard", "2026-11-23"],
    ]);
  });

  test("of many concurrent calls, exactly one raises the soft alert", async () => {
    const { policy, sink } = setup({ limit_usd: 100, period: "month", key: "application", alert_at_usd: 2.5 });
    const ctxs = Array.from({ length: 200 }, () => ctxFor({ app: "a1" }));
    await Promise.all(ctxs.map((c) => policy.onRequest?.(c, NO_SNAPSHOT)));
    for (const c of ctxs) policy.ai?.consumed?.(c, { provider: "oa", model: "m", usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.0173 });
    await settle();
    expect(sink.alerts.map((a) => a.level)).toEqual(["soft"]);
    expect(sink.alerts[0]?.threshold_usd).toBe(2.5);
    const ctx = ctxFor({ app: "a1" });
    await policy.onRequest?.(ctx, NO_SNAPSHOT);
    const headers = new Headers();
    policy.onResponse?.(ctx, headers);
    // 200 × $0.0173, to the micro-dollar.
    expect(headers.get("x-waygate-budget-remaining-usd")).toBe("96.54");
  });

  test("reads pass even when the budget is spent", async () => {
    const { policy } = setup({ limit_usd: 1, period: "day", key: "application" });
    await call(policy, { app: "a1" }, 1);
    expect((await call(policy, { app: "a1" }, 1))?.status).toBe(402);
    const ctx = fakeContext({ method: "GET", url: "http://gw.test/v1/models" });
    ctx.applicationId = "a1";
    expect(await policy.onRequest?.(ctx, NO_SNAPSHOT)).toBeUndefined();
  });

  test("enforce: false only alerts", async () => {
    const { policy, sink } = setup({ limit_usd: 1, period: "day", key: "application", enforce: false });
    await call(policy, { app: "a1" }, 2);
    expect(await call(policy, { app: "a1" }, 2)).toBeUndefined();
    expect(sink.alerts.map((a) => a.level)).toEqual(["hard"]);
  });

  test("calls on unpriced models count as $0 and are flagged once per subject and period", async () => {
    const { policy, sink } = setup({ limit_usd: 1, period: "day", key: "application" });
    await call(policy, { app: "a1" }, 0.4);
    await call(policy, { app: "a1" }, null, "my-local-llama");
    await call(policy, { app: "a1" }, null, "other-model");
    expect(sink.alerts).toHaveLength(1);
    expect(sink.alerts[0]).toMatchObject({ level: "unpriced", model: "oa/my-local-llama", spent_usd: 0.4, threshold_usd: 0, application_id: "a1" });
    await call(policy, { app: "a2" }, null);
    expect(sink.alerts.map((a) => a.subject)).toEqual(["app:a1", "app:a2"]);
    // Nothing was added for them.
    expect(await call(policy, { app: "a1" }, 0.5)).toBeUndefined();
    expect(await call(policy, { app: "a1" }, 0.01)).toBeUndefined();
  });

  test("unpriced: ignore counts them as $0 without an alert", async () => {
    const { policy, sink } = setup({ limit_usd: 1, period: "day", key: "application", unpriced: "ignore" });
    await call(policy, { app: "a1" }, null);
    expect(sink.alerts).toEqual([]);
  });

  test("a sink that throws does not break the call", async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const { policy } = setup({ limit_usd: 1, period: "day", key: "application" }, { budgetAlerts: { record: () => { throw new Error("disk full"); } } });
      expect(await call(policy, { app: "a1" }, 2)).toBeUndefined();
      expect(errors.length).toBe(1);
      expect((await call(policy, { app: "a1" }, 1))?.status).toBe(402);
    } finally {
      console.error = original;
    }
  });
});
