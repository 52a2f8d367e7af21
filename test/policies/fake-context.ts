/**
 * A RequestContext for policy unit tests: a real Request, no route, an empty
 * call record. Policies only read and write the context, so nothing else of
 * the gateway is needed.
 */
import type { RequestContext } from "../../src/gateway/context.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import { emptyRecord } from "../../src/telemetry/call-record.ts";

export interface FakeRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string> | Array<[string, string]>;
  clientIp?: string;
  body?: string;
}

export function fakeContext(opts: FakeRequest = {}): RequestContext {
  const method = opts.method ?? "GET";
  const url = new URL(opts.url ?? "http://gateway.test/api/items");
  const req = new Request(url.href, { method, headers: opts.headers, body: opts.body });
  const clientIp = opts.clientIp ?? "203.0.113.10";
  return {
    requestId: "req-test",
    req,
    method,
    host: url.host,
    path: url.pathname,
    query: url.search,
    clientIp,
    startedAt: performance.now(),
    route: undefined,
    params: {},
    rest: "",
    matchedPath: "",
    applicationId: undefined,
    applicationName: undefined,
    credentialId: undefined,
    dropHeaders: undefined,
    upstreamMs: 0,
    record: emptyRecord("req-test", Date.now(), method, url.host, url.pathname, clientIp),
  };
}

/** The policies under test never read the snapshot. */
export const NO_SNAPSHOT = {} as Snapshot;

export const BUILD_CTX = { id: "pol_test", name: "test", scope: "route", services: {} } as const;
