/**
 * The provider simulator's HTTP server: mounts each handler under its
 * prefix, records every request into the control, and answers 404 for
 * anything else. Idle timeouts are off so `timeout` faults hang until the
 * client gives up, as a stuck provider would.
 */
import { MOCK_PROVIDERS } from "./registry.ts";
import type { MockControl, MockProviderHandler, RecordedRequest } from "./types.ts";

export interface MockProvidersServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  url: string;
  control: MockControl;
  handlers: readonly MockProviderHandler[];
  stop(): Promise<void>;
}

export function newMockControl(): MockControl {
  return { faults: [], always: new Map(), requests: [] };
}

export function startMockProviders(opts: {
  hostname: string;
  port: number;
  control?: MockControl;
  handlers?: readonly MockProviderHandler[];
}): MockProvidersServer {
  const control = opts.control ?? newMockControl();
  const handlers = opts.handlers ?? MOCK_PROVIDERS;
  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    idleTimeout: 0,
    fetch: (req) => dispatch(req, handlers, control),
    error: (e) => new Response(JSON.stringify({ error: { message: `mock provider failure: ${e.message}` } }), { status: 500, headers: { "content-type": "application/json" } }),
  });
  const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  return {
    url: `http://${host}:${server.port}`,
    control,
    handlers,
    stop: () => server.stop(true),
  };
}

async function dispatch(req: Request, handlers: readonly MockProviderHandler[], control: MockControl): Promise<Response> {
  const url = new URL(req.url);
  const handler = handlers.find((h) => url.pathname === h.prefix || url.pathname.startsWith(`${h.prefix}/`));
  if (!handler) {
    return Response.json({ error: { message: `no simulated provider at ${url.pathname}`, prefixes: handlers.map((h) => h.prefix) } }, { status: 404 });
  }
  const path = url.pathname.slice(handler.prefix.length) || "/";
  control.requests.push(await record(req, handler.name, path + url.search));
  return handler.handle(req, path, control);
}

async function record(req: Request, provider: string, path: string): Promise<RecordedRequest> {
  let body: unknown = null;
  if (req.body) {
    try {
      body = JSON.parse(await req.clone().text()) as unknown;
    } catch {
      body = null;
    }
  }
  return { provider, method: req.method, path, headers: Object.fromEntries(req.headers), body };
}
