/**
 * The audit log: one entry per admin change, login and failed login —
 * who (user and how they authenticated), when, from which address, what
 * (method, path, action, kind, id) and the documents before and after with
 * every secret masked. Entries of configuration changes are written in
 * the change's own transaction, so a change never lands without its entry.
 * Each entry lists the teams it concerns; a team admin reads only those.
 */
import { WaygateError } from "../core/errors.ts";
import type { TeamScope } from "../control/scope.ts";
import type { Queryer, SqlRow } from "../store/sql/driver.ts";
import type { AuthMethod } from "./roles.ts";

export interface AuditActor {
  userId: string | null;
  username: string | null;
  method: AuthMethod | null;
  ip: string | null;
}

export interface AuditInput {
  actor: AuditActor;
  method: string;
  path: string;
  /** create, update, patch, delete, approve, reject, cancel, revoke, rotate, login, login_failed, logout… */
  action: string;
  kind: string | null;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  /** The teams the change concerns; none: visible to system admins only. */
  teams: readonly string[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { user_id: string | null; username: string | null; auth_method: AuthMethod | null; ip: string | null };
  method: string;
  path: string;
  action: string;
  kind: string | null;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  teams: string[];
}

export const MASK = "***";

/** Field names whose values are secret wherever they appear in a document. */
const SECRET_FIELDS = new Set([
  "key",
  "key_hash",
  "secret",
  "secret_enc",
  "session_token",
  "session_token_enc",
  "password",
  "password_hash",
  "current_password",
  "token",
  "token_hash",
  "api_key",
  "client_secret",
  "private_key",
  "authorization",
]);

/** A copy of `doc` with every secret-named field's value replaced by a mask, at any depth. */
export function maskSecrets(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(maskSecrets);
  if (typeof doc !== "object" || doc === null) return doc;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(doc)) {
    out[field] = SECRET_FIELDS.has(field.toLowerCase()) && value !== null && value !== undefined ? MASK : maskSecrets(value);
  }
  return out;
}

function docText(doc: unknown): string | null {
  return doc === undefined ? null : JSON.stringify(maskSecrets(doc));
}

export async function recordAudit(q: Queryer, input: AuditInput, now = new Date()): Promise<void> {
  const [row] = await q.all(
    `INSERT INTO audit_log (id, at, actor_id, actor_name, auth_method, ip, method, path, action, kind, entity_id, before_doc, after_doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
    [
      crypto.randomUUID(),
      now.toISOString(),
      input.actor.userId,
      input.actor.username,
      input.actor.method,
      input.actor.ip,
      input.method,
      input.path,
      input.action,
      input.kind,
      input.entityId,
      docText(input.before),
      docText(input.after),
    ],
  );
  const seq = Number(row?.seq);
  for (const team of new Set(input.teams)) await q.run(`INSERT INTO audit_log_teams (entry_seq, team_id) VALUES (?, ?)`, [seq, team]);
}

export interface AuditFilter {
  /** Inclusive lower bound, ISO 8601. */
  from?: string;
  /** Exclusive upper bound, ISO 8601. */
  to?: string;
  actorId?: string;
  kind?: string;
  entityId?: string;
  action?: string;
  teamId?: string;
}

export interface AuditPage {
  data: AuditEntry[];
  next: string | null;
}

function parseDoc(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? (JSON.parse(v) as unknown) : v;
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);
}

function encodeAuditCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ a: seq })).toString("base64url");
}

function decodeAuditCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { a?: unknown };
    if (typeof parsed.a === "number" && Number.isSafeInteger(parsed.a) && parsed.a > 0) return parsed.a;
  } catch {
    // fall through to the error below
  }
  throw new WaygateError("validation_failed", "invalid cursor", { details: [{ path: "cursor", message: "not a cursor returned by a previous page" }] });
}

/** Newest first; entries outside `scope` (by their teams) never appear. */
export async function listAudit(q: Queryer, filter: AuditFilter, scope: TeamScope, limit: number, cursor?: string): Promise<AuditPage> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    conditions.push(sql);
    params.push(value);
  };
  if (filter.from !== undefined) add("x.at >= ?", filter.from);
  if (filter.to !== undefined) add("x.at < ?", filter.to);
  if (filter.actorId !== undefined) add("x.actor_id = ?", filter.actorId);
  if (filter.kind !== undefined) add("x.kind = ?", filter.kind);
  if (filter.entityId !== undefined) add("x.entity_id = ?", filter.entityId);
  if (filter.action !== undefined) add("x.action = ?", filter.action);
  if (filter.teamId !== undefined) add("x.seq IN (SELECT entry_seq FROM audit_log_teams WHERE team_id = ?)", filter.teamId);
  if (scope.kind === "teams") {
    if (scope.teams.size === 0) conditions.push("1 = 0");
    else {
      conditions.push(`x.seq IN (SELECT entry_seq FROM audit_log_teams WHERE team_id IN (${[...scope.teams].map(() => "?").join(", ")}))`);
      params.push(...scope.teams);
    }
  }
  if (cursor !== undefined) add("x.seq < ?", decodeAuditCursor(cursor));
  const where = conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
  const rows = await q.all(
    `SELECT x.seq, x.id, x.at, x.actor_id, x.actor_name, x.auth_method, x.ip, x.method, x.path, x.action, x.kind, x.entity_id, x.before_doc, x.after_doc
     FROM audit_log x${where} ORDER BY x.seq DESC LIMIT ${limit + 1}`,
    params,
  );
  const shown = rows.slice(0, limit);
  const teams = await teamsOf(q, shown.map((r) => Number(r.seq)));
  const last = shown[shown.length - 1];
  return {
    data: shown.map((row) => toEntry(row, teams.get(Number(row.seq)) ?? [])),
    next: rows.length > limit && last ? encodeAuditCursor(Number(last.seq)) : null,
  };
}

async function teamsOf(q: Queryer, seqs: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (seqs.length === 0) return out;
  const rows = await q.all(`SELECT entry_seq, team_id FROM audit_log_teams WHERE entry_seq IN (${seqs.map(() => "?").join(", ")}) ORDER BY team_id`, seqs);
  for (const row of rows) {
    const seq = Number(row.entry_seq);
    out.set(seq, [...(out.get(seq) ?? []), String(row.team_id)]);
  }
  return out;
}

function toEntry(row: SqlRow, teams: string[]): AuditEntry {
  return {
    id: String(row.id),
    at: str(row.at) as string,
    actor: { user_id: str(row.actor_id), username: str(row.actor_name), auth_method: str(row.auth_method) as AuthMethod | null, ip: str(row.ip) },
    method: String(row.method),
    path: String(row.path),
    action: String(row.action),
    kind: str(row.kind),
    entity_id: str(row.entity_id),
    before: parseDoc(row.before_doc),
    after: parseDoc(row.after_doc),
    teams,
  };
}
