/**
 * The lifecycle of a service: draft → published → deprecated → retired,
 * one step at a time, plus two documented steps back — a deprecation can be
 * withdrawn (deprecated → published) and a retirement undone while clients
 * still need time (retired → deprecated). Nothing goes back to draft once
 * published, since clients may already depend on it.
 */
import type { LifecycleState, Service } from "../config/entities.ts";
import { LIFECYCLE_STATES } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";

export const LIFECYCLE_TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  draft: ["published"],
  published: ["deprecated"],
  deprecated: ["retired", "published"],
  retired: ["deprecated"],
};

/** Services stored before lifecycles existed have none: they are published. */
export function lifecycleOf(service: Pick<Service, "lifecycle">): LifecycleState {
  return service.lifecycle ?? "published";
}

export function isLifecycleState(s: unknown): s is LifecycleState {
  return typeof s === "string" && (LIFECYCLE_STATES as readonly string[]).includes(s);
}

/** 409 invalid_transition unless `to` is a step allowed from `from` (staying put is always allowed). */
export function checkTransition(from: LifecycleState, to: LifecycleState): void {
  if (from === to) return;
  const allowed = LIFECYCLE_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    throw new WaygateError("invalid_transition", `a ${from} service cannot become ${to}; allowed: ${allowed.join(", ")}`);
  }
}

/** Whether the gateway routes requests to the service at all (a draft is not served). */
export function isServed(service: Pick<Service, "lifecycle">): boolean {
  return lifecycleOf(service) !== "draft";
}

/** Whether the service may take over another's traffic as a fallback (a draft or retired one may not). */
export function acceptsFallback(service: Pick<Service, "lifecycle">): boolean {
  const state = lifecycleOf(service);
  return state === "published" || state === "deprecated";
}
