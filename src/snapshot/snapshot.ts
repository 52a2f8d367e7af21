/**
 * The immutable, pre-indexed view of the configuration at one revision that
 * the data plane reads on every request. Never queried from the database on
 * the hot path; swapped atomically as a whole.
 */
import type { AiRuntime } from "../ai/runtime/ai-runtime.ts";
import type { RetryPolicy, Route, Service, Subscription } from "../config/entities.ts";
import type { Router } from "../gateway/router/router.ts";
import type { JwtVerifier } from "../policies/auth/jwt-verifier.ts";
import type { Policy } from "../policies/policy.ts";
import type { RetryBudget } from "../upstream/retry.ts";
import type { UpstreamRuntime } from "../upstream/upstream-runtime.ts";

export interface CompiledService {
  service: Service;
  /** The published release this service is served from; undefined when it is served from its live configuration. */
  releaseId: string | undefined;
  upstream: UpstreamRuntime | undefined;
  retryBudget: RetryBudget;
}

export interface CompiledRoute {
  route: Route;
  service: CompiledService;
  retry: RetryPolicy;
  /** Services to try, in order, when the route's own service cannot answer. */
  fallbacks: CompiledService[];
  policies: Policy[];
  /**
   * Application id → the chain to follow instead of `policies` once
   * authentication has identified that application. Shares `policies`'
   * prefix up to the authentication step; only applications with policies
   * of their own have an entry.
   */
  applicationPolicies?: ReadonlyMap<string, readonly Policy[]>;
  /** Ordered so `rewrite` substitution is a simple walk. */
  rewrite: RewriteTemplate | undefined;
}

export type RewriteTemplate = ReadonlyArray<{ literal: string } | { param: string }>;

export interface CredentialEntry {
  credentialId: string;
  applicationId: string;
  applicationName: string;
  /** The application's team, if it has one. */
  applicationTeamId: string | undefined;
  enabled: boolean;
  /** Epoch ms, or undefined for keys that never expire. */
  expiresAt: number | undefined;
}

/** A JWT credential, found by its issuer; subject and claims pick it among credentials of the same issuer. */
export interface JwtCredentialEntry extends CredentialEntry {
  verifier: JwtVerifier;
  subject: string | undefined;
  claims: ReadonlyArray<readonly [string, string | number | boolean]>;
}

export interface Snapshot {
  readonly revision: number;
  readonly router: Router<CompiledRoute>;
  /** SHA-256 of the key → API key credential. */
  readonly credentials: ReadonlyMap<string, CredentialEntry>;
  /** Issuer → its JWT credentials, the most specific (subject, most claims) first. */
  readonly jwtIssuers: ReadonlyMap<string, readonly JwtCredentialEntry[]>;
  /** `${applicationId}:${serviceId}` → status. */
  readonly subscriptions: ReadonlyMap<string, Subscription["status"]>;
  readonly services: ReadonlyMap<string, CompiledService>;
  readonly upstreams: ReadonlyMap<string, UpstreamRuntime>;
  /** Providers, virtual models and the model catalog, for services of kind `ai`. */
  readonly ai: AiRuntime;
}
