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

/**
 * Admin identity and the audit log: users, their team memberships, login
 * sessions and personal access tokens (both kept only as SHA-256 of the
 * token), and one audit entry per admin change. Not configuration: writes
 * here do not bump the revision. The built-in bootstrap admin is the user
 * the admin token authenticates as.
 */
const identity: Migration = {
  version: 5,
  name: "identity_audit",
  statements: [
    `CREATE TABLE users (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  username text NOT NULL UNIQUE,
  password_hash text,
  role text NOT NULL,
  disabled integer NOT NULL DEFAULT 0,
  built_in integer NOT NULL DEFAULT 0,
  created_at text NOT NULL,
  updated_at text NOT NULL
)`,
    `INSERT INTO users (id, username, role, built_in, created_at, updated_at) VALUES ('admin', 'admin', 'super_admin', 1, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z')`,
    `CREATE TABLE team_memberships (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  role text NOT NULL,
  created_at text NOT NULL,
  CONSTRAINT team_memberships_user_team_role_key UNIQUE (user_id, team_id, role)
)`,
    `CREATE INDEX team_memberships_team_id_idx ON team_memberships (team_id)`,
    `CREATE TABLE admin_sessions (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  ip text,
  created_at text NOT NULL,
  expires_at text NOT NULL,
  revoked_at text
)`,
    `CREATE INDEX admin_sessions_user_id_idx ON admin_sessions (user_id)`,
    `CREATE TABLE access_tokens (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at text NOT NULL,
  expires_at text,
  last_used_at text,
  revoked_at text
)`,
    `CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id)`,
    `CREATE TABLE audit_log (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  at text NOT NULL,
  actor_id text,
  actor_name text,
  auth_method text,
  ip text,
  method text NOT NULL,
  path text NOT NULL,
  action text NOT NULL,
  kind text,
  entity_id text,
  before_doc text,
  after_doc text
)`,
    `CREATE INDEX audit_log_at_idx ON audit_log (at)`,
    `CREATE INDEX audit_log_entity_idx ON audit_log (kind, entity_id)`,
    `CREATE TABLE audit_log_teams (
  entry_seq bigint NOT NULL REFERENCES audit_log (seq) ON DELETE CASCADE,
  team_id text NOT NULL,
  PRIMARY KEY (entry_seq, team_id)
)`,
    `CREATE INDEX audit_log_teams_team_id_idx ON audit_log_teams (team_id)`,
  ],
};

/**
 * Releases: immutable snapshots of one service (src/releases/). The row
 * whose status is `published` is what the gateway serves for its service;
 * publishing and rolling back also touch the service entity, so the
 * revision moves and every gateway recompiles. No foreign keys, so the
 * history outlives the service it froze.
 */
const releases: Migration = {
  version: 8,
  name: "releases",
  statements: [
    `CREATE TABLE releases (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  service_id text NOT NULL,
  team_id text,
  version text NOT NULL,
  notes text NOT NULL,
  status text NOT NULL,
  previous_id text,
  rollback_of text,
  content text NOT NULL,
  created_by text,
  created_at text NOT NULL,
  requested_by text,
  published_at text,
  decided_by text,
  decided_at text,
  reason text
)`,
    `CREATE INDEX releases_service_id_idx ON releases (service_id, seq)`,
    // At most one published release per service, whatever two concurrent publishes do.
    `CREATE UNIQUE INDEX releases_one_published_idx ON releases (service_id) WHERE status = 'published'`,
  ],
};

/** Prompt APIs (src/prompt-apis/): a service's prompt templates published as endpoints under its routes. */
const promptApis: Migration = {
  version: 7,
  name: "prompt_apis",
  statements: [
    entityTable("prompt_apis", "name text NOT NULL,\n  service_id text NOT NULL REFERENCES services (id) ON DELETE CASCADE,\n  path text NOT NULL", [
      "CONSTRAINT prompt_apis_name_key UNIQUE (name)",
      "CONSTRAINT prompt_apis_service_id_path_key UNIQUE (service_id, path)",
    ]),
  ],
};

export const POSTGRES_MIGRATIONS: readonly Migration[] = [entities, aiEntities, policies, budgetAlerts, identity, ANALYTICS_POSTGRES_MIGRATION, promptApis, releases];
