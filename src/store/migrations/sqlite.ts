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
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`,
    `INSERT INTO users (id, username, role, built_in, created_at, updated_at) VALUES ('admin', 'admin', 'super_admin', 1, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z')`,
    `CREATE TABLE team_memberships (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CONSTRAINT team_memberships_user_team_role_key UNIQUE (user_id, team_id, role)
)`,
    `CREATE INDEX team_memberships_team_id_idx ON team_memberships (team_id)`,
    `CREATE TABLE admin_sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  ip TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
)`,
    `CREATE INDEX admin_sessions_user_id_idx ON admin_sessions (user_id)`,
    `CREATE TABLE access_tokens (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  last_used_at TEXT,
  revoked_at TEXT
)`,
    `CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id)`,
    `CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT,
  auth_method TEXT,
  ip TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  action TEXT NOT NULL,
  kind TEXT,
  entity_id TEXT,
  before_doc TEXT,
  after_doc TEXT
)`,
    `CREATE INDEX audit_log_at_idx ON audit_log (at)`,
    `CREATE INDEX audit_log_entity_idx ON audit_log (kind, entity_id)`,
    `CREATE TABLE audit_log_teams (
  entry_seq INTEGER NOT NULL REFERENCES audit_log (seq) ON DELETE CASCADE,
  team_id TEXT NOT NULL,
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
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  service_id TEXT NOT NULL,
  team_id TEXT,
  version TEXT NOT NULL,
  notes TEXT NOT NULL,
  status TEXT NOT NULL,
  previous_id TEXT,
  rollback_of TEXT,
  content TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL,
  requested_by TEXT,
  published_at TEXT,
  decided_by TEXT,
  decided_at TEXT,
  reason TEXT
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
    entityTable("prompt_apis", "name TEXT NOT NULL,\n  service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,\n  path TEXT NOT NULL", [
      "CONSTRAINT prompt_apis_name_key UNIQUE (name)",
      "CONSTRAINT prompt_apis_service_id_path_key UNIQUE (service_id, path)",
    ]),
  ],
};

export const SQLITE_MIGRATIONS: readonly Migration[] = [entities, aiEntities, policies, budgetAlerts, identity, ANALYTICS_SQLITE_MIGRATION, promptApis, releases];
