/**
 * The behaviour every Router<T> must have, as a table. Each implementation's
 * test file calls runRouterCases with a factory.
 */
import { describe, expect, test } from "bun:test";
import type { HeaderMatch, MatchInput, MatchResult, RouteSpec, Router } from "../../../src/gateway/router/router.ts";

export interface RouteDef {
  id: string;
  paths: string[];
  methods?: string[];
  prefix?: boolean;
  hosts?: string[];
  headers?: HeaderMatch[];
  priority?: number;
}

export interface Probe {
  path: string;
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  /** Route id, "404", or the sorted allowed list of a 405. */
  expect: string | { allowed: string[] };
  params?: Record<string, string>;
  matchedPath?: string;
  rest?: string;
}

export interface RouterCase {
  name: string;
  routes: RouteDef[];
  probes: Probe[];
}

export function spec(r: RouteDef): RouteSpec {
  return {
    methods: r.methods ?? [],
    paths: r.paths,
    prefix: r.prefix ?? false,
    hosts: r.hosts ?? [],
    headers: r.headers ?? [],
    priority: r.priority ?? 0,
  };
}

export function input(path: string, opts: { method?: string; host?: string; headers?: Record<string, string> } = {}): MatchInput {
  return { method: opts.method ?? "GET", host: opts.host ?? "gw.test", path, headers: new Headers(opts.headers ?? {}) };
}

export function outcome(r: MatchResult<string>): string | { allowed: string[] } {
  if (r.ok) return r.match.value;
  return r.reason === "method_not_allowed" ? { allowed: r.allowed } : "404";
}

