/**
 * POST /admin/catalog/{service}/subscribe {application_id}: subscribes one
 * of the caller's applications to a service found in the catalog, through
 * the same approval flow as any subscription (src/control/
 * subscription-actions.ts): `auto` services approve at once, `manual` ones
 * leave it pending for the service's team. The application must be one the
 * caller manages (its team is in the scope of the write roles), and the
 * service must be visible in the catalog to the application's team — which
 * is what lets a developer subscribe to another team's public service
 * without seeing anything else of that team.
 */
import { z } from "zod";
import type { Service, Subscription } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import { zodIssues } from "../control/issues.ts";
import { findByIdOrName } from "../control/lookup.ts";
import { createEntity, type Result } from "../control/resources.ts";
import { inScope, type TeamScope } from "../control/scope.ts";
import { CATALOG_SUBSCRIBERS, catalogVisibleTo } from "../identity/access.ts";
import type { Caller } from "../identity/caller.ts";
import { canSee } from "../identity/principal.ts";
import { changeLog } from "../openapi-io/change-log.ts";
import type { Store } from "../store/store.ts";
import { isListed } from "./entry.ts";

const SubscribeBody = z.strictObject({ application_id: z.string().min(1).max(128) });

/** A pending or approved subscription is the one asked for again; the others are decisions a new request must not undo. */
const ACTIVE: ReadonlySet<Subscription["status"]> = new Set(["pending", "approved"]);

/** A new subscription is in the audit log (kind `subscriptions`) with both teams, in its own transaction. */
export async function subscribeFromCatalog(store: Store, scope: TeamScope, service: Service, body: unknown, caller?: Caller): Promise<Result> {
  const parsed = SubscribeBody.safeParse(body);
  if (!parsed.success) throw new WaygateError("validation_failed", "invalid subscribe request", { details: zodIssues(parsed.error) });
  const ref = parsed.data.application_id;
  return store.transaction(async (tx, q) => {
    const application = await findByIdOrName(tx, "applications", ref);
    if (application && !inScope(scope, application.team_id) && caller && canSee(caller.principal, application.team_id ?? null)) {
      throw new WaygateError("forbidden", `subscribing application '${application.name}' needs one of ${CATALOG_SUBSCRIBERS.join(", ")} in its team`);
    }
    if (!application || !inScope(scope, application.team_id)) {
      throw new WaygateError("reference_not_found", `application_id: no application '${ref}' among those you manage`, {
        details: [{ path: "application_id", message: "not found among the applications you manage" }],
      });
    }
    if (scope.kind !== "all" && !(isListed(service) && catalogVisibleTo(service, application.team_id ?? null))) {
      throw new WaygateError("forbidden", `service '${service.name}' is internal to its team; applications of other teams cannot subscribe to it`);
    }
    const existing = (await tx.list("subscriptions", { where: { application_id: application.id, service_id: service.id }, limit: 1 })).items[0];
    if (existing) {
      if (ACTIVE.has(existing.status)) return { status: 200, body: existing };
      throw new WaygateError("conflict", `application '${application.name}' already has a ${existing.status} subscription to '${service.name}'`, {
        details: [{ path: "application_id", message: `the subscription is ${existing.status}; ask the service's team` }],
      });
    }
    const created = await createEntity(store, "subscriptions", { application_id: application.id, service_id: service.id });
    const teams = [...new Set([application.team_id, service.team_id].filter((t): t is string => t !== undefined))];
    await changeLog(caller, q)({ action: "create", kind: "subscriptions", entityId: (created.body as Subscription).id, after: created.body, teams });
    return created;
  });
}
