/**
 * Key authentication: the caller presents an application's API key
 * (`Authorization: Bearer …` or `x-api-key`); the application must hold an
 * approved subscription to the route's service. Lookups are a hash-map hit
 * on the snapshot, so a revoked key or cancelled subscription stops working
 * as soon as the snapshot carrying that change is swapped in.
 */
import { WaygateError } from "../core/errors.ts";
import { hashApiKey } from "../core/keys.ts";
import type { RequestContext } from "../gateway/context.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { Policy, PolicyVerdict } from "./policy.ts";

function presentedKey(req: Request): { key: string; header: string } | undefined {
  const auth = req.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return { key: m[1], header: "authorization" };
  }
  const apiKey = req.headers.get("x-api-key");
  if (apiKey) return { key: apiKey.trim(), header: "x-api-key" };
  return undefined;
}

export function keyAuthPolicy(serviceId: string, hideCredentials: boolean): Policy {
  return {
    name: "key_auth",
    onRequest(ctx: RequestContext, snapshot: Snapshot): PolicyVerdict {
      const presented = presentedKey(ctx.req);
      if (!presented) return new WaygateError("unauthorized", "an API key is required (Authorization: Bearer <key> or x-api-key)");
      const entry = snapshot.credentials.get(hashApiKey(presented.key));
      if (!entry || !entry.enabled) return new WaygateError("invalid_credential", "the API key is not valid");
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        return new WaygateError("credential_expired", "the API key has expired");
      }
      ctx.applicationId = entry.applicationId;
      ctx.applicationName = entry.applicationName;
      ctx.credentialId = entry.credentialId;
      ctx.applicationTeamId = entry.applicationTeamId;
      ctx.record.application_id = entry.applicationId;
      ctx.record.credential_id = entry.credentialId;
      const status = snapshot.subscriptions.get(`${entry.applicationId}:${serviceId}`);
      if (status === "pending") return new WaygateError("subscription_pending", "the application's subscription to this service is awaiting approval");
      if (status !== "approved") return new WaygateError("subscription_required", "the application has no active subscription to this service");
      if (hideCredentials) (ctx.dropHeaders ??= new Set()).add(presented.header);
      return undefined;
    },
  };
}
