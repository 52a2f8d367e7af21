import { describe, expect, test } from "bun:test";
import { createHash, createHmac } from "node:crypto";
import { isWaygateError } from "../../../src/core/errors.ts";
import type { ProviderCredential, ProviderEndpoint } from "../../../src/ai/provider.ts";
import { adapter } from "../../../src/ai/providers/bedrock/index.ts";
import { bedrockChatRequest } from "../../../src/ai/providers/bedrock/request.ts";
import type { ChatRequest } from "../../../src/ai/types.ts";
import { bytewise, drain, randomSplits, whole } from "./conformance.case.ts";
import { concatFrames, eventFrame, exceptionFrame, streamFrom } from "./fixtures/bedrock/frames.ts";

const dir = new URL("./fixtures/bedrock/", import.meta.url);
const json = async (name: string): Promise<unknown> => (await Bun.file(new URL(name, dir)).json()) as unknown;

const MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const endpoint: ProviderEndpoint = { kind: "bedrock", baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com", region: "us-west-2", headers: {} };
const aws: ProviderCredential = { kind: "aws", accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const unified = (await json("chat-request.unified.json")) as ChatRequest;

const minimal = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: MODEL,
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
  ...over,
});

const bodyOf = async (req: ChatRequest): Promise<Record<string, unknown>> =>
  JSON.parse((await adapter.chatRequest(req, endpoint, aws)).body ?? "") as Record<string, unknown>;

function decodeAll(bytes: Uint8Array, req: ChatRequest = minimal({ stream: true })) {
  const runs = [whole(bytes), bytewise(bytes), ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => randomSplits(bytes, s))];
  const results = runs.map((chunks) => drain(adapter.chatStream(req), chunks).map((i) => (i.type === "start" ? { ...i, id: "*", created: 0 } : i)));
  for (const r of results.slice(1)) expect(r).toEqual(results[0] ?? []);
  return results[0] ?? [];
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const hmac = (key: string | Buffer, s: string): Buffer => createHmac("sha256", key).update(s).digest();

/** An independent SigV4 computation (AWS's documented algorithm), to check aws4fetch's output against. */
function expectedSignature(url: string, headers: Record<string, string>, body: string, signedHeaders: string[], secret: string, region: string): string {
  const u = new URL(url);
  // Non-S3 services sign the path with every segment encoded twice.
  const path = u.pathname
    .split("/")
    .map((seg) => encodeURIComponent(seg))
    .join("/");
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${h === "host" ? u.host : (headers[h] ?? "").trim()}\n`).join("");
  const canonical = ["POST", path, "", canonicalHeaders, signedHeaders.join(";"), sha256(body)].join("\n");
  const datetime = headers["x-amz-date"] ?? "";
  const scope = `${datetime.slice(0, 8)}/${region}/bedrock/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", datetime, scope, sha256(canonical)].join("\n");
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, datetime.slice(0, 8)), region), "bedrock"), "aws4_request");
  return createHmac("sha256", kSigning).update(toSign).digest("hex");
}

