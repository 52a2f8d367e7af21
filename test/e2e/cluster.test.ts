/**
 * Two gateway nodes on one database (SQLite file or PostgreSQL): a change
 * written through a third connection reaches both within a second, with no
 * restart, on every store backend.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { INPUT_SCHEMAS } from "../../src/config/entities.ts";
import { startGateway, type RunningGateway } from "../../src/gateway/server.ts";
import { availableBackends } from "../store/backends.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { waitFor } from "../support/net.ts";

const up = new FaultUpstream("cluster").start();
afterAll(() => up.stop());

for (const backend of await availableBackends()) {
  describe(`cluster on ${backend.name}`, () => {
    test("a route created through another connection goes live on every node within 1 s", async () => {
      const db = await backend.fresh();
      const nodes: RunningGateway[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          const store = await db.open();
          // The default poll interval: PostgreSQL nodes are woken by NOTIFY, SQLite nodes poll.
          nodes.push(await startGateway({ store, proxy: { hostname: "127.0.0.1", port: 0 }, admin: null, callLog: null }));
        }
        for (const n of nodes) expect((await fetch(`${n.proxyUrl}/live`)).status).toBe(404);

        const writer = await db.open();
        const u = await writer.create("upstreams", INPUT_SCHEMAS.upstreams.parse({ name: "u", targets: [{ url: up.url }] }));
        const s = await writer.create("services", INPUT_SCHEMAS.services.parse({ name: "s", upstream_id: u.id }));
        const written = Date.now();
        await writer.create("routes", INPUT_SCHEMAS.routes.parse({ name: "r", service_id: s.id, paths: ["/live"] }));
        await Promise.all(nodes.map((n) => waitFor(async () => (await fetch(`${n.proxyUrl}/live`)).status === 200, 3000)));
        expect(Date.now() - written).toBeLessThan(1000);
      } finally {
        for (const n of nodes) await n.stop();
        await db.dispose();
      }
    });
  });
}
