/**
 * The entities of Waygate, as zod schemas. These are the one source of truth
 * for the admin API's validation, the OpenAPI document, the declarative YAML
 * format and the store. References between entities are by id in the store
 * and the admin API, by name in the YAML file.
 */
import { z } from "zod";
import { ModelOverrideInput, ProviderInput, VirtualModelInput } from "./ai-entities.ts";
import type { ModelOverride, Provider, VirtualModel } from "./ai-entities.ts";
import { CallLogRetentionDays, LogBodiesSpec } from "./call-log-entities.ts";
import { CredentialLocation, DEFAULT_CREDENTIAL_LOCATIONS, JwtSpec, SERVICE_AUTH_MODES, type StoredJwt } from "./auth-entities.ts";
import { CircuitBreakerSpec, OutlierDetectionSpec, TimeoutsSpec } from "./resilience.ts";
import { ServiceCatalogFields } from "../catalog/fields.ts";
import { PromptApiInput, type PromptApi } from "../prompt-apis/entity.ts";
import { entityId, entityName } from "./names.ts";

export { CircuitBreakerSpec, OutlierDetectionSpec, TimeoutsSpec };
export type { ModelOverride, PromptApi, Provider, VirtualModel };

const name = entityName;
const id = entityId;
const durationMs = z.number().int().min(1).max(3_600_000);
const httpStatus = z.number().int().min(100).max(599);

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"] as const;

// ---------------------------------------------------------------- team

export const TeamInput = z.strictObject({
  name,
  description: z.string().max(2000).default(""),
  /** Days this team's calls stay in the call log (docs/call-logs.md). */
  call_log_retention_days: CallLogRetentionDays.optional(),
  /** auto: a release is published when requested; manual: it waits as pending for a service admin (docs/lifecycle.md). */
  release_approval: z.enum(["auto", "manual"]).optional(),
});

// ---------------------------------------------------------------- upstream

export const TargetSpec = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe("Base URL of the target, e.g. http://10.0.0.5:8080"),
  weight: z.number().int().min(0).max(10_000).default(100),
  /** Tier 0 is primary; higher tiers are used only when no lower tier has a healthy target. */
  priority: z.number().int().min(0).max(9).default(0),
});

export const BalancerSpec = z.strictObject({
  algorithm: z.enum(["round_robin", "least_inflight", "peak_ewma", "consistent_hash"]).default("round_robin"),
  /** For consistent_hash: what identifies the client. */
  hash_on: z.enum(["header", "client_ip", "consumer"]).default("client_ip"),
  hash_header: z.string().min(1).max(128).optional(),
});

export const ActiveHealthCheckSpec = z.strictObject({
  enabled: z.boolean().default(false),
  path: z.string().startsWith("/").default("/health"),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  interval_ms: durationMs.default(5000),
  timeout_ms: durationMs.default(1000),
  expected_statuses: z.array(httpStatus).min(1).default([200, 204]),
  healthy_threshold: z.number().int().min(1).max(100).default(2),
  unhealthy_threshold: z.number().int().min(1).max(100).default(3),
});

export const NoHealthyUpstreamSpec = z.strictObject({
  mode: z.enum(["fail", "panic", "static"]).default("fail"),
  /** panic: when the healthy share of targets is below this, balance over all targets. */
  panic_threshold_percent: z.number().int().min(0).max(100).default(50),
  /** static: the response to send. */
  static_response: z
    .strictObject({
      status: httpStatus.default(503),
      headers: z.record(z.string(), z.string()).default({}),
      body: z.string().max(1_000_000).default(""),
    })
    .optional(),
});

