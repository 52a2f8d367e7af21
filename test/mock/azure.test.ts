import { beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { AzureOpenAI } from "openai";
import { useMockProviders, weatherTool } from "./helpers.ts";

const mock = useMockProviders();
const client = new AzureOpenAI({ endpoint: `${mock.url}/azure`, apiKey: "azure-key", apiVersion: "2024-10-21", deployment: "prod-gpt4o", maxRetries: 0 });
const messages = [{ role: "user" as const, content: "hello azure" }];

beforeEach(() => {
  mock.control.faults.length = 0;
  mock.control.requests.length = 0;
});

describe("simulated Azure OpenAI", () => {
  test("chat through the deployment, with content filter annotations", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(res.choices[0]?.message.content).toBe("[azure:prod-gpt4o] system=0 messages=1 tools=0 images=0 tool_results=0 | hello azure");
    const raw = res as unknown as { prompt_filter_results: unknown[]; choices: Array<{ content_filter_results: Record<string, unknown> }> };
    expect(raw.prompt_filter_results[0]).toMatchObject({ prompt_index: 0, content_filter_results: { hate: { filtered: false } } });
    expect(raw.choices[0]?.content_filter_results.violence).toEqual({ filtered: false, severity: "safe" });
    const rec = mock.control.requests.at(-1);
    expect(rec?.path).toBe("/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21");
    expect(rec?.headers["api-key"]).toBe("azure-key");
  });

  test("stream starts with prompt_filter_results and empty choices", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]?.choices).toEqual([]);
    expect((chunks[0] as unknown as { prompt_filter_results: unknown[] }).prompt_filter_results).toHaveLength(1);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toContain("| hello azure");
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("streamed tool calls through the SDK helper", async () => {
    const final = await client.chat.completions.stream({ model: "gpt-4o", messages, tools: [weatherTool] }).finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "x", unit: "celsius" });
  });

  test("embeddings", async () => {
    const res = await client.embeddings.create({ model: "emb", input: "x", dimensions: 4 });
    expect(res.data[0]?.embedding).toHaveLength(4);
  });

  test("content filter error with innererror", async () => {
    mock.control.faults.push({ kind: "content_filter" });
    const e = await client.chat.completions.create({ model: "gpt-4o", messages }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ status: 400, code: "content_filter", param: "prompt" });
    expect((e as { error: { innererror: { code: string } } }).error.innererror.code).toBe("ResponsibleAIPolicyViolation");
  });

  test("api-version is required; bad keys are 401; Bearer works", async () => {
    const url = `${mock.url}/azure/openai/deployments/d/chat/completions`;
    const body = JSON.stringify({ messages });
    const noVersion = await fetch(url, { method: "POST", headers: { "api-key": "k" }, body });
    expect(noVersion.status).toBe(400);
    const badKey = await fetch(`${url}?api-version=1`, { method: "POST", headers: { "api-key": "invalid" }, body });
    expect(badKey.status).toBe(401);
    const bearer = await fetch(`${url}?api-version=1`, { method: "POST", headers: { authorization: "Bearer tok" }, body });
    expect(bearer.status).toBe(200);
  });
});
