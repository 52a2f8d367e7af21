/**
 * The rate_limit policy on two gateway nodes sharing one Redis: the limit
 * holds across both, exactly.
 */
import { describe, expect, test } from "bun:test";
import { WaygateError } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import { kind } from "../../src/policies/rate-limit/index.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import { emptyRecord } from "../../src/telemetry/call-record.ts";
import { redisBackend, redisReachable, redisUnreachableMessage, warnRedisMissing } from "../counters/backends.ts";

function fakeContext(ip: string): RequestContext {
  return {
    requestId: crypto.randomUUID(),
    req: new Request("http://gw.test/"),
    method: "GET",
    host: "gw.test",
    path: "/",
    query: "",
    clientIp: ip,
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
    record: emptyRecord("r", Date.now(), "GET", "gw.test", "/", ip),
  };
}

if (await redisReachable()) {
  describe("rate_limit over Redis", () => {
    test("two nodes admit exactly `limit` of 400 concurrent requests between them", async () => {
      const db = await redisBackend.fresh();
      try {
        const other = await db.twin();
        if (!other) throw new Error("the Redis backend gives a second store");
        const config = kind.schema.parse({ limit: 60, window: "minute", key: "client_ip" });
        const nodes = [db.store, other].map((counters) => kind.build(config, { id: "p1", name: "p1", scope: "global", services: { counters } }));
        const verdicts = await Promise.all(
          Array.from({ length: 400 }, (_, i) => nodes[i % 2]?.onRequest?.(fakeContext("10.1.1.1"), {} as Snapshot)),
        );
        expect(verdicts.filter((v) => v === undefined).length).toBe(60);
        expect(verdicts.filter((v) => v instanceof WaygateError && v.code === "rate_limited").length).toBe(340);
        const ctx = fakeContext("10.1.1.1");
        await nodes[1]?.onRequest?.(ctx, {} as Snapshot);
        const headers = new Headers();
        nodes[1]?.onResponse?.(ctx, headers);
        expect(headers.get("ratelimit-remaining")).toBe("0");
      } finally {
        await db.dispose();
      }
    });
  });
} else if (process.env.CI === "true") {
  test("Redis is reachable (required under CI)", () => {
    throw new Error(`${redisUnreachableMessage()}; CI must run the Redis rate-limit tests`);
  });
} else {
  warnRedisMissing();
}
