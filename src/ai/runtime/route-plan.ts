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
  /**
   * Observed latency of a leaf in ms, 0 when unknown: an untried leaf sorts
   * first, so it is measured once instead of never being chosen (exploration).
   */
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
    case "lowest_cost": {
      const score = node.type === "least_latency" ? ctx.latencyOf : ctx.costOf;
      // A child is ranked by the leaf it would try first (a nested fallback's
      // primary, a conditional's chosen branch), not by its best leaf anywhere.
      const ranked = node.targets.map((child, i) => {
        const sub: PlannedTarget[] = [];
        walk(child, ctx, triggers, here, sub);
        return { sub, i, s: sub[0] ? score(sub[0].node) : Number.POSITIVE_INFINITY };
      });
      // `|| a.i - b.i` also orders two unknown (Infinity) scores, whose difference is NaN.
      ranked.sort((a, b) => a.s - b.s || a.i - b.i);
      for (const r of ranked) out.push(...r.sub);
      return;
    }
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
