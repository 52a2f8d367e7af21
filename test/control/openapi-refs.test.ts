/** Every $ref in the admin API's OpenAPI document points at something that exists in it. */
import { expect, test } from "bun:test";
import { buildOpenApi } from "../../src/control/openapi.ts";

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, out);
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else refs(value, out);
    }
  }
  return out;
}

function resolve(doc: unknown, pointer: string): unknown {
  let at: unknown = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof at !== "object" || at === null || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

test("every $ref resolves, including those of recursive schemas (virtual model route trees)", () => {
  const doc = buildOpenApi();
  const all = refs(doc);
  expect(all.length).toBeGreaterThan(50);
  const dangling = all.filter((r) => !r.startsWith("#/") || resolve(doc, r) === undefined);
  expect(dangling).toEqual([]);
  expect(all.some((r) => r.includes("/$defs/"))).toBe(true);
});
