/**
 * Service authentication: the caller presents an application's credential —
 * an API key (key_auth), a JWT (jwt) or either (key_or_jwt) — where the
 * service says to look for it, and the application must hold an approved
 * subscription to the service. Lookups are hits on the snapshot (a hash map
 * for keys, an issuer map for JWTs), so a disabled credential or cancelled
 * subscription stops working as soon as the snapshot carrying that change
 * is swapped in.
 */
import type { Service } from "../../config/entities.ts";
import { WaygateError } from "../../core/errors.ts";
import { hashApiKey } from "../../core/keys.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { CredentialEntry, Snapshot } from "../../snapshot/snapshot.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";
import { identifyJwt, looksLikeJwt } from "./jwt.ts";
import { describeLocations, hideCredentials, readCredential } from "./locations.ts";

type AuthMode = Exclude<Service["auth"]["mode"], "none">;

const invalid = (message: string) => new WaygateError("invalid_credential", message);

/** API keys are a synchronous hash-map hit; only JWTs need a promise (signature checks, key set fetches). */
function identify(mode: AuthMode, presented: string, snapshot: Snapshot): CredentialEntry | WaygateError | Promise<CredentialEntry | WaygateError> {
  if (mode !== "jwt") {
    const entry = snapshot.credentials.get(hashApiKey(presented));
    if (entry) return entry;
    if (mode === "key_auth") return invalid("the API key is not valid");
  }
  if (!looksLikeJwt(presented)) return invalid(mode === "jwt" ? "the credential is not a JWT" : "the credential is not a valid API key or JWT");
  return identifyJwt(presented, snapshot);
}

function subscriptionVerdict(snapshot: Snapshot, applicationId: string, serviceId: string): WaygateError | undefined {
  const status = snapshot.subscriptions.get(`${applicationId}:${serviceId}`);
  if (status === "pending") return new WaygateError("subscription_pending", "the application's subscription to this service is awaiting approval");
  if (status !== "approved") return new WaygateError("subscription_required", "the application has no active subscription to this service");
  return undefined;
}

/** The authentication step of a service's chain; none for open services. */
export function authPolicy(service: Service): Policy | undefined {
  const { mode, locations, hide_credentials: hide } = service.auth;
  if (mode === "none") return undefined;
  const what = mode === "key_auth" ? "an API key" : mode === "jwt" ? "a JWT" : "an API key or a JWT";
  const missing = `${what} is required (${describeLocations(locations)})`;
  const admit = (ctx: RequestContext, snapshot: Snapshot, entry: CredentialEntry | WaygateError): PolicyVerdict => {
    if (entry instanceof WaygateError) return entry;
    if (!entry.enabled) return invalid("the credential is disabled");
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return new WaygateError("credential_expired", "the credential has expired");
    ctx.applicationId = entry.applicationId;
    ctx.applicationName = entry.applicationName;
    ctx.credentialId = entry.credentialId;
    ctx.applicationTeamId = entry.applicationTeamId;
    ctx.record.application_id = entry.applicationId;
    ctx.record.credential_id = entry.credentialId;
    const refused = subscriptionVerdict(snapshot, entry.applicationId, service.id);
    if (refused) return refused;
    if (hide) hideCredentials(ctx, locations);
    return undefined;
  };
  return {
    name: mode,
    onRequest(ctx: RequestContext, snapshot: Snapshot): PolicyVerdict | Promise<PolicyVerdict> {
      const presented = readCredential(ctx, locations);
      if (presented === undefined) return new WaygateError("unauthorized", missing);
      const entry = identify(mode, presented, snapshot);
      return entry instanceof Promise ? entry.then((e) => admit(ctx, snapshot, e)) : admit(ctx, snapshot, entry);
    },
  };
}
