/**
 * Runs the conformance case (conformance.case.ts) over every adapter in the
 * registry, with the fixtures found in fixtures/** /*.conformance.ts.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { registeredAdapters } from "../../../src/ai/providers/registry.ts";
import { adapterConformance, type AdapterFixture } from "./conformance.case.ts";

async function loadFixtures(): Promise<Map<string, AdapterFixture>> {
  const dir = join(import.meta.dir, "fixtures");
  const found = new Map<string, AdapterFixture>();
  for (const file of new Bun.Glob("**/*.conformance.ts").scanSync(dir)) {
    const mod = (await import(join(dir, file))) as { conformance?: AdapterFixture | AdapterFixture[] };
    const list = mod.conformance === undefined ? [] : Array.isArray(mod.conformance) ? mod.conformance : [mod.conformance];
    if (list.length === 0) throw new Error(`${file} exports no \`conformance\` fixture`);
    for (const fx of list) {
      if (found.has(fx.kind)) throw new Error(`two conformance fixtures for ${fx.kind}`);
      found.set(fx.kind, fx);
    }
  }
  return found;
}

const fixtures = await loadFixtures();
const adapters = registeredAdapters();

describe("adapter conformance coverage", () => {
  test("the registry is not empty", () => {
    expect(adapters.length).toBeGreaterThan(0);
  });
  for (const adapter of adapters) {
    test(`${adapter.kind} has conformance fixtures`, () => {
      expect(fixtures.has(adapter.kind) ? adapter.kind : `missing fixtures/<folder>/${adapter.kind}.conformance.ts`).toBe(adapter.kind);
    });
  }
});

for (const adapter of adapters) {
  const fx = fixtures.get(adapter.kind);
  if (fx) adapterConformance(adapter, fx);
}
