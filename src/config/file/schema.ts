/**
 * The declarative file format (waygate.yaml), derived from the entity
 * schemas: the same fields and defaults, but references by name instead of
 * id, routes nested in their service, credentials and subscriptions nested
 * in their application.
 */
import { z } from "zod";
import { ModelOverrideInput, ProviderInput, VirtualModelInput } from "../ai-entities.ts";
import { PromptApiInput } from "../../prompt-apis/entity.ts";
import { ApplicationInput, CredentialInput, credentialKindIssues, PolicyInput, RouteInput, ServiceInput, SubscriptionInput, TeamInput, UpstreamInput } from "../entities.ts";

const name = TeamInput.shape.name;

export const TeamFile = TeamInput;

export const UpstreamFile = UpstreamInput.omit({ team_id: true }).extend({ team: name.optional() });

export const RouteFile = RouteInput.omit({ service_id: true, fallback_service_id: true }).extend({
  fallback_service: name.optional(),
});

export const ServiceFile = ServiceInput.omit({ team_id: true, upstream_id: true, fallback_service_id: true, successor_service_id: true }).extend({
  team: name.optional(),
  upstream: name.optional(),
  fallback_service: name.optional(),
  /** The service that replaces this one (docs/lifecycle.md). */
  successor_service: name.optional(),
  routes: z.array(RouteFile).default([]),
});

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An API key credential gives `key` or `key_hash`; a jwt credential gives `jwt` (HMAC secrets as `secret: "${ENV_VAR}"`). */
export const CredentialFile = CredentialInput.omit({ application_id: true })
  .extend({
    key_hash: z.string().regex(SHA256_HEX, "must be a SHA-256 digest: 64 lowercase hex digits").optional(),
    key_prefix: z.string().max(32).optional(),
  })
  .superRefine((c, ctx) => {
    for (const issue of credentialKindIssues(c)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
    if (c.kind === "jwt") {
      if (c.key_hash !== undefined || c.key_prefix !== undefined) {
        ctx.addIssue({ code: "custom", path: ["key_hash"], message: "a jwt credential has no key: leave out key_hash and key_prefix" });
      }
      return;
    }
    if (c.key === undefined && c.key_hash === undefined) {
      ctx.addIssue({ code: "custom", path: ["key"], message: "give either key (e.g. \"${APP_KEY}\") or key_hash" });
    }
    if (c.key !== undefined && c.key_hash !== undefined) {
      ctx.addIssue({ code: "custom", path: ["key_hash"], message: "give either key or key_hash, not both" });
    }
    if (c.key !== undefined && c.key_prefix !== undefined) {
      ctx.addIssue({ code: "custom", path: ["key_prefix"], message: "key_prefix is derived from key; give it only with key_hash" });
    }
  });

const SubscriptionObject = z.strictObject({ service: name, status: SubscriptionInput.shape.status });

/** A subscription is a service name (approved), or `{service, status}`. */
export const SubscriptionFile = z.preprocess((v) => (typeof v === "string" ? { service: v } : v), SubscriptionObject);

export const ApplicationFile = ApplicationInput.omit({ team_id: true }).extend({
  team: name.optional(),
  credentials: z.array(CredentialFile).default([]),
  subscriptions: z.array(SubscriptionFile).default([]),
});

/** Key secrets are written as `secret: "${ENV_VAR}"`; the apply encrypts them with the master key. */
export const ProviderFile = ProviderInput.omit({ team_id: true }).extend({ team: name.optional() });

export const VirtualModelFile = VirtualModelInput.omit({ team_id: true }).extend({ team: name.optional() });

export const ModelOverrideFile = ModelOverrideInput;

/** A policy names its scope's target: `scope: route` with `route: <route name>`. */
export const PolicyFile = PolicyInput.omit({ team_id: true, service_id: true, route_id: true, application_id: true }).extend({
  team: name.optional(),
  service: name.optional(),
  route: name.optional(),
  application: name.optional(),
});

/** A prompt API names the AI service it is published under. */
export const PromptApiFile = PromptApiInput.omit({ service_id: true }).extend({ service: name });

export const ConfigFile = z.strictObject({
  version: z.literal(1, { error: "must be 1" }),
  teams: z.array(TeamFile).default([]),
  upstreams: z.array(UpstreamFile).default([]),
  services: z.array(ServiceFile).default([]),
  applications: z.array(ApplicationFile).default([]),
  providers: z.array(ProviderFile).default([]),
  virtual_models: z.array(VirtualModelFile).default([]),
  model_overrides: z.array(ModelOverrideFile).default([]),
  policies: z.array(PolicyFile).default([]),
  prompt_apis: z.array(PromptApiFile).default([]),
});

export type WaygateConfig = z.output<typeof ConfigFile>;
export type ServiceConfig = z.output<typeof ServiceFile>;
export type RouteConfig = z.output<typeof RouteFile>;
export type ApplicationConfig = z.output<typeof ApplicationFile>;
export type CredentialConfig = z.output<typeof CredentialFile>;
export type PolicyConfig = z.output<typeof PolicyFile>;
export type ProviderConfig = z.output<typeof ProviderFile>;
