import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Route, Upstream } from "../../src/config/entities.ts";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { startTestGateway, type TestGateway, waitFor } from "../support/gateway.ts";

let g: TestGateway;
const a = new FaultUpstream("a");
const b = new FaultUpstream("b");
let upstream: Upstream;
let route: Route;

beforeAll(async () => {
  a.start();
  b.start();
  g = await startTestGateway();
  upstream = await g.create("upstreams", { name: "u", targets: [{ url: a.url }] });
  const s = await g.create("services", { name: "s", upstream_id: upstream.id });
  route = await g.create("routes", { name: "r", service_id: s.id, paths: ["/load"] });
  await g.synced();
});
afterAll(async () => {
  await g.stop();
  a.stop();
  b.stop();
});

/** Keeps `concurrency` requests to `path` going until stopped; counts what fails. */
function load(path: string, concurrency = 20) {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (running) {
      try {
        const res = await fetch(g.url + path);
        const text = await res.text();
        if (res.status === 200) ok++;
        else failures.push(`${res.status} ${text}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    get ok() {
      return ok;
    },
    failures,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

test("a target added under load takes traffic within 1 s, and no request fails", async () => {
  const l = load("/load/x");
  await waitFor(() => l.ok > 100, 5000, "load running");
  const changedAt = performance.now();
  const bBefore = b.seen.length;
  await g.update("upstreams", upstream.id, { name: "u", targets: [{ url: a.url }, { url: b.url }] });
  await waitFor(() => b.seen.length > bBefore, 2000, "new target receiving traffic");
  const tookMs = performance.now() - changedAt;
  await Bun.sleep(200);
  await l.stop();
  expect(l.failures).toEqual([]);
  expect(tookMs).toBeLessThan(1000);
}, 15_000);

test("a route change under load is live within 1 s, and no request fails", async () => {
  const aAtStart = a.seen.length;
  const l = load("/load/x");
  await waitFor(() => l.ok > 100, 5000, "load running");
  const before = await fetch(`${g.url}/new-path/x`);
  await before.arrayBuffer();
  expect(before.status).toBe(404);

  const changedAt = performance.now();
  await g.update("routes", route.id, { name: "r", service_id: route.service_id, paths: ["/load", "/new-path"] });
  await waitFor(
    async () => {
      const res = await fetch(`${g.url}/new-path/x`);
      await res.arrayBuffer();
      return res.status === 200;
    },
    2000,
    "new path routed",
  );
  const tookMs = performance.now() - changedAt;

  // Removing a target under load: its traffic moves to the remaining one without errors.
  expect(a.seen.length).toBeGreaterThan(aAtStart);
  await g.update("upstreams", upstream.id, { name: "u", targets: [{ url: b.url }] });
  await g.synced();
  await Bun.sleep(100);
  const aAfterSwap = a.seen.length;
  await Bun.sleep(200);
  await l.stop();
  expect(l.failures).toEqual([]);
  expect(tookMs).toBeLessThan(1000);
  expect(a.seen.length).toBe(aAfterSwap);
}, 15_000);