export const UpstreamInput = z.strictObject({
  name,
  team_id: id.optional(),
  targets: z.array(TargetSpec).max(1000).default([]),
  balancer: BalancerSpec.default(BalancerSpec.parse({})),
  health_check: ActiveHealthCheckSpec.default(ActiveHealthCheckSpec.parse({})),
  outlier_detection: OutlierDetectionSpec.default(OutlierDetectionSpec.parse({})),
  circuit_breaker: CircuitBreakerSpec.default(CircuitBreakerSpec.parse({})),
  timeouts: TimeoutsSpec.default(TimeoutsSpec.parse({})),
  no_healthy_upstream: NoHealthyUpstreamSpec.default(NoHealthyUpstreamSpec.parse({})),
});

// ---------------------------------------------------------------- service

export const RetrySpec = z.strictObject({
  attempts: z.number().int().min(1).max(10).default(2).describe("Total attempts including the first"),
  on_connect_failure: z.boolean().default(true),
  on_timeout: z.boolean().default(true),
  on_statuses: z.array(httpStatus).default([502, 503, 504]),
  on_429: z.boolean().default(true),
  /** Non-idempotent methods (POST, PATCH) are retried only when this is set. */
  retry_non_idempotent: z.boolean().default(false),
  backoff_base_ms: z.number().int().min(0).max(60_000).default(25),
  backoff_max_ms: z.number().int().min(0).max(60_000).default(1000),
  /** Retries may add at most this percentage on top of first attempts (Envoy/Finagle-style budget). */
  budget_percent: z.number().min(0).max(100).default(20),
  /** Below this many retries per second the budget never blocks. */
  budget_min_per_second: z.number().min(0).max(10_000).default(10),
  /** Longest Retry-After (ms) from a 429 that is still worth waiting for. */
  max_retry_after_ms: z.number().int().min(0).max(60_000).default(2000),
});

export const ServiceAuthSpec = z.strictObject({
  /**
   * none: open; key_auth: an API key, jwt: a JWT, key_or_jwt: either — of an
   * application subscribed to this service (docs/authentication.md).
   */
  mode: z.enum(SERVICE_AUTH_MODES).default("none"),
  /** Where the credential is read from; the first location that carries one is used. */
  locations: z.array(CredentialLocation).min(1).max(8).default(DEFAULT_CREDENTIAL_LOCATIONS),
  /** Remove the credential (headers, query parameters) before forwarding upstream. */
  hide_credentials: z.boolean().default(true),
});

/**
 * Where a service stands in its life (docs/lifecycle.md). Absent means
 * published, so services written before these fields existed serve as they did.
 */
export const LIFECYCLE_STATES = ["draft", "published", "deprecated", "retired"] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

const ServiceLifecycleFields = {
  /** The service's own version label, e.g. 2.1.0. */
  version: z.string().min(1).max(64).optional(),
  lifecycle: z.enum(LIFECYCLE_STATES).optional(),
  /** The service that replaces this one, named in Link rel="successor-version" and in 410 api_retired. */
  successor_service_id: id.optional(),
  /** Link target for the successor; the successor service's first route path when absent. */
  successor_url: z.string().min(1).max(2048).optional(),
  /** Sent as the Deprecation header (RFC 9745); set when the service is deprecated. */
  deprecated_at: z.iso.datetime().optional(),
  /** Sent as the Sunset header (RFC 8594): when the service is expected to stop answering. */
  sunset_at: z.iso.datetime().optional(),
  /** Documentation of the deprecation, sent as Link rel="deprecation". */
  deprecation_link: z.url().optional(),
};

