/** The per-revision index of prompt APIs: by service and path, enabled ones only, bad documents skipped. */
import { expect, test } from "bun:test";
import { INPUT_SCHEMAS, type PromptApi } from "../../src/config/entities.ts";
import { PromptApiIndex } from "../../src/prompt-apis/compiled.ts";

const T = "2026-01-01T00:00:00.000Z";

function promptApi(name: string, input: Record<string, unknown>): PromptApi {
  const doc = INPUT_SCHEMAS.prompt_apis.parse({
    name,
    model: "m",
    messages: [{ role: "user", content: "{{text}}" }],
    input_schema: { type: "object" },
    ...input,
  });
  return { ...doc, id: name, created_at: T, updated_at: T } as PromptApi;
}

test("prompt APIs are found by their service and path; disabled and malformed ones are not", () => {
  const broken = { ...promptApi("broken", { service_id: "s1", path: "/broken" }), messages: undefined } as unknown as PromptApi;
  const index = new PromptApiIndex([
    promptApi("a", { service_id: "s1", path: "/a" }),
    promptApi("b", { service_id: "s2", path: "/a" }),
    promptApi("off", { service_id: "s1", path: "/off", enabled: false }),
    broken,
  ]);
  expect(index.match("s1", "/a")?.api.name).toBe("a");
  expect(index.match("s2", "/a")?.api.name).toBe("b");
  expect(index.match("s1", "/off")).toBeUndefined();
  expect(index.match("s1", "/broken")).toBeUndefined();
  expect(index.match("s3", "/a")).toBeUndefined();
  expect(index.match("s1", "/a/")).toBeUndefined();
});
