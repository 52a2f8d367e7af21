/** The body-capture policies of a configuration: one per service and per route with `log_bodies`. */
import type { EntitySet, Service } from "../../config/entities.ts";
import type { Policy } from "../../policies/policy.ts";
import { bodyCapturePolicy } from "./policy.ts";
import { storageMask } from "./storage-mask.ts";

export interface BodyCapture {
  scope: "service" | "route";
  /** The service's or the route's id. */
  target: string;
  policy: Policy;
}

/** Header names a service reads credentials from, beyond the ones always redacted. */
function credentialHeaders(service: Service): ReadonlySet<string> {
  return new Set(service.auth.locations.flatMap((l) => (l !== "bearer" && "header" in l ? [l.header.toLowerCase()] : [])));
}

export function bodyCaptures(set: EntitySet): BodyCapture[] {
  const mask = storageMask;
  const out: BodyCapture[] = [];
  const services = new Map(set.services.map((s) => [s.id, s]));
  for (const service of set.services) {
    if (!service.log_bodies) continue;
    const opts = { spec: service.log_bodies, mask, credentialHeaders: credentialHeaders(service) };
    out.push({ scope: "service", target: service.id, policy: bodyCapturePolicy(`log_bodies:service:${service.name}`, opts) });
  }
  for (const route of set.routes) {
    const service = services.get(route.service_id);
    if (!route.log_bodies || !service) continue;
    const opts = { spec: route.log_bodies, mask, credentialHeaders: credentialHeaders(service) };
    out.push({ scope: "route", target: route.id, policy: bodyCapturePolicy(`log_bodies:route:${route.name}`, opts) });
  }
  return out;
}
