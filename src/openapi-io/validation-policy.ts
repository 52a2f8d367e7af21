/**
 * The openapi_validation policy an import attaches with `validate_requests`:
 * one per service, named after it, holding the imported document. A later
 * import refreshes its document; a policy of that name that belongs to
 * something else is a conflict rather than something to overwrite.
 */
import type { PolicyEntity, Service } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { StoreOps } from "../store/store.ts";
import type { JsonObject } from "./spec.ts";

export interface PolicyPlan {
  name: string;
  action: "create" | "update" | "unchanged";
  existing: PolicyEntity | null;
  document(serviceId: string): Record<string, unknown> & { config: Record<string, unknown> };
}

export function validationPolicyName(service: string): string {
  const suffix = "-openapi-validation";
  return `${service.slice(0, 128 - suffix.length)}${suffix}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function planPolicy(ops: StoreOps, service: Service | null, name: string, spec: JsonObject): Promise<PolicyPlan> {
  const document = (serviceId: string) => ({ name, kind: "openapi_validation", scope: "service", service_id: serviceId, config: { spec, unknown_operation: "reject" } });
  const existing = await ops.getByName("policies", name);
  if (!existing) return { name, action: "create", existing: null, document };
  if (service === null || existing.kind !== "openapi_validation" || existing.scope !== "service" || existing.service_id !== service.id) {
    throw new WaygateError("conflict", `a policy named '${name}' already exists for something else`, {
      details: [{ path: "validate_requests", message: `policy '${name}' is not this service's openapi_validation policy` }],
    });
  }
  const unchanged = sameJson(existing.config.spec, spec);
  return { name, action: unchanged ? "unchanged" : "update", existing, document };
}
