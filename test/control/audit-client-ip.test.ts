import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAdminHandler } from "../../src/control/handler.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store } from "../../src/store/store.ts";
import { TOKEN } from "./fixture.ts";

let store: Store;
let gw: RunningGateway;

beforeAll(async () => {
  store = await openStore("sqlite::memory:");
  gw = await startGateway({
    store,
    proxy: { hostname: "127.0.0.1", port: 0 },
    admin: { hostname: "127.0.0.1", port: 0 },
    adminHandler: createAdminHandler({ store, adminToken: TOKEN }),
    callLog: null,
  });
});
afterAll(async () => {
  await gw.stop();
  await store.close();
});

test("the admin listener hands the client's address to the audit log", async () => {
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const created = await fetch(`${gw.adminUrl}/admin/teams`, { method: "POST", headers, body: JSON.stringify({ name: "via-listener" }) });
  expect(created.status).toBe(201);
  const log = (await (await fetch(`${gw.adminUrl}/admin/audit-log?kind=teams`, { headers })).json()) as { data: { actor: { ip: string } }[] };
  expect(log.data).toHaveLength(1);
  expect(log.data[0]?.actor.ip).toBe("127.0.0.1");
});
