/**
 * Where rollups and target health events live. One interface; the SQL
 * implementation (sql-rollup-store.ts) runs on the configuration store's
 * SQLite or PostgreSQL database, so every gateway node of a cluster adds
 * into the same rows. One shared test suite runs over both databases.
 */
import type { RollupCell } from "./cell.ts";
import type { Dimension, RollupKey } from "./dimensions.ts";
import type { Step } from "./steps.ts";
import type { TargetEventKind } from "../upstream/target-events.ts";

export interface RollupEntry {
  /** Bucket start, epoch ms, aligned to the step. */
  bucket: number;
  key: RollupKey;
  cell: RollupCell;
}

export interface RollupQuery {
  step: Step;
  /** Bucket starts in [from, to). */
  from: number;
  to: number;
  /** Exact matches on dimensions. */
  filter?: Partial<Record<Dimension, string>>;
  /** Only rows of these teams (null: every row, including those without a team). */
  teams: readonly string[] | null;
}

export type HealthEventKind = TargetEventKind;

export interface HealthEvent {
  /** Epoch ms. */
  ts: number;
  /** The owning team of the upstream or provider ("" for none). */
  team_id: string;
  upstream_id: string;
  target: string;
  event: HealthEventKind;
  /** Event specifics, e.g. {until} of an ejection, {failure_rate_percent} of an opening. */
  detail: Record<string, unknown>;
}

export interface HealthEventQuery {
  from: number;
  to: number;
  upstream_id?: string;
  target?: string;
  teams: readonly string[] | null;
  /** Newest first, at most this many. */
  limit: number;
}

export interface Retention {
  /** Age (ms) past which rows of each step are deleted. */
  minute: number;
  hour: number;
  day: number;
  /** Health events: at most this many are kept, none older than `healthMs`. */
  healthEvents: number;
  healthMs: number;
}

export const DEFAULT_RETENTION: Retention = {
  minute: 7 * 86_400_000,
  hour: 90 * 86_400_000,
  day: 730 * 86_400_000,
  healthEvents: 100_000,
  healthMs: 30 * 86_400_000,
};

export interface RollupStore {
  /** Adds minute cells into their minute, hour and day rows (merging with what is there). */
  addMinutes(entries: readonly RollupEntry[]): Promise<void>;
  rows(query: RollupQuery): Promise<RollupEntry[]>;
  addHealthEvents(events: readonly HealthEvent[]): Promise<void>;
  healthEvents(query: HealthEventQuery): Promise<HealthEvent[]>;
  /** Deletes what the retention no longer keeps. */
  prune(now: number, retention: Retention): Promise<void>;
}
