/**
 * PostgreSQL schema, one migration per version; the same tables as
 * sqlite.ts with native types: JSONB documents, timestamptz, identity `seq`.
 * Tables are created unqualified, so they land in the connection's
 * search_path schema (which is how tests get a schema of their own).
 */
import { ANALYTICS_POSTGRES_MIGRATION } from "../../analytics/migration.ts";
import type { Migration } from "./migration.ts";

function entityTable(kind: string, columns: string, constraints: string[] = []): string {
  const tail = constraints.length > 0 ? `,\n  ${constraints.join(",\n  ")}` : "";
  return `CREATE TABLE ${kind} (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  ${columns},
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL${tail}
)`;
}

const entities: Migration = {
  version: 1,
  name: "entities",
  statements: [
    `CREATE TABLE meta (key text PRIMARY KEY, value bigint NOT NULL)`,
    `INSERT INTO meta (key, value) VALUES ('revision', 0)`,
    entityTable("teams", "name text NOT NULL", ["CONSTRAINT teams_name_key UNIQUE (name)"]),
    entityTable("upstreams", "name text NOT NULL,\n  team_id text REFERENCES teams (id)", [
      "CONSTRAINT upstreams_name_key UNIQUE (name)",
    ]),
    entityTable(
      "services",
      "name text NOT NULL,\n  team_id text REFERENCES teams (id),\n  upstream_id text REFERENCES upstreams (id),\n  fallback_service_id text REFERENCES services (id)",
      ["CONSTRAINT services_name_key UNIQUE (name)"],
    ),
    entityTable(
      "routes",
      "name text NOT NULL,\n  service_id text NOT NULL REFERENCES services (id) ON DELETE CASCADE,\n  fallback_service_id text REFERENCES services (id)",
      ["CONSTRAINT routes_name_key UNIQUE (name)"],
    ),
    entityTable("applications", "name text NOT NULL,\n  team_id text REFERENCES teams (id)", [
      "CONSTRAINT applications_name_key UNIQUE (name)",
    ]),
    entityTable(
      "credentials",
      "name text NOT NULL,\n  application_id text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,\n  key_hash text NOT NULL",
      ["CONSTRAINT credentials_application_id_name_key UNIQUE (application_id, name)", "CONSTRAINT credentials_key_hash_key UNIQUE (key_hash)"],
    ),
    entityTable(
      "subscriptions",
      "application_id text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,\n  service_id text NOT NULL REFERENCES services (id) ON DELETE CASCADE",
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
    entityTable("providers", "name text NOT NULL,\n  team_id text REFERENCES teams (id)", ["CONSTRAINT providers_name_key UNIQUE (name)"]),
    entityTable("virtual_models", "name text NOT NULL,\n  team_id text REFERENCES teams (id)", [
      "CONSTRAINT virtual_models_name_key UNIQUE (name)",
    ]),
    entityTable("model_overrides", "name text NOT NULL", ["CONSTRAINT model_overrides_name_key UNIQUE (name)"]),
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
      "name text NOT NULL,\n  team_id text REFERENCES teams (id),\n  service_id text REFERENCES services (id),\n  route_id text REFERENCES routes (id),\n  application_id text REFERENCES applications (id)",
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
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  policy_id text NOT NULL,
  policy_name text NOT NULL,
  subject text NOT NULL,
  team_id text,
  application_id text,
  period text NOT NULL,
  level text NOT NULL,
  spent_usd double precision NOT NULL,
  limit_usd double precision NOT NULL,
  threshold_usd double precision NOT NULL,
  model text,
  created_at timestamptz NOT NULL,
  CONSTRAINT budget_alerts_once UNIQUE (policy_id, subject, period, level)
)`,
    `CREATE INDEX budget_alerts_team_id_idx ON budget_alerts (team_id, seq)`,
    `CREATE INDEX budget_alerts_created_at_idx ON budget_alerts (created_at)`,
  ],
};

export const POSTGRES_MIGRATIONS: readonly Migration[] = [entities, aiEntities, policies, budgetAlerts, ANALYTICS_POSTGRES_MIGRATION];