export const ServiceInput = z.strictObject({
  name,
  team_id: id.optional(),
  kind: z.enum(["rest", "ai"]).default("rest"),
  description: z.string().max(2000).default(""),
  upstream_id: id.optional(),
  /** Path prepended to the forwarded path, e.g. /v2. */
  base_path: z.string().regex(/^(\/[^?#]*)?$/).default(""),
  retry: RetrySpec.default(RetrySpec.parse({})),
  auth: ServiceAuthSpec.default(ServiceAuthSpec.parse({})),
  /** Service tried when this one has no healthy upstream. */
  fallback_service_id: id.optional(),
  max_request_body_bytes: z.number().int().min(0).max(1 << 30).default(10 * 1024 * 1024),
  enabled: z.boolean().default(true),
  /** auto: a new subscription is approved at once; manual: it waits as pending for approval. */
  subscription_approval: z.enum(["auto", "manual"]).default("auto"),
  /** Keep request/response bodies of this service's calls in the call log. */
  log_bodies: LogBodiesSpec.optional(),
  ...ServiceLifecycleFields,
  ...ServiceCatalogFields,
});

// ---------------------------------------------------------------- route

export const HeaderMatcher = z.strictObject({
  name: z.string().min(1).max(128),
  /** Exact value; omit with `regex` or `present`. */
  value: z.string().max(1024).optional(),
  regex: z.string().max(1024).optional(),
  present: z.boolean().optional(),
});

export const RouteInput = z.strictObject({
  name,
  service_id: id,
  /** Empty means every method. */
  methods: z.array(z.enum(HTTP_METHODS)).default([]),
  /**
   * Paths: `/users/:id` (param), `/files/*` (wildcard tail), or a literal
   * path that also matches as a prefix when `prefix` is set.
   */
  paths: z.array(z.string().startsWith("/").max(1024)).min(1),
  prefix: z.boolean().default(true),
  hosts: z.array(z.string().min(1).max(255)).default([]),
  headers: z.array(HeaderMatcher).default([]),
  /** Remove the matched path prefix before forwarding. */
  strip_path: z.boolean().default(false),
  /** Replace the forwarded path; may use :params and * from the matched path. */
  rewrite: z.string().startsWith("/").max(1024).optional(),
  retry: RetrySpec.optional(),
  fallback_service_id: id.optional(),
  /** Higher wins when two routes match equally well. */
  priority: z.number().int().min(-1000).max(1000).default(0),
  /** Replaces the service's body capture for this route's calls. */
  log_bodies: LogBodiesSpec.optional(),
});

// ---------------------------------------------------------------- consumers

export const ApplicationInput = z.strictObject({
  name,
  team_id: id.optional(),
  description: z.string().max(2000).default(""),
});

/**
 * Fields only; the rules between `kind`, `key` and `jwt` are
 * checkCredentialKind, applied where credentials are written (a refined
 * schema could not be omitted from or made partial for the derived schemas).
 */
export const CredentialInput = z.strictObject({
  name,
  application_id: id,
  kind: z.enum(["api_key", "jwt"]).default("api_key"),
  /** api_key: plaintext key (only on create, never stored or returned). Generated when absent. */
  key: z.string().min(16).max(256).optional(),
  /** jwt: how tokens of this application are recognised and verified. */
  jwt: JwtSpec.optional(),
  expires_at: z.iso.datetime().optional(),
  enabled: z.boolean().default(true),
});

export function credentialKindIssues(c: { kind: "api_key" | "jwt"; key?: string | undefined; jwt?: unknown }): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  if (c.kind === "jwt" && c.jwt === undefined) issues.push({ path: "jwt", message: "a jwt credential needs its jwt settings" });
  if (c.kind === "jwt" && c.key !== undefined) issues.push({ path: "key", message: "a jwt credential has no key" });
  if (c.kind === "api_key" && c.jwt !== undefined) issues.push({ path: "jwt", message: "only jwt credentials take jwt settings" });
  return issues;
}

export const SubscriptionInput = z.strictObject({
  application_id: id,
  service_id: id,
  status: z.enum(["pending", "approved", "rejected", "cancelled", "revoked"]).default("approved"),
  /** Why it was rejected or revoked. */
  reason: z.string().max(2000).optional(),
  /** When the status last changed through an approval action. */
  decided_at: z.iso.datetime().optional(),
});

// ---------------------------------------------------------------- policies

/** Where a policy attaches; mirrors POLICY_SCOPES in src/policies/kind.ts (kept literal here so this file imports no run-time code). */
export const POLICY_SCOPE_VALUES = ["global", "team", "service", "route", "application"] as const;

/**
 * A policy attached at one scope. `config` is checked against the kind's own
 * schema (src/policies/registry.ts) by the admin API and the file loader,
 * which store the parsed output; the target field matching the scope is
 * checked there too.
 */
export const PolicyInput = z.strictObject({
  name,
  kind: z.string().min(1).max(64),
  scope: z.enum(POLICY_SCOPE_VALUES),
  team_id: id.optional(),
  service_id: id.optional(),
  route_id: id.optional(),
  application_id: id.optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

// ---------------------------------------------------------------- stored shapes

/** In dependency order: every kind comes after the kinds it refers to (policies, which may point at any, last). */
export const KINDS = [
  "teams",
  "upstreams",
  "services",
  "routes",
  "applications",
  "credentials",
  "subscriptions",
  "providers",
  "virtual_models",
  "model_overrides",
  "policies",
  "prompt_apis",
] as const;
export type Kind = (typeof KINDS)[number];

export const INPUT_SCHEMAS = {
  teams: TeamInput,
  upstreams: UpstreamInput,
  services: ServiceInput,
  routes: RouteInput,
  applications: ApplicationInput,
  credentials: CredentialInput,
  subscriptions: SubscriptionInput,
  providers: ProviderInput,
  virtual_models: VirtualModelInput,
  model_overrides: ModelOverrideInput,
  policies: PolicyInput,
  prompt_apis: PromptApiInput,
} as const;

interface Meta {
  id: string;
  created_at: string;
  updated_at: string;
}

export type Team = z.output<typeof TeamInput> & Meta;
export type Upstream = z.output<typeof UpstreamInput> & Meta;
export type Target = z.output<typeof TargetSpec>;
export type Service = z.output<typeof ServiceInput> & Meta;
export type Route = z.output<typeof RouteInput> & Meta;
export type Application = z.output<typeof ApplicationInput> & Meta;
/**
 * Stored credential: an API key is never kept, only its SHA-256 and a visible
 * prefix; a JWT credential keeps its settings with HMAC secrets sealed, and
 * `key_hash` identifies its token matcher (issuer, subject, claims).
 */
export type Credential = Omit<z.output<typeof CredentialInput>, "key" | "jwt"> & Meta & { key_hash: string; key_prefix: string; jwt?: StoredJwt };
export type Subscription = z.output<typeof SubscriptionInput> & Meta;
export type PolicyEntity = z.output<typeof PolicyInput> & Meta;

export type RetryPolicy = z.output<typeof RetrySpec>;
export type BalancerConfig = z.output<typeof BalancerSpec>;
export type ActiveHealthCheckConfig = z.output<typeof ActiveHealthCheckSpec>;
export type OutlierDetectionConfig = z.output<typeof OutlierDetectionSpec>;
export type CircuitBreakerConfig = z.output<typeof CircuitBreakerSpec>;
export type TimeoutsConfig = z.output<typeof TimeoutsSpec>;
export type NoHealthyUpstreamConfig = z.output<typeof NoHealthyUpstreamSpec>;

export interface EntityMap {
  teams: Team;
  upstreams: Upstream;
  services: Service;
  routes: Route;
  applications: Application;
  credentials: Credential;
  subscriptions: Subscription;
  providers: Provider;
  virtual_models: VirtualModel;
  model_overrides: ModelOverride;
  policies: PolicyEntity;
  prompt_apis: PromptApi;
}

/** Everything a snapshot is compiled from, at one revision. */
export interface EntitySet {
  revision: number;
  teams: Team[];
  upstreams: Upstream[];
  services: Service[];
  routes: Route[];
  applications: Application[];
  credentials: Credential[];
  subscriptions: Subscription[];
  providers: Provider[];
  virtual_models: VirtualModel[];
  model_overrides: ModelOverride[];
  policies: PolicyEntity[];
  prompt_apis: PromptApi[];
}
