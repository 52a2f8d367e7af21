import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { applyConfig, configHasSecrets } from "../../src/config/file/apply.ts";
import { exportConfig, secretEnvName, sessionTokenEnvName } from "../../src/config/file/export.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { SecretBox } from "../../src/core/secrets.ts";
import { WaygateError } from "../../src/core/errors.ts";
import type { Store } from "../../src/store/store.ts";
import { type TestDatabase, availableBackends } from "../store/backends.ts";
import { parse } from "./helpers.ts";

const ENV = { OPENAI_KEY: "sk-openai-secret-0001", BEDROCK_SECRET: "aws-secret-access-key-0002", BEDROCK_TOKEN: "aws-session-token-0003" };
const box = new SecretBox(Buffer.alloc(32, 5));

const AI_CONFIG = `
version: 1
teams:
  - name: ml
providers:
  - name: openai-main
    kind: openai
    team: ml
    headers: { x-note: "literal $\${not-a-var}" }
    keys:
      - name: primary
        secret: "\${OPENAI_KEY}"
      - name: spare
        weight: 0
  - name: bedrock.east
    kind: bedrock
    region: us-east-1
    keys:
      - name: ci-key
        access_key_id: AKIAEXAMPLE
        secret: "\${BEDROCK_SECRET}"
        session_token: "\${BEDROCK_TOKEN}"
virtual_models:
  - name: chat-default
    team: ml
    description: Default chat model
    route:
      type: fallback
      targets:
        - { type: target, provider: openai-main, model: gpt-4o }
        - type: conditional
          rules:
            - when: [{ field: header.x-tier, op: eq, value: gold }]
              then: { type: target, provider: bedrock.east, model: anthropic.claude-3-5-sonnet-20240620-v1:0 }
model_overrides:
  - name: openai/gpt-4o
    input_per_mtok: 2
  - name: llama-local
    context_window: 8192
`;

describe("validating AI sections", () => {
  test("a complete file is valid and fills in defaults", () => {
    const cfg = parse(AI_CONFIG, ENV);
    expect(cfg.providers.map((p) => p.name)).toEqual(["openai-main", "bedrock.east"]);
    expect(cfg.providers[0]!.keys[0]).toEqual({ name: "primary", secret: ENV.OPENAI_KEY, weight: 100, enabled: true });
    expect(cfg.providers[0]!.headers["x-note"]).toBe("literal ${not-a-var}");
    expect(cfg.virtual_models[0]!.team).toBe("ml");
    expect(cfg.model_overrides).toHaveLength(2);
    expect(configHasSecrets(cfg)).toBe(true);
  });

  test("unknown providers in route trees, unknown teams and duplicate names are reported where they are", () => {
    const text = `
version: 1
providers:
  - { name: p, kind: openai, team: nobody, keys: [{ name: k }, { name: k }] }
  - { name: p, kind: anthropic }
virtual_models:
  - name: vm
    route:
      type: loadbalance
      targets:
        - { type: target, provider: p, model: a }
        - { type: target, provider: ghost, model: b }
  - { name: vm, route: { type: target, provider: p, model: c } }
model_overrides:
  - { name: x }
  - { name: x }
`;
    const r = validateConfig(text, {});
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors.map((e) => `${e.path}@${e.line}: ${e.message}`);
    expect(errors).toContain("providers[0].team@4: unknown team 'nobody'");
    expect(errors.some((e) => e.startsWith("providers[0].keys[1].name@4: duplicate key 'k' in provider 'p'"))).toBe(true);
    expect(errors.some((e) => e.startsWith("providers[1].name@5: duplicate provider 'p'"))).toBe(true);
    expect(errors).toContain("virtual_models[0].route.targets[1].provider@12: unknown provider 'ghost'");
    expect(errors.some((e) => e.startsWith("virtual_models[1].name@13: duplicate virtual model 'vm'"))).toBe(true);
    expect(errors.some((e) => e.startsWith("model_overrides[1].name@16: duplicate model override 'x'"))).toBe(true);
  });

  test("a secret from an unset variable is an error, not an empty key", () => {
    const r = validateConfig(AI_CONFIG, { OPENAI_KEY: "x" });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toContain("environment variable BEDROCK_SECRET is not set");
  });
});

