/**
 * POST /admin/prompt-apis/:id/try: runs a prompt API, as it is stored
 * (also while disabled, so it can be tried before it goes live), with the
 * given variables as the admin caller, without an application credential.
 * The model is reached through the gateway's current providers and virtual
 * models exactly as for a client call, but not through the route's
 * policies, which are about clients (authentication, subscription, limits).
 * It is recorded in the call log with the prompt API's name, its tokens
 * and cost, and no application; `x-waygate-call-id` names its record.
 */
import { WaygateError } from "../../core/errors.ts";
import { newRequestId } from "../../core/ids.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { ProxyHooks } from "../../gateway/proxy.ts";
import { emptyRecord } from "../../telemetry/call-record.ts";
import type { Service } from "../../config/entities.ts";
import { compilePromptApi } from "../compiled.ts";
import type { PromptApi } from "../entity.ts";
import { handlePromptApi } from "../serve.ts";
import type { PromptApiServices } from "./services.ts";

export async function tryPromptApi(services: PromptApiServices, api: PromptApi, service: Service, req: Request, url: URL): Promise<Response> {
  if (service.kind !== "ai") throw new WaygateError("bad_request", `prompt API ${api.name} belongs to service ${service.name}, which is not an AI service`);
  const prompt = compilePromptApi(api);
  if (!prompt) throw new WaygateError("internal_error", `the templates of prompt API ${api.name} no longer parse`);
  const snap = services.snapshot();
  const requestId = newRequestId();
  const path = url.pathname;
  const record = emptyRecord(requestId, Date.now(), "POST", url.host, path, "");
  record.service_id = service.id;
  record.team_id = service.team_id ?? null;
  const ctx: RequestContext = {
    requestId,
    req,
    method: "POST",
    host: url.host,
    path,
    query: url.search,
    clientIp: "",
    startedAt: performance.now(),
    route: undefined,
    params: {},
    rest: api.path,
    matchedPath: "",
    applicationId: undefined,
    applicationName: undefined,
    credentialId: undefined,
    policies: [],
    dropHeaders: undefined,
    upstreamMs: 0,
    record,
  };
  const hooks: ProxyHooks = {
    finish(c) {
      c.record.total_ms = performance.now() - c.startedAt;
      c.record.gateway_ms = Math.max(0, c.record.total_ms - c.upstreamMs);
      services.record(c.record);
    },
    decorate() {},
  };
  const res = await handlePromptApi({ ctx, ai: snap.ai, hooks, prompt, teamId: service.team_id, bodyLimit: service.max_request_body_bytes });
  // The admin API answers with its own x-request-id; this one finds the call in the call log.
  res.headers.set("x-waygate-call-id", requestId);
  return res;
}
