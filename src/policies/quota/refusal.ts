/**
 * A quota or budget refusal as a ready Response (it carries the quota's own
 * headers), in the caller's error format; see gateway/refusal.ts.
 */
import type { WaygateError } from "../../core/errors.ts";
import type { RequestContext } from "../../gateway/context.ts";
import { refusalResponse as gatewayRefusal } from "../../gateway/refusal.ts";

export function refusalResponse(ctx: RequestContext, err: WaygateError, headers: Headers): Response {
  return gatewayRefusal(ctx, err, headers);
}
