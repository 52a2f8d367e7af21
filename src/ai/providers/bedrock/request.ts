/**
 * Bedrock Converse requests:
 * `https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/converse`
 * (`/converse-stream` for streams), SigV4-signed. The host follows the
 * provider's region unless base_url points somewhere else (a VPC endpoint,
 * a proxy, the simulator); the signing region is the provider's region, else
 * the one in the host name, else us-east-1.
 */
import type { HttpRequest, ProviderCredential, ProviderEndpoint } from "../../provider.ts";
import type { ChatRequest } from "../../types.ts";
import { assertSupported } from "../shared/capabilities.ts";
import { applyFieldMap } from "../shared/field-map.ts";
import { baseUrlOf } from "../shared/http.ts";
import { BEDROCK_CAPABILITIES, BEDROCK_FIELDS } from "./fields.ts";
import { toBedrockConversation } from "./messages.ts";
import { signRequest } from "./signing.ts";
import { toBedrockToolConfig } from "./tools.ts";

export const BEDROCK_DEFAULT_REGION = "us-east-1";
export const BEDROCK_DEFAULT_BASE_URL = `https://bedrock-runtime.${BEDROCK_DEFAULT_REGION}.amazonaws.com`;

const AWS_HOST = /^https:\/\/bedrock-runtime(-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/;

export function bedrockBody(req: ChatRequest): Record<string, unknown> {
  const conv = toBedrockConversation(req.messages);
  const body: Record<string, unknown> = { messages: conv.messages };
  if (conv.system.length > 0) body.system = conv.system;
  applyFieldMap(req, BEDROCK_FIELDS, body);
  const toolConfig = toBedrockToolConfig(req);
  if (toolConfig) body.toolConfig = toolConfig;
  return body;
}

export function bedrockTarget(endpoint: ProviderEndpoint): { base: string; region: string } {
  const base = baseUrlOf(endpoint, "bedrock");
  const aws = AWS_HOST.exec(base);
  const region = endpoint.region ?? aws?.[2] ?? BEDROCK_DEFAULT_REGION;
  if (!aws) return { base, region };
  return { base: `https://bedrock-runtime${aws[1] ?? ""}.${region}.amazonaws.com`, region };
}

export async function bedrockChatRequest(
  req: ChatRequest,
  endpoint: ProviderEndpoint,
  credential: ProviderCredential,
  datetime?: string,
): Promise<HttpRequest> {
  assertSupported(req, BEDROCK_CAPABILITIES, "bedrock");
  const { base, region } = bedrockTarget(endpoint);
  const unsigned: HttpRequest = {
    url: `${base}/model/${encodeURIComponent(req.model)}/${req.stream ? "converse-stream" : "converse"}`,
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: req.stream ? "application/vnd.amazon.eventstream" : "application/json",
      ...endpoint.headers,
    },
    body: JSON.stringify(bedrockBody(req)),
  };
  return signRequest(unsigned, credential, datetime !== undefined ? { region, datetime } : { region });
}
