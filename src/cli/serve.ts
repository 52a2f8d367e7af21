/**
 * `waygate serve`: runs the gateway. With --config the whole configuration
 * comes from a YAML file (DB-less: an in-memory store, reloaded when the
 * file changes); otherwise from the database given by --db / WAYGATE_DB.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WaygateError, errorResponse } from "../core/errors.ts";
import { startGateway } from "../gateway/server.ts";
import { createAdminHandler } from "../control/handler.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { SqliteCallLogSink } from "../telemetry/sqlite-log-sink.ts";
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
  --call-log PATH       Call log database (default: DATA_DIR/calls.db)
  --no-call-log         Do not record calls
  --counters URL        Rate-limit counters: memory (default, per process) or
                        redis://host:6379 (exact across gateway nodes); $WAYGATE_COUNTERS
  -h, --help            Show this help

Environment:
  WAYGATE_ADMIN_TOKEN   Admin API token; when unset one is generated on first
                        start, printed once, and stored hashed in DATA_DIR.
  WAYGATE_MASTER_KEY    Base64 of 32 bytes; overrides DATA_DIR/master.key.
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
        "no-call-log": { type: "boolean" },
        counters: { type: "string" },
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

  let store: Store;
  let stopWatching: (() => void) | undefined;
  try {
    if (values.config) {
      store = await openStore("sqlite::memory:");
      const first = await loadConfigFile(store, values.config, secrets);
      if (!first) return 1;
      stopWatching = watchConfigFile(store, values.config, secrets);
    } else {
      store = await openStore(values.db ?? process.env.WAYGATE_DB ?? `sqlite:${join(dataDir, "waygate.db")}`);
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
  const callLog = values["no-call-log"] ? null : new SqliteCallLogSink(values["call-log"] ?? join(dataDir, "calls.db"));
  let health: () => unknown[] = () => [];
  const adminApi = createAdminHandler({ store, adminToken: token.check, health: () => health(), secrets });
  const managed = values.config;
  const gateway = await startGateway({
    store,
    proxy,
    admin,
    callLog,
    // In DB-less mode the file is the source of truth: the admin API is read-only.
    adminHandler: managed ? readOnly(adminApi, managed) : adminApi,
    secrets,
    counters,
  });
  health = gateway.health;

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
  await gateway.stop();
  await counters.close();
  await store.close();
  return 0;
}

function readOnly(handler: (req: Request) => Promise<Response>, file: string): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req);
    return errorResponse(new WaygateError("config_managed", `configuration is managed by ${file}; edit the file instead`));
  };
}
