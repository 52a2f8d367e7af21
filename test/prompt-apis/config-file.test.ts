/**
 * Prompt APIs in waygate.yaml: validated with their places, applied to
 * both stores, exported back to a file that applies as no change, and
 * served by a gateway started from the applied store.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { applyConfig } from "../../src/config/file/apply.ts";
import { exportConfig } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import type { Store } from "../../src/store/store.ts";
import { parse } from "../config/helpers.ts";
import { type TestDatabase, availableBackends } from "../store/backends.ts";

const FILE = `
version: 1
teams:
  - name: insights
services:
  - name: ai
    kind: ai
    team: insights
    routes:
      - name: ai-route
        paths: [/ai]
prompt_apis:
  - name: sentiment
    service: ai
    path: /sentiment
    version: 2.0.0
    model: chat
    description: The sentiment of a text
    messages:
      - role: system
        content: "Classify the sentiment. A literal \\\\{{ stays as written."
      - role: user
        content: "{{text}}"
    input_schema:
      type: object
      properties:
        text: { type: string, minLength: 1 }
      required: [text]
    output_schema:
      type: object
      properties:
        sentiment: { enum: [positive, negative, neutral] }
      required: [sentiment]
    parameters: { temperature: 0, max_tokens: 50 }
    stream: optional
  - name: echo
    service: ai
    path: /echo
    model: chat
    messages:
      - { role: user, content: "{{text}}" }
    input_schema: { type: object }
`;

for (const backend of await availableBackends()) {
  describe(`prompt APIs in waygate.yaml (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    test("apply creates them under their service; export and re-apply change nothing", async () => {
      const summary = await applyConfig(store, parse(FILE));
      expect(summary.kinds.prompt_apis).toEqual({ created: 2, updated: 0, deleted: 0 });
      const service = await store.getByName("services", "ai");
      const sentiment = await store.getByName("prompt_apis", "sentiment");
      expect(sentiment?.service_id).toBe(service?.id ?? "");
      expect(sentiment?.version).toBe("2.0.0");
      expect(sentiment?.stream).toBe("optional");
      expect(sentiment?.messages[0]?.content).toBe("Classify the sentiment. A literal \\{{ stays as written.");
      expect(sentiment?.output_schema).toEqual({ type: "object", properties: { sentiment: { enum: ["positive", "negative", "neutral"] } }, required: ["sentiment"] });

      const exported = await exportConfig(store);
      expect(exported).toContain("prompt_apis:");
      expect(exported).toContain("service: ai");
      expect(exported).not.toContain("service_id");
      const again = await applyConfig(store, parse(exported));
      expect(again.changed).toBe(false);
      expect(await exportConfig(store)).toBe(exported);
    });

    test("a prompt API left out of the file is deleted; an edited one is updated", async () => {
      await applyConfig(store, parse(FILE));
      const edited = FILE.replace("version: 2.0.0", "version: 2.1.0").replace(/  - name: echo[\s\S]*$/, "");
      const summary = await applyConfig(store, parse(edited));
      expect(summary.kinds.prompt_apis).toEqual({ created: 0, updated: 1, deleted: 1 });
      expect((await store.getByName("prompt_apis", "sentiment"))?.version).toBe("2.1.0");
      expect(await store.getByName("prompt_apis", "echo")).toBeNull();
    });
  });
}

describe("validation of prompt APIs in the file", () => {
  function errors(text: string): Array<{ path: string; message: string }> {
    const r = validateConfig(text, {});
    if (r.ok) throw new Error("expected the file to be invalid");
    return r.errors.map(({ path, message }) => ({ path, message }));
  }

  test("an unknown service, a duplicate path and a bad placeholder are named with their places", () => {
    const text = `${FILE}
  - name: echo-again
    service: ai
    path: /echo
    model: chat
    messages: [{ role: user, content: "{{text}}" }]
    input_schema: { type: object }
  - name: orphan
    service: missing
    path: /orphan
    model: chat
    messages: [{ role: user, content: "{{ text. }}" }]
    input_schema: { type: object }
`;
    const found = errors(text);
    expect(found).toContainEqual({ path: "prompt_apis[3].messages[0].content", message: expect.stringContaining("invalid placeholder") });
    const fixed = text.replace("{{ text. }}", "{{text}}");
    const refs = errors(fixed);
    expect(refs).toContainEqual({ path: "prompt_apis[2].path", message: expect.stringContaining("duplicate prompt API path '/echo' in service 'ai'") });
    expect(refs).toContainEqual({ path: "prompt_apis[3].service", message: "unknown service 'missing'" });
  });

  test("an input schema must describe an object", () => {
    const found = errors(FILE.replace("input_schema: { type: object }", "input_schema: { type: string }"));
    expect(found).toContainEqual({ path: "prompt_apis[1].input_schema.type", message: "must be a schema of an object (type: object)" });
  });
});
