/**
 * Migration 6: the analytics tables, in the configuration store's database.
 * Rollup rows are keyed by step, bucket and every dimension ("" for none);
 * health events are an append-only list pruned to a bounded size.
 */
import type { Migration } from "../store/migrations/migration.ts";

const DIMENSION_COLUMNS = ["team_id", "service_id", "route_id", "application_id", "provider", "model"];

function rollupTable(int: string, real: string): string {
  return `CREATE TABLE analytics_rollups (
  step TEXT NOT NULL,
  bucket ${int} NOT NULL,
  ${DIMENSION_COLUMNS.map((c) => `${c} TEXT NOT NULL`).join(",\n  ")},
  calls ${int} NOT NULL,
  errors_4xx ${int} NOT NULL,
  errors_5xx ${int} NOT NULL,
  bytes_in ${int} NOT NULL,
  bytes_out ${int} NOT NULL,
  tokens_in ${int} NOT NULL,
  tokens_out ${int} NOT NULL,
  cost_usd ${real} NOT NULL,
  error_codes TEXT NOT NULL,
  latency TEXT NOT NULL,
  PRIMARY KEY (step, bucket, ${DIMENSION_COLUMNS.join(", ")})
)`;
}

function healthTable(id: string, int: string): string {
  return `CREATE TABLE analytics_health_events (
  id ${id},
  ts ${int} NOT NULL,
  team_id TEXT NOT NULL,
  upstream_id TEXT NOT NULL,
  target TEXT NOT NULL,
  event TEXT NOT NULL,
  detail TEXT NOT NULL
)`;
}

const INDEXES = [
  `CREATE INDEX analytics_rollups_team_idx ON analytics_rollups (step, team_id, bucket)`,
  `CREATE INDEX analytics_health_events_ts_idx ON analytics_health_events (ts)`,
];

export const ANALYTICS_SQLITE_MIGRATION: Migration = {
  version: 6,
  name: "analytics",
  statements: [rollupTable("INTEGER", "REAL"), healthTable("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"), ...INDEXES],
};

export const ANALYTICS_POSTGRES_MIGRATION: Migration = {
  version: 6,
  name: "analytics",
  statements: [rollupTable("BIGINT", "DOUBLE PRECISION"), healthTable("BIGSERIAL PRIMARY KEY", "BIGINT"), ...INDEXES],
};
