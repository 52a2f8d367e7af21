/**
 * What the call log recorded for the AI calls of a run: how many, how many
 * carry token counts and a cost. Read after Waygate stopped, so every
 * queued record is written.
 *
 * Run: bun bench/ai/calllog.ts <calls.db>   (prints JSON)
 */
import { Database } from "bun:sqlite";
import type { CallLogSummary } from "./lib/results.ts";

export function summarizeCallLog(path: string): CallLogSummary {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .query(
        `SELECT count(*) AS rows,
                count(input_tokens) AS rows_with_tokens,
                count(cost_usd) AS rows_with_cost,
                coalesce(sum(input_tokens), 0) AS input_tokens,
                coalesce(sum(output_tokens), 0) AS output_tokens,
                coalesce(sum(cost_usd), 0) AS cost_usd
           FROM calls WHERE ai_endpoint IS NOT NULL`,
      )
      .get() as CallLogSummary;
    return row;
  } finally {
    db.close();
  }
}

if (import.meta.main) {
  const path = Bun.argv[2];
  if (!path) throw new Error("usage: bun bench/ai/calllog.ts <calls.db>");
  console.log(JSON.stringify(summarizeCallLog(path)));
}
