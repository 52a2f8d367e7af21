/**
 * A gateway with an AI service in front of the provider simulator: one
 * provider per wire format, virtual models with fallback, and an
 * application key the official SDKs use as their API key.
 */
import { startMockProviders, type MockProvidersServer } from "../../../src/mock/server.ts";
import { providerData, startTestGateway, type TestGateway, type TestGatewayOptions } from "../../support/gateway.ts";

export interface AiFixture {
  g: TestGateway;
  mock: MockProvidersServer;
  /** Base URL of the AI service (`…/v1`). */
  baseURL: string;
  appKey: string;
  stop(): Promise<void>;
}

export async function startAiFixture(opts: TestGatewayOptions = {}): Promise<AiFixture> {
  const mock = await startMockProviders({ hostname: "127.0.0.1", port: 0 });
  const g = await startTestGateway(opts);
  const m = mock.url;
  const providers: Array<Record<string, unknown>> = [
    { name: "oa", kind: "openai", base_url: `${m}/openai/v1`, keys: [{ name: "k1", secret: "sk-test-one" }, { name: "k2", secret: "sk-test-two" }], models: ["gpt-4o-mini"] },
    { name: "an", kind: "anthropic", base_url: `${m}/anthropic`, keys: [{ name: "k1", secret: "sk-ant-test" }], models: ["claude-sonnet-4-5"] },
    { name: "gm", kind: "gemini", base_url: `${m}/gemini`, keys: [{ name: "k1", secret: "AIza-test" }] },
    { name: "br", kind: "bedrock", base_url: `${m}/bedrock`, region: "us-east-1", keys: [{ name: "aws", access_key_id: "AKIDMOCK", secret: "mock-secret" }] },
    { name: "co", kind: "cohere", base_url: `${m}/cohere`, keys: [{ name: "k1", secret: "co-test" }] },
    { name: "az", kind: "azure_openai", base_url: `${m}/azure`, api_version: "2024-10-21", keys: [{ name: "k1", secret: "az-test" }] },
    { name: "mi", kind: "mistral", base_url: `${m}/mistral/v1`, keys: [{ name: "k1", secret: "mi-test" }] },
  ];
  for (const p of providers) await g.store.create("providers", providerData(p));
  await g.store.create("virtual_models", {
    name: "chat-default",
    description: "",
    route: {
      type: "fallback",
      targets: [
        { type: "target", provider: "an", model: "claude-sonnet-4-5" },
        { type: "target", provider: "oa", model: "gpt-4o-mini" },
      ],
    },
  });
  await g.store.create("virtual_models", {
    name: "embed-default",
    description: "",
    route: { type: "fallback", targets: [{ type: "target", provider: "oa", model: "text-embedding-3-small" }] },
  });
  const svc = await g.create("services", { name: "ai", kind: "ai", auth: { mode: "key_auth" } });
  await g.create("routes", { name: "ai-v1", service_id: svc.id, paths: ["/v1"] });
  const app = await g.create("applications", { name: "app" });
  const { key } = await g.apiKey(app.id);
  await g.create("subscriptions", { application_id: app.id, service_id: svc.id });
  await g.synced();
  return {
    g,
    mock,
    baseURL: `${g.url}/v1`,
    appKey: key,
    async stop() {
      await g.stop();
      await mock.stop();
    },
  };
}

/** The simulator's reply text: `[provider:model] system=… messages=… tools=… images=… tool_results=… | echo`. */
export function parseMockReply(text: string): { provider: string; system: number; messages: number; tools: number; images: number; toolResults: number; echo: string } {
  const m = /^\[([^:\]]+):[^\]]*\] system=(\d+) messages=(\d+) tools=(\d+) images=(\d+) tool_results=(\d+) \| ?(.*)$/s.exec(text);
  if (!m) throw new Error(`not a simulator reply: ${text}`);
  return { provider: m[1]!, system: Number(m[2]), messages: Number(m[3]), tools: Number(m[4]), images: Number(m[5]), toolResults: Number(m[6]), echo: m[7]! };
}
