/**
 * Simulated Bedrock Runtime: `POST /model/{modelId}/converse` (JSON) and
 * `POST /model/{modelId}/converse-stream` (AWS event stream frames). Every
 * request must be SigV4-signed for service `bedrock` with the simulator's
 * credentials (AKIDMOCK / mock-secret) and the region of the Host
 * (bedrock-runtime.<region>.amazonaws.com) or the configured default.
 * A model id containing "not-ready" answers ModelNotReadyException.
 */
import { selectFault } from "../common/faults.ts";
import { isObject, jsonResponse, type JsonObject } from "../common/http.ts";
import { streamResponse } from "../common/stream.ts";
import { applyTransportFault, streamTiming } from "../common/transport.ts";
import type { MockControl, MockFault, MockProviderHandler } from "../types.ts";
import { converseAnswer, converseBody, converseFrames } from "./bedrock/answer.ts";
import { awsError, BedrockInvalid, bedrockError, bedrockStatusError } from "./bedrock/errors.ts";
import { encodeExceptionFrame } from "./bedrock/eventstream.ts";
import { MOCK_AWS_DEFAULT_REGION, regionFromHost, verifySigV4 } from "./bedrock/sigv4.ts";
import { type ConverseRequest, parseConverseRequest } from "./bedrock/summary.ts";

const NAME = "bedrock";
const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

export interface BedrockHandlerOptions {
  /** The region requests must be signed for when the Host names none. Default us-east-1. */
  region?: string;
}

function parse(body: JsonObject | undefined, modelId: string): ConverseRequest | Response {
  if (!body) return bedrockError(400, "ValidationException", "Malformed input request, please reformat your input and try again.");
  try {
    return parseConverseRequest(body, NAME, modelId);
  } catch (e) {
    if (e instanceof BedrockInvalid) return bedrockError(400, "ValidationException", e.message);
    throw e;
  }
}

function faultError(fault: MockFault | undefined): Response | undefined {
  if (fault?.kind === "status") return bedrockStatusError(fault.status, fault.retryAfterSeconds);
  if (fault?.kind === "context_length") return bedrockError(400, "ValidationException", "Input is too long for requested model.");
  return undefined;
}

function parseJson(bytes: ArrayBuffer): JsonObject | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

async function converse(req: Request, ctl: MockControl, modelId: string, stream: boolean, region: string): Promise<Response> {
  const started = Date.now();
  const bytes = await req.arrayBuffer();
  const denied = await verifySigV4(req, bytes, { region: regionFromHost(new URL(req.url).host, region) });
  if (denied) return awsError(denied.status, denied.errorType, denied.message);

  const parsed = parse(parseJson(bytes), modelId);
  const fault = selectFault(ctl, NAME, parsed instanceof Response ? "" : parsed.summary.lastUserText);
  const early = await applyTransportFault(fault, req);
  if (early) return early;
  const failed = faultError(fault);
  if (failed) return failed;
  if (parsed instanceof Response) return parsed;
  if (modelId.includes("not-ready")) return bedrockError(429, "ModelNotReadyException");

  const answer = converseAnswer(parsed, fault?.kind === "content_filter", Math.max(1, Date.now() - started));
  const headers = { "x-amzn-requestid": crypto.randomUUID() };
  if (!stream) return jsonResponse(converseBody(answer), 200, headers);
  let frames = converseFrames(answer);
  let timing = streamTiming(fault);
  if (fault?.kind === "midstream" && fault.error === true) {
    frames = [...frames.slice(0, fault.afterEvents), encodeExceptionFrame("throttlingException", "Too many requests, please wait before trying again.")];
    timing = { perEventMs: 0 };
  }
  return streamResponse(frames, { ...timing, contentType: "application/vnd.amazon.eventstream", headers, signal: req.signal });
}

export function createBedrockHandler(opts: BedrockHandlerOptions = {}): MockProviderHandler {
  const region = opts.region ?? MOCK_AWS_DEFAULT_REGION;
  return {
    prefix: "/bedrock",
    name: NAME,
    async handle(req: Request, path: string, ctl: MockControl): Promise<Response> {
      const m = ROUTE.exec(path);
      if (!m || req.method !== "POST") {
        return awsError(404, "UnknownOperationException", "UnknownOperationException");
      }
      let modelId: string;
      try {
        modelId = decodeURIComponent(m[1] ?? "");
      } catch {
        return bedrockError(400, "ValidationException", "The provided model identifier is invalid.");
      }
      return converse(req, ctl, modelId, m[2] === "converse-stream", region);
    },
  };
}

export const handler: MockProviderHandler = createBedrockHandler();
