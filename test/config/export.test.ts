import { afterEach, beforeEach, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { fixture, parse } from "./helpers.ts";

const stores: Store[] = [];
async function fresh(): Promise<Store> {
  const s = await openStore("sqlite::memory:");
  stores.push(s);
  return s;
}
let store: Store;
beforeEach(async () => {
  store = await fresh();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

test("export → validate → apply on an empty store → export gives the same text and the same entities", async () => {
  await applyConfig(store, parse(fixture));
  const text = await exportConfig(store);
  expect(text).not.toContain("MOBILE_APP_KEY");
  expect(text).toContain("key_hash: ");

  const reparsed = validateConfig(text, {});
  if (!reparsed.ok) throw new Error(JSON.stringify(reparsed.errors));
  const copy = await fresh();
  await applyConfig(copy, reparsed.config);
  expect(await exportConfig(copy)).toBe(text);

  // Ids differ between the two stores; everything else must match once references are by name.
  const strip = async (s: Store) => validateConfig(await exportConfig(s), {});
  expect(await strip(copy)).toEqual(await strip(store));
  const again = await applyConfig(store, reparsed.config);
  expect(again.changed).toBe(false);
});

test("export leaves out defaults and orders by name", async () => {
  await applyConfig(store, parse("version: 1\nservices:\n  - name: zeta\n  - name: alpha\n    retry: {attempts: 2}\n    routes: [{name: r, paths: [/x], methods: [GET]}]\n"));
  expect(await exportConfig(store)).toBe(
    ["version: 1", "services:", "  - name: alpha", "    routes:", "      - name: r", "        methods: [GET]", "        paths: [/x]", "  - name: zeta", ""].join("\n"),
  );
});

test("an empty store exports a valid, empty file", async () => {
  const text = await exportConfig(store);
  expect(text).toBe("version: 1\n");
  expect(validateConfig(text, {}).ok).toBe(true);
});

test("strings that look like interpolation survive the round trip", async () => {
  await store.create("teams", { name: "literal", description: "price: ${PRICE} and $${DOUBLE}" });
  const text = await exportConfig(store);
  const copy = await fresh();
  await applyConfig(copy, parse(text, {}));
  expect(text).toContain("$${PRICE}");
  expect((await copy.getByName("teams", "literal"))?.description).toBe("price: ${PRICE} and $${DOUBLE}");
});
