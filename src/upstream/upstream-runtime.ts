/**
 * The live side of one upstream in one snapshot: picks a target for each
 * attempt (priority tiers, availability, breaker permits, balancer, the
 * no-healthy-upstream policy) and takes the report of how it went. Target
 * state lives in the TargetRegistry and survives snapshot swaps; this object
 * is rebuilt with every snapshot.
 *
 * Every successful `select()` counts the target as in flight and must be
 * followed by exactly one `report()` for it.
 */
import type { Upstream } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import { HealthChecker, type HealthCheckerOptions } from "./active-health.ts";
import type { Balancer } from "./balancer.ts";
import { createBalancer } from "./balancers/index.ts";
import { TargetRegistry } from "./registry.ts";
import { type TargetRuntime, targetKey } from "./target.ts";
import type { AttemptOutcome, Selection, TargetHealthView } from "./types.ts";

export { TargetRegistry };

/** Retry-After never suggests less than this: a client hammering a down upstream helps nobody. */
export const MIN_RETRY_AFTER_MS = 1000;

export interface SelectContext {
  hashKey?: string;
  /** Keys of the targets this request already tried. */
  tried: ReadonlySet<string>;
  now?: number;
  random?: () => number;
}

export interface UpstreamRuntimeOptions {
  /** For the active health checker; defaults to the global fetch. */
  fetch?: HealthCheckerOptions["fetch"];
}

interface Tier {
  priority: number;
  targets: TargetRuntime[];
  balancer: Balancer<TargetRuntime>;
}

export class UpstreamRuntime {
  static readonly targetKey = targetKey;

  readonly id: string;
  readonly targets: readonly TargetRuntime[];
  private readonly tiers: Tier[];
  private readonly panicBalancer: Balancer<TargetRuntime>;
  private checker: HealthChecker | null = null;

  constructor(
    readonly upstream: Upstream,
    registry: TargetRegistry,
    private readonly clock: Clock,
    private readonly options: UpstreamRuntimeOptions = {},
  ) {
    this.id = upstream.id;
    const policies = {
      health_check: upstream.health_check,
      outlier_detection: upstream.outlier_detection,
      circuit_breaker: upstream.circuit_breaker,
    };
    const seen = new Set<string>();
    const targets: TargetRuntime[] = [];
    for (const spec of upstream.targets) {
      // A URL listed twice is one target; the first entry wins.
      if (seen.has(spec.url)) continue;
      seen.add(spec.url);
      targets.push(registry.obtain(upstream.id, spec, policies, clock));
    }
    this.targets = targets;
    this.tiers = buildTiers(targets, upstream);
    this.panicBalancer = createBalancer(targets, upstream.balancer);
  }

  select(ctx: SelectContext): Selection<TargetRuntime> {
    const now = ctx.now ?? this.clock.now();
    const pickCtx = { hashKey: ctx.hashKey, now, random: ctx.random };
    const untried = this.targets.filter((t) => !ctx.tried.has(t.key));

    if (this.inPanic(now)) {
      const target = this.panicBalancer.pick(untried, pickCtx);
      if (target) {
        target.begin();
        return { ok: true, target, panic: true };
      }
    } else {
      for (const tier of this.tiers) {
        let eligible = tier.targets.filter((t) => !ctx.tried.has(t.key) && t.available(now));
        while (eligible.length > 0) {
          const target = tier.balancer.pick(eligible, pickCtx);
          if (!target) break;
          if (target.breaker.tryAcquire(now)) {
            target.begin();
            return { ok: true, target, panic: false };
          }
          eligible = eligible.filter((t) => t !== target);
        }
      }
    }
    return { ok: false, retryAfterMs: this.retryAfterMs(now), exhausted: this.targets.length > 0 && untried.length === 0 };
  }

  report(target: TargetRuntime, outcome: AttemptOutcome, now = this.clock.now()): void {
    target.end();
    if (outcome.kind === "cancelled") {
      target.breaker.release();
      return;
    }
    target.noteOutcome(outcome);
    if (outcome.kind === "response" || outcome.kind === "timeout") target.observeLatency(outcome.durationMs, now);
    const success = outcome.kind === "response" && outcome.status < 500;
    target.breaker.onResult(success, outcome.durationMs, now);
    if (target.outlier.record(outcome, now) && this.mayEject(target, now)) target.outlier.eject(now);
  }

  health(now = this.clock.now()): TargetHealthView[] {
    return this.targets.map((t) => t.view(now));
  }

  /** Starts active health checks when the upstream enables them. */
  start(): void {
    if (!this.upstream.health_check.enabled || this.checker || this.targets.length === 0) return;
    this.checker = new HealthChecker({ config: this.upstream.health_check, targets: this.targets, clock: this.clock, fetch: this.options.fetch });
    this.checker.start();
  }

  stop(): void {
    this.checker?.stop();
    this.checker = null;
  }

  /** The active health checker while started (tests trigger probe rounds through it). */
  get healthChecker(): HealthChecker | null {
    return this.checker;
  }

  keys(): string[] {
    return this.targets.map((t) => t.key);
  }

  /** Envoy's panic routing: below the threshold, health is ignored rather than overloading the few left. */
  private inPanic(now: number): boolean {
    const policy = this.upstream.no_healthy_upstream;
    if (policy.mode !== "panic" || this.targets.length === 0) return false;
    const healthy = this.targets.filter((t) => t.available(now)).length;
    return healthy * 100 < policy.panic_threshold_percent * this.targets.length;
  }

  private mayEject(target: TargetRuntime, now: number): boolean {
    const ejected = this.targets.filter((t) => t !== target && t.outlier.isEjected(now)).length;
    return (ejected + 1) * 100 <= this.upstream.outlier_detection.max_ejection_percent * this.targets.length;
  }

  private retryAfterMs(now: number): number {
    let soonest = Infinity;
    for (const t of this.targets) {
      const at = t.recoveryAt(now);
      if (at !== null && at < soonest) soonest = at;
    }
    if (!Number.isFinite(soonest)) return MIN_RETRY_AFTER_MS;
    return Math.max(MIN_RETRY_AFTER_MS, Math.ceil(soonest - now));
  }
}

function buildTiers(targets: readonly TargetRuntime[], upstream: Upstream): Tier[] {
  const byPriority = new Map<number, TargetRuntime[]>();
  for (const t of targets) {
    const list = byPriority.get(t.priority) ?? [];
    list.push(t);
    byPriority.set(t.priority, list);
  }
  return [...byPriority.entries()]
    .sort(([a], [b]) => a - b)
    .map(([priority, list]) => ({ priority, targets: list, balancer: createBalancer(list, upstream.balancer) }));
}
