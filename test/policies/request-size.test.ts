import { describe, expect, test } from "bun:test";
import { WaygateError } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/gateway/context.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { kind } from "../../src/policies/request-size/index.ts";
import { BUILD_CTX, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

function build(max_bytes: number): Policy {
  return kind.build(kind.schema.parse({ max_bytes }), BUILD_CTX);
}

async function run(p: Policy, ctx: RequestContext): Promise<string> {
  const v = await p.onRequest!(ctx, NO_SNAPSHOT);
  if (v === undefined) return "pass";
  if (v instanceof WaygateError) return `${v.status} ${v.code}`;
  return `response ${v.status}`;
}

describe("request_size", () => {
  test("a declared length over the cap is 413 payload_too_large", async () => {
    const p = build(10);
    expect(await run(p, fakeContext({ method: "POST", headers: { "content-length": "11" }, body: "x".repeat(11) }))).toBe("413 payload_too_large");
    expect(await run(p, fakeContext({ method: "POST", headers: { "content-length": "10" }, body: "x".repeat(10) }))).toBe("pass");
    expect(await run(p, fakeContext({ method: "POST", headers: { "content-length": "1000000" } }))).toBe("413 payload_too_large");
  });

  test("no body passes", async () => {
    expect(await run(build(0), fakeContext())).toBe("pass");
  });

  test("a malformed Content-Length is left to the body reader", async () => {
    expect(await run(build(10), fakeContext({ method: "POST", headers: { "content-length": "lots" } }))).toBe("pass");
  });

  test("the streaming cap is lowered, never raised", async () => {
    const ctx = fakeContext({ method: "POST", headers: { "transfer-encoding": "chunked" } });
    expect(await run(build(500), ctx)).toBe("pass");
    expect(ctx.maxRequestBodyBytes).toBe(500);
    // Stacked at another scope with a larger cap: the smaller one stays.
    expect(await run(build(9000), ctx)).toBe("pass");
    expect(ctx.maxRequestBodyBytes).toBe(500);
    expect(await run(build(100), ctx)).toBe("pass");
    expect(ctx.maxRequestBodyBytes).toBe(100);
  });

  test("schema", () => {
    expect(kind.combine).toBe("stack");
    expect(kind.schema.safeParse({ max_bytes: -1 }).success).toBe(false);
    expect(kind.schema.safeParse({ max_bytes: 1.5 }).success).toBe(false);
    expect(kind.schema.safeParse({}).success).toBe(false);
    expect(kind.schema.safeParse({ max_bytes: 1024, extra: 1 }).success).toBe(false);
  });
});
