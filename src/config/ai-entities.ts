/**
 * AI entities: providers (where models are served, with a pool of
 * credentials) and virtual models (a client-facing model name mapped to a
 * routing tree over provider models). Route trees name providers by name,
 * so the same tree reads the same in the admin API and in waygate.yaml.
 */
import { z } from "zod";
import { PROVIDER_KINDS } from "../ai/provider.ts";
import { TARGET_PARAM_NAMES } from "../ai/runtime/target-params.ts";
import { CircuitBreakerSpec, OutlierDetectionSpec, TimeoutsSpec } from "./resilience.ts";
import { entityId, entityName } from "./names.ts";

const name = entityName;
const id = entityId;

/**
 * One credential of a provider's pool. `secret` is write-only: the admin API
 * encrypts it (AES-256-GCM) into `secret_enc` and never returns it; reads
 * show `secret_hint` (the last four characters) instead.
 */
export const ProviderKeySpec = z.strictObject({
  name,
  /** API key, or for Bedrock the AWS secret access key. Write-only. */
  secret: z.string().min(1).max(8192).optional(),
  /** Bedrock: the AWS access key id that goes with `secret`. */
  access_key_id: z.string().min(1).max(256).optional(),
  session_token: z.string().min(1).max(8192).optional(),
  weight: z.number().int().min(0).max(10_000).default(100),
  enabled: z.boolean().default(true),
});

export const ProviderInput = z.strictObject({
  name,
  team_id: id.optional(),
  kind: z.enum(PROVIDER_KINDS),
  /** Defaults per kind (e.g. https://api.openai.com/v1); required for azure_openai and openai_compatible. */
  base_url: z.url({ protocol: /^https?$/ }).optional(),
  api_version: z.string().min(1).max(64).optional(),
  region: z.string().min(1).max(64).optional(),
  project: z.string().min(1).max(256).optional(),
  /** Azure OpenAI: model name → deployment name (default: the model name). */
  deployments: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  keys: z.array(ProviderKeySpec).max(100).default([]),
  /** Models served here; empty = any model the client names. */
  models: z.array(z.string().min(1).max(256)).default([]),
  timeouts: TimeoutsSpec.default(TimeoutsSpec.parse({ ttfb_ms: 120_000, idle_ms: 120_000, total_ms: 600_000 })),
  circuit_breaker: CircuitBreakerSpec.default(CircuitBreakerSpec.parse({})),
  outlier_detection: OutlierDetectionSpec.default(OutlierDetectionSpec.parse({ max_ejection_percent: 100 })),
  /** How long a key that answered 401/403 is parked before it is tried again (doubles on repeat). */
  auth_failure_park_ms: z.number().int().min(1000).max(86_400_000).default(300_000),
  enabled: z.boolean().default(true),
});

export const FALLBACK_TRIGGERS = [
  "connect_failure",
  "timeout",
  "server_error",
  "rate_limited",
  "auth",
  "context_length",
  "content_filter",
  "overloaded",
  "not_found",
] as const;

const condition = z.strictObject({
  /** `header.x-tier`, `metadata.user_tier`, `param.max_tokens`, `param.stream`, `app.name`, `prompt_tokens`. */
  field: z.string().min(1).max(256),
  op: z.enum(["eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists", "regex"]),
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
});

export type RouteCondition = z.output<typeof condition>;

interface RouteNodeBase {
  /** Weight among siblings of a loadbalance node. */
  weight?: number;
  /** Attempts at this node (retries on the same target/key pool). */
  attempts?: number;
  /** Per-attempt time to first byte. */
  timeout_ms?: number;
}

export type RouteNode =
  | (RouteNodeBase & {
      type: "target";
      provider: string;
      model: string;
      /** Request parameters forced for this target, by their OpenAI names (e.g. `max_tokens`). */
      params?: Record<string, unknown>;
    })
  | (RouteNodeBase & { type: "fallback"; targets: RouteNode[]; on?: Array<(typeof FALLBACK_TRIGGERS)[number]> })
  | (RouteNodeBase & { type: "loadbalance"; targets: RouteNode[] })
  | (RouteNodeBase & { type: "least_latency"; targets: RouteNode[] })
  | (RouteNodeBase & { type: "lowest_cost"; targets: RouteNode[] })
  | (RouteNodeBase & { type: "conditional"; rules: Array<{ when: RouteCondition[]; then: RouteNode }>; default?: RouteNode });

const nodeBase = {
  weight: z.number().int().min(0).max(10_000).optional(),
  attempts: z.number().int().min(1).max(10).optional(),
  timeout_ms: z.number().int().min(1).max(3_600_000).optional(),
};

export const RouteNodeSpec: z.ZodType<RouteNode> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("target"), provider: name, model: z.string().min(1).max(256), params: z.partialRecord(z.enum(TARGET_PARAM_NAMES), z.unknown()).optional(), ...nodeBase }),
    z.strictObject({ type: z.literal("fallback"), targets: z.array(RouteNodeSpec).min(1).max(32), on: z.array(z.enum(FALLBACK_TRIGGERS)).optional(), ...nodeBase }),
    z.strictObject({ type: z.literal("loadbalance"), targets: z.array(RouteNodeSpec).min(1).max(32), ...nodeBase }),
    z.strictObject({ type: z.literal("least_latency"), targets: z.array(RouteNodeSpec).min(1).max(32), ...nodeBase }),
    z.strictObject({ type: z.literal("lowest_cost"), targets: z.array(RouteNodeSpec).min(1).max(32), ...nodeBase }),
    z.strictObject({
      type: z.literal("conditional"),
      rules: z.array(z.strictObject({ when: z.array(condition).min(1), then: RouteNodeSpec })).min(1).max(64),
      default: RouteNodeSpec.optional(),
      ...nodeBase,
    }),
  ]),
);

export const VirtualModelInput = z.strictObject({
  /** The model name clients send, e.g. `chat-default`. */
  name: z.string().min(1).max(256).regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/),
  team_id: id.optional(),
  description: z.string().max(2000).default(""),
  route: RouteNodeSpec,
});

/** Per-deployment overrides of the model catalog (prices per million tokens, context window). */
export const ModelOverrideInput = z.strictObject({
  /** `provider-kind/model`, e.g. `openai/gpt-4o`, or a model id alone. */
  name: z.string().min(1).max(256),
  context_window: z.number().int().min(1).optional(),
  max_output_tokens: z.number().int().min(1).optional(),
  input_per_mtok: z.number().min(0).optional(),
  output_per_mtok: z.number().min(0).optional(),
  cached_input_per_mtok: z.number().min(0).optional(),
});

interface Meta {
  id: string;
  created_at: string;
  updated_at: string;
}

/** A stored provider key: the secret only in encrypted form. */
export type StoredProviderKey = Omit<z.output<typeof ProviderKeySpec>, "secret" | "session_token"> & {
  secret_enc?: string;
  session_token_enc?: string;
  secret_hint?: string;
};

export type Provider = Omit<z.output<typeof ProviderInput>, "keys"> & Meta & { keys: StoredProviderKey[] };
export type VirtualModel = z.output<typeof VirtualModelInput> & Meta;
export type ModelOverride = z.output<typeof ModelOverrideInput> & Meta;
