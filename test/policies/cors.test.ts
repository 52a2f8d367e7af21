import { describe, expect, test } from "bun:test";
import { WaygateError } from "../../src/core/errors.ts";
import { kind } from "../../src/policies/cors/index.ts";
import type { Policy, PolicyVerdict } from "../../src/policies/policy.ts";
import { BUILD_CTX, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

function build(config: unknown): Policy {
  return kind.build(kind.schema.parse(config), BUILD_CTX);
}

async function preflight(p: Policy, origin: string, method: string, requestHeaders?: string): Promise<PolicyVerdict> {
  const headers: Record<string, string> = { origin, "access-control-request-method": method };
  if (requestHeaders !== undefined) headers["access-control-request-headers"] = requestHeaders;
  return p.onRequest!(fakeContext({ method: "OPTIONS", headers }), NO_SNAPSHOT);
}

function asResponse(v: PolicyVerdict): Response {
  if (!(v instanceof Response)) throw new Error(`expected a Response, got ${v instanceof WaygateError ? v.code : String(v)}`);
  return v;
}

function rejectedCode(v: PolicyVerdict): string {
  if (!(v instanceof WaygateError)) throw new Error("expected a rejection");
  return `${v.status} ${v.code}`;
}

/** Runs onRequest then onResponse for a plain request, as the pipeline would. */
async function actual(p: Policy, origin: string | undefined, upstream: Record<string, string> = {}, method = "GET"): Promise<Headers> {
  const ctx = fakeContext({ method, headers: origin === undefined ? {} : { origin } });
  expect(await p.onRequest!(ctx, NO_SNAPSHOT)).toBeUndefined();
  const h = new Headers(upstream);
  p.onResponse!(ctx, h);
  return h;
}

const listConfig = {
  origins: ["https://app.example.com", "https://*.example.org", "http://localhost:3000"],
  methods: ["GET", "POST"],
  headers: ["Content-Type", "X-Api-Key"],
  expose_headers: ["X-Request-Id"],
  max_age_s: 600,
};

describe("cors preflight", () => {
  test("an allowed preflight is answered with 204 and the allowances", async () => {
    const res = asResponse(await preflight(build(listConfig), "https://app.example.com", "POST", "content-type, x-api-key"));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(res.headers.get("access-control-allow-headers")).toBe("Content-Type, X-Api-Key");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toContain("Origin");
    expect(await res.text()).toBe("");
  });

  test("a disallowed origin, method or header is 403 cors_rejected", async () => {
    const p = build(listConfig);
    expect(rejectedCode(await preflight(p, "https://evil.example.net", "GET"))).toBe("403 cors_rejected");
    expect(rejectedCode(await preflight(p, "https://app.example.com", "DELETE"))).toBe("403 cors_rejected");
    expect(rejectedCode(await preflight(p, "https://app.example.com", "POST", "content-type, x-admin"))).toBe("403 cors_rejected");
  });

  test("the rejection renders as the standard JSON error", async () => {
    const v = await preflight(build(listConfig), "https://evil.example.net", "GET");
    expect(v).toBeInstanceOf(WaygateError);
    const { errorResponse } = await import("../../src/core/errors.ts");
    const res = errorResponse(v as WaygateError, "req-1");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cors_rejected");
  });

  test("wildcard subdomains match one or more labels, not the bare domain nor look-alikes", async () => {
    const p = build(listConfig);
    expect(asResponse(await preflight(p, "https://a.example.org", "GET")).status).toBe(204);
    expect(asResponse(await preflight(p, "https://a.b.example.org", "GET")).status).toBe(204);
    for (const o of ["https://example.org", "http://a.example.org", "https://evil.com#.example.org", "https://evilexample.org", "https://a.example.org.evil.com", "https://.example.org"]) {
      expect(rejectedCode(await preflight(p, o, "GET"))).toBe("403 cors_rejected");
    }
  });

  test("origins compare case-insensitively; ports count", async () => {
    const p = build(listConfig);
    expect(asResponse(await preflight(p, "HTTPS://App.Example.com", "GET")).status).toBe(204);
    expect(rejectedCode(await preflight(p, "http://localhost:3001", "GET"))).toBe("403 cors_rejected");
  });

  test("`*` origin without credentials answers `*`", async () => {
    const res = asResponse(await preflight(build({ origins: ["*"] }), "https://any.test", "PATCH"));
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toBeNull();
    expect(res.headers.get("access-control-max-age")).toBeNull();
  });

  test("with credentials `*` is never sent: the origin is echoed", async () => {
    const res = asResponse(await preflight(build({ origins: ["*"], credentials: true, headers: ["*"], methods: ["*"] }), "https://any.test", "PURGE", "x-one, x-two"));
    expect(res.headers.get("access-control-allow-origin")).toBe("https://any.test");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toBe("PURGE");
    expect(res.headers.get("access-control-allow-headers")).toBe("x-one, x-two");
  });

  test("the opaque origin `null` is not covered by `*`", async () => {
    expect(rejectedCode(await preflight(build({ origins: ["*"] }), "null", "GET"))).toBe("403 cors_rejected");
    const res = asResponse(await preflight(build({ origins: ["null"] }), "null", "GET"));
    expect(res.headers.get("access-control-allow-origin")).toBe("null");
  });

  test("OPTIONS without Origin or without Access-Control-Request-Method is not a preflight", async () => {
    const p = build(listConfig);
    expect(await p.onRequest!(fakeContext({ method: "OPTIONS", headers: { origin: "https://evil.test" } }), NO_SNAPSHOT)).toBeUndefined();
    expect(await p.onRequest!(fakeContext({ method: "OPTIONS", headers: { "access-control-request-method": "GET" } }), NO_SNAPSHOT)).toBeUndefined();
  });
});

describe("cors on actual requests", () => {
  test("an allowed origin from a list is echoed, with Vary and expose headers", async () => {
    const h = await actual(build(listConfig), "https://app.example.com", { "content-type": "application/json" });
    expect(h.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(h.get("vary")).toBe("Origin");
    expect(h.get("access-control-expose-headers")).toBe("X-Request-Id");
    expect(h.get("access-control-allow-credentials")).toBeNull();
  });

  test("an existing Vary is extended once", async () => {
    const p = build(listConfig);
    expect((await actual(p, "https://app.example.com", { vary: "Accept-Encoding" })).get("vary")).toBe("Accept-Encoding, Origin");
    expect((await actual(p, "https://app.example.com", { vary: "accept-encoding, origin" })).get("vary")).toBe("accept-encoding, origin");
  });

  test("a disallowed origin gets no allowance, and the upstream's own is removed", async () => {
    const h = await actual(build(listConfig), "https://evil.test", { "access-control-allow-origin": "*", "access-control-allow-credentials": "true" }, "POST");
    expect(h.get("access-control-allow-origin")).toBeNull();
    expect(h.get("access-control-allow-credentials")).toBeNull();
    expect(h.get("vary")).toBe("Origin");
  });

  test("no Origin: no allowance, but Vary still marks the dependence", async () => {
    const h = await actual(build(listConfig), undefined);
    expect(h.get("access-control-allow-origin")).toBeNull();
    expect(h.get("vary")).toBe("Origin");
  });

  test("`*` without credentials: `*` and no Vary", async () => {
    const h = await actual(build({ origins: ["*"] }), "https://x.test");
    expect(h.get("access-control-allow-origin")).toBe("*");
    expect(h.get("vary")).toBeNull();
  });

  test("credentials: echoed origin, Allow-Credentials, Vary — even with `*` configured", async () => {
    const h = await actual(build({ origins: ["*"], credentials: true }), "https://x.test", { "access-control-allow-origin": "*" });
    expect(h.get("access-control-allow-origin")).toBe("https://x.test");
    expect(h.get("access-control-allow-credentials")).toBe("true");
    expect(h.get("vary")).toBe("Origin");
  });
});

describe("cors schema", () => {
  test("overrides across scopes", () => {
    expect(kind.combine).toBe("override");
    expect(kind.kind).toBe("cors");
  });

  test("origin entries are checked with their path", () => {
    const r = kind.schema.safeParse({ origins: ["https://ok.test", "https://bad.test/", "*.example.com", "https://*.*.x.com", "ftp//x", "https://a.*.com"] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join(".")).sort()).toEqual(["origins.1", "origins.2", "origins.3", "origins.4", "origins.5"]);
  });

  test("needs at least one origin; defaults fill the rest", () => {
    expect(kind.schema.safeParse({ origins: [] }).success).toBe(false);
    expect(kind.schema.parse({ origins: ["*"] })).toEqual({ origins: ["*"], methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], headers: [], expose_headers: [], credentials: false });
    expect(kind.schema.safeParse({ origins: ["*"], methods: ["GE T"] }).success).toBe(false);
    expect(kind.schema.safeParse({ origins: ["*"], max_age_s: -1 }).success).toBe(false);
  });
});
