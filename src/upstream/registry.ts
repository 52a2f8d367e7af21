/**
 * Keeps TargetRuntime objects alive across snapshot swaps, keyed by upstream
 * id + target URL: an upstream recompiled with the same targets keeps their
 * health, breaker, outlier and in-flight state, and a changed policy is
 * applied to the existing object instead of starting over.
 */
import type { Target } from "../config/entities.ts";
import type { Clock } from "../core/clock.ts";
import { type TargetPolicies, TargetRuntime, targetKey } from "./target.ts";
import type { TargetEvent, TargetEventListener } from "./target-events.ts";

export class TargetRegistry {
  private readonly byKey = new Map<string, TargetRuntime>();
  private readonly listeners: TargetEventListener[] = [];
  private readonly emit = (event: TargetEvent) => {
    for (const l of this.listeners) l(event);
  };

  /** Hears the state changes of every target, present and future. */
  listen(listener: TargetEventListener): void {
    this.listeners.push(listener);
  }

  /** The runtime for this target, created on first sight, updated to `spec`/`policies` otherwise. */
  obtain(upstreamId: string, spec: Target, policies: TargetPolicies, clock: Clock): TargetRuntime {
    const key = targetKey(upstreamId, spec.url);
    const existing = this.byKey.get(key);
    if (existing) {
      existing.update(spec, policies);
      return existing;
    }
    const created = new TargetRuntime(upstreamId, spec, policies, clock, this.emit);
    this.byKey.set(key, created);
    return created;
  }

  get(key: string): TargetRuntime | undefined {
    return this.byKey.get(key);
  }

  /** Drops every target whose key is not in `keys` (call after compiling a snapshot). */
  retain(keys: Iterable<string>): void {
    const keep = keys instanceof Set ? (keys as ReadonlySet<string>) : new Set(keys);
    for (const key of this.byKey.keys()) if (!keep.has(key)) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }
}
