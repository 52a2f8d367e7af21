/**
 * The entity operations, written once over a Queryer so SQLite and
 * PostgreSQL share every rule: reference and uniqueness checks run as
 * queries before the write (so a transaction stays usable after a caught
 * error, which PostgreSQL would not allow after a failed statement), and
 * the database constraints stay as the backstop for concurrent writers.
 */
import type { EntityMap, Kind } from "../../config/entities.ts";
import { KIND_DESCRIPTORS } from "../../config/kinds.ts";
import type { FieldIssue } from "../../core/errors.ts";
import { WaygateError } from "../../core/errors.ts";
import { newId } from "../../core/ids.ts";
import { decodeCursor, encodeCursor, pageLimit } from "../cursor.ts";
import { isoTime, rowToEntity, selectList, splitData, writtenEntity } from "../rows.ts";
import type { SplitData } from "../rows.ts";
import type { EntityData, ListQuery, Page, StoreOps } from "../store.ts";
import { relationsFrom, relationsTo, TABLES } from "../tables.ts";
import type { Relation } from "../tables.ts";
import type { Dialect, Queryer } from "./driver.ts";

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_CONFLICT_DETAILS = 20;

function whereSql(conditions: readonly string[]): string {
  return conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
}

function notFound(kind: Kind, id: string): WaygateError {
  return new WaygateError("not_found", `${kind} ${id} not found`);
}

export class Session implements StoreOps {
  /** Set once this session has written; the caller then bumps the revision. */
  dirty = false;

  constructor(
    private readonly q: Queryer,
    private readonly dialect: Dialect,
  ) {}

  async get<K extends Kind>(kind: K, id: string): Promise<EntityMap[K] | null> {
    const [row] = await this.q.all(`SELECT ${selectList(kind)} FROM ${kind} WHERE id = ?`, [id]);
    return row ? rowToEntity(kind, row) : null;
  }

  async getByName<K extends Kind>(kind: K, name: string): Promise<EntityMap[K] | null> {
    if (!TABLES[kind].uniqueName) throw new WaygateError("validation_failed", `${kind} have no unique name`);
    const [row] = await this.q.all(`SELECT ${selectList(kind)} FROM ${kind} WHERE name = ?`, [name]);
    return row ? rowToEntity(kind, row) : null;
  }

  async list<K extends Kind>(kind: K, query: ListQuery = {}): Promise<Page<EntityMap[K]>> {
    const limit = pageLimit(query.limit);
    const filter = this.filter(kind, query.where ?? {});
    const conditions = [...filter.conditions];
    const params = [...filter.params];
    if (query.cursor !== undefined) {
      conditions.push("seq > ?");
      params.push(decodeCursor(query.cursor));
    }
    const rows = await this.q.all(
      `SELECT ${selectList(kind)} FROM ${kind}${whereSql(conditions)} ORDER BY seq LIMIT ${limit + 1}`,
      params,
    );
    const [count] = await this.q.all(`SELECT count(*) AS n FROM ${kind}${whereSql(filter.conditions)}`, filter.params);
    const page: Page<EntityMap[K]> = {
      items: rows.slice(0, limit).map((row) => rowToEntity(kind, row)),
      total: Number(count?.n ?? 0),
    };
    const last = rows[limit - 1];
    if (rows.length > limit && last) page.next = encodeCursor(Number(last.seq));
    return page;
  }

  async create<K extends Kind>(kind: K, data: EntityData<K>, id?: string): Promise<EntityMap[K]> {
    const rowId = id ?? newId();
    const split = splitData(kind, data);
    this.assertRequired(kind, split);
    const [taken] = await this.q.all(`SELECT 1 AS x FROM ${kind} WHERE id = ?`, [rowId]);
    if (taken) throw new WaygateError("conflict", `${kind} ${rowId} already exists`, { details: [{ path: "id", message: "already in use" }] });
    await this.assertUnique(kind, rowId, split);
    await this.assertReferences(kind, rowId, split);
    const now = new Date().toISOString();
    const columns = TABLES[kind].columns;
    await this.guard("write", () =>
      this.q.run(
        `INSERT INTO ${kind} (id, ${columns.join(", ")}, doc, created_at, updated_at) VALUES (?, ${columns.map(() => "?").join(", ")}, ${this.dialect.jsonParam}, ?, ?)`,
        [rowId, ...split.columns.values(), split.docJson, now, now],
      ),
    );
    this.dirty = true;
    return writtenEntity(kind, rowId, split, now, now);
  }

  async update<K extends Kind>(kind: K, id: string, data: EntityData<K>): Promise<EntityMap[K]> {
    const [existing] = await this.q.all(`SELECT created_at FROM ${kind} WHERE id = ?`, [id]);
    if (!existing) throw notFound(kind, id);
    const split = splitData(kind, data);
    this.assertRequired(kind, split);
    await this.assertUnique(kind, id, split);
    await this.assertReferences(kind, id, split);
    const now = new Date().toISOString();
    const assignments = TABLES[kind].columns.map((c) => `${c} = ?`);
    await this.guard("write", () =>
      this.q.run(
        `UPDATE ${kind} SET ${assignments.join(", ")}, doc = ${this.dialect.jsonParam}, updated_at = ? WHERE id = ?`,
        [...split.columns.values(), split.docJson, now, id],
      ),
    );
    this.dirty = true;
    return writtenEntity(kind, id, split, isoTime(existing.created_at), now);
  }