describe("Bedrock request", () => {
  test("the rich unified request becomes the documented Converse body (golden)", async () => {
    const http = await adapter.chatRequest(unified, endpoint, aws);
    expect(http.url).toBe("https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    expect(http.method).toBe("POST");
    expect(JSON.parse(http.body ?? "")).toEqual(await json("chat-request.bedrock.json"));
  });

  test("the SigV4 signature verifies against an independent computation of the canonical request", async () => {
    const cred: ProviderCredential = { ...aws, kind: "aws", sessionToken: "FQoGZXIvYXdzEXAMPLE" } as ProviderCredential;
    const http = await bedrockChatRequest(minimal({ stream: true }), { ...endpoint, headers: { "X-Team": "ml" } }, cred, "20250101T120000Z");
    expect(http.url).toBe("https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
    expect(http.headers["x-amz-date"]).toBe("20250101T120000Z");
    expect(http.headers["x-amz-security-token"]).toBe("FQoGZXIvYXdzEXAMPLE");
    expect(http.headers.accept).toBe("application/vnd.amazon.eventstream");
    const auth = http.headers.authorization ?? "";
    const m = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250101\/us-west-2\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
    expect(m).not.toBeNull();
    const signed = (m?.[1] ?? "").split(";");
    expect(signed).toEqual(["accept", "host", "x-amz-date", "x-amz-security-token", "x-team"]);
    expect(m?.[2]).toBe(expectedSignature(http.url, http.headers, http.body ?? "", signed, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-west-2"));
    // The signature covers the body: a different body gives a different signature.
    const other = await bedrockChatRequest(minimal({ stream: true, temperature: 1 }), { ...endpoint, headers: { "X-Team": "ml" } }, cred, "20250101T120000Z");
    expect(other.headers.authorization).not.toBe(auth);
  });

  test("region: the AWS host follows the provider's region; custom base URLs are kept and signed for the region", async () => {
    const east = await adapter.chatRequest(minimal(), { ...endpoint, region: undefined }, aws);
    expect(east.url).toStartWith("https://bedrock-runtime.us-east-1.amazonaws.com/model/");
    expect(east.headers.authorization).toContain("/us-east-1/bedrock/aws4_request");
    const mock = await adapter.chatRequest(minimal(), { ...endpoint, baseUrl: "http://127.0.0.1:7000/bedrock", region: "eu-central-1" }, aws);
    expect(mock.url).toBe("http://127.0.0.1:7000/bedrock/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    expect(mock.headers.authorization).toContain("/eu-central-1/bedrock/aws4_request");
  });

  test("an image URL is refused with a clear bad_request error; API keys are refused", async () => {
    const req = minimal({ messages: [{ role: "user", content: [{ type: "image", source: { kind: "url", url: "https://example.com/cat.png" } }] }] });
    const err: unknown = await adapter.chatRequest(req, endpoint, aws).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWaygateError(err) ? [err.code, err.status] : err).toEqual(["bad_request", 400]);
    expect(String(err)).toMatch(/Bedrock accepts images only as inline base64/);
    const keyErr = await adapter.chatRequest(minimal(), endpoint, { kind: "api_key", key: "k" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWaygateError(keyErr) ? keyErr.code : keyErr).toBe("config_invalid");
  });

  test("tool_choice: required is any, a name is tool, none drops the tools unless the history holds tool traffic", async () => {
    const tools = unified.tools ?? [];
    expect(((await bodyOf(minimal({ tools, toolChoice: "required" }))).toolConfig as Record<string, unknown>).toolChoice).toEqual({ any: {} });
    expect(((await bodyOf(minimal({ tools, toolChoice: { name: "get_weather" } }))).toolConfig as Record<string, unknown>).toolChoice).toEqual({
      tool: { name: "get_weather" },
    });
    expect((await bodyOf(minimal({ tools, toolChoice: "none" }))).toolConfig).toBeUndefined();
    const withHistory = await bodyOf({ ...unified, toolChoice: "none" });
    expect(withHistory.toolConfig).toEqual({ tools: (((await json("chat-request.bedrock.json")) as Record<string, Record<string, unknown>>).toolConfig ?? {}).tools });
  });

  test("json_schema is a forced answer tool whose input returns as text", async () => {
    const schema = { type: "object", properties: { song: { type: "string" } } };
    const req = minimal({ responseFormat: { type: "json_schema", name: "pick", schema }, maxTokens: 300 });
    const body = await bodyOf(req);
    expect(body.inferenceConfig).toEqual({ maxTokens: 300 });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: "json_response", description: "Respond with a pick object. Always answer by calling this tool.", inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: "json_response" } },
    });
    const res = adapter.chatResponse(
      { output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "json_response", input: { song: "x" } } }] } }, stopReason: "tool_use" },
      req,
    );
    expect(res.choices[0]).toEqual({ index: 0, message: { content: '{"song":"x"}' }, finishReason: "stop" });
    const stream = concatFrames([
      eventFrame("messageStart", { role: "assistant" }),
      eventFrame("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId: "t1", name: "json_response" } } }),
      eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: '{"song":"x"}' } } }),
      eventFrame("messageStop", { stopReason: "tool_use" }),
    ]);
    expect(decodeAll(stream, { ...req, stream: true }).slice(1)).toEqual([
      { type: "text", choice: 0, text: '{"song":"x"}' },
      { type: "finish", choice: 0, reason: "stop" },
    ]);
  });
});

describe("Bedrock response", () => {
  test("the documented tool-use answer with cache usage (golden)", async () => {
    const res = adapter.chatResponse(await json("chat-response.json"), minimal());
    expect(res.id).toStartWith("msg_");
    expect({ ...res, id: "*", created: 0 }).toEqual({
      id: "*",
      model: MODEL,
      created: 0,
      choices: [
        {
          index: 0,
          message: {
            content: "To find the most popular song on WZPZ, I'll use the top_song tool.",
            toolCalls: [{ id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "top_song", arguments: '{"sign":"WZPZ"}' }],
          },
          finishReason: "tool_calls",
        },
      ],
      usage: { inputTokens: 375 + 1500 + 12, outputTokens: 69, cachedInputTokens: 1500, cacheWriteInputTokens: 12 },
    });
  });

  test("stop reasons", () => {
    const cases: Array<[string, string]> = [
      ["end_turn", "stop"],
      ["max_tokens", "length"],
      ["guardrail_intervened", "content_filter"],
      ["content_filtered", "content_filter"],
      ["stop_sequence", "stop"],
      ["malformed_tool_use", "error"],
    ];
    for (const [stopReason, reason] of cases) {
      expect(adapter.chatResponse({ output: { message: { content: [{ text: "x" }] } }, stopReason }, minimal()).choices[0]?.finishReason).toBe(reason as "stop");
    }
  });
});

