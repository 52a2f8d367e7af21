/**
 * What rollups are keyed by. One row per (step, bucket, key), where the key
 * is the call's team, service, route, application, provider and model; a
 * call without one of them (no route matched, a REST call has no model) has
 * "" there. Route implies service and service implies team, so the key
 * multiplies only routes × applications × models actually seen together,
 * and the aggregator caps the keys per minute (see OVERFLOW).
 */
import type { CallRecord } from "../telemetry/call-record.ts";

export const DIMENSIONS = ["team", "service", "route", "application", "provider", "model"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type RollupKey = Record<Dimension, string>;

/** Table column of each dimension. */
export const DIMENSION_COLUMN: Readonly<Record<Dimension, string>> = {
  team: "team_id",
  service: "service_id",
  route: "route_id",
  application: "application_id",
  provider: "provider",
  model: "model",
};

/**
 * Stands in for route, application, provider and model once a minute has
 * more distinct keys than the aggregator keeps: the calls still count for
 * their team and service, only the finer split is lost.
 */
export const OVERFLOW = "(other)";

export function keyOf(r: CallRecord): RollupKey {
  return {
    team: r.team_id ?? "",
    service: r.service_id ?? "",
    route: r.route_id ?? "",
    application: r.application_id ?? "",
    provider: r.ai?.provider ?? "",
    model: r.ai?.model ?? "",
  };
}

export function overflowKey(k: RollupKey): RollupKey {
  return { team: k.team, service: k.service, route: OVERFLOW, application: OVERFLOW, provider: OVERFLOW, model: OVERFLOW };
}

export function keyString(k: RollupKey): string {
  return `${k.team}\u0000${k.service}\u0000${k.route}\u0000${k.application}\u0000${k.provider}\u0000${k.model}`;
}

export function isDimension(s: string): s is Dimension {
  return (DIMENSIONS as readonly string[]).includes(s);
}
