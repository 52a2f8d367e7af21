/**
 * Turns a virtual model's route tree into the ordered list of leaf targets
 * one request will try. Every strategy is expressed as an order:
 * `fallback` keeps its order, `loadbalance` draws a weighted random order,
 * `least_latency` and `lowest_cost` sort, `conditional` picks one branch.
 * Trying leaves in that order (while the failure allows it) is what makes
 * every strategy fail over instead of dead-ending on its first pick.
 */
import type { RouteNode } from "../../config/ai-entities.ts";
import { FALLBACK_TRIGGERS } from "../../config/ai-entities.ts";
import { type ConditionInput, matches } from "./conditions.ts";

export type FallbackTrigger = (typeof FALLBACK_TRIGGERS)[number];
export type TargetNode = Extract<RouteNode, { type: "target" }>;

export interface PlannedTarget {
  node: TargetNode;
  /** Failures after which the next leaf may be tried (from the nearest fallback ancestor). */
  triggers: ReadonlySet<FallbackTrigger>;
  attempts: number;
  timeoutMs: number | undefined;
}

export interface PlanContext {
  condition: ConditionInput;
  random: () => number;
  /** Observed latency of a leaf in ms (0 when unknown). */
  latencyOf(node: TargetNode): number;
  /** Price of a leaf per million tokens, input + output (Infinity when unknown). */
  costOf(node: TargetNode): number;
}

const ALL_TRIGGERS: ReadonlySet<FallbackTrigger> = new Set(FALLBACK_TRIGGERS);

export function planRoute(root: RouteNode, ctx: PlanContext): PlannedTarget[] {
  const out: PlannedTarget[] = [];
  walk(root, ctx, ALL_TRIGGERS, {}, out);
  return out;
}

interface Inherited {
  attempts?: number;
  timeoutMs?: number;
}

function walk(node: RouteNode, ctx: PlanContext, triggers: ReadonlySet<FallbackTrigger>, inherited: Inherited, out: PlannedTarget[]): void {
  const here: Inherited = { attempts: node.attempts ?? inherited.attempts, timeoutMs: node.timeout_ms ?? inherited.timeoutMs };
  switch (node.type) {
    case "target":
      out.push({ node, triggers, attempts: here.attempts ?? 1, timeoutMs: here.timeoutMs });
      return;
    case "fallback": {
      const t = node.on ? new Set(node.on) : triggers;
      for (const child of node.targets) walk(child, ctx, t, here, out);
      return;
    }
    case "loadbalance":
      for (const child of weightedOrder(node.targets, ctx.random)) walk(child, ctx, triggers, here, out);
      return;
    case "least_latency":
      for (const child of sortBy(node.targets, (c) => firstLeafScore(c, ctx.latencyOf))) walk(child, ctx, triggers, here, out);
      return;
    case "lowest_cost":
      for (const child of sortBy(node.targets, (c) => firstLeafScore(c, ctx.costOf))) walk(child, ctx, triggers, here, out);
      return;
    case "conditional": {
      const rule = node.rules.find((r) => r.when.every((c) => matches(c, ctx.condition)));
      const branch = rule?.then ?? node.default;
      if (branch) walk(branch, ctx, triggers, here, out);
      return;
    }
  }
}

/** Weighted random order without replacement (Efraimidis–Spirakis keys). */
function weightedOrder(nodes: readonly RouteNode[], random: () => number): RouteNode[] {
  return nodes
    .map((n) => {
      const w = n.weight ?? 1;
      return { n, k: w > 0 ? random() ** (1 / w) : -1 + random() * 1e-9 };
    })
    .sort((a, b) => b.k - a.k)
    .map((x) => x.n);
}

/** Stable sort, so equal scores keep the configured order. */
function sortBy(nodes: readonly RouteNode[], score: (n: RouteNode) => number): RouteNode[] {
  return nodes
    .map((n, i) => ({ n, i, s: score(n) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.n);
}

function firstLeafScore(node: RouteNode, score: (t: TargetNode) => number): number {
  switch (node.type) {
    case "target":
      return score(node);
    case "conditional": {
      let best = Infinity;
      for (const r of node.rules) best = Math.min(best, firstLeafScore(r.then, score));
      if (node.default) best = Math.min(best, firstLeafScore(node.default, score));
      return best;
    }
    default: {
      let best = Infinity;
      for (const c of node.targets) best = Math.min(best, firstLeafScore(c, score));
      return best;
    }
  }
}