  async delete(kind: Kind, id: string): Promise<void> {
    const [existing] = await this.q.all(`SELECT 1 AS x FROM ${kind} WHERE id = ?`, [id]);
    if (!existing) throw notFound(kind, id);
    const blockers = await this.blockers(kind, id);
    if (blockers.length > 0) {
      throw new WaygateError("reference_conflict", `${kind} ${id} is still referenced`, { details: blockers.slice(0, MAX_CONFLICT_DETAILS) });
    }
    // ON DELETE CASCADE in the schema removes the dependants found by blockers().
    await this.guard("delete", () => this.q.run(`DELETE FROM ${kind} WHERE id = ?`, [id]));
    this.dirty = true;
  }

  /**
   * Walks the cascade closure of the row and returns the references from
   * rows outside it, each of which would be left dangling by the delete.
   */
  private async blockers(kind: Kind, id: string): Promise<FieldIssue[]> {
    const doomed = new Set<string>([`${kind}:${id}`]);
    const queue: Array<[Kind, string]> = [[kind, id]];
    const candidates: Array<{ relation: Relation; rowId: string; targetId: string }> = [];
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [targetKind, targetId] = next;
      for (const relation of relationsTo(targetKind)) {
        const rows = await this.q.all(`SELECT id FROM ${relation.from} WHERE ${relation.field} = ?`, [targetId]);
        for (const row of rows) {
          const rowId = String(row.id);
          const key = `${relation.from}:${rowId}`;
          if (!relation.cascade) candidates.push({ relation, rowId, targetId });
          else if (!doomed.has(key)) {
            doomed.add(key);
            queue.push([relation.from, rowId]);
          }
        }
      }
    }
    return candidates
      .filter((c) => !doomed.has(`${c.relation.from}:${c.rowId}`))
      .map((c) => ({
        path: `${c.relation.from}.${c.relation.field}`,
        message: `${c.relation.from} ${c.rowId} refers to ${c.relation.to} ${c.targetId}`,
      }));
  }

  private filter(kind: Kind, where: Record<string, string>): { conditions: string[]; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const columns = new Set(["id", ...TABLES[kind].columns]);
    for (const [field, value] of Object.entries(where)) {
      if (!FIELD_NAME.test(field)) {
        throw new WaygateError("validation_failed", `cannot filter on ${JSON.stringify(field)}`, { details: [{ path: `where.${field}`, message: "not a field name" }] });
      }
      if (columns.has(field)) {
        conditions.push(`${field} = ?`);
        params.push(value);
      } else {
        const expr = this.dialect.docField(field);
        conditions.push(`${expr.sql} = ?`);
        params.push(...expr.params, String(value));
      }
    }
    return { conditions, params };
  }

  private assertRequired(kind: Kind, split: SplitData): void {
    const missing = TABLES[kind].required.filter((field) => split.columns.get(field) === null);
    if (missing.length > 0) {
      throw new WaygateError("validation_failed", `${kind}: ${missing.join(", ")} required`, {
        details: missing.map((path) => ({ path, message: "required" })),
      });
    }
  }

  private async assertUnique(kind: Kind, id: string, split: SplitData): Promise<void> {
    for (const fields of KIND_DESCRIPTORS[kind].unique) {
      const values = fields.map((f) => split.columns.get(f) ?? null);
      if (values.some((v) => v === null)) continue;
      const [clash] = await this.q.all(
        `SELECT id FROM ${kind} WHERE ${fields.map((f) => `${f} = ?`).join(" AND ")} AND id <> ?`,
        [...values, id],
      );
      if (clash) {
        const described = fields.map((f, i) => `${f} ${JSON.stringify(values[i])}`).join(", ");
        throw new WaygateError("conflict", `${kind} with ${described} already exists`, {
          details: fields.map((path) => ({ path, message: "already in use" })),
        });
      }
    }
  }

  private async assertReferences(kind: Kind, id: string, split: SplitData): Promise<void> {
    const issues: FieldIssue[] = [];
    for (const relation of relationsFrom(kind)) {
      const target = split.columns.get(relation.field) ?? null;
      if (target === null || (relation.to === kind && target === id)) continue;
      const [found] = await this.q.all(`SELECT 1 AS x FROM ${relation.to} WHERE id = ?`, [target]);
      if (!found) issues.push({ path: relation.field, message: `no ${relation.to} with id ${JSON.stringify(target)}` });
    }
    if (issues.length > 0) {
      throw new WaygateError("reference_not_found", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { details: issues });
    }
  }

  /** Maps a constraint error that slipped past the checks (a concurrent writer) to its code. */
  private async guard(op: "write" | "delete", fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const constraint = this.dialect.constraintOf(err);
      const message = err instanceof Error ? err.message : String(err);
      if (constraint === "unique") throw new WaygateError("conflict", message);
      if (constraint === "foreign_key") throw new WaygateError(op === "write" ? "reference_not_found" : "reference_conflict", message);
      if (constraint === "not_null") throw new WaygateError("validation_failed", message);
      throw err;
    }
  }
}