export const ROUTER_CASES: RouterCase[] = [
  {
    name: "static segments are exact and case-sensitive",
    routes: [{ id: "users", paths: ["/users"] }, { id: "list", paths: ["/users/list"] }],
    probes: [
      { path: "/users", expect: "users", params: {}, matchedPath: "/users", rest: "" },
      { path: "/users/list", expect: "list" },
      { path: "/Users", expect: "404" },
      { path: "/users/lis", expect: "404" },
      { path: "/userslist", expect: "404" },
      { path: "/users/list/more", expect: "404" },
    ],
  },
  {
    name: "params capture one raw segment",
    routes: [{ id: "user", paths: ["/users/:id"] }, { id: "post", paths: ["/users/:uid/posts/:pid"] }],
    probes: [
      { path: "/users/42", expect: "user", params: { id: "42" }, matchedPath: "/users/42", rest: "" },
      { path: "/users/a%2Fb", expect: "user", params: { id: "a%2Fb" } },
      { path: "/users/7/posts/9", expect: "post", params: { uid: "7", pid: "9" } },
      { path: "/users", expect: "404" },
      { path: "/users/1/2", expect: "404" },
      { path: "/users//posts/9", expect: "404" },
    ],
  },
  {
    name: "same param position with different names per route",
    routes: [
      { id: "a", paths: ["/items/:id"], methods: ["GET"] },
      { id: "b", paths: ["/items/:itemId"], methods: ["DELETE"] },
    ],
    probes: [
      { path: "/items/5", expect: "a", params: { id: "5" } },
      { path: "/items/5", method: "DELETE", expect: "b", params: { itemId: "5" } },
    ],
  },
  {
    name: "static beats param beats wildcard at each level",
    routes: [
      { id: "wild", paths: ["/users/*"] },
      { id: "param", paths: ["/users/:id"] },
      { id: "me", paths: ["/users/me"] },
      { id: "deep-param", paths: ["/users/:id/profile"] },
    ],
    probes: [
      { path: "/users/me", expect: "me" },
      { path: "/users/42", expect: "param", params: { id: "42" } },
      { path: "/users/42/x", expect: "wild", params: { "*": "42/x" } },
      { path: "/users/me/profile", expect: "deep-param", params: { id: "me" } },
    ],
  },
  {
    name: "wildcard tail",
    routes: [{ id: "files", paths: ["/files/*"] }, { id: "all", paths: ["/*"] }],
    probes: [
      { path: "/files/a/b", expect: "files", params: { "*": "a/b" }, matchedPath: "/files", rest: "/a/b" },
      { path: "/files/a/b/", expect: "files", params: { "*": "a/b/" }, matchedPath: "/files", rest: "/a/b/" },
      { path: "/files/", expect: "files", params: { "*": "" }, matchedPath: "/files", rest: "/" },
      { path: "/files", expect: "files", params: { "*": "" }, matchedPath: "/files", rest: "" },
      { path: "/files/%2F..", expect: "files", params: { "*": "%2F.." } },
      { path: "/filesx", expect: "all", params: { "*": "filesx" }, matchedPath: "", rest: "/filesx" },
      { path: "/", expect: "all", params: { "*": "" }, matchedPath: "", rest: "/" },
    ],
  },
  {
    name: "wildcard after params",
    routes: [{ id: "t", paths: ["/tenants/:tid/*"] }],
    probes: [
      { path: "/tenants/acme/a/b", expect: "t", params: { tid: "acme", "*": "a/b" }, matchedPath: "/tenants/acme", rest: "/a/b" },
      { path: "/tenants/acme", expect: "t", params: { tid: "acme", "*": "" } },
      { path: "/tenants", expect: "404" },
    ],
  },
  {
    name: "prefix routes stop at segment boundaries",
    routes: [{ id: "api", paths: ["/api"], prefix: true }],
    probes: [
      { path: "/api", expect: "api", matchedPath: "/api", rest: "" },
      { path: "/api/", expect: "api", matchedPath: "/api", rest: "/" },
      { path: "/api/x", expect: "api", matchedPath: "/api", rest: "/x", params: {} },
      { path: "/api/x/y/", expect: "api", matchedPath: "/api", rest: "/x/y/" },
      { path: "/apix", expect: "404" },
      { path: "/ap", expect: "404" },
      { path: "/", expect: "404" },
    ],
  },
  {
    name: "prefix pattern written with a trailing slash",
    routes: [{ id: "v1", paths: ["/v1/"], prefix: true }],
    probes: [
      { path: "/v1", expect: "v1" },
      { path: "/v1/chat", expect: "v1", matchedPath: "/v1", rest: "/chat" },
      { path: "/v1x", expect: "404" },
    ],
  },
  {
    name: "prefix: false matches only the path itself",
    routes: [{ id: "api", paths: ["/api"], prefix: false }],
    probes: [
      { path: "/api", expect: "api" },
      { path: "/api/", expect: "api" },
      { path: "/api/x", expect: "404" },
    ],
  },
  {
    name: "prefix applies to literal paths only",
    routes: [{ id: "user", paths: ["/users/:id"], prefix: true }],
    probes: [
      { path: "/users/1", expect: "user" },
      { path: "/users/1/orders", expect: "404" },
    ],
  },
  {
    name: "deeper static match beats a shorter prefix",
    routes: [
      { id: "root", paths: ["/"], prefix: true },
      { id: "api", paths: ["/api"], prefix: true },
      { id: "api-v1", paths: ["/api/v1"], prefix: true },
      { id: "health", paths: ["/api/v1/health"] },
    ],
    probes: [
      { path: "/api/v1/health", expect: "health" },
      { path: "/api/v1/health/deep", expect: "api-v1", rest: "/health/deep" },
      { path: "/api/v1/x", expect: "api-v1", matchedPath: "/api/v1", rest: "/x" },
      { path: "/api/v2", expect: "api", rest: "/v2" },
      { path: "/other", expect: "root", matchedPath: "", rest: "/other" },
      { path: "/", expect: "root", matchedPath: "", rest: "/" },
    ],
  },
  {
    name: "exact beats prefix on the same path, whatever the order or priority",
    routes: [
      { id: "pre", paths: ["/a"], prefix: true, priority: 100 },
      { id: "exact", paths: ["/a"], prefix: false },
    ],
    probes: [
      { path: "/a", expect: "exact" },
      { path: "/a/b", expect: "pre" },
    ],
  },
  {
    name: "equal specificity: higher priority, then first added",
    routes: [
      { id: "first", paths: ["/p/:x"] },
      { id: "second", paths: ["/p/:y"] },
      { id: "low", paths: ["/q"], priority: -1 },
      { id: "high", paths: ["/q"], priority: 5 },
      { id: "wild", paths: ["/w/*"] },
      { id: "pre", paths: ["/w"], prefix: true, priority: 1 },
    ],
    probes: [
      { path: "/p/1", expect: "first", params: { x: "1" } },
      { path: "/q", expect: "high" },
      { path: "/w/z", expect: "pre" },
    ],
  },
  {
    name: "root route",
    routes: [{ id: "root", paths: ["/"] }, { id: "a", paths: ["/a"] }],
    probes: [
      { path: "/", expect: "root", matchedPath: "/", rest: "" },
      { path: "/a", expect: "a" },
      { path: "/b", expect: "404" },
    ],
  },
  {
    name: "trailing slash is equivalent for non-root paths",
    routes: [{ id: "user", paths: ["/users/:id"] }, { id: "list", paths: ["/list/"] }],
    probes: [
      { path: "/users/1/", expect: "user", params: { id: "1" }, matchedPath: "/users/1/", rest: "" },
      { path: "/list", expect: "list" },
      { path: "/list/", expect: "list" },
      { path: "/users/1//", expect: "404" },
    ],
  },
  {
    name: "hosts: exact, case-insensitive, port ignored",
    routes: [
      { id: "any", paths: ["/x"] },
      { id: "host", paths: ["/x"], hosts: ["API.example.com"] },
    ],
    probes: [
      { path: "/x", host: "api.example.com", expect: "host" },
      { path: "/x", host: "Api.Example.COM:8443", expect: "host" },
      { path: "/x", host: "api.example.com.", expect: "host" },
      { path: "/x", host: "other.example.com", expect: "any" },
      { path: "/x", host: "", expect: "any" },
    ],
  },
  {
    name: "hosts: wildcard matches subdomains at any depth but not the apex",
    routes: [
      { id: "wild", paths: ["/"], prefix: true, hosts: ["*.example.com"] },
      { id: "deeper-wild", paths: ["/"], prefix: true, hosts: ["*.eu.example.com"] },
      { id: "exact", paths: ["/"], prefix: true, hosts: ["www.eu.example.com"] },
    ],
    probes: [
      { path: "/", host: "a.example.com", expect: "wild" },
      { path: "/", host: "a.b.example.com:80", expect: "wild" },
      { path: "/", host: "x.eu.example.com", expect: "deeper-wild" },
      { path: "/", host: "www.eu.example.com", expect: "exact" },
      { path: "/", host: "example.com", expect: "404" },
      { path: "/", host: "badexample.com", expect: "404" },
      { path: "/", host: "a.example.com.evil", expect: "404" },
    ],
  },
  {
    name: "hosts: IPv6 literal with port",
    routes: [{ id: "v6", paths: ["/"], hosts: ["[::1]"] }],
    probes: [
      { path: "/", host: "[::1]:8080", expect: "v6" },
      { path: "/", host: "[::2]:8080", expect: "404" },
    ],
  },
  {
    name: "path specificity comes before host specificity",
    routes: [
      { id: "host-prefix", paths: ["/"], prefix: true, hosts: ["a.test"] },
      { id: "plain-exact", paths: ["/docs"] },
    ],
    probes: [
      { path: "/docs", host: "a.test", expect: "plain-exact" },
      { path: "/other", host: "a.test", expect: "host-prefix" },
    ],
  },
  {
    name: "header matchers: value, regex, present",
    routes: [
      { id: "plain", paths: ["/h"] },
      { id: "value", paths: ["/h"], headers: [{ name: "X-Version", value: "2" }] },
      { id: "regex", paths: ["/h"], headers: [{ name: "x-tenant", regex: "^t-[0-9]+$" }] },
      { id: "present", paths: ["/h"], headers: [{ name: "x-debug", present: true }] },
      { id: "two", paths: ["/h"], headers: [{ name: "x-version", value: "2" }, { name: "x-beta", present: true }] },
      { id: "absent", paths: ["/g"], headers: [{ name: "authorization", present: false }] },
      { id: "bare", paths: ["/b"], headers: [{ name: "x-flag" }] },
    ],
    probes: [
      { path: "/h", expect: "plain" },
      { path: "/h", headers: { "x-version": "2" }, expect: "value" },
      { path: "/h", headers: { "x-version": "3" }, expect: "plain" },
      { path: "/h", headers: { "x-tenant": "t-12" }, expect: "regex" },
      { path: "/h", headers: { "x-tenant": "t-12x" }, expect: "plain" },
      { path: "/h", headers: { "x-debug": "" }, expect: "present" },
      { path: "/h", headers: { "x-version": "2", "x-beta": "1" }, expect: "two" },
      { path: "/g", expect: "absent" },
      { path: "/g", headers: { authorization: "Bearer x" }, expect: "404" },
      { path: "/b", headers: { "x-flag": "0" }, expect: "bare" },
      { path: "/b", expect: "404" },
    ],
  },
  {
    name: "host-specific beats header-matcher beats plain on the same path",
    routes: [
      { id: "plain", paths: ["/z"], priority: 9 },
      { id: "header", paths: ["/z"], headers: [{ name: "x-a", value: "1" }] },
      { id: "host", paths: ["/z"], hosts: ["h.test"] },
    ],
    probes: [
      { path: "/z", host: "h.test", headers: { "x-a": "1" }, expect: "host" },
      { path: "/z", headers: { "x-a": "1" }, expect: "header" },
      { path: "/z", expect: "plain" },
    ],
  },
  {
    name: "methods: same path across routes, 405 with the sorted allowed list",
    routes: [
      { id: "get", paths: ["/users"], methods: ["GET", "HEAD"] },
      { id: "post", paths: ["/users"], methods: ["POST"] },
      { id: "put", paths: ["/users/:id"], methods: ["PUT", "PATCH", "GET"] },
    ],
    probes: [
      { path: "/users", expect: "get" },
      { path: "/users", method: "POST", expect: "post" },
      { path: "/users", method: "DELETE", expect: { allowed: ["GET", "HEAD", "POST"] } },
      { path: "/users/3", method: "DELETE", expect: { allowed: ["GET", "PATCH", "PUT"] } },
      { path: "/nothing", method: "DELETE", expect: "404" },
    ],
  },
  {
    name: "a method mismatch falls through to a less specific route",
    routes: [
      { id: "catch-all", paths: ["/"], prefix: true },
      { id: "get-user", paths: ["/users/:id"], methods: ["GET"] },
    ],
    probes: [
      { path: "/users/1", expect: "get-user" },
      { path: "/users/1", method: "POST", expect: "catch-all" },
    ],
  },
  {
    name: "405 only counts routes whose host and headers match",
    routes: [
      { id: "a", paths: ["/m"], methods: ["GET"], hosts: ["a.test"] },
      { id: "b", paths: ["/m"], methods: ["PUT"], headers: [{ name: "x-b", present: true }] },
    ],
    probes: [
      { path: "/m", method: "POST", host: "a.test", expect: { allowed: ["GET"] } },
      { path: "/m", method: "POST", host: "a.test", headers: { "x-b": "1" }, expect: { allowed: ["GET", "PUT"] } },
      { path: "/m", method: "POST", host: "c.test", expect: "404" },
    ],
  },
  {
    name: "a route with several paths and hosts",
    routes: [{ id: "multi", paths: ["/one", "/two/:n"], hosts: ["a.test", "*.b.test"] }],
    probes: [
      { path: "/one", host: "a.test", expect: "multi" },
      { path: "/two/2", host: "x.b.test", expect: "multi", params: { n: "2" } },
      { path: "/two/2", host: "b.test", expect: "404" },
    ],
  },
  {
    name: "empty segments are literal",
    routes: [{ id: "dbl", paths: ["/a//b"] }, { id: "a", paths: ["/a/:x"] }],
    probes: [
      { path: "/a//b", expect: "dbl" },
      { path: "/a/b", expect: "a", params: { x: "b" } },
      { path: "/a//c", expect: "404" },
      { path: "//", expect: "404" },
    ],
  },
];

export function runRouterCases(name: string, make: () => Router<string>): void {
  describe(`${name}: shared router cases`, () => {
    for (const c of ROUTER_CASES) {
      test(c.name, () => {
        const router = make();
        for (const r of c.routes) router.add(spec(r), r.id);
        for (const p of c.probes) {
          const label = `${p.method ?? "GET"} ${p.host ?? "gw.test"}${p.path} ${JSON.stringify(p.headers ?? {})}`;
          const r = router.match(input(p.path, p));
          expect({ label, got: outcome(r) }).toEqual({ label, got: p.expect });
          if (!r.ok) continue;
          if (p.params !== undefined) expect({ label, params: r.match.params }).toEqual({ label, params: p.params });
          if (p.matchedPath !== undefined) expect({ label, matchedPath: r.match.matchedPath }).toEqual({ label, matchedPath: p.matchedPath });
          if (p.rest !== undefined) expect({ label, rest: r.match.rest }).toEqual({ label, rest: p.rest });
        }
      });
    }
  });
}
