/**
 * Every policy kind Waygate knows, listed once. The `policies` entity, the
 * admin API, the YAML loader and the snapshot compiler all look kinds up
 * here. A kind lives in src/policies/<kind>/index.ts and exports `kind`.
 */
import { kind as budget } from "./budget/index.ts";
import { kind as cors } from "./cors/index.ts";
import { kind as dataMasking } from "./data-masking/index.ts";
import { kind as guardrail } from "./guardrail/index.ts";
import { kind as headers } from "./headers/index.ts";
import { kind as ipRules } from "./ip-rules/index.ts";
import type { PolicyKind } from "./kind.ts";
import { kind as openapiValidation } from "./openapi-validation/index.ts";
import { kind as rateLimit } from "./rate-limit/index.ts";
import { kind as requestSize } from "./request-size/index.ts";
import { kind as tokenLimit } from "./token-limit/index.ts";

export const POLICY_KINDS: readonly PolicyKind[] = [rateLimit, ipRules, cors, headers, requestSize, tokenLimit, budget, openapiValidation, dataMasking, guardrail];

/** Looks a kind up by name; lookups happen per write and per compile, so a linear scan of a handful of kinds is fine. */
export type PolicyKindLookup = (kind: string) => PolicyKind | undefined;

// Kinds a test registers for itself; consulted first so a test never edits the real list.
const testKinds = new Map<string, PolicyKind>();

export function policyKind(kind: string): PolicyKind | undefined {
  return testKinds.get(kind) ?? POLICY_KINDS.find((k) => k.kind === kind);
}

/** Test-only: makes `kind` resolvable through policyKind until the returned function is called. */
export function registerTestPolicyKind(kind: PolicyKind): () => void {
  testKinds.set(kind.kind, kind);
  return () => {
    if (testKinds.get(kind.kind) === kind) testKinds.delete(kind.kind);
  };
}

/** A lookup over an explicit list, for tests and embedders that bring their own kinds. */
export function kindLookup(kinds: readonly PolicyKind[]): PolicyKindLookup {
  const byName = new Map(kinds.map((k) => [k.kind, k] as const));
  return (kind) => byName.get(kind);
}
