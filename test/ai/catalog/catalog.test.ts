import { describe, expect, test } from "bun:test";
import { createCatalog } from "../../../src/ai/catalog/index.ts";
import { candidates } from "../../../src/ai/catalog/aliases.ts";
import type { ModelOverride } from "../../../src/config/ai-entities.ts";

const catalog = createCatalog([]);

function override(name: string, fields: Partial<ModelOverride>): ModelOverride {
  return { id: name, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z", name, ...fields };
}

describe("built-in catalog", () => {
  test("has well over 100 priced models across the major vendors", () => {
    const all = catalog.list();
    const priced = all.filter((m) => m.inputPerMTok !== undefined && m.outputPerMTok !== undefined);
    expect(priced.length).toBeGreaterThanOrEqual(100);
    const sources = new Set(priced.map((m) => m.source));
    for (const s of ["openai", "anthropic", "google", "mistral", "cohere", "aws", "groq", "deepseek", "x-ai"]) expect(sources).toContain(s);
    const kinds = new Set<string>(priced.map((m) => m.provider));
    for (const k of ["openai", "anthropic", "gemini", "mistral", "cohere", "bedrock", "openai_compatible"]) expect(kinds).toContain(k);
    for (const m of priced) {
      expect(m.inputPerMTok!).toBeGreaterThanOrEqual(0);
      expect(m.id.length).toBeGreaterThan(0);
    }
  });

  test("a well-known model has its limits, capabilities and prices", () => {
    const gpt4o = catalog.lookup("openai", "gpt-4o");
    expect(gpt4o).toMatchObject({ provider: "openai", id: "gpt-4o", contextWindow: 128_000, maxOutputTokens: 16_384, inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 });
    expect(gpt4o?.capabilities).toEqual({ tools: true, vision: true, reasoning: false, json: true });
    const sonnet = catalog.lookup("anthropic", "claude-sonnet-4-5");
    expect(sonnet).toMatchObject({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, contextWindow: 200_000 });
    expect(catalog.lookup("openai", "o3-mini")?.capabilities.reasoning).toBe(true);
  });

  test("dated suffixes and aliases find the base model", () => {
    expect(catalog.lookup("openai", "gpt-4o-2024-08-06")?.id).toBe("gpt-4o");
    expect(catalog.lookup("openai", "gpt-4o-mini-2024-07-18")?.id).toBe("gpt-4o-mini");
    expect(catalog.lookup("openai", "GPT-4o")?.id).toBe("gpt-4o");
    expect(catalog.lookup("anthropic", "claude-sonnet-4-5-20250929")?.id).toBe("claude-sonnet-4-5");
    expect(catalog.lookup("anthropic", "claude-sonnet-4.5")?.id).toBe("claude-sonnet-4-5");
    expect(catalog.lookup("anthropic", "claude-3-5-sonnet-20240620")?.inputPerMTok).toBe(3);
    expect(catalog.lookup("gemini", "models/gemini-1.5-pro-002")?.id).toBe("gemini-1.5-pro");
    expect(catalog.lookup("mistral", "mistral-large-latest")?.outputPerMTok).toBeGreaterThan(0);
    expect(catalog.lookup("cohere", "command-r-plus")?.inputPerMTok).toBeGreaterThan(0);
    expect(catalog.lookup("vertex", "claude-3-5-sonnet@20240620")?.inputPerMTok).toBe(3);
  });

  test("Bedrock model ids and inference profiles", () => {
    const plain = catalog.lookup("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0");
    expect(plain).toMatchObject({ provider: "bedrock", inputPerMTok: 3, outputPerMTok: 15 });
    const profile = catalog.lookup("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    const base = catalog.lookup("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(profile?.inputPerMTok).toBeGreaterThan(0);
    expect(profile).toEqual(base!);
    expect(catalog.lookup("bedrock", "amazon.nova-pro-v1:0")?.outputPerMTok).toBeGreaterThan(0);
    expect(catalog.lookup("bedrock", "meta.llama3-1-70b-instruct-v1:0")?.inputPerMTok).toBeGreaterThan(0);
  });

  test("Azure deployments and OpenAI-compatible hosts find models by name", () => {
    expect(catalog.lookup("azure_openai", "gpt-4o")?.inputPerMTok).toBe(2.5);
    expect(catalog.lookup("azure_openai", "gpt-35-turbo")?.id).toBe("gpt-3.5-turbo");
    expect(catalog.lookup("openai_compatible", "deepseek-chat")?.source).toBe("deepseek");
    expect(catalog.lookup("openai_compatible", "llama-3.3-70b-versatile")?.source).toBe("groq");
    expect(catalog.lookup("openai_compatible", "grok-4")?.source).toBe("x-ai");
    expect(catalog.lookup("openai_compatible", "accounts/fireworks/models/gpt-oss-120b")?.source).toBe("fireworks");
    expect(catalog.lookup("openai_compatible", "anthropic/claude-sonnet-4.5")?.inputPerMTok).toBe(3);
  });

  test("unknown models are unknown, also when asked again", () => {
    expect(catalog.lookup("openai", "my-private-finetune")).toBeUndefined();
    expect(catalog.lookup("openai", "my-private-finetune")).toBeUndefined();
    expect(catalog.lookup("cohere", "gpt-4o")).toBeUndefined();
  });

  test("spellings are tried most specific first", () => {
    const c = candidates("us.anthropic.claude-3-5-sonnet-20240620-v1:0");
    expect(c[0]).toBe("us.anthropic.claude-3-5-sonnet-20240620-v1:0");
    expect(c).toContain("claude-3-5-sonnet-20240620");
    expect(c).toContain("claude-3-5-sonnet");
    expect(c.indexOf("claude-3-5-sonnet-20240620")).toBeLessThan(c.indexOf("claude-3-5-sonnet"));
    // A version in a plain model name is not a Bedrock version tag.
    expect(candidates("deepseek-v3")).not.toContain("deepseek");
  });

  test("lookups are Map reads after the first", () => {
    const names = ["gpt-4o-2024-08-06", "claude-sonnet-4-5-20250929", "nope"];
    const start = performance.now();
    for (let i = 0; i < 30_000; i++) catalog.lookup(i % 2 === 0 ? "openai" : "anthropic", names[i % 3]!);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("overrides", () => {
  test("replace the given fields of a known model, for its kind only", () => {
    const c = createCatalog([override("openai/gpt-4o", { input_per_mtok: 1, context_window: 64_000 })]);
    expect(c.lookup("openai", "gpt-4o")).toMatchObject({ inputPerMTok: 1, outputPerMTok: 10, contextWindow: 64_000, maxOutputTokens: 16_384 });
    // Found through an alias, the override still applies.
    expect(c.lookup("openai", "gpt-4o-2024-08-06")?.inputPerMTok).toBe(1);
    expect(c.lookup("azure_openai", "gpt-4o")?.inputPerMTok).toBe(2.5);
    expect(c.list().find((m) => m.source === "openai" && m.id === "gpt-4o")?.inputPerMTok).toBe(1);
    // The built-in data is not changed for other catalogs.
    expect(createCatalog([]).lookup("openai", "gpt-4o")?.inputPerMTok).toBe(2.5);
  });

  test("a bare model id applies to every kind; a kind-scoped one wins over it", () => {
    const c = createCatalog([override("gpt-4o", { output_per_mtok: 7 }), override("azure_openai/gpt-4o", { output_per_mtok: 8 })]);
    expect(c.lookup("openai", "gpt-4o")?.outputPerMTok).toBe(7);
    expect(c.lookup("openai_compatible", "gpt-4o")?.outputPerMTok).toBe(7);
    expect(c.lookup("azure_openai", "gpt-4o")?.outputPerMTok).toBe(8);
  });

  test("make an unknown model known, with the prices given", () => {
    const c = createCatalog([override("openai_compatible/llama-local", { input_per_mtok: 0, output_per_mtok: 0, context_window: 8192, cached_input_per_mtok: 0 })]);
    const info = c.lookup("openai_compatible", "llama-local");
    expect(info).toMatchObject({ provider: "openai_compatible", source: "override", id: "llama-local", inputPerMTok: 0, outputPerMTok: 0, contextWindow: 8192 });
    expect(c.lookup("openai", "llama-local")).toBeUndefined();
    expect(c.list().some((m) => m.source === "override" && m.id === "llama-local")).toBe(true);
  });
});
