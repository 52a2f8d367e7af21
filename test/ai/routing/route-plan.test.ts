/**
 * planRoute: every strategy becomes an order of leaf targets, with the
 * fallback triggers, attempts and per-target timeout each leaf inherits.
 */
import { describe, expect, test } from "bun:test";
import { FALLBACK_TRIGGERS, type RouteNode } from "../../../src/config/ai-entities.ts";
import type { ConditionInput } from "../../../src/ai/runtime/conditions.ts";
import { type PlanContext, type PlannedTarget, planRoute, type TargetNode } from "../../../src/ai/runtime/route-plan.ts";
import { seededRandom as seeded } from "../../support/random.ts";


const t = (provider: string, model = "m", extra: Partial<TargetNode> = {}): TargetNode => ({ type: "target", provider, model, ...extra });

function condition(over: Partial<ConditionInput> = {}): ConditionInput {
  return { header: () => null, metadata: {}, params: {}, appName: undefined, promptTokens: () => 0, ...over };
}

function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return { condition: condition(), random: seeded(1), latencyOf: () => 0, costOf: () => Number.POSITIVE_INFINITY, ...over };
}

const names = (plan: PlannedTarget[]) => plan.map((p) => p.node.provider);

describe("fallback", () => {
  test("keeps the configured order", () => {
    const plan = planRoute({ type: "fallback", targets: [t("a"), t("b"), t("c")] }, ctx());
    expect(names(plan)).toEqual(["a", "b", "c"]);
  });

  test("a single target is a plan of one, falling back on every trigger by default", () => {
    const plan = planRoute(t("a"), ctx());
    expect(names(plan)).toEqual(["a"]);
    expect([...plan[0]!.triggers].sort()).toEqual([...FALLBACK_TRIGGERS].sort());
    expect(plan[0]!.attempts).toBe(1);
    expect(plan[0]!.timeoutMs).toBeUndefined();
  });
});

describe("loadbalance", () => {
  const lb: RouteNode = { type: "loadbalance", targets: [t("a", "m", { weight: 70 }), t("b", "m", { weight: 30 })] };

  test("first choice follows the weights (70/30 within ±3% over 10,000 plans), and the other is always the next", () => {
    const random = seeded(42);
    let a = 0;
    for (let i = 0; i < 10_000; i++) {
      const plan = names(planRoute(lb, ctx({ random })));
      expect(plan.length).toBe(2);
      expect(new Set(plan).size).toBe(2);
      if (plan[0] === "a") a++;
    }
    expect(a / 10_000).toBeGreaterThan(0.67);
    expect(a / 10_000).toBeLessThan(0.73);
  });

  test("three siblings: each is first in proportion to its weight", () => {
    const node: RouteNode = { type: "loadbalance", targets: [t("a", "m", { weight: 1 }), t("b", "m", { weight: 2 }), t("c", "m", { weight: 7 })] };
    const random = seeded(7);
    const first = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const p = names(planRoute(node, ctx({ random })))[0]!;
      first.set(p, (first.get(p) ?? 0) + 1);
    }
    expect(Math.abs((first.get("a") ?? 0) / 10_000 - 0.1)).toBeLessThan(0.03);
    expect(Math.abs((first.get("b") ?? 0) / 10_000 - 0.2)).toBeLessThan(0.03);
    expect(Math.abs((first.get("c") ?? 0) / 10_000 - 0.7)).toBeLessThan(0.03);
  });

  test("weight 0 is never first while a weighted sibling exists, but stays in the plan as a last resort", () => {
    const node: RouteNode = { type: "loadbalance", targets: [t("zero", "m", { weight: 0 }), t("a", "m", { weight: 1 }), t("b", "m", { weight: 1 })] };
    const random = seeded(3);
    for (let i = 0; i < 2000; i++) {
      const plan = names(planRoute(node, ctx({ random })));
      expect(plan[2]).toBe("zero");
    }
  });

  test("all weights 0: every sibling still gets a turn", () => {
    const node: RouteNode = { type: "loadbalance", targets: [t("a", "m", { weight: 0 }), t("b", "m", { weight: 0 })] };
    const random = seeded(5);
    const first = new Set<string>();
    for (let i = 0; i < 200; i++) first.add(names(planRoute(node, ctx({ random })))[0]!);
    expect(first).toEqual(new Set(["a", "b"]));
  });
});

