/**
 * Runs in a Worker: SQLite writes are synchronous, so they happen off the
 * thread that serves requests.
 */
import type { CallRecord } from "./call-record.ts";
import { CALL_COLUMNS, openCallLog } from "./sqlite-log-schema.ts";

declare const self: Worker;

type Msg = { type: "open"; path: string } | { type: "write"; id: number; batch: CallRecord[] } | { type: "close"; id: number };

function aiColumns(r: CallRecord): Array<string | number | null> {
  const a = r.ai;
  if (!a) return [null, null, null, null, null, null, null, null, null, null, null, null, null, null];
  return [
    a.endpoint, a.requested_model, a.virtual_model, a.provider, a.model, a.stream ? 1 : 0, a.input_tokens, a.output_tokens,
    a.cached_tokens, a.reasoning_tokens, a.tokens_estimated ? 1 : 0, a.cost_usd, a.finish_reason, JSON.stringify(a.attempts),
  ];
}

let insertMany: ((batch: CallRecord[]) => void) | undefined;
let close: (() => void) | undefined;

self.onmessage = (ev: MessageEvent<Msg>) => {
  const msg = ev.data;
  try {
    if (msg.type === "open") {
      const db = openCallLog(msg.path);
      const stmt = db.prepare(`INSERT INTO calls (${CALL_COLUMNS.join(",")}) VALUES (${CALL_COLUMNS.map(() => "?").join(",")})`);
      insertMany = db.transaction((batch: CallRecord[]) => {
        for (const r of batch) {
          stmt.run(
            r.request_id, r.ts, r.method, r.host, r.path, r.client_ip, r.route_id, r.service_id, r.team_id,
            r.application_id, r.credential_id, r.upstream_id, r.target, r.attempts, JSON.stringify(r.fallback_path),
            r.panic ? 1 : 0, r.status, r.error_code, r.gateway_ms, r.upstream_ttfb_ms, r.total_ms, r.request_bytes, r.response_bytes,
            ...aiColumns(r),
          );
        }
      });
      close = () => db.close();
      postMessage({ type: "opened" });
    } else if (msg.type === "write") {
      insertMany?.(msg.batch);
      postMessage({ type: "ack", id: msg.id });
    } else {
      close?.();
      postMessage({ type: "ack", id: msg.id });
    }
  } catch (err) {
    postMessage({ type: "error", id: "id" in msg ? msg.id : -1, message: err instanceof Error ? err.message : String(err) });
  }
};
