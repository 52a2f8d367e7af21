/**
 * Assembles a running gateway: the proxy listener (data plane), the admin
 * listener (control plane + /metrics, /healthz, /readyz), the snapshot
 * manager and the call-log queue.
 */
import type { Server } from "bun";
import type { RollupAggregator } from "../analytics/aggregator.ts";
import { startAnalytics } from "../analytics/gateway-analytics.ts";
import { analyticsGauges } from "../analytics/gauges.ts";
import type { RollupStore } from "../analytics/rollup-store.ts";
import { otlpGauges } from "../telemetry/tracing/gauges.ts";
import { OtlpExporter, type OtlpExporterOptions } from "../telemetry/tracing/otlp-exporter.ts";
import { errorResponse, WaygateError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { SecretBox } from "../core/secrets.ts";
import type { CounterStore } from "../counters/counter-store.ts";
import { MemoryCounterStore } from "../counters/memory.ts";
import { StoreBudgetAlerts } from "../policies/budget/store-sink.ts";
import { SnapshotManager } from "../snapshot/manager.ts";
import type { Store } from "../store/store.ts";
import { LogQueue, type CallLogSink } from "../telemetry/log-queue.ts";
import { Metrics } from "../telemetry/metrics.ts";
import { EventLoopLag } from "../telemetry/event-loop-lag.ts";
import { registerEventLoopMetrics, registerRuntimeGauges } from "../telemetry/runtime-gauges.ts";
import type { TargetHealthView } from "../upstream/types.ts";
import type { CallRecord } from "../telemetry/call-record.ts";
import type { RequestTrace } from "../telemetry/tracing/request-trace.ts";
import { createGatewayHandler } from "./handler.ts";

export interface GatewayOptions {
  store: Store;
  proxy: { hostname: string; port: number };
  admin: { hostname: string; port: number } | null;
  /** The admin API; receives every admin-port request other than /metrics, /healthz, /readyz, with the peer address for its audit log. */
  adminHandler?: (req: Request, clientIp?: string) => Promise<Response>;
  callLog: CallLogSink | null;
  pollMs?: number;
  /** Decrypts provider keys (AI services). */
  secrets?: SecretBox;
  /** Counters for rate limits; in-process when absent. */
  counters?: CounterStore;
  /** Wall clock for the calendar windows of token limits and budgets; system time when absent (tests move a fake one). */
  clock?: Clock;
  /** Where per-minute rollups and target health events go; no analytics when absent. */
  analytics?: RollupStore;
  /** Export one span per request (and its attempts) to an OTLP/HTTP collector; none when absent. */
  otlp?: OtlpExporterOptions;
}

export interface RunningGateway {
  proxyUrl: string;
  adminUrl: string | null;
  snapshots: SnapshotManager;
  metrics: Metrics;
  queue: LogQueue | null;
  analytics: RollupAggregator | null;
  otlp: OtlpExporter | null;
  health(): TargetHealthView[];
  /** Hands a finished call to metrics, the call log, analytics and tracing, as the proxy does (e.g. a prompt API tried from the admin API). */
  record(record: CallRecord, trace?: RequestTrace): void;
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const budgetAlerts = new StoreBudgetAlerts(opts.store.db);
  const snapshots = new SnapshotManager(opts.store, undefined, opts.pollMs, opts.secrets, {
    counters: opts.counters ?? new MemoryCounterStore(),
    budgetAlerts,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  await snapshots.start();
  const metrics = new Metrics();
  metrics.register(budgetAlerts.metric());
  const queue = opts.callLog ? new LogQueue(opts.callLog) : null;
  const analytics = opts.analytics ? startAnalytics(opts.analytics, snapshots) : null;
  const otlp = opts.otlp ? new OtlpExporter(opts.otlp) : null;
  for (const g of [...(analytics ? analyticsGauges(analytics) : []), ...(otlp ? otlpGauges(otlp) : [])]) metrics.register(g);
  const health = () => {
    const snap = snapshots.current;
    return [...snap.upstreams.values(), ...[...snap.ai.providers.values()].map((p) => p.pool)].flatMap((u) => u.health());
  };
  registerRuntimeGauges(metrics, { snapshots, queue, health });
  const loopLag = new EventLoopLag();
  registerEventLoopMetrics(metrics, loopLag);
  loopLag.start();

  const record = (r: CallRecord, trace?: RequestTrace): void => {
    metrics.observe(r);
    queue?.push(r);
    analytics?.observe(r);
    if (trace) otlp?.export(trace, r);
  };
  const handle = createGatewayHandler({ snapshot: () => snapshots.current, record });

  const proxyServer: Server<undefined> = Bun.serve({
    hostname: opts.proxy.hostname,
    port: opts.proxy.port,
    // Long, quiet streams are normal (LLMs); the upstream idle timeout governs them.
    idleTimeout: 255,
    maxRequestBodySize: 1 << 30,
    fetch(req, server) {
      return handle(req, server.requestIP(req)?.address ?? "");
    },
    error(err) {
      console.error("[waygate] proxy listener error:", err);
      return errorResponse(new WaygateError("internal_error", "internal gateway error"));
    },
  });

  let adminServer: Server<undefined> | undefined;
  if (opts.admin) {
    const adminHandler = opts.adminHandler;
    adminServer = Bun.serve({
      hostname: opts.admin.hostname,
      port: opts.admin.port,
      async fetch(req, server) {
        const path = new URL(req.url).pathname;
        if (path === "/healthz") return Response.json({ status: "ok" });
        if (path === "/readyz") return Response.json({ status: "ready", revision: snapshots.current.revision });
        if (path === "/metrics") return new Response(metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } });
        if (adminHandler) return adminHandler(req, server.requestIP(req)?.address);
        return errorResponse(new WaygateError("not_found", "not found"));
      },
      error(err) {
        console.error("[waygate] admin listener error:", err);
        return errorResponse(new WaygateError("internal_error", "internal error"));
      },
    });
  }

  return {
    proxyUrl: `http://${opts.proxy.hostname}:${proxyServer.port}`,
    adminUrl: adminServer ? `http://${opts.admin!.hostname}:${adminServer.port}` : null,
    snapshots,
    metrics,
    queue,
    analytics,
    otlp,
    health,
    record,
    async stop() {
      loopLag.stop();
      snapshots.stop();
      await proxyServer.stop(true);
      await adminServer?.stop(true);
      await budgetAlerts.flush();
      await queue?.close();
      await analytics?.close();
      await otlp?.close();
    },
  };
}
