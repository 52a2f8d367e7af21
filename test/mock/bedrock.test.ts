import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { AwsClient } from "aws4fetch";
import { handler } from "../../src/mock/providers/bedrock.ts";
import { decodeFrames } from "../../src/mock/providers/bedrock/eventstream.ts";
import { startMockProviders } from "../../src/mock/server.ts";

const mock = startMockProviders({ hostname: "127.0.0.1", port: 0, handlers: [handler] });
const ctl = mock.control;
const endpoint = `${mock.url}/bedrock`;
afterAll(() => mock.stop());
beforeEach(() => {
  ctl.faults.length = 0;
  ctl.always.clear();
});

// The client defaults to HTTP/2, which a plain-HTTP simulator does not speak.
function client(secretAccessKey = "mock-secret", region = "us-east-1"): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ endpoint, region, credentials: { accessKeyId: "AKIDMOCK", secretAccessKey }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
}
const bedrock = client();
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

const weather = { toolSpec: { name: "get_weather", description: "Weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } } };
const time = { toolSpec: { name: "get_time", inputSchema: { json: { type: "object", properties: { tz: { type: "string", enum: ["UTC"] } }, required: ["tz"] } } } };

async function collect(input: ConverseCommandInput): Promise<ConverseStreamOutput[]> {
  const out = await bedrock.send(new ConverseStreamCommand(input));
  const events: ConverseStreamOutput[] = [];
  for await (const e of out.stream ?? []) events.push(e);
  return events;
}

/** A request signed by aws4fetch, for wire-level checks the SDK hides. */
const signer = new AwsClient({ accessKeyId: "AKIDMOCK", secretAccessKey: "mock-secret", service: "bedrock", region: "us-east-1", retries: 0 });
function signed(path: string, body: unknown): Promise<Response> {
  return signer.fetch(`${endpoint}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("bedrock converse", () => {
  test("ConverseCommand: deterministic reply, usage, metrics; the model id arrives decoded", async () => {
    const out = await bedrock.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: "Be brief." }],
        messages: [
          { role: "user", content: [{ text: "hi" }] },
          { role: "assistant", content: [{ text: "hello" }] },
          { role: "user", content: [{ image: { format: "png", source: { bytes: new Uint8Array([137, 80, 78, 71]) } } }, { text: "what is this?" }] },
        ],
        inferenceConfig: { maxTokens: 500, temperature: 0.2, topP: 0.9 },
      }),
    );
    const text = `[bedrock:${MODEL}] system=1 messages=3 tools=0 images=1 tool_results=0 | what is this?`;
    expect(out.output?.message?.role).toBe("assistant");
    expect(out.output?.message?.content).toEqual([{ text }]);
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage).toEqual({ inputTokens: 8 + 16, outputTokens: Math.ceil(text.length / 4), totalTokens: 24 + Math.ceil(text.length / 4), cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
    expect(out.metrics?.latencyMs).toBeGreaterThan(0);
    const recorded = ctl.requests.at(-1);
    expect(recorded?.provider).toBe("bedrock");
    expect(recorded?.path).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  });

  test("tools: toolUse with schema-valid input, parallel calls, forced tool, then a toolResult turn", async () => {
    const first = await bedrock.send(new ConverseCommand({ modelId: MODEL, toolConfig: { tools: [weather, time] }, messages: [{ role: "user", content: [{ text: "weather?" }] }] }));
    expect(first.stopReason).toBe("tool_use");
    const use = first.output?.message?.content?.[0]?.toolUse;
    expect(use?.name).toBe("get_weather");
    expect(use?.input).toEqual({ city: "x" });
    expect(use?.toolUseId).toMatch(/^tooluse_/);

    const parallel = await bedrock.send(new ConverseCommand({ modelId: MODEL, toolConfig: { tools: [weather, time] }, messages: [{ role: "user", content: [{ text: "both in parallel" }] }] }));
    expect(parallel.output?.message?.content?.map((b) => b.toolUse?.name)).toEqual(["get_weather", "get_time"]);

    const forced = await bedrock.send(
      new ConverseCommand({ modelId: MODEL, toolConfig: { tools: [weather, time], toolChoice: { tool: { name: "get_time" } } }, messages: [{ role: "user", content: [{ text: "now" }] }] }),
    );
    expect(forced.output?.message?.content?.map((b) => [b.toolUse?.name, b.toolUse?.input])).toEqual([["get_time", { tz: "UTC" }]]);

    const answered = await bedrock.send(
      new ConverseCommand({
        modelId: MODEL,
        toolConfig: { tools: [weather] },
        messages: [
          { role: "user", content: [{ text: "weather?" }] },
          { role: "assistant", content: [{ toolUse: { toolUseId: use?.toolUseId ?? "", name: "get_weather", input: { city: "x" } } }] },
          { role: "user", content: [{ toolResult: { toolUseId: use?.toolUseId ?? "", content: [{ json: { temp: 20 } }], status: "success" } }] },
        ],
      }),
    );
    expect(answered.stopReason).toBe("end_turn");
    expect(answered.output?.message?.content?.[0]?.text).toBe(`[bedrock:${MODEL}] system=0 messages=3 tools=1 images=0 tool_results=1 | `);
  });

  test("maxTokens, stopSequences and structured output", async () => {
    const cut = await bedrock.send(new ConverseCommand({ modelId: MODEL, inferenceConfig: { maxTokens: 3 }, messages: [{ role: "user", content: [{ text: "x" }] }] }));
    expect(cut.stopReason).toBe("max_tokens");
    expect(cut.output?.message?.content?.[0]?.text).toHaveLength(12);

    const stopped = await bedrock.send(new ConverseCommand({ modelId: MODEL, inferenceConfig: { stopSequences: ["messages="] }, messages: [{ role: "user", content: [{ text: "x" }] }] }));
    expect(stopped.stopReason).toBe("stop_sequence");
    expect(stopped.output?.message?.content?.[0]?.text).toBe(`[bedrock:${MODEL}] system=0 `);

    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    const structured = await bedrock.send(
      new ConverseCommand({
        modelId: MODEL,
        outputConfig: { textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(schema), name: "r" } } } },
        messages: [{ role: "user", content: [{ text: "json" }] }],
      }),
    );
    expect(JSON.parse(structured.output?.message?.content?.[0]?.text ?? "")).toEqual({ ok: false });
  });

  test("ConverseStreamCommand: event sequence for text, and tool use streamed as input JSON", async () => {
    const events = await collect({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "stream me please now" }] }] });
    expect(Object.keys(events[0] ?? {})).toEqual(["messageStart"]);
    expect(events[0]?.messageStart?.role).toBe("assistant");
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("");
    expect(text).toBe(`[bedrock:${MODEL}] system=0 messages=1 tools=0 images=0 tool_results=0 | stream me please now`);
    expect(events.filter((e) => e.contentBlockDelta).length).toBeGreaterThan(3);
    expect(events.at(-2)?.messageStop?.stopReason).toBe("end_turn");
    const meta = events.at(-1)?.metadata;
    expect(meta?.usage?.outputTokens).toBe(Math.ceil(text.length / 4));
    expect(meta?.metrics?.latencyMs).toBeGreaterThan(0);

    const tools = await collect({ modelId: MODEL, toolConfig: { tools: [weather, time] }, messages: [{ role: "user", content: [{ text: "parallel please" }] }] });
    const starts = tools.filter((e) => e.contentBlockStart).map((e) => e.contentBlockStart?.start?.toolUse?.name);
    expect(starts).toEqual(["get_weather", "get_time"]);
    const input0 = tools.filter((e) => e.contentBlockDelta?.contentBlockIndex === 0).map((e) => e.contentBlockDelta?.delta?.toolUse?.input).join("");
    expect(JSON.parse(input0)).toEqual({ city: "x" });
    expect(tools.find((e) => e.messageStop)?.messageStop?.stopReason).toBe("tool_use");
  });

  test("raw stream: binary frames with :event-type, :content-type and :message-type headers", async () => {
    const res = await signed(`/model/${encodeURIComponent(MODEL)}/converse-stream`, { messages: [{ role: "user", content: [{ text: "hi" }] }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const frames = decodeFrames(new Uint8Array(await res.arrayBuffer()));
    expect(frames.map((f) => f.headers[":event-type"]).filter((t, i, a) => t !== a[i - 1])).toEqual(["messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]);
    for (const f of frames) {
      expect(f.headers[":message-type"]).toBe("event");
      expect(f.headers[":content-type"]).toBe("application/json");
    }
  });
});

describe("bedrock errors", () => {
  test("a wrong secret is a 403 InvalidSignatureException with AWS's message", async () => {
    const err = await client("wrong-secret")
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BedrockRuntimeServiceException);
    const e = err as BedrockRuntimeServiceException;
    expect(e.name).toBe("InvalidSignatureException");
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message).toStartWith("The request signature we calculated does not match the signature you provided.");

    const raw = await fetch(`${endpoint}/model/m/converse`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(403);
    expect(raw.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");

    const otherRegion = await client("mock-secret", "eu-west-1")
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }))
      .catch((x: unknown) => x);
    expect((otherRegion as Error).name).toBe("InvalidSignatureException");
  });

  test("the signing region follows an AWS Host name", async () => {
    const url = `${endpoint}/model/m/converse`;
    const awsHost = "bedrock-runtime.eu-west-1.amazonaws.com";
    const body = JSON.stringify({ messages: [{ role: "user", content: [{ text: "x" }] }] });
    const sign = (region: string) =>
      new AwsClient({ accessKeyId: "AKIDMOCK", secretAccessKey: "mock-secret", service: "bedrock", region }).sign(url.replace(/^http:\/\/[^/]+/, `http://${awsHost}`), { method: "POST", body });
    const send = async (region: string) => {
      const req = await sign(region);
      return fetch(url, { method: "POST", headers: { ...Object.fromEntries(req.headers), host: awsHost }, body });
    };
    expect((await send("eu-west-1")).status).toBe(200);
    const wrong = await send("us-east-1");
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
  });

  test("a tampered body no longer matches its signature", async () => {
    const req = await signer.sign(`${endpoint}/model/m/converse`, { method: "POST", body: JSON.stringify({ messages: [] }) });
    const res = await fetch(req.url, { method: "POST", headers: req.headers, body: JSON.stringify({ messages: [1] }) });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
    expect(await res.json()).toEqual({ message: expect.stringContaining("The request signature we calculated does not match") });
  });

  test("status faults: ThrottlingException and friends, with x-amzn-ErrorType", async () => {
    ctl.faults.push({ kind: "status", status: 429 });
    const throttled = await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect((throttled as ThrottlingException).$metadata.httpStatusCode).toBe(429);

    for (const [status, name] of [
      [500, "InternalServerException"],
      [503, "ServiceUnavailableException"],
      [403, "AccessDeniedException"],
      [400, "ValidationException"],
    ] as const) {
      ctl.faults.push({ kind: "status", status });
      const e = await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((x: unknown) => x);
      expect((e as Error).name).toBe(name);
      expect((e as BedrockRuntimeServiceException).$metadata.httpStatusCode).toBe(status);
    }

    ctl.faults.push({ kind: "status", status: 429 });
    const res = await signed("/model/m/converse", { messages: [{ role: "user", content: [{ text: "x" }] }] });
    expect(res.headers.get("x-amzn-errortype")).toStartWith("ThrottlingException:");
    expect(await res.json()).toEqual({ message: "Too many requests, please wait before trying again." });

    const notReady = await bedrock.send(new ConverseCommand({ modelId: "m-not-ready", messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((x: unknown) => x);
    expect((notReady as Error).name).toBe("ModelNotReadyException");
  });

  test("context length and content filter", async () => {
    const long = await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "[[mock:context_length]]" }] }] })).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(ValidationException);
    expect((long as Error).message).toBe("Input is too long for requested model.");

    const filtered = await bedrock.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "[[mock:content_filter]]" }] }] }));
    expect(filtered.stopReason).toBe("content_filtered");
  });

  test("validation: role alternation, unanswered toolUse, tool history without toolConfig", async () => {
    const send = (input: Omit<ConverseCommandInput, "modelId">): Promise<Error> =>
      bedrock.send(new ConverseCommand({ modelId: MODEL, ...input })).then(
        () => new Error("accepted"),
        (e: unknown) => e as Error,
      );
    const twoUsers = await send({ messages: [{ role: "user", content: [{ text: "a" }] }, { role: "user", content: [{ text: "b" }] }] });
    expect(twoUsers.message).toContain("must alternate between user and assistant roles");

    const history = [
      { role: "user" as const, content: [{ text: "a" }] },
      { role: "assistant" as const, content: [{ toolUse: { toolUseId: "t1", name: "get_weather", input: {} } }] },
    ];
    const unanswered = await send({ toolConfig: { tools: [weather] }, messages: [...history, { role: "user", content: [{ text: "b" }] }] });
    expect(unanswered.message).toBe("Expected toolResult blocks at messages.2.content for the following Ids: t1");

    const noConfig = await send({ messages: [...history, { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "r" }] } }] }] });
    expect(noConfig.message).toBe("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
    expect(noConfig).toBeInstanceOf(ValidationException);
  });

  test("midstream: an exception frame the SDK raises as ThrottlingException, and a cut connection", async () => {
    ctl.faults.push({ kind: "midstream", afterEvents: 2, error: true });
    const seen: ConverseStreamOutput[] = [];
    const err = await (async () => {
      const out = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }));
      for await (const e of out.stream ?? []) seen.push(e);
    })().catch((e: unknown) => e);
    expect(seen.length).toBe(2);
    expect(err).toBeInstanceOf(ThrottlingException);

    ctl.faults.push({ kind: "midstream", afterEvents: 2 });
    const cutSeen: ConverseStreamOutput[] = [];
    const cut = await (async () => {
      const out = await bedrock.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }));
      for await (const e of out.stream ?? []) cutSeen.push(e);
      return "completed";
    })().catch((e: unknown) => e);
    expect(cut).not.toBe("completed");
    expect(cutSeen.length).toBe(2);
  });
});
