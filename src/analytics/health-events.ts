/**
 * Turns a target's state change into a stored health event, naming the
 * team that owns its upstream (or AI provider) so the history is scoped
 * like every other analytics answer.
 */
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { TargetEvent } from "../upstream/target-events.ts";
import type { HealthEvent } from "./rollup-store.ts";

export function healthEventFrom(e: TargetEvent, snap: Snapshot): HealthEvent {
  return { ts: e.at, team_id: ownerTeam(e.upstreamId, snap), upstream_id: e.upstreamId, target: e.url, event: e.kind, detail: e.detail };
}

function ownerTeam(upstreamId: string, snap: Snapshot): string {
  const upstream = snap.upstreams.get(upstreamId);
  if (upstream) return upstream.upstream.team_id ?? "";
  for (const p of snap.ai.providers.values()) if (p.pool.id === upstreamId) return p.provider.team_id ?? "";
  return "";
}
