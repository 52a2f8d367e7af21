/**
 * The floor of what Bun itself costs as a proxy: Bun.serve handing every
 * request to fetch, with no routing, policies or logging. Measured beside
 * Waygate, it separates the runtime's share of the overhead from the
 * gateway's own.
 *
 * Run: bun bench/bare-proxy.ts <listen-port> <upstream-base-url>
 */
const port = Number(Bun.argv[2]);
const upstream = Bun.argv[3];
if (!Number.isInteger(port) || !upstream) throw new Error("usage: bun bench/bare-proxy.ts <port> <upstream-base-url>");

Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch(req) {
    const url = new URL(req.url);
    return fetch(upstream + url.pathname + url.search, { method: req.method, headers: req.headers, body: req.body });
  },
});
