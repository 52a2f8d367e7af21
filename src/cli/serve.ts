/**
 * `waygate serve`: runs the gateway. With --config the whole configuration
 * comes from a YAML file (DB-less: an in-memory store, reloaded when the
 * file changes); otherwise from the database given by --db / WAYGATE_DB.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WaygateError, errorResponse } from "../core/errors.ts";
import { type RunningGateway, startGateway } from "../gateway/server.ts";
import { gatewayPromptServices } from "../prompt-apis/admin/services.ts";
import { createAdminHandler } from "../control/handler.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { openServeCallLog, type ServeCallLog } from "../calls/serve-call-log.ts";
import { SqlRollupStore } from "../analytics/sql-rollup-store.ts";
import { VERSION } from "../control/version.ts";
import { otlpOptions } from "../telemetry/tracing/otlp-config.ts";
import type { LogQueueStats } from "../telemetry/log-queue.ts";
import { preloadTokenizer } from "../ai/tokens.ts";
import { openCounters } from "../counters/open.ts";
import { resolveAdminToken } from "./admin-token.ts";
import { openSecretBox } from "./master-key.ts";
import { loadConfigFile, watchConfigFile } from "./config-source.ts";
import { parseListen } from "./listen.ts";

export const serveHelp = `Usage: waygate serve [options]

Runs the gateway: the proxy (data plane) and the admin API (control plane).

Options:
  --config FILE         Run DB-less from a waygate.yaml file; reloaded when it changes
  --db URL              Store URL (default: $WAYGATE_DB or sqlite:./data/waygate.db)
                        sqlite:PATH | sqlite::memory: | postgres://user@host:5432/db
  --listen HOST:PORT    Proxy listener (default: 0.0.0.0:8080, or $WAYGATE_LISTEN)
  --admin-listen H:P    Admin API, /metrics, /healthz, /readyz (default: 127.0.0.1:9080)
  --no-admin            Do not start the admin listener
  --data-dir DIR        Data directory (default: ./data): database, call log,
                        admin-token.sha256 and master.key (seals provider secrets)
  --call-log WHERE      Call log (default: DATA_DIR/calls.db; $WAYGATE_CALL_LOG):
                        PATH | sqlite:PATH | postgres://user@host:5432/db |
                        store (the --db database when it is PostgreSQL)
  --call-log-retention-days N
                        Days calls are kept unless their team sets its own
                        (default: 30; $WAYGATE_CALL_LOG_RETENTION_DAYS)
  --no-call-log         Do not record calls
  --counters URL        Counters of rate limits, token limits and budgets: memory
                        (default, per process) or redis://host:6379 (exact across
                        gateway nodes); $WAYGATE_COUNTERS
  --otlp-endpoint URL   Export one span per request, with its attempts, as OTLP/HTTP
                        JSON to this collector (e.g. http://otel-collector:4318);
                        $WAYGATE_OTLP_ENDPOINT
  -h, --help            Show this help

Environment:
  WAYGATE_ADMIN_TOKEN   Admin API token; when unset one is generated on first
                        start, printed once, and stored hashed in DATA_DIR.
  WAYGATE_MASTER_KEY    Base64 of 32 bytes; overrides DATA_DIR/master.key.
  OTEL_EXPORTER_OTLP_HEADERS
                        Headers for the OTLP collector: name=value,name2=value2
`;

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        db: { type: "string" },
        listen: { type: "string" },
        "admin-listen": { type: "string" },
        "no-admin": { type: "boolean" },
        "data-dir": { type: "string" },
        "call-log": { type: "string" },
        "call-log-retention-days": { type: "string" },
        "no-call-log": { type: "boolean" },
        counters: { type: "string" },
        "otlp-endpoint": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n\n${serveHelp}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(serveHelp);
    return 0;
  }
  if (values.config && values.db) {
    process.stderr.write("waygate serve: --config and --db are mutually exclusive\n");
    return 2;
  }
  const dataDir = values["data-dir"] ?? process.env.WAYGATE_DATA_DIR ?? "./data";
  let secrets;
  try {
    secrets = openSecretBox(dataDir);
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let proxy: { hostname: string; port: number };
  let admin: { hostname: string; port: number } | null;
  try {
    proxy = parseListen(values.listen ?? process.env.WAYGATE_LISTEN ?? "0.0.0.0:8080", "--listen");
    admin = values["no-admin"] ? null : parseListen(values["admin-listen"] ?? process.env.WAYGATE_ADMIN_LISTEN ?? "127.0.0.1:9080", "--admin-listen");
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const otlpEndpoint = values["otlp-endpoint"] ?? process.env.WAYGATE_OTLP_ENDPOINT;
  let otlp;
  try {
    otlp = otlpEndpoint ? otlpOptions(otlpEndpoint, process.env.OTEL_EXPORTER_OTLP_HEADERS, VERSION) : undefined;
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  const storeUrl = values.db ?? process.env.WAYGATE_DB ?? `sqlite:${join(dataDir, "waygate.db")}`;
  let store: Store;
  let stopWatching: (() => void) | undefined;
  try {
    if (values.config) {
      store = await openStore("sqlite::memory:");
      const first = await loadConfigFile(store, values.config, secrets);
      if (!first) return 1;
      stopWatching = watchConfigFile(store, values.config, secrets);
    } else {
      store = await openStore(storeUrl);
    }
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  let counters;
  try {
    counters = await openCounters(values.counters ?? process.env.WAYGATE_COUNTERS ?? "memory");
  } catch (err) {
    process.stderr.write(`waygate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const token = resolveAdminToken(dataDir);
  let callLog: ServeCallLog | null = null;
  try {
    if (!values["no-call-log"]) {
      callLog = await openServeCallLog({
        location: values["call-log"] ?? process.env.WAYGATE_CALL_LOG,
        retentionDays: values["call-log-retention-days"] ?? process.env.WAYGATE_CALL_LOG_RETENTION_DAYS,
        // DB-less, the configuration lives in memory: `store` then means the default file.
        storeUrl: values.config ? "sqlite::memory:" : storeUrl,
        dataDir,
        store,
      });
    }
  } catch (err) {
    process.stderr.write(`waygate serve: call log: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let queueStats: () => LogQueueStats | null = () => null;
  let health: () => unknown[] = () => [];
  // Rollups live in the configuration store's database, so every node of a cluster adds into the same rows.
  const rollups = new SqlRollupStore(store.db);
  let running: RunningGateway | undefined;
  const services = {
    ...(callLog ? { calls: { store: callLog.store, queue: () => queueStats() } } : {}),
    analytics: { rollups },
    promptApis: gatewayPromptServices(() => running),
  };
  const adminApi = createAdminHandler({ store, adminToken: token.check, health: () => health(), secrets, services });
  const managed = values.config;
  const gateway = await startGateway({
    store,
    proxy,
    admin,
    callLog: callLog?.store ?? null,
    // In DB-less mode the file is the source of truth: the admin API is read-only.
    adminHandler: managed ? readOnly(adminApi, managed) : adminApi,
    secrets,
    counters,
    analytics: rollups,
    ...(otlp ? { otlp } : {}),
  });
  health = gateway.health;
  running = gateway;
  queueStats = () => gateway.queue?.stats ?? null;
  callLog?.retention.start();

  process.stdout.write(`waygate: proxy listening on ${gateway.proxyUrl}\n`);
  if (gateway.adminUrl) process.stdout.write(`waygate: admin API on ${gateway.adminUrl}/admin (OpenAPI at /admin/openapi.json)\n`);
  process.stdout.write(`waygate: serving configuration revision ${gateway.snapshots.current.revision}${managed ? ` from ${managed}` : ""}\n`);
  // The tokenizer costs ~80 MB: loaded (off the startup path) only when AI providers are configured;
  // otherwise on the first estimate, if ever.
  if (gateway.snapshots.current.ai.providers.size > 0) setTimeout(preloadTokenizer, 0);
  if (token.created) {
    process.stdout.write(`waygate: generated admin token (shown once, stored hashed): ${token.created}\n`);
  }

  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });
  process.stdout.write("waygate: shutting down\n");
  stopWatching?.();
  await callLog?.retention.stop();
  await gateway.stop();
  await counters.close();
  await store.close();
  return 0;
}

type AdminApi = (req: Request, clientIp?: string) => Promise<Response>;

function readOnly(handler: AdminApi, file: string): AdminApi {
  return async (req, clientIp) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req, clientIp);
    return errorResponse(new WaygateError("config_managed", `configuration is managed by ${file}; edit the file instead`));
  };
}
