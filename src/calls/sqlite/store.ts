/**
 * Call records in a SQLite file of their own. One worker thread writes
 * (batches, and retention deletes in small slices between them); a second,
 * read-only one answers queries, so a slow search never delays writes.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TeamScope } from "../../control/scope.ts";
import type { CallRecord } from "../../telemetry/call-record.ts";
import type { CallLogStore, CallPage, CallQuery, PruneStep, RetentionPolicy } from "../call-log-store.ts";
import { CALL_COLUMNS, LIST_COLUMNS, recordFromRow } from "../columns.ts";
import { cutoffs } from "../retention.ts";
import { expiredClause, ORDER, whereClause } from "../where.ts";
import { WorkerClient } from "./worker-client.ts";

/** Rows deleted per retention slice: small enough that a waiting batch write is delayed by milliseconds. */
const PRUNE_SLICE = 2_000;

export class SqliteCallLogStore implements CallLogStore {
  readonly backend = "sqlite" as const;
  private readonly writer: WorkerClient;
  private reader: WorkerClient | undefined;

  constructor(private readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.writer = new WorkerClient(path, false);
  }

  /** The read-only worker, opened once the writer has created the file (an in-memory log has only the one). */
  private async reads(): Promise<WorkerClient> {
    if (this.path === ":memory:") return this.writer;
    if (!this.reader) {
      await this.writer.ready;
      this.reader = new WorkerClient(this.path, true);
    }
    return this.reader;
  }

  write(batch: CallRecord[]): Promise<void> {
    return this.writer.write(batch);
  }

  async list(query: CallQuery, scope: TeamScope): Promise<CallPage> {
    const where = whereClause(query, scope, query.after, "LIKE");
    if (!where) return { items: [] };
    const reader = await this.reads();
    const rows = await reader.all(`SELECT ${LIST_COLUMNS.join(", ")} FROM calls ${where.sql} ${ORDER} LIMIT ?`, [...where.params, query.limit + 1]);
    const items = rows.slice(0, query.limit).map(recordFromRow);
    const last = items.at(-1);
    return rows.length > query.limit && last ? { items, next: { ts: last.ts, request_id: last.request_id } } : { items };
  }

  async get(requestId: string, scope: TeamScope): Promise<CallRecord | null> {
    const where = whereClause({ request_id: requestId }, scope, undefined, "LIKE");
    if (!where) return null;
    const reader = await this.reads();
    const rows = await reader.all(`SELECT ${CALL_COLUMNS.join(", ")} FROM calls ${where.sql} ${ORDER} LIMIT 1`, where.params);
    return rows[0] ? recordFromRow(rows[0]) : null;
  }

  async prune(policy: RetentionPolicy, now: number): Promise<PruneStep> {
    const c = cutoffs(policy, now);
    const expired = expiredClause(c.default_cutoff, c.teams);
    const deleted = await this.writer.run(
      `DELETE FROM calls WHERE rowid IN (SELECT rowid FROM calls WHERE ${expired.sql} LIMIT ?)`,
      [...expired.params, PRUNE_SLICE],
    );
    return { deleted, more: deleted === PRUNE_SLICE };
  }

  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.reader?.close()]);
  }
}