describe("least_latency", () => {
  const node: RouteNode = { type: "least_latency", targets: [t("slow"), t("fast"), t("mid")] };
  const latency: Record<string, number> = { slow: 900, fast: 50, mid: 300 };

  test("orders by observed latency, fastest first", () => {
    const plan = planRoute(node, ctx({ latencyOf: (n) => latency[n.provider] ?? 0 }));
    expect(names(plan)).toEqual(["fast", "mid", "slow"]);
  });

  test("an unmeasured target (latency 0) goes first, so it gets measured rather than never chosen", () => {
    const plan = planRoute({ type: "least_latency", targets: [t("slow"), t("fast"), t("new")] }, ctx({ latencyOf: (n) => latency[n.provider] ?? 0 }));
    expect(names(plan)).toEqual(["new", "fast", "slow"]);
  });

  test("equal latencies keep the configured order", () => {
    const plan = planRoute({ type: "least_latency", targets: [t("x"), t("y"), t("z")] }, ctx({ latencyOf: () => 100 }));
    expect(names(plan)).toEqual(["x", "y", "z"]);
  });

  test("a nested fallback is ranked by its primary, the leaf it would try first", () => {
    const tree: RouteNode = {
      type: "least_latency",
      targets: [
        { type: "fallback", targets: [t("slow"), t("fast")] },
        t("mid"),
      ],
    };
    const plan = planRoute(tree, ctx({ latencyOf: (n) => latency[n.provider] ?? 0 }));
    expect(names(plan)).toEqual(["mid", "slow", "fast"]);
  });
});

describe("lowest_cost", () => {
  const price: Record<string, number> = { cheap: 0.75, pricey: 18, mid: 5 };
  const costOf = (n: TargetNode) => price[n.provider] ?? Number.POSITIVE_INFINITY;

  test("orders by price, cheapest first, unknown prices last in their configured order", () => {
    const plan = planRoute({ type: "lowest_cost", targets: [t("unknown1"), t("pricey"), t("cheap"), t("unknown2"), t("mid")] }, ctx({ costOf }));
    expect(names(plan)).toEqual(["cheap", "mid", "pricey", "unknown1", "unknown2"]);
  });

  test("a conditional child is ranked by the branch that applies, not by its cheapest branch", () => {
    const tree: RouteNode = {
      type: "lowest_cost",
      targets: [
        { type: "conditional", rules: [{ when: [{ field: "header.x-tier", op: "eq", value: "premium" }], then: t("cheap") }], default: t("pricey") },
        t("mid"),
      ],
    };
    expect(names(planRoute(tree, ctx({ costOf })))).toEqual(["mid", "pricey"]);
    const premium = condition({ header: (n) => (n === "x-tier" ? "premium" : null) });
    expect(names(planRoute(tree, ctx({ costOf, condition: premium })))).toEqual(["cheap", "mid"]);
  });

  test("a child with no applicable leaf contributes nothing and does not disturb the order", () => {
    const tree: RouteNode = {
      type: "lowest_cost",
      targets: [{ type: "conditional", rules: [{ when: [{ field: "header.x", op: "exists" }], then: t("cheap") }] }, t("pricey"), t("mid")],
    };
    expect(names(planRoute(tree, ctx({ costOf })))).toEqual(["mid", "pricey"]);
  });
});

