/**
 * Turns the entities of one revision into a Snapshot: the route trie with
 * each route's policy chain (./route-policies.ts), the credential maps
 * (./compile-credentials.ts), the subscription map, and one runtime per upstream whose
 * targets keep their health and breaker state across compilations.
 */
import type { EntitySet, Route, Service, Upstream } from "../config/entities.ts";
import { AiRuntime, type LatencyBook } from "../ai/runtime/ai-runtime.ts";
import type { Clock } from "../core/clock.ts";
import type { SecretBox } from "../core/secrets.ts";
import { TrieRouter } from "../gateway/router/trie-router.ts";
import type { PolicyServices } from "../policies/kind.ts";
import { authPolicy } from "../policies/auth/index.ts";
import { JwksRegistry } from "../policies/auth/jwks-registry.ts";
import { policyKind, type PolicyKindLookup } from "../policies/registry.ts";
import type { Policy } from "../policies/policy.ts";
import { RetryBudget } from "../upstream/retry.ts";
import { type TargetRegistry, UpstreamRuntime } from "../upstream/upstream-runtime.ts";
import { lifecyclePolicy, successorOf } from "../lifecycle/policy.ts";
import { acceptsFallback, isServed } from "../lifecycle/states.ts";
import { compileCredentials } from "./compile-credentials.ts";
import { buildAttached, type RouteChains, routeChains } from "./route-policies.ts";
import type { CompiledRoute, CompiledService, RewriteTemplate, Snapshot } from "./snapshot.ts";

export interface CompileDeps {
  registry: TargetRegistry;
  clock: Clock;
  /** Decrypts provider keys; without it, providers with keys cannot be used. */
  secrets?: SecretBox;
  latency: LatencyBook;
  /** Where attached policies find their kind; the built-in registry by default. */
  policyKinds?: PolicyKindLookup;
  /** Shared services handed to policy kinds (e.g. rate-limit counters). */
  policyServices?: PolicyServices;
  /** Remote JWT key sets, kept across compilations; a fresh registry (no cached keys) when absent. */
  jwks?: JwksRegistry;
  /** Service id → the id of the published release it is served from (see releases/overlay.ts). */
  releaseIds?: ReadonlyMap<string, string>;
}

const MAX_FALLBACK_DEPTH = 4;

export function compileSnapshot(set: EntitySet, deps: CompileDeps): Snapshot {
  const upstreams = new Map<string, UpstreamRuntime>();
  for (const u of set.upstreams) upstreams.set(u.id, new UpstreamRuntime(u, deps.registry, deps.clock));
  const ai = new AiRuntime(
    { providers: set.providers, virtualModels: set.virtual_models, modelOverrides: set.model_overrides, promptApis: set.prompt_apis },
    deps.registry,
    deps.clock,
    deps.secrets,
    deps.latency,
  );
  const restKeys = set.upstreams.flatMap((u: Upstream) => u.targets.map((t) => UpstreamRuntime.targetKey(u.id, t.url)));
  deps.registry.retain(new Set([...restKeys, ...ai.targetKeys()]));

  const services = new Map<string, CompiledService>();
  for (const s of set.services) {
    services.set(s.id, {
      service: s,
      releaseId: deps.releaseIds?.get(s.id),
      upstream: s.upstream_id ? upstreams.get(s.upstream_id) : undefined,
      retryBudget: new RetryBudget(s.retry, deps.clock),
    });
  }

  const lifecycle = new Map<string, Policy>();
  for (const s of set.services) {
    const policy = lifecyclePolicy(s, successorOf(s, set.services, set.routes));
    if (policy) lifecycle.set(s.id, policy);
  }
  const attached = buildAttached(set, deps.policyKinds ?? policyKind, deps.policyServices ?? {});
  const router = new TrieRouter<CompiledRoute>();
  for (const r of set.routes) {
    const svc = services.get(r.service_id);
    if (!svc || !svc.service.enabled || !isServed(svc.service)) continue;
    const chains = withLifecycle(routeChains(r.id, svc.service, authPolicies(svc.service), attached), lifecycle.get(svc.service.id));
    const compiled: CompiledRoute = {
      route: r,
      service: svc,
      retry: r.retry ?? svc.service.retry,
      fallbacks: fallbackChain(r, svc.service, services),
      policies: chains.policies,
      ...(chains.applicationPolicies ? { applicationPolicies: chains.applicationPolicies } : {}),
      rewrite: r.rewrite ? parseRewrite(r.rewrite) : undefined,
    };
    try {
      router.add({ methods: r.methods, paths: r.paths, prefix: r.prefix, hosts: r.hosts, headers: r.headers, priority: r.priority }, compiled);
    } catch (err) {
      // One bad route (e.g. an invalid header regex) must not stop every other change from going live.
      console.error(`[waygate] route ${r.name} skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const { credentials, jwtIssuers } = compileCredentials(set.credentials, set.applications, deps.secrets, deps.jwks ?? new JwksRegistry());
  const subscriptions = new Map(set.subscriptions.map((s) => [`${s.application_id}:${s.service_id}`, s.status] as const));

  return { revision: set.revision, router, credentials, jwtIssuers, subscriptions, services, upstreams, ai };
}

/** The lifecycle policy runs first: a retired service answers 410 before anything else is asked of the caller. */
function withLifecycle(chains: RouteChains, policy: Policy | undefined): RouteChains {
  if (!policy) return chains;
  const applicationPolicies = chains.applicationPolicies
    ? new Map([...chains.applicationPolicies].map(([id, chain]) => [id, [policy, ...chain]] as const))
    : undefined;
  return { policies: [policy, ...chains.policies], applicationPolicies };
}

function authPolicies(service: Service): Policy[] {
  const auth = authPolicy(service);
  return auth ? [auth] : [];
}

function fallbackChain(route: Route, service: Service, services: ReadonlyMap<string, CompiledService>): CompiledService[] {
  const chain: CompiledService[] = [];
  const seen = new Set([service.id]);
  let next = route.fallback_service_id ?? service.fallback_service_id;
  while (next && !seen.has(next) && chain.length < MAX_FALLBACK_DEPTH) {
    const fb = services.get(next);
    if (!fb || !fb.service.enabled || !acceptsFallback(fb.service)) break;
    seen.add(next);
    chain.push(fb);
    next = fb.service.fallback_service_id;
  }
  return chain;
}

/** `/v2/users/:id/*` → literals and param references, resolved per request. */
export function parseRewrite(template: string): RewriteTemplate {
  const parts: Array<{ literal: string } | { param: string }> = [];
  const re = /:([A-Za-z_][A-Za-z0-9_]*)|\*/g;
  let last = 0;
  for (const m of template.matchAll(re)) {
    if (m.index > last) parts.push({ literal: template.slice(last, m.index) });
    parts.push({ param: m[1] ?? "*" });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  return parts;
}
