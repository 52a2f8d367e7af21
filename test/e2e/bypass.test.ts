/**
 * Attempts to reach a protected route without its credential through a
 * running gateway. A key_auth route (/admin) and an open catch-all route
 * (/) share one upstream; every trick is sent over a raw socket exactly as
 * written (fetch would tidy the path first). Each request must be refused,
 * or served by the open route without the upstream ever being asked for
 * /admin — however a lenient upstream would decode the path it received.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FaultUpstream } from "../support/fault-upstream.ts";
import { rawHttp, startTestGateway, type TestGateway } from "../support/gateway.ts";

let g: TestGateway;
let port: number;
const up = new FaultUpstream("bypass");
let key: string;

beforeAll(async () => {
  up.start();
  g = await startTestGateway();
  const u = await g.create("upstreams", { name: "u", targets: [{ url: up.url }] });
  const admin = await g.create("services", { name: "admin", upstream_id: u.id, auth: { mode: "key_auth" } });
  const open = await g.create("services", { name: "open", upstream_id: u.id });
  await g.create("routes", { name: "admin", service_id: admin.id, paths: ["/admin"] });
  await g.create("routes", { name: "open", service_id: open.id, paths: ["/"] });
  await g.create("routes", { name: "users", service_id: open.id, paths: ["/repos/:repo/files"], prefix: false });

  const direct = await g.create("services", { name: "internal-direct", upstream_id: u.id });
  const proxied = await g.create("services", { name: "internal-proxied", upstream_id: u.id });
  await g.create("routes", { name: "internal-direct", service_id: direct.id, paths: ["/internal"] });
  await g.create("routes", { name: "internal-proxied", service_id: proxied.id, paths: ["/behind-proxy"] });
  await g.create("policies", { name: "office-only", kind: "ip_rules", scope: "service", service_id: direct.id, config: { allow: ["10.0.0.0/8"] } });
  await g.create("policies", { name: "office-via-lb", kind: "ip_rules", scope: "service", service_id: proxied.id, config: { allow: ["10.0.0.0/8"], trusted_proxies: ["127.0.0.1/32"] } });

  const app = await g.create("applications", { name: "ops" });
  await g.create("subscriptions", { application_id: app.id, service_id: admin.id });
  key = (await g.apiKey(app.id)).key;
  await g.synced();
  port = Number(new URL(g.url).port);
});
afterAll(async () => {
  await g.stop();
  up.stop();
});

interface Outcome {
  status: number;
  code: string | undefined;
  /** The path (with query) the upstream was asked for, if it was asked at all. */
  upstreamPath: string | undefined;
}