describe("Bedrock stream", () => {
  test("event-stream frames with a tool call, in any split (golden)", async () => {
    expect(decodeAll(await streamFrom(new URL("stream-tools.events.json", dir)))).toEqual([
      { type: "start", id: "*", model: MODEL, created: 0 },
      { type: "text", choice: 0, text: "Let me look up " },
      { type: "text", choice: 0, text: "the top song." },
      { type: "tool_call_start", choice: 0, tool: 0, id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "top_song" },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '{"sign": ' },
      { type: "tool_call_delta", choice: 0, tool: 0, arguments: '"WZPZ"}' },
      { type: "finish", choice: 0, reason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 375, outputTokens: 69 } },
    ]);
  });

  test("an exception frame becomes a classified error item and ends the stream", () => {
    const stream = concatFrames([
      eventFrame("messageStart", { role: "assistant" }),
      eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } }),
      exceptionFrame("throttlingException", "Too many requests, please wait before trying again."),
      eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "ignored" } }),
    ]);
    expect(decodeAll(stream).slice(1)).toEqual([
      { type: "text", choice: 0, text: "Hi" },
      {
        type: "error",
        error: { kind: "rate_limited", status: 429, message: "Too many requests, please wait before trying again.", providerCode: "ThrottlingException" },
      },
    ]);
    const invalid = decodeAll(concatFrames([exceptionFrame("validationException", "Input is too long for requested model.")]));
    expect(invalid).toMatchObject([{ type: "error", error: { kind: "context_length" } }]);
  });

  test("a stream ending after messageStop but before metadata is complete; before messageStop it is cut", () => {
    const stopped = concatFrames([eventFrame("messageStart", { role: "assistant" }), eventFrame("messageStop", { stopReason: "end_turn" })]);
    expect(decodeAll(stopped).map((i) => i.type)).toEqual(["start", "finish"]);
    const cut = concatFrames([eventFrame("messageStart", { role: "assistant" }), eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } })]);
    expect(decodeAll(cut).at(-1)).toMatchObject({ type: "error", error: { kind: "reset" } });
  });

  test("a corrupt frame (bad CRC) is an error, not a crash", () => {
    const frame = eventFrame("messageStart", { role: "assistant" });
    frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
    const items = drain(adapter.chatStream(minimal({ stream: true })), [frame]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "error", error: { kind: "server" } });
  });
});

describe("Bedrock errors", () => {
  const h = (type: string) => new Headers({ "x-amzn-ErrorType": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
  test("x-amzn-ErrorType decides; ValidationException 'too long' is context_length", () => {
    expect(adapter.error(429, JSON.stringify({ message: "Too many requests, please wait before trying again." }), h("ThrottlingException"))).toEqual({
      kind: "rate_limited",
      status: 429,
      message: "Too many requests, please wait before trying again.",
      providerCode: "ThrottlingException",
    });
    expect(adapter.error(400, JSON.stringify({ message: "Input is too long for requested model." }), h("ValidationException")).kind).toBe("context_length");
    expect(adapter.error(400, JSON.stringify({ message: "prompt is too long: 210000 tokens > 200000 maximum" }), h("ValidationException")).kind).toBe("context_length");
    expect(adapter.error(400, JSON.stringify({ message: "Malformed input request: #: extraneous key [foo] is not permitted" }), h("ValidationException")).kind).toBe(
      "invalid_request",
    );
    expect(adapter.error(403, JSON.stringify({ Message: "You don't have access to the model with the specified model ID." }), h("AccessDeniedException"))).toMatchObject({
      kind: "auth",
      message: "You don't have access to the model with the specified model ID.",
    });
    expect(adapter.error(404, JSON.stringify({ message: "Model not found" }), h("ResourceNotFoundException")).kind).toBe("not_found");
    expect(adapter.error(503, JSON.stringify({ message: "unavailable" }), h("ServiceUnavailableException")).kind).toBe("overloaded");
    expect(adapter.error(429, JSON.stringify({ message: "Model is not ready" }), h("ModelNotReadyException")).kind).toBe("overloaded");
  });
});

