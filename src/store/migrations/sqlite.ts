/**
 * SQLite schema, one migration per version. Every entity table has an
 * AUTOINCREMENT `seq` (creation order for keyset pagination, never reused),
 * the text id, the columns of src/store/tables.ts and a JSON `doc` with the
 * rest. Timestamps are ISO-8601 text.
 */
import { ANALYTICS_SQLITE_MIGRATION } from "../../analytics/migration.ts";
import type { Migration } from "./migration.ts";

function entityTable(kind: string, columns: string, constraints: string[] = []): string {
  const tail = constraints.length > 0 ? `,\n  ${constraints.join(",\n  ")}` : "";
  return `CREATE TABLE ${kind} (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  ${columns},
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL${tail}
)`;
}

const entities: Migration = {
  version: 1,
  name: "entities",
  statements: [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
    `INSERT INTO meta (key, value) VALUES ('revision', 0)`,
    entityTable("teams", "name TEXT NOT NULL", ["CONSTRAINT teams_name_key UNIQUE (name)"]),
    entityTable("upstreams", "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id)", [
      "CONSTRAINT upstreams_name_key UNIQUE (name)",
    ]),
    entityTable(
      "services",
      "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id),\n  upstream_id TEXT REFERENCES upstreams (id),\n  fallback_service_id TEXT REFERENCES services (id)",
      ["CONSTRAINT services_name_key UNIQUE (name)"],
    ),
    entityTable(
      "routes",
      "name TEXT NOT NULL,\n  service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,\n  fallback_service_id TEXT REFERENCES services (id)",
      ["CONSTRAINT routes_name_key UNIQUE (name)"],
    ),
    entityTable("applications", "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id)", [
      "CONSTRAINT applications_name_key UNIQUE (name)",
    ]),
    entityTable(
      "credentials",
      "name TEXT NOT NULL,\n  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,\n  key_hash TEXT NOT NULL",
      ["CONSTRAINT credentials_application_id_name_key UNIQUE (application_id, name)", "CONSTRAINT credentials_key_hash_key UNIQUE (key_hash)"],
    ),
    entityTable(
      "subscriptions",
      "application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,\n  service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE",
      ["CONSTRAINT subscriptions_application_id_service_id_key UNIQUE (application_id, service_id)"],
    ),
    `CREATE INDEX upstreams_team_id_idx ON upstreams (team_id)`,
    `CREATE INDEX services_team_id_idx ON services (team_id)`,
    `CREATE INDEX services_upstream_id_idx ON services (upstream_id)`,
    `CREATE INDEX services_fallback_service_id_idx ON services (fallback_service_id)`,
    `CREATE INDEX routes_service_id_idx ON routes (service_id)`,
    `CREATE INDEX routes_fallback_service_id_idx ON routes (fallback_service_id)`,
    `CREATE INDEX applications_team_id_idx ON applications (team_id)`,
    `CREATE INDEX subscriptions_service_id_idx ON subscriptions (service_id)`,
  ],
};

/** The AI gateway's kinds: providers (with their encrypted key pools), virtual models, catalog overrides. */
const aiEntities: Migration = {
  version: 2,
  name: "ai_entities",
  statements: [
    entityTable("providers", "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id)", ["CONSTRAINT providers_name_key UNIQUE (name)"]),
    entityTable("virtual_models", "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id)", [
      "CONSTRAINT virtual_models_name_key UNIQUE (name)",
    ]),
    entityTable("model_overrides", "name TEXT NOT NULL", ["CONSTRAINT model_overrides_name_key UNIQUE (name)"]),
    `CREATE INDEX providers_team_id_idx ON providers (team_id)`,
    `CREATE INDEX virtual_models_team_id_idx ON virtual_models (team_id)`,
  ],
};

/** Policies attached at a scope; each optional column is the scope's target. */
const policies: Migration = {
  version: 3,
  name: "policies",
  statements: [
    entityTable(
      "policies",
      "name TEXT NOT NULL,\n  team_id TEXT REFERENCES teams (id),\n  service_id TEXT REFERENCES services (id),\n  route_id TEXT REFERENCES routes (id),\n  application_id TEXT REFERENCES applications (id)",
      ["CONSTRAINT policies_name_key UNIQUE (name)"],
    ),
    `CREATE INDEX policies_team_id_idx ON policies (team_id)`,
    `CREATE INDEX policies_service_id_idx ON policies (service_id)`,
    `CREATE INDEX policies_route_id_idx ON policies (route_id)`,
    `CREATE INDEX policies_application_id_idx ON policies (application_id)`,
  ],
};

/**
 * Budget alerts: one row per policy, subject, period and level, written by
 * the budget policy when a subject's spending crosses a threshold. Not
 * configuration (no revision bump); no foreign keys, so the history outlives
 * the policies and teams it names.
 */
const budgetAlerts: Migration = {
  version: 4,
  name: "budget_alerts",
  statements: [
    `CREATE TABLE budget_alerts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  policy_id TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  team_id TEXT,
  application_id TEXT,
  period TEXT NOT NULL,
  level TEXT NOT NULL,
  spent_usd REAL NOT NULL,
  limit_usd REAL NOT NULL,
  threshold_usd REAL NOT NULL,
  model TEXT,
  created_at TEXT NOT NULL,
  CONSTRAINT budget_alerts_once UNIQUE (policy_id, subject, period, level)
)`,
    `CREATE INDEX budget_alerts_team_id_idx ON budget_alerts (team_id, seq)`,
    `CREATE INDEX budget_alerts_created_at_idx ON budget_alerts (created_at)`,
  ],
};

export const SQLITE_MIGRATIONS: readonly Migration[] = [entities, aiEntities, policies, budgetAlerts, ANALYTICS_SQLITE_MIGRATION];