describe("conditional", () => {
  const tree: RouteNode = {
    type: "conditional",
    rules: [
      { when: [{ field: "header.x-tier", op: "eq", value: "premium" }], then: t("premium") },
      { when: [{ field: "metadata.team", op: "eq", value: "research" }, { field: "prompt_tokens", op: "gt", value: 1000 }], then: t("long") },
      { when: [{ field: "metadata.team", op: "eq", value: "research" }], then: t("research") },
    ],
    default: t("default"),
  };

  test("the first matching rule wins", () => {
    const c = condition({ header: (n) => (n === "x-tier" ? "premium" : null), metadata: { team: "research" }, promptTokens: () => 5000 });
    expect(names(planRoute(tree, ctx({ condition: c })))).toEqual(["premium"]);
  });

  test("every condition of a rule must hold", () => {
    expect(names(planRoute(tree, ctx({ condition: condition({ metadata: { team: "research" }, promptTokens: () => 5000 }) })))).toEqual(["long"]);
    expect(names(planRoute(tree, ctx({ condition: condition({ metadata: { team: "research" }, promptTokens: () => 10 }) })))).toEqual(["research"]);
  });

  test("no rule matches: the default", () => {
    expect(names(planRoute(tree, ctx()))).toEqual(["default"]);
  });

  test("no rule matches and no default: an empty plan", () => {
    const { default: _d, ...noDefault } = tree as Extract<RouteNode, { type: "conditional" }>;
    expect(planRoute(noDefault, ctx())).toEqual([]);
  });

  test("prompt tokens are counted only when a rule asks for them", () => {
    let counted = 0;
    const c = condition({ header: (n) => (n === "x-tier" ? "premium" : null), promptTokens: () => ++counted });
    planRoute(tree, ctx({ condition: c }));
    expect(counted).toBe(0);
  });
});

describe("nested trees and inheritance", () => {
  test("a loadbalance of fallbacks expands each branch in place", () => {
    const tree: RouteNode = {
      type: "loadbalance",
      targets: [
        { type: "fallback", targets: [t("a1"), t("a2")], weight: 1 },
        { type: "fallback", targets: [t("b1"), t("b2")], weight: 1 },
      ],
    };
    const seen = new Set<string>();
    const random = seeded(9);
    for (let i = 0; i < 100; i++) seen.add(names(planRoute(tree, ctx({ random }))).join(","));
    expect(seen).toEqual(new Set(["a1,a2,b1,b2", "b1,b2,a1,a2"]));
  });

  test("`on` triggers apply to every descendant until a nested fallback sets its own", () => {
    const tree: RouteNode = {
      type: "fallback",
      on: ["rate_limited", "server_error"],
      targets: [
        { type: "loadbalance", targets: [t("a")] },
        { type: "fallback", targets: [t("b")] },
        { type: "fallback", on: ["context_length"], targets: [t("c")] },
      ],
    };
    const plan = planRoute(tree, ctx());
    expect(names(plan)).toEqual(["a", "b", "c"]);
    expect([...plan[0]!.triggers].sort()).toEqual(["rate_limited", "server_error"]);
    expect([...plan[1]!.triggers].sort()).toEqual(["rate_limited", "server_error"]);
    expect([...plan[2]!.triggers]).toEqual(["context_length"]);
  });

  test("attempts and timeout_ms come from the nearest ancestor that sets them", () => {
    const tree: RouteNode = {
      type: "fallback",
      attempts: 3,
      timeout_ms: 5000,
      targets: [
        t("a"),
        t("b", "m", { attempts: 1 }),
        { type: "least_latency", timeout_ms: 200, targets: [t("c"), t("d", "m", { timeout_ms: 50, attempts: 2 })] },
      ],
    };
    const plan = planRoute(tree, ctx());
    expect(plan.map((p) => [p.node.provider, p.attempts, p.timeoutMs])).toEqual([
      ["a", 3, 5000],
      ["b", 1, 5000],
      ["c", 3, 200],
      ["d", 2, 50],
    ]);
  });
});
