import { expect, test } from "bun:test";
import { POLICY_KINDS, kindLookup, policyKind, registerTestPolicyKind } from "../../src/policies/registry.ts";
import { ONLY_ONE, STAMP } from "../snapshot/fake-kinds.ts";

test("every registered kind has a unique snake_case name and is found by it", () => {
  const names = POLICY_KINDS.map((k) => k.kind);
  expect(new Set(names).size).toBe(names.length);
  for (const k of POLICY_KINDS) {
    expect(k.kind).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(["stack", "override"]).toContain(k.combine);
    expect(k.description.length).toBeGreaterThan(0);
    expect(policyKind(k.kind)).toBe(k);
  }
  expect(policyKind("no_such_kind")).toBeUndefined();
});

test("the kinds built so far are all registered", () => {
  expect(POLICY_KINDS.map((k) => k.kind).sort()).toEqual(["budget", "cors", "data_masking", "guardrail", "headers", "ip_rules", "openapi_validation", "rate_limit", "request_size", "token_limit"]);
});

test("a test kind resolves until it is unregistered, without touching the real list", () => {
  const before = [...POLICY_KINDS];
  const off = registerTestPolicyKind(STAMP);
  expect(policyKind("stamp")).toBe(STAMP);
  expect([...POLICY_KINDS]).toEqual(before);
  off();
  expect(policyKind("stamp")).toBeUndefined();
});

test("kindLookup serves exactly the kinds it was given", () => {
  const lookup = kindLookup([STAMP, ONLY_ONE]);
  expect(lookup("only_one")).toBe(ONLY_ONE);
  expect(lookup("rate_limit")).toBeUndefined();
});
