import { afterAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { renderModels } from "../../../src/ai/dialects/openai-models.ts";
import { JSON_HEADERS, startFakeServer } from "./fake-server.ts";

test("model list: virtual models are the gateway's, provider/model names their provider's", () => {
  expect(renderModels(["smart", "openai/gpt-4o", { id: "claude", created: 1700000000, ownedBy: "anthropic" }])).toEqual({
    object: "list",
    data: [
      { id: "smart", object: "model", created: 0, owned_by: "waygate" },
      { id: "openai/gpt-4o", object: "model", created: 0, owned_by: "openai" },
      { id: "claude", object: "model", created: 1700000000, owned_by: "anthropic" },
    ],
  });
  expect(renderModels([])).toEqual({ object: "list", data: [] });
});

const server = startFakeServer();
afterAll(() => server.stop());

test("the openai SDK lists the models", async () => {
  server.reply(200, JSON.stringify(renderModels(["smart", "openai/gpt-4o"])), JSON_HEADERS);
  const client = new OpenAI({ apiKey: "test", baseURL: `${server.url}/v1`, maxRetries: 0 });
  const ids: string[] = [];
  for await (const m of client.models.list()) ids.push(`${m.id}:${m.owned_by}`);
  expect(ids).toEqual(["smart:waygate", "openai/gpt-4o:openai"]);
});