for (const backend of await availableBackends()) {
  describe(`applying and exporting AI sections (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    test("apply seals secrets with the master key; applying again changes nothing", async () => {
      const cfg = parse(AI_CONFIG, ENV);
      const first = await applyConfig(store, cfg, { secrets: box });
      expect(first.kinds.providers).toEqual({ created: 2, updated: 0, deleted: 0 });
      expect(first.kinds.virtual_models).toEqual({ created: 1, updated: 0, deleted: 0 });
      expect(first.kinds.model_overrides).toEqual({ created: 2, updated: 0, deleted: 0 });
      const all = await store.loadAll();
      expect(JSON.stringify(all)).not.toContain(ENV.OPENAI_KEY);
      expect(JSON.stringify(all)).not.toContain(ENV.BEDROCK_TOKEN);
      const openai = all.providers.find((p) => p.name === "openai-main")!;
      expect(openai.team_id).toBe(all.teams[0]!.id);
      expect(box.decrypt(openai.keys[0]!.secret_enc!)).toBe(ENV.OPENAI_KEY);
      expect(openai.keys[0]!.secret_hint).toBe("****0001");
      expect(openai.keys[1]!.secret_enc).toBeUndefined();
      const bedrock = all.providers.find((p) => p.name === "bedrock.east")!;
      expect(box.decrypt(bedrock.keys[0]!.session_token_enc!)).toBe(ENV.BEDROCK_TOKEN);
      expect(all.virtual_models[0]!.team_id).toBe(all.teams[0]!.id);

      const again = await applyConfig(store, cfg, { secrets: box });
      expect(again.changed).toBe(false);
      expect(again.revision).toBe(first.revision);

      const rotatedKey = await applyConfig(store, parse(AI_CONFIG, { ...ENV, OPENAI_KEY: "sk-openai-secret-NEW9" }), { secrets: box });
      expect(rotatedKey.operations.map((o) => `${o.action} ${o.kind} ${o.label}`)).toEqual(["update providers openai-main"]);
      expect(box.decrypt((await store.getByName("providers", "openai-main"))!.keys[0]!.secret_enc!)).toBe("sk-openai-secret-NEW9");
    });

    test("without a master key a file with secrets is refused and nothing is written", async () => {
      const before = await store.revision();
      const err = await applyConfig(store, parse(AI_CONFIG, ENV)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WaygateError);
      expect((err as WaygateError).code).toBe("secrets_unavailable");
      expect(await store.revision()).toBe(before);
    });

    test("export writes secret placeholders, never secrets, and applies back to the same configuration", async () => {
      await applyConfig(store, parse(AI_CONFIG, ENV), { secrets: box });
      const text = await exportConfig(store);
      for (const secret of Object.values(ENV)) expect(text).not.toContain(secret);
      expect(text).not.toContain("secret_enc");
      expect(text).not.toContain("secret_hint");
      expect(text).toContain(`secret: \${${secretEnvName("openai-main", "primary")}}`);
      expect(secretEnvName("openai-main", "primary")).toBe("WAYGATE_SECRET_OPENAI_MAIN_PRIMARY");
      expect(sessionTokenEnvName("bedrock.east", "ci-key")).toBe("WAYGATE_SESSION_TOKEN_BEDROCK_EAST_CI_KEY");
      expect(text).toContain("literal $${not-a-var}");
      // The keyless key exports without a placeholder.
      expect(text).toMatch(/- name: spare\n\s+weight: 0/);

      const env = {
        [secretEnvName("openai-main", "primary")]: ENV.OPENAI_KEY,
        [secretEnvName("bedrock.east", "ci-key")]: ENV.BEDROCK_SECRET,
        [sessionTokenEnvName("bedrock.east", "ci-key")]: ENV.BEDROCK_TOKEN,
      };
      const reparsed = parse(text, env);
      // Applied back to the store it came from: nothing to do.
      expect((await applyConfig(store, reparsed, { secrets: box })).changed).toBe(false);

      const other = await db.open();
      const otherBox = new SecretBox(Buffer.alloc(32, 6));
      await applyConfig(other, reparsed, { secrets: otherBox });
      expect(await exportConfig(other)).toBe(text);
      const copied = (await other.getByName("providers", "bedrock.east"))!.keys[0]!;
      expect(otherBox.decrypt(copied.secret_enc!)).toBe(ENV.BEDROCK_SECRET);
      expect(otherBox.decrypt(copied.session_token_enc!)).toBe(ENV.BEDROCK_TOKEN);
    });

    test("providers, virtual models and overrides the file drops are deleted", async () => {
      await applyConfig(store, parse(AI_CONFIG, ENV), { secrets: box });
      const summary = await applyConfig(store, parse("version: 1\nteams: [{ name: ml }]\n", {}));
      expect(summary.kinds.providers.deleted).toBe(2);
      expect(summary.kinds.virtual_models.deleted).toBe(1);
      expect(summary.kinds.model_overrides.deleted).toBe(2);
      const all = await store.loadAll();
      expect([all.providers, all.virtual_models, all.model_overrides]).toEqual([[], [], []]);
      // Deleting the team after its providers and models are gone works in one apply too.
      await applyConfig(store, parse(AI_CONFIG, ENV), { secrets: box });
      expect((await applyConfig(store, parse("version: 1\n", {}))).kinds.teams.deleted).toBe(1);
    });
  });
}
