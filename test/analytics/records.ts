/** Call records for analytics tests. */
import { type CallRecord, emptyAiFields, emptyRecord } from "../../src/telemetry/call-record.ts";

export interface CallSpec {
  ts: number;
  ms: number;
  status?: number;
  code?: string | null;
  team?: string | null;
  service?: string;
  route?: string;
  application?: string | null;
  provider?: string;
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  cost?: number;
  bytesIn?: number;
  bytesOut?: number;
}

let seq = 0;

export function call(s: CallSpec): CallRecord {
  const r = emptyRecord(`req-${++seq}`, s.ts, "GET", "example.test", "/x", "127.0.0.1");
  r.team_id = s.team === undefined ? "team-a" : s.team;
  r.service_id = s.service ?? "svc-1";
  r.route_id = s.route ?? "route-1";
  r.application_id = s.application === undefined ? null : s.application;
  r.status = s.status ?? 200;
  r.error_code = s.code ?? null;
  r.total_ms = s.ms;
  r.request_bytes = s.bytesIn ?? 0;
  r.response_bytes = s.bytesOut ?? 0;
  if (s.model !== undefined) {
    r.ai = emptyAiFields("openai_chat", s.model, false);
    r.ai.provider = s.provider ?? "openai";
    r.ai.model = s.model;
    r.ai.input_tokens = s.tokensIn ?? 0;
    r.ai.output_tokens = s.tokensOut ?? 0;
    r.ai.cost_usd = s.cost ?? null;
  }
  return r;
}

export { seededRandom as rng } from "../support/random.ts";

export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
