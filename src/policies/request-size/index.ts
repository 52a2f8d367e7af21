/**
 * A request body cap below the service's. The declared Content-Length is
 * checked up front; for bodies without one (chunked) the cap is handed to
 * the proxy through `ctx.maxRequestBodyBytes`, which enforces it while
 * streaming just as it enforces the service's own limit. Instances stack:
 * the smallest cap wins.
 */
import { z } from "zod";
import { WaygateError } from "../../core/errors.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";

export const requestSizeSchema = z.object({ max_bytes: z.number().int().nonnegative() }).strict();

function buildRequestSize(maxBytes: number): Policy {
  return {
    name: "request_size",
    onRequest(ctx): PolicyVerdict {
      if (ctx.maxRequestBodyBytes === undefined || ctx.maxRequestBodyBytes > maxBytes) ctx.maxRequestBodyBytes = maxBytes;
      const declared = ctx.req.headers.get("content-length");
      if (declared === null) return undefined;
      const length = Number(declared);
      // A malformed length is the body reader's to reject (400), not a size verdict.
      if (!Number.isFinite(length) || length < 0) return undefined;
      if (length > maxBytes) return new WaygateError("payload_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
      return undefined;
    },
  };
}

export const kind: PolicyKind<typeof requestSizeSchema> = {
  kind: "request_size",
  description: "Refuse request bodies larger than max_bytes (413), by declared length and while streaming",
  schema: requestSizeSchema,
  combine: "stack",
  build: (config) => buildRequestSize(config.max_bytes),
};
