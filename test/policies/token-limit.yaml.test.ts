/**
 * The YAML examples of docs/policies.md for token_limit and budget, read
 * straight from the document: they validate, apply, and store their
 * configurations with the defaults filled in.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";

const DOC = await Bun.file(new URL("../../docs/policies.md", import.meta.url)).text();

/** The first ```yaml block under the "### <kind>" heading. */
function example(kind: string): string {
  const section = DOC.split(/^### /m).find((s) => s.startsWith(`${kind}\n`));
  const yaml = section?.match(/```yaml\n([\s\S]*?)```/)?.[1];
  if (!yaml) throw new Error(`docs/policies.md has no YAML example for ${kind}`);
  return yaml;
}

const BASE = `version: 1
services:
  - name: ai
    routes:
      - name: ai-v1
        paths: [/v1]
`;

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(async () => {
  await store.close();
});

test("the documented token_limit and budget examples apply with their defaults", async () => {
  const text = `${BASE}${example("token_limit")}${example("budget").replace(/^policies:\n/, "")}`;
  const result = validateConfig(text, {});
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  await applyConfig(store, result.config);
  const { items } = await store.list("policies");
  const byKind = Object.fromEntries(items.map((p) => [p.kind, p]));
  expect(byKind.token_limit?.config).toEqual({ limit: 2_000_000, window: "day", key: "team", tokens: "total", fault_tolerant: true });
  expect(byKind.budget?.config).toEqual({ limit_usd: 500, period: "month", key: "team", alert_at: 0.8, enforce: true, unpriced: "flag", fault_tolerant: true });
});

test("a bad token_limit or budget setting is reported at its place", () => {
  const text = `${BASE}policies:
  - name: bad-tokens
    kind: token_limit
    scope: global
    config: { limit: 100, window: week, key: team }
  - name: bad-budget
    kind: budget
    scope: global
    config: { limit_usd: 10, period: month, key: team, alert_at_usd: 12 }
`;
  const result = validateConfig(text, {});
  expect(result.ok).toBe(false);
  if (result.ok) return;
  const paths = result.errors.map((e) => e.path);
  expect(paths).toContain("policies[0].config.window");
  expect(paths).toContain("policies[1].config.alert_at_usd");
});
