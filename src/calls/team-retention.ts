/** The retention policy as configured: each team's `call_log_retention_days`, and the gateway's default. */
import type { Store } from "../store/store.ts";
import type { RetentionPolicy } from "./call-log-store.ts";

export async function teamRetention(store: Store, defaultDays: number): Promise<RetentionPolicy> {
  const teams = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await store.list("teams", { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const team of page.items) if (team.call_log_retention_days !== undefined) teams.set(team.id, team.call_log_retention_days);
    cursor = page.next;
  } while (cursor);
  return { default_days: defaultDays, teams };
}
