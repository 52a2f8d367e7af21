/**
 * Valid entity data for store tests, built with the real input schemas so
 * every default is present exactly as the admin API would store it.
 */
import {
  ApplicationInput,
  CredentialInput,
  RouteInput,
  ServiceInput,
  SubscriptionInput,
  PolicyInput,
  TeamInput,
  UpstreamInput,
} from "../../src/config/entities.ts";
import { ModelOverrideInput, ProviderInput, VirtualModelInput } from "../../src/config/ai-entities.ts";
import type { EntityData } from "../../src/store/store.ts";

export function teamData(name: string, extra: Partial<EntityData<"teams">> = {}): EntityData<"teams"> {
  return TeamInput.parse({ name, ...extra });
}

export function upstreamData(name: string, extra: Partial<EntityData<"upstreams">> = {}): EntityData<"upstreams"> {
  return UpstreamInput.parse({ name, targets: [{ url: "http://127.0.0.1:9" }], ...extra });
}

export function serviceData(name: string, extra: Partial<EntityData<"services">> = {}): EntityData<"services"> {
  return ServiceInput.parse({ name, ...extra });
}

export function routeData(name: string, serviceId: string, extra: Partial<EntityData<"routes">> = {}): EntityData<"routes"> {
  return RouteInput.parse({ name, service_id: serviceId, paths: [`/${name}`], ...extra });
}

export function applicationData(name: string, extra: Partial<EntityData<"applications">> = {}): EntityData<"applications"> {
  return ApplicationInput.parse({ name, ...extra });
}

export function credentialData(name: string, applicationId: string, extra: Partial<EntityData<"credentials">> = {}): EntityData<"credentials"> {
  const { key: _key, ...input } = CredentialInput.parse({ name, application_id: applicationId });
  const hash = new Bun.CryptoHasher("sha256").update(`${applicationId}/${name}/${crypto.randomUUID()}`).digest("hex");
  return { ...input, key_hash: hash, key_prefix: "wg_test", ...extra };
}

export function subscriptionData(
  applicationId: string,
  serviceId: string,
  extra: Partial<EntityData<"subscriptions">> = {},
): EntityData<"subscriptions"> {
  return SubscriptionInput.parse({ application_id: applicationId, service_id: serviceId, ...extra });
}

/** A provider as the store keeps it: key secrets only in encrypted form (a stand-in value here). */
export function providerData(name: string, extra: Partial<EntityData<"providers">> = {}): EntityData<"providers"> {
  const { keys: _keys, ...input } = ProviderInput.parse({ name, kind: "openai" });
  return {
    ...input,
    keys: [{ name: "primary", weight: 100, enabled: true, secret_enc: "v1:00000000:bm9uY2U=:Ym9keQ==", secret_hint: "****abcd" }],
    ...extra,
  };
}

export function virtualModelData(name: string, extra: Partial<EntityData<"virtual_models">> = {}): EntityData<"virtual_models"> {
  return VirtualModelInput.parse({
    name,
    route: { type: "fallback", targets: [{ type: "target", provider: "openai-main", model: "gpt-4o" }, { type: "target", provider: "anthropic", model: "claude-sonnet-4-5" }] },
    ...extra,
  });
}

export function modelOverrideData(name: string, extra: Partial<EntityData<"model_overrides">> = {}): EntityData<"model_overrides"> {
  return ModelOverrideInput.parse({ name, input_per_mtok: 1.5, output_per_mtok: 6, ...extra });
}

export function policyData(name: string, extra: Partial<EntityData<"policies">> = {}): EntityData<"policies"> {
  return PolicyInput.parse({ name, kind: "fake_limit", scope: "global", config: { limit: 5 }, ...extra });
}
