/**
 * The subscription approval workflow: the status a new subscription starts
 * in, and the actions that move it on. The gateway only ever reads the
 * status, so keeping every transition here keeps the rules in one place.
 *
 * Who may act (the service's team for approve/reject/revoke, the subscriber
 * for cancel) is checked by the caller, src/identity/entity-access.ts.
 */
import type { Subscription } from "../config/entities.ts";
import { WaygateError } from "../core/errors.ts";
import type { EntityData, Store, StoreOps } from "../store/store.ts";
import type { Result } from "./resources.ts";

export type SubscriptionStatus = Subscription["status"];
export type SubscriptionAction = "approve" | "reject" | "cancel" | "revoke";

export const SUBSCRIPTION_ACTIONS: readonly SubscriptionAction[] = ["approve", "reject", "cancel", "revoke"];

/** For each action: the statuses it may start from, and the status it leads to. */
export const TRANSITIONS: Record<SubscriptionAction, { from: readonly SubscriptionStatus[]; to: SubscriptionStatus }> = {
  approve: { from: ["pending"], to: "approved" },
  reject: { from: ["pending"], to: "rejected" },
  cancel: { from: ["pending", "approved"], to: "cancelled" },
  revoke: { from: ["approved"], to: "revoked" },
};

const MAX_REASON = 2000;

export function isSubscriptionAction(s: string): s is SubscriptionAction {
  return (SUBSCRIPTION_ACTIONS as readonly string[]).includes(s);
}

/**
 * A client cannot choose the status of a new subscription: the service's
 * `subscription_approval` does. Services stored before the field existed
 * have none and count as `auto`.
 */
export async function initialSubscription(ops: StoreOps, input: Record<string, unknown>, now = new Date()): Promise<Record<string, unknown>> {
  const { reason: _reason, decided_at: _decided, ...rest } = input;
  const serviceId = input.service_id;
  // An unknown service is left for the store to refuse as reference_not_found.
  const service = typeof serviceId === "string" ? await ops.get("services", serviceId) : null;
  if (service?.subscription_approval === "manual") return { ...rest, status: "pending" };
  return { ...rest, status: "approved", decided_at: now.toISOString() };
}

function readReason(action: SubscriptionAction, body: Record<string, unknown>): string | undefined {
  const reason = body.reason;
  if (reason === undefined || reason === null) {
    if (action === "reject") throw invalidReason("a rejection needs a reason");
    return undefined;
  }
  if (typeof reason !== "string" || reason.trim().length === 0 || reason.length > MAX_REASON) {
    throw invalidReason(`must be a non-empty string of at most ${MAX_REASON} characters`);
  }
  return reason;
}

function invalidReason(message: string): WaygateError {
  return new WaygateError("validation_failed", "invalid reason", { details: [{ path: "reason", message }] });
}

/** Applies one action to the subscription with this id; 404 when there is none, 409 invalid_transition when its status forbids it. */
export async function applySubscriptionAction(
  store: Store,
  id: string,
  action: SubscriptionAction,
  body: Record<string, unknown>,
  now: () => Date = () => new Date(),
): Promise<Result> {
  const reason = readReason(action, body);
  return store.transaction(async (tx) => {
    const existing = await tx.get("subscriptions", id);
    if (!existing) throw new WaygateError("not_found", `subscriptions '${id}' not found`);
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(existing.status)) {
      throw new WaygateError("invalid_transition", `cannot ${action} a subscription that is ${existing.status}; allowed from: ${rule.from.join(", ")}`);
    }
    const { id: _id, created_at: _c, updated_at: _u, reason: _oldReason, ...doc } = existing;
    const data: EntityData<"subscriptions"> = {
      ...doc,
      status: rule.to,
      decided_at: now().toISOString(),
      ...(reason !== undefined ? { reason } : {}),
    };
    return { status: 200, body: await tx.update("subscriptions", existing.id, data) };
  });
}
