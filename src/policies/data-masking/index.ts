/**
 * Data masking: personal data and secrets are replaced before they leave
 * the gateway — in REST request bodies (towards the upstream) and response
 * bodies (towards the client), and in AI prompts, answers and streamed
 * answers. Instances stack: a global policy masking emails and a route
 * policy with its own rules both apply.
 */
import { WaygateError } from "../../core/errors.ts";
import { bufferedBody } from "../../gateway/buffered-body.ts";
import type { RequestContext } from "../../gateway/context.ts";
import { REWRITE_MAX_BYTES, decodableAcceptEncoding } from "../../gateway/response-rewrite.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy } from "../policy.ts";
import { maskBody, textSyntax } from "./body.ts";
import { maskChatRequest, maskChatResponse, maskEmbeddingsRequest } from "./chat.ts";
import { type Masker, compileMasker } from "./masker.ts";
import { type DataMaskingConfig, dataMaskingSchema } from "./schema.ts";
import { maskingStreamFilter } from "./stream.ts";

// AI requests are masked in their unified form (the ai hooks), not as bytes.
const isAi = (ctx: RequestContext): boolean => ctx.route?.service.service.kind === "ai";

/** A request body the masker can read: textual, not compressed, and declared no larger than the cap responses have too. */
function maskableRequest(ctx: RequestContext): boolean {
  const h = ctx.req.headers;
  if (!textSyntax(h.get("content-type"))) return false;
  const encoding = h.get("content-encoding");
  if (encoding && encoding.toLowerCase() !== "identity") return false;
  const declared = h.get("content-length");
  return declared === null || Number(declared) <= REWRITE_MAX_BYTES;
}

async function maskRequestBody(ctx: RequestContext, masker: Masker): Promise<WaygateError | undefined> {
  if (!maskableRequest(ctx)) return undefined;
  const body = await bufferedBody(ctx);
  if (body instanceof WaygateError) return body;
  if (body.byteLength === 0) return undefined;
  const masked = maskBody(masker, body, ctx.req.headers.get("content-type"));
  if (masked && masked.body !== body) ctx.body = masked.body;
  return undefined;
}

/**
 * A response that is to be masked must arrive whole and readable: no partial
 * content (a Range request would get bytes the masker cannot judge, and
 * offsets a masked body no longer matches) and no coding the gateway cannot
 * decode.
 */
function prepareForResponseMasking(ctx: RequestContext): void {
  const drop = (ctx.dropHeaders ??= new Set());
  drop.add("range");
  drop.add("if-range");
  drop.add("accept-encoding");
  const extra = (ctx.extraHeaders ??= []).filter(([n]) => n !== "accept-encoding");
  extra.push(["accept-encoding", decodableAcceptEncoding(ctx.req.headers.get("accept-encoding"))]);
  ctx.extraHeaders = extra;
}

function buildDataMasking(config: DataMaskingConfig, name: string): Policy {
  const masker = compileMasker(config);
  const request = config.apply_to.includes("request");
  const response = config.apply_to.includes("response");
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = { name };
  policy.onRequest = (ctx) => {
    if (isAi(ctx)) return undefined;
    if (response) prepareForResponseMasking(ctx);
    return request ? maskRequestBody(ctx, masker) : undefined;
  };
  if (response) {
    policy.onResponseBody = (_ctx, body, contentType) => maskBody(masker, body, contentType)?.body ?? body;
  }
  policy.ai = {
    ...(request
      ? {
          chatRequest: (_ctx, req) => maskChatRequest(masker, req),
          embeddingsRequest: (_ctx, req) => maskEmbeddingsRequest(masker, req),
        }
      : {}),
    ...(response ? { chatResponse: (_ctx, res) => maskChatResponse(masker, res), chatStream: () => maskingStreamFilter(masker) } : {}),
  };
  return policy;
}

export const kind: PolicyKind<typeof dataMaskingSchema> = {
  kind: "data_masking",
  description: "Mask emails, phone numbers, card numbers, IBANs, API keys, JWTs, secrets and custom patterns in bodies, prompts and answers",
  schema: dataMaskingSchema,
  combine: "stack",
  build: (config, ctx) => buildDataMasking(config, ctx.name),
};
