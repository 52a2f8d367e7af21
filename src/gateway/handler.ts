/**
 * The data-plane pipeline every request walks: request id → route match →
 * the route's policies → proxy (selection, attempts, fallback) → call record.
 * Nothing here touches the database; everything comes from the snapshot.
 */
import { handleAi } from "../ai/handler.ts";
import { WaygateError } from "../core/errors.ts";
import { newRequestId } from "../core/ids.ts";
import type { Policy } from "../policies/policy.ts";
import type { CompiledRoute, Snapshot } from "../snapshot/snapshot.ts";
import { type CallRecord, emptyRecord } from "../telemetry/call-record.ts";
import { RequestTrace } from "../telemetry/tracing/request-trace.ts";
import type { RequestContext } from "./context.ts";
import { refusalResponse } from "./refusal.ts";
import { acceptRequestId } from "./headers.ts";
import { alternateReading, splitUrl, wellFormedEscapes } from "./path.ts";
import { type ProxyHooks, proxyRequest } from "./proxy.ts";

export interface GatewayDeps {
  snapshot(): Snapshot;
  /** Receives every finished call (and its trace); must not block. */
  record(record: CallRecord, trace: RequestTrace | undefined): void;
}

export type GatewayHandler = (req: Request, clientIp: string) => Promise<Response>;

/**
 * See alternateReading: true when the path's other reading would be routed
 * to another service or through other policies, so that the checks made
 * for this route need not be the ones its upstream thinks were made.
 */
function readsAsAnotherRoute(snap: Snapshot, req: Request, host: string, path: string, route: CompiledRoute): boolean {
  const alternate = alternateReading(path);
  if (alternate === undefined || alternate === path) return false;
  const other = snap.router.match({ method: req.method, host, path: alternate, headers: req.headers });
  if (!other.ok || other.match.value === route) return false;
  const elsewhere = other.match.value;
  return elsewhere.service !== route.service || elsewhere.policies.map((p) => p.name).join() !== route.policies.map((p) => p.name).join();
}

export function createGatewayHandler(deps: GatewayDeps): GatewayHandler {
  const hooks: ProxyHooks = {
    finish(ctx) {
      const r = ctx.record;
      r.total_ms = performance.now() - ctx.startedAt;
      r.gateway_ms = Math.max(0, r.total_ms - ctx.upstreamMs);
      deps.record(r, ctx.trace);
    },
    decorate(ctx, headers) {
      const route = ctx.route;
      if (!route) return;
      const own = ctx.applicationId !== undefined ? route.applicationPolicies?.get(ctx.applicationId) : undefined;
      for (const p of own ?? route.policies) p.onResponse?.(ctx, headers);
    },
  };

  const reject = (ctx: RequestContext, err: WaygateError, headers?: Record<string, string>): Response => {
    const res = refusalResponse(ctx, err, headers);
    // Policies' response headers belong on refusals too: RateLimit-* on a 429, CORS so a browser can read the error.
    hooks.decorate(ctx, res.headers);
    hooks.finish(ctx);
    return res;
  };

  return async function handle(req: Request, clientIp: string): Promise<Response> {
    const startedAt = performance.now();
    const requestId = acceptRequestId(req.headers.get("x-request-id")) ?? newRequestId();
    const { path, query } = splitUrl(req.url);
    const host = req.headers.get("host") ?? "";
    const trace = new RequestTrace(req.headers.get("traceparent"));
    const ctx: RequestContext = {
      requestId,
      req,
      method: req.method,
      host,
      path,
      query,
      clientIp,
      startedAt,
      route: undefined,
      params: {},
      rest: "",
      matchedPath: "",
      applicationId: undefined,
      applicationName: undefined,
      credentialId: undefined,
      dropHeaders: undefined,
      upstreamMs: 0,
      record: emptyRecord(requestId, Date.now(), req.method, host, path, clientIp),
      trace,
    };
    ctx.record.trace_id = trace.traceId;
    ctx.record.span_id = trace.spanId;
    try {
      // Upstreams would each decode a malformed escape their own way; nobody gets to guess.
      if (!wellFormedEscapes(path)) return reject(ctx, new WaygateError("bad_request", "malformed percent-encoding in the request path"));
      const snap = deps.snapshot();
      const m = snap.router.match({ method: req.method, host, path, headers: req.headers });
      if (!m.ok) {
        if (m.reason === "method_not_allowed") {
          return reject(ctx, new WaygateError("method_not_allowed", `method ${req.method} is not allowed here`), { allow: m.allowed.join(", ") });
        }
        return reject(ctx, new WaygateError("route_not_found", `no route matches ${req.method} ${path}`));
      }
      const route = m.match.value;
      if (readsAsAnotherRoute(snap, req, host, path, route)) {
        return reject(ctx, new WaygateError("bad_request", "the request path matches another route when its encoded slashes or ';' parameters are read as an upstream may read them"));
      }
      ctx.route = route;
      ctx.params = m.match.params;
      ctx.rest = m.match.rest;
      ctx.matchedPath = m.match.matchedPath;
      ctx.record.route_id = route.route.id;
      ctx.record.service_id = route.service.service.id;
      ctx.record.release_id = route.service.releaseId ?? null;
      ctx.record.team_id = route.service.service.team_id ?? null;

      let chain: readonly Policy[] = route.policies;
      for (let i = 0; i < chain.length; i++) {
        const policy = chain[i];
        if (!policy?.onRequest) continue;
        const verdict = await policy.onRequest(ctx, snap);
        if (verdict instanceof WaygateError) return reject(ctx, verdict);
        if (verdict instanceof Response) {
          ctx.record.status = verdict.status;
          hooks.finish(ctx);
          return verdict;
        }
        // Once authentication names the application, its own chain (same prefix) takes over from here.
        if (chain === route.policies && ctx.applicationId !== undefined && route.applicationPolicies) {
          chain = route.applicationPolicies.get(ctx.applicationId) ?? chain;
        }
      }
      ctx.policies = chain;
      if (route.service.service.kind === "ai") return await handleAi(ctx, route, snap.ai, hooks);
      return await proxyRequest(ctx, route, hooks);
    } catch (err) {
      console.error(`[waygate] request ${requestId} failed unexpectedly:`, err);
      return reject(ctx, new WaygateError("internal_error", "internal gateway error"));
    }
  };
}
