/**
 * The in-process consumer of finished calls: each call adds into its
 * minute's cell in memory (a map lookup, a few additions, one sketch
 * insert), and a timer hands closed minutes to the RollupStore off the
 * request path. A call that finishes after its minute was flushed opens
 * that minute again; the store merges, so nothing is lost or counted twice.
 *
 * Memory is bounded: at most `maxKeysPerMinute` keys per minute (the rest
 * fold into the team's and service's OVERFLOW key) and `maxPendingEvents`
 * health events between flushes. What a failing store could not take is
 * dropped and counted, never retried forever.
 */
import type { CallRecord } from "../telemetry/call-record.ts";
import { RollupCell } from "./cell.ts";
import { type RollupKey, keyOf, keyString, overflowKey } from "./dimensions.ts";
import { DEFAULT_RETENTION, type HealthEvent, type Retention, type RollupEntry, type RollupStore } from "./rollup-store.ts";
import { bucketStart } from "./steps.ts";

export interface AggregatorOptions {
  flushMs?: number;
  maxKeysPerMinute?: number;
  maxPendingEvents?: number;
  retention?: Retention;
  /** How often old rows are pruned. */
  pruneEveryMs?: number;
  now?: () => number;
}

export interface AggregatorStats {
  /** Calls whose route/application/model split was folded into OVERFLOW. */
  overflowed: number;
  flushedMinutes: number;
  droppedEntries: number;
  droppedEvents: number;
  failedFlushes: number;
}

interface Slot {
  key: RollupKey;
  cell: RollupCell;
}

export class RollupAggregator {
  private minutes = new Map<number, Map<string, Slot>>();
  private events: HealthEvent[] = [];
  private flushing: Promise<void> | null = null;
  private timer: Timer | undefined;
  private lastPrune = 0;
  private readonly maxKeys: number;
  private readonly maxEvents: number;
  private readonly retention: Retention;
  private readonly pruneEveryMs: number;
  private readonly now: () => number;
  readonly stats: AggregatorStats = { overflowed: 0, flushedMinutes: 0, droppedEntries: 0, droppedEvents: 0, failedFlushes: 0 };

  constructor(
    private readonly store: RollupStore,
    opts: AggregatorOptions = {},
  ) {
    this.maxKeys = opts.maxKeysPerMinute ?? 10_000;
    this.maxEvents = opts.maxPendingEvents ?? 10_000;
    this.retention = opts.retention ?? DEFAULT_RETENTION;
    this.pruneEveryMs = opts.pruneEveryMs ?? 3_600_000;
    this.now = opts.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), opts.flushMs ?? 10_000);
    this.timer.unref();
  }

  observe(r: CallRecord): void {
    const minute = bucketStart(r.ts, "minute");
    let slots = this.minutes.get(minute);
    if (!slots) this.minutes.set(minute, (slots = new Map()));
    let key = keyOf(r);
    let id = keyString(key);
    let slot = slots.get(id);
    if (!slot && slots.size >= this.maxKeys) {
      this.stats.overflowed++;
      key = overflowKey(key);
      id = keyString(key);
      slot = slots.get(id);
    }
    if (!slot) slots.set(id, (slot = { key, cell: new RollupCell() }));
    slot.cell.add(r);
  }

  recordHealth(event: HealthEvent): void {
    if (this.events.length >= this.maxEvents) {
      this.stats.droppedEvents++;
      return;
    }
    this.events.push(event);
  }

  /** Writes every closed minute (every minute, with `all`) and the pending health events. */
  flush(all = false): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush(all));
    this.flushing = this.write(all).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private async write(all: boolean): Promise<void> {
    const now = this.now();
    const open = bucketStart(now, "minute");
    const entries: RollupEntry[] = [];
    let minutes = 0;
    for (const [minute, slots] of this.minutes) {
      if (!all && minute >= open) continue;
      this.minutes.delete(minute);
      minutes++;
      for (const s of slots.values()) entries.push({ bucket: minute, key: s.key, cell: s.cell });
    }
    const events = this.events;
    this.events = [];
    try {
      await this.store.addMinutes(entries);
      this.stats.flushedMinutes += minutes;
    } catch (err) {
      this.stats.failedFlushes++;
      this.stats.droppedEntries += entries.length;
      console.error("[waygate] analytics rollup write failed:", err instanceof Error ? err.message : err);
    }
    try {
      await this.store.addHealthEvents(events);
    } catch (err) {
      this.stats.failedFlushes++;
      this.stats.droppedEvents += events.length;
      console.error("[waygate] health event write failed:", err instanceof Error ? err.message : err);
    }
    if (now - this.lastPrune >= this.pruneEveryMs) {
      this.lastPrune = now;
      await this.store.prune(now, this.retention).catch((err: unknown) => {
        console.error("[waygate] analytics prune failed:", err instanceof Error ? err.message : err);
      });
    }
  }
}
