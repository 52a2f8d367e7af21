/**
 * Runs in a Worker: SQLite calls are synchronous, so writes (and, in a
 * second worker, queries) happen off the thread that serves requests.
 */
import type { Database } from "bun:sqlite";
import type { CallRecord } from "../../telemetry/call-record.ts";
import { callInserter } from "./insert.ts";
import { openCallLog } from "./schema.ts";

declare const self: Worker;

export type WorkerRequest =
  | { type: "open"; path: string; readonly: boolean }
  /** The batch as JSON text: posting a string costs the serving thread a quarter of cloning the records. */
  | { type: "write"; id: number; batch: string }
  | { type: "all"; id: number; sql: string; params: Array<string | number> }
  | { type: "run"; id: number; sql: string; params: Array<string | number> }
  | { type: "close"; id: number };

export type WorkerReply =
  | { type: "opened" }
  | { type: "ack"; id: number; rows?: Array<Record<string, unknown>>; changes?: number }
  | { type: "error"; id: number; message: string };

let db: Database | undefined;
let insertMany: ((batch: CallRecord[]) => void) | undefined;

function reply(msg: WorkerReply): void {
  postMessage(msg);
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case "open": {
        db = openCallLog(msg.path, msg.readonly);
        if (!msg.readonly) insertMany = callInserter(db);
        reply({ type: "opened" });
        return;
      }
      case "write":
        if (!insertMany) throw new Error("call log opened read-only");
        insertMany(JSON.parse(msg.batch) as CallRecord[]);
        reply({ type: "ack", id: msg.id });
        return;
      case "all":
        reply({ type: "ack", id: msg.id, rows: db!.query(msg.sql).all(...msg.params) as Array<Record<string, unknown>> });
        return;
      case "run":
        reply({ type: "ack", id: msg.id, changes: db!.query(msg.sql).run(...msg.params).changes });
        return;
      case "close":
        db?.close();
        db = undefined;
        reply({ type: "ack", id: msg.id });
        return;
    }
  } catch (err) {
    reply({ type: "error", id: "id" in msg ? msg.id : -1, message: err instanceof Error ? err.message : String(err) });
  }
};
