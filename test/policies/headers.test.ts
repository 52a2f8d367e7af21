import { describe, expect, test } from "bun:test";
import type { RequestContext } from "../../src/gateway/context.ts";
import { forwardableHeaders } from "../../src/gateway/headers.ts";
import { kind } from "../../src/policies/headers/index.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { BUILD_CTX, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

function build(config: unknown): Policy {
  return kind.build(kind.schema.parse(config), BUILD_CTX);
}

/** What the proxy sends upstream: the forwardable headers minus dropHeaders, then extraHeaders appended. */
function upstreamHeaders(ctx: RequestContext): Record<string, string> {
  const h = forwardableHeaders(ctx.req.headers, ctx.dropHeaders);
  for (const [name, value] of ctx.extraHeaders ?? []) h.append(name, value);
  return Object.fromEntries(h.entries());
}

async function requestThrough(p: Policy, headers: Record<string, string>, prepare?: (ctx: RequestContext) => void): Promise<Record<string, string>> {
  const ctx = fakeContext({ headers });
  prepare?.(ctx);
  expect(await p.onRequest!(ctx, NO_SNAPSHOT)).toBeUndefined();
  return upstreamHeaders(ctx);
}

describe("headers: request edits reach the upstream", () => {
  test("add appends, set replaces, remove drops, rename moves", async () => {
    const p = build({
      request: {
        add: { "X-Tag": "gw", Accept: "text/plain" },
        set: { "X-Env": "prod" },
        remove: ["X-Debug"],
        rename: { "X-Old": "X-New" },
      },
    });
    const out = await requestThrough(p, { accept: "application/json", "x-env": "dev", "x-debug": "1", "x-old": "v", "x-keep": "k" });
    expect(out).toEqual({ accept: "application/json, text/plain", "x-tag": "gw", "x-env": "prod", "x-new": "v", "x-keep": "k" });
  });

  test("rename replaces an existing value under the new name; a missing source is a no-op", async () => {
    const p = build({ request: { rename: { "x-a": "x-b", "x-missing": "x-c" } } });
    expect(await requestThrough(p, { "x-a": "1", "x-b": "2" })).toEqual({ "x-b": "1" });
    expect(await requestThrough(p, { "x-b": "2" })).toEqual({ "x-b": "2" });
  });

  test("remove runs before rename, so a removed header is not carried over", async () => {
    const p = build({ request: { remove: ["x-a"], rename: { "x-a": "x-b" } } });
    expect(await requestThrough(p, { "x-a": "1" })).toEqual({});
  });

  test("a header another policy hid (a credential) does not resurface under a new name", async () => {
    const p = build({ request: { rename: { authorization: "x-client-auth" } } });
    const out = await requestThrough(p, { authorization: "Bearer secret" }, (ctx) => {
      ctx.dropHeaders = new Set(["authorization"]);
    });
    expect(out).toEqual({});
  });

  test("set can inject a value for a header an earlier policy dropped", async () => {
    const p = build({ request: { set: { authorization: "Bearer upstream-token" } } });
    const out = await requestThrough(p, { authorization: "Bearer client-key" }, (ctx) => {
      ctx.dropHeaders = new Set(["authorization"]);
    });
    expect(out).toEqual({ authorization: "Bearer upstream-token" });
  });

  test("set replaces a value queued earlier under the same name", async () => {
    const p = build({ request: { set: { "x-env": "prod" } } });
    const out = await requestThrough(p, {}, (ctx) => {
      ctx.extraHeaders = [["x-env", "stale"], ["x-other", "o"]];
    });
    expect(out).toEqual({ "x-env": "prod", "x-other": "o" });
  });

  test("response-only config leaves the request alone", async () => {
    const p = build({ response: { remove: ["server"] } });
    expect(p.onRequest).toBeUndefined();
  });
});

describe("headers: response edits", () => {
  test("applied in place in the order remove, rename, set, add", () => {
    const p = build({
      response: {
        remove: ["Server"],
        rename: { "x-upstream-id": "x-backend-id" },
        set: { "cache-control": "no-store" },
        add: { "x-served-by": "waygate", vary: "accept" },
      },
    });
    const h = new Headers({ server: "nginx", "x-upstream-id": "42", "cache-control": "max-age=60", vary: "origin", "content-type": "text/plain" });
    p.onResponse!(fakeContext(), h);
    expect(Object.fromEntries(h.entries())).toEqual({
      "x-backend-id": "42",
      "cache-control": "no-store",
      "x-served-by": "waygate",
      vary: "origin, accept",
      "content-type": "text/plain",
    });
  });

  test("request-only config has no response hook", () => {
    expect(build({ request: { add: { "x-a": "1" } } }).onResponse).toBeUndefined();
  });
});

describe("headers: schema", () => {
  test("overrides across scopes", () => {
    expect(kind.combine).toBe("override");
    expect(kind.kind).toBe("headers");
  });

  test("invalid names and values are rejected with their path", () => {
    const bad = kind.schema.safeParse({ request: { add: { "bad name": "x" }, remove: ["ok", "Content-Length"] }, response: { set: { "x-a": "a\r\nInjected: 1" } } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("request.add.bad name");
    expect(paths).toContain("request.remove.1");
    expect(paths).toContain("response.set.x-a");
  });

  test("framing headers cannot be edited, unknown keys are refused", () => {
    expect(kind.schema.safeParse({ request: { set: { "Transfer-Encoding": "chunked" } } }).success).toBe(false);
    expect(kind.schema.safeParse({ request: { rename: { "x-a": "connection" } } }).success).toBe(false);
    expect(kind.schema.safeParse({ request: { append: { "x-a": "1" } } }).success).toBe(false);
    expect(kind.schema.safeParse({ request: { set: { "x-a": "1" } } }).success).toBe(true);
  });
});
