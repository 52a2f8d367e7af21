/**
 * Keeps the current Snapshot: compiles one at start, recompiles whenever the
 * store's revision moves, and swaps it in atomically. Reloads are
 * serialised and coalesced — a burst of changes costs one compile. A
 * compile that fails keeps the previous snapshot serving.
 */
import { LatencyBook } from "../ai/runtime/ai-runtime.ts";
import type { Clock } from "../core/clock.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { PolicyServices } from "../policies/kind.ts";
import { systemClock } from "../core/clock.ts";
import type { Store } from "../store/store.ts";
import type { TargetEventListener } from "../upstream/target-events.ts";
import { TargetRegistry } from "../upstream/upstream-runtime.ts";
import { JwksRegistry } from "../policies/auth/jwks-registry.ts";
import { liveContents } from "../releases/records.ts";
import { applyReleases } from "../releases/overlay.ts";
import { compileSnapshot } from "./compile.ts";
import type { Snapshot } from "./snapshot.ts";

export class SnapshotManager {
  private snap: Snapshot | undefined;
  private readonly registry = new TargetRegistry();
  private readonly latency = new LatencyBook();
  private readonly jwks = new JwksRegistry();
  private unwatch: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private again = false;
  private listeners: Array<(s: Snapshot) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
    private readonly pollMs = 250,
    private readonly secrets?: SecretBox,
    /** Shared services handed to policies (the counter store for rate limits). */
    private readonly policyServices: PolicyServices = {},
  ) {}

  get current(): Snapshot {
    if (!this.snap) throw new Error("snapshot manager not started");
    return this.snap;
  }

  onSwap(fn: (s: Snapshot) => void): void {
    this.listeners.push(fn);
  }

  /** Hears breaker, ejection and health-check changes of every target. */
  onTargetEvent(fn: TargetEventListener): void {
    this.registry.listen(fn);
  }

  async start(): Promise<void> {
    await this.reloadNow();
    this.unwatch = this.store.watch(() => void this.reload(), this.pollMs, this.current.revision);
  }

  /** Recompiles from the store; resolves once a snapshot at least as new as the call is live. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          await this.reloadNow();
        } while (this.again);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async reloadNow(): Promise<void> {
    const loaded = await this.store.loadAll();
    if (this.snap && loaded.revision === this.snap.revision) return;
    // Read after the entities: a release published in between moves the revision again, so the next reload settles it.
    const releases = await this.store.db.read(liveContents, true);
    const set = applyReleases(loaded, releases);
    const releaseIds = new Map([...releases].map(([serviceId, r]) => [serviceId, r.releaseId] as const));
    let next: Snapshot;
    try {
      next = compileSnapshot(set, { registry: this.registry, clock: this.clock, secrets: this.secrets, latency: this.latency, policyServices: this.policyServices, jwks: this.jwks, releaseIds });
    } catch (err) {
      if (!this.snap) throw err;
      console.error(`[waygate] revision ${set.revision} failed to compile; still serving ${this.snap.revision}:`, err);
      return;
    }
    const prev = this.snap;
    for (const u of next.upstreams.values()) u.start();
    next.ai.start();
    this.snap = next;
    if (prev) {
      for (const u of prev.upstreams.values()) u.stop();
      prev.ai.stop();
    }
    for (const fn of this.listeners) fn(next);
  }

  stop(): void {
    this.unwatch?.();
    if (!this.snap) return;
    for (const u of this.snap.upstreams.values()) u.stop();
    this.snap.ai.stop();
  }
}
