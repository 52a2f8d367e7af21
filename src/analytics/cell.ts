/**
 * The numbers one rollup row holds: counts and sums that add, error counts
 * per code, and a latency sketch that merges. Adding the cells of several
 * minutes gives exactly the cell of their hour — nothing is averaged.
 */
import type { CallRecord } from "../telemetry/call-record.ts";
import { DDSketch } from "./sketch.ts";

export interface CellTotals {
  calls: number;
  errors_4xx: number;
  errors_5xx: number;
  bytes_in: number;
  bytes_out: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
}

export const TOTAL_FIELDS: readonly (keyof CellTotals)[] = [
  "calls",
  "errors_4xx",
  "errors_5xx",
  "bytes_in",
  "bytes_out",
  "tokens_in",
  "tokens_out",
  "cost_usd",
];

/** The code a failed call is counted under: the gateway's own code, else the upstream's status. */
export function errorCodeOf(r: CallRecord): string | null {
  if (r.status < 400 && r.error_code === null) return null;
  return r.error_code ?? `http_${r.status}`;
}

export class RollupCell implements CellTotals {
  calls = 0;
  errors_4xx = 0;
  errors_5xx = 0;
  bytes_in = 0;
  bytes_out = 0;
  tokens_in = 0;
  tokens_out = 0;
  cost_usd = 0;
  readonly errorCodes = new Map<string, number>();
  readonly latency: DDSketch;

  constructor(latency = new DDSketch()) {
    this.latency = latency;
  }

  add(r: CallRecord): void {
    this.calls++;
    if (r.status >= 500) this.errors_5xx++;
    else if (r.status >= 400) this.errors_4xx++;
    const code = errorCodeOf(r);
    if (code !== null) this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
    this.bytes_in += r.request_bytes;
    this.bytes_out += r.response_bytes;
    if (r.ai) {
      this.tokens_in += r.ai.input_tokens;
      this.tokens_out += r.ai.output_tokens;
      this.cost_usd += r.ai.cost_usd ?? 0;
    }
    this.latency.add(r.total_ms);
  }

  merge(other: RollupCell): void {
    for (const f of TOTAL_FIELDS) this[f] += other[f];
    for (const [code, n] of other.errorCodes) this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + n);
    this.latency.merge(other.latency);
  }

  get errors(): number {
    return this.errors_4xx + this.errors_5xx;
  }

  errorCodesJson(): string {
    return JSON.stringify(Object.fromEntries(this.errorCodes));
  }

  static from(totals: CellTotals, errorCodes: Record<string, number>, latency: DDSketch): RollupCell {
    const c = new RollupCell(latency);
    for (const f of TOTAL_FIELDS) c[f] = totals[f];
    for (const [code, n] of Object.entries(errorCodes)) c.errorCodes.set(code, n);
    return c;
  }
}