async function raw(path: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const before = up.seen.length;
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const res = await rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: gw.test\r\n${extra}Connection: close\r\n\r\n`);
  let code: string | undefined;
  if (res.status >= 400) {
    const json = res.body.slice(res.body.indexOf("{"), res.body.lastIndexOf("}") + 1);
    code = (JSON.parse(json) as { error: { code: string } }).error.code;
  }
  return { status: res.status, code, upstreamPath: up.seen.length > before ? up.seen.at(-1)!.path : undefined };
}

/** Readings a lenient upstream could make of a path: decoded once (encoded slashes included), `;` parameters dropped, dots resolved. */
function readings(path: string): string[] {
  const p = path.split("?")[0]!;
  let decoded = p;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    // Left encoded: the upstream would not decode it either.
  }
  const out = new Set<string>([p]);
  for (const candidate of [decoded, decoded.replace(/;[^/]*/g, ""), p.replace(/;[^/]*/g, "")]) {
    const segments: string[] = [];
    for (const seg of candidate.replaceAll("\\", "/").split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") segments.pop();
      else segments.push(seg);
    }
    out.add(`/${segments.join("/")}`);
  }
  return [...out];
}

const asksForAdmin = (path: string) => readings(path).some((r) => r === "/admin" || r.startsWith("/admin/"));

function expectNoBypass(label: string, o: Outcome): void {
  const refused = o.upstreamPath === undefined && o.status >= 400;
  const servedOpenly = o.status === 200 && o.upstreamPath !== undefined && !asksForAdmin(o.upstreamPath);
  expect({ label, ok: refused || servedOpenly, outcome: o }).toEqual({ label, ok: true, outcome: o });
}

test("the protected route without a key is 401 and the upstream is never asked", async () => {
  expect(await raw("/admin/users")).toEqual({ status: 401, code: "unauthorized", upstreamPath: undefined });
  expect((await raw("/admin/users", { "x-api-key": key })).upstreamPath).toBe("/admin/users");
});

describe("path tricks", () => {
  const cases: Array<[string, string]> = [
    ["double slash", "//admin/users"],
    ["double slash inside", "/admin//users"],
    ["dot segment", "/./admin/users"],
    ["dot-dot from the open route", "/public/../admin/users"],
    ["encoded dot-dot", "/public/%2e%2e/admin/users"],
    ["mixed-case encoded dot-dot", "/public/%2E%2e/admin/users"],
    ["half-encoded dot-dot", "/public/.%2e/admin/users"],
    ["backslash dot-dot", "/public\\..\\admin\\users"],
    ["encoded letters", "/%61dmin/users"],
    ["every letter encoded, mixed-case hex", "/%61%64%6D%69%6e/users"],
    ["encoded slash after the prefix", "/admin%2Fusers"],
    ["encoded slash, lower case", "/admin%2fusers"],
    ["encoded leading slash", "/%2Fadmin/users"],
    ["encoded slash with dot-dot", "/public/..%2Fadmin/users"],
    ["encoded backslash", "/public/..%5Cadmin/users"],
    ["double-encoded dot-dot", "/public/%252e%252e/admin/users"],
    ["double-encoded slash", "/admin%252Fusers"],
    ["double-encoded letter", "/%2561dmin/users"],
    ["path parameter on the segment", "/admin;x=1/users"],
    ["path parameter dot-dot", "/public/..;/admin/users"],
    ["trailing slash", "/admin/"],
    ["trailing double slash", "/admin//"],
    ["bare protected path", "/admin"],
    ["protected path with query", "/admin?x=1"],
  ];
  for (const [label, path] of cases) {
    test(label, async () => {
      expectNoBypass(label, await raw(path));
    });
  }

  test("the tricks that name /admin after normalisation get the protected route's own 401", async () => {
    for (const path of ["//admin/users", "/./admin/users", "/public/%2e%2e/admin/users", "/%61dmin/users", "/admin/", "/admin//"]) {
      expect({ path, ...(await raw(path)) }).toEqual({ path, status: 401, code: "unauthorized", upstreamPath: undefined });
    }
  });

  test("encoded slashes and ';' parameters that would read as /admin are 400 bad_request", async () => {
    for (const path of ["/admin%2Fusers", "/%2Fadmin/users", "/public/..%2Fadmin/users", "/public/..%5Cadmin/users", "/admin;x=1/users", "/public/..;/admin/users"]) {
      expect({ path, ...(await raw(path)) }).toEqual({ path, status: 400, code: "bad_request", upstreamPath: undefined });
    }
  });

  test("an encoded slash inside a parameter still works when it cannot change the route", async () => {
    expect(await raw("/repos/group%2Fproject/files")).toEqual({ status: 200, code: undefined, upstreamPath: "/repos/group%2Fproject/files" });
  });

  test("encoded unreserved characters are forwarded decoded, so the upstream reads what was routed", async () => {
    expect((await raw("/%70ublic/%7Euser")).upstreamPath).toBe("/public/~user");
  });

  test("paths match case-sensitively: case variants go to the open route as sent, never as /admin", async () => {
    for (const path of ["/ADMIN/users", "/Admin/users", "/aDmIn"]) {
      const o = await raw(path);
      expect({ path, status: o.status, upstreamPath: o.upstreamPath }).toEqual({ path, status: 200, upstreamPath: path });
    }
  });
});

describe("spoofed X-Forwarded-For against ip_rules", () => {
  test("without trusted proxies the header is ignored: the socket peer is the client", async () => {
    expect(await raw("/internal/x", { "x-forwarded-for": "10.1.2.3" })).toEqual({ status: 403, code: "ip_denied", upstreamPath: undefined });
    expect(await raw("/internal/x", { "x-forwarded-for": "10.1.2.3, 10.4.5.6", "x-real-ip": "10.1.2.3" })).toMatchObject({ status: 403, upstreamPath: undefined });
  });

  test("behind a trusted proxy the nearest untrusted hop is the client; a spoofed leftmost entry does not help", async () => {
    expect((await raw("/behind-proxy/x", { "x-forwarded-for": "10.1.2.3" })).status).toBe(200);
    expect(await raw("/behind-proxy/x", { "x-forwarded-for": "10.1.2.3, 203.0.113.9" })).toEqual({ status: 403, code: "ip_denied", upstreamPath: undefined });
    expect(await raw("/behind-proxy/x", { "x-forwarded-for": "not-an-ip" })).toMatchObject({ status: 403, upstreamPath: undefined });
  });

  test("two X-Forwarded-For headers are read as one list, so the spoof in the first does not win", async () => {
    const o = await raw("/behind-proxy/x", { "x-forwarded-for": "10.1.2.3", "X-Forwarded-For": "203.0.113.9" });
    expect(o).toEqual({ status: 403, code: "ip_denied", upstreamPath: undefined });
  });

  test("the dot-dot trick does not carry a request past ip_rules either", async () => {
    expect(await raw("/public/%2e%2e/internal/x", { "x-forwarded-for": "10.1.2.3" })).toEqual({ status: 403, code: "ip_denied", upstreamPath: undefined });
  });
});
