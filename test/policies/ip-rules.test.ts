import { describe, expect, test } from "bun:test";
import { WaygateError } from "../../src/core/errors.ts";
import { kind } from "../../src/policies/ip-rules/index.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { BUILD_CTX, NO_SNAPSHOT, fakeContext } from "./fake-context.ts";

function build(config: unknown): Policy {
  return kind.build(kind.schema.parse(config), BUILD_CTX);
}

async function verdict(p: Policy, clientIp: string, xff?: string | string[]): Promise<string> {
  const headers: Array<[string, string]> = [];
  for (const v of typeof xff === "string" ? [xff] : (xff ?? [])) headers.push(["x-forwarded-for", v]);
  const v = await p.onRequest!(fakeContext({ clientIp, headers }), NO_SNAPSHOT);
  if (v === undefined) return "pass";
  if (v instanceof WaygateError) return `${v.status} ${v.code}`;
  return `response ${v.status}`;
}

describe("ip_rules schema", () => {
  test("an invalid CIDR is reported with its path", () => {
    const r = kind.schema.safeParse({ allow: ["10.0.0.0/8", "10.0.0.0/40"], deny: ["::1", "bogus"] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("allow.1");
    expect(paths).toContain("deny.1");
    expect(paths).toHaveLength(2);
  });

  test("an invalid trusted proxy is reported too", () => {
    const r = kind.schema.safeParse({ deny: ["1.2.3.4"], trusted_proxies: ["10.0.0.0/8", "10.0.0.0/8x"] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["trusted_proxies", 1]);
  });

  test("needs at least one list; unknown fields are rejected", () => {
    expect(kind.schema.safeParse({}).success).toBe(false);
    expect(kind.schema.safeParse({ trusted_proxies: ["10.0.0.0/8"] }).success).toBe(false);
    expect(kind.schema.safeParse({ allow: ["10.0.0.0/8"], alow: [] }).success).toBe(false);
    expect(kind.schema.safeParse({ allow: ["10.0.0.0/8"] }).success).toBe(true);
  });

  test("stacks across scopes", () => {
    expect(kind.combine).toBe("stack");
    expect(kind.kind).toBe("ip_rules");
  });
});

describe("ip_rules allow and deny", () => {
  test("an allow list refuses everything else with 403 ip_denied", async () => {
    const p = build({ allow: ["10.0.0.0/8", "2001:db8::/32"] });
    expect(await verdict(p, "10.1.2.3")).toBe("pass");
    expect(await verdict(p, "2001:db8::42")).toBe("pass");
    expect(await verdict(p, "11.0.0.1")).toBe("403 ip_denied");
    expect(await verdict(p, "2001:db9::1")).toBe("403 ip_denied");
  });

  test("a deny list alone lets others through", async () => {
    const p = build({ deny: ["192.0.2.0/24"] });
    expect(await verdict(p, "192.0.2.55")).toBe("403 ip_denied");
    expect(await verdict(p, "198.51.100.1")).toBe("pass");
  });

  test("deny wins over allow", async () => {
    const p = build({ allow: ["10.0.0.0/8"], deny: ["10.9.0.0/16"] });
    expect(await verdict(p, "10.8.0.1")).toBe("pass");
    expect(await verdict(p, "10.9.0.1")).toBe("403 ip_denied");
  });

  test("IPv4-mapped socket addresses match IPv4 rules, and mapped rules match IPv4 peers", async () => {
    expect(await verdict(build({ deny: ["203.0.113.0/24"] }), "::ffff:203.0.113.9")).toBe("403 ip_denied");
    expect(await verdict(build({ allow: ["::ffff:203.0.113.0/120"] }), "203.0.113.9")).toBe("pass");
    expect(await verdict(build({ allow: ["::ffff:203.0.113.0/120"] }), "203.0.114.9")).toBe("403 ip_denied");
  });

  test("an unparseable socket address is refused", async () => {
    expect(await verdict(build({ deny: ["192.0.2.0/24"] }), "not-an-ip")).toBe("403 ip_denied");
  });
});

describe("ip_rules behind proxies", () => {
  const rules = { allow: ["198.51.100.0/24"], deny: ["198.51.100.66"], trusted_proxies: ["10.0.0.0/8", "fd00::/8"] };

  test("X-Forwarded-For from an untrusted peer is ignored", async () => {
    const p = build(rules);
    // The peer claims to be forwarding an allowed client; it is not a trusted proxy.
    expect(await verdict(p, "203.0.113.5", "198.51.100.7")).toBe("403 ip_denied");
    // And a denied peer cannot launder itself through the header.
    expect(await verdict(build({ deny: ["203.0.113.5"] }), "203.0.113.5", "198.51.100.7")).toBe("403 ip_denied");
  });

  test("without trusted_proxies the header is never read", async () => {
    const p = build({ allow: ["198.51.100.0/24"] });
    expect(await verdict(p, "10.0.0.1", "198.51.100.7")).toBe("403 ip_denied");
  });

  test("a trusted proxy's forwarded client is the one judged", async () => {
    const p = build(rules);
    expect(await verdict(p, "10.0.0.1", "198.51.100.7")).toBe("pass");
    expect(await verdict(p, "10.0.0.1", "198.51.100.66")).toBe("403 ip_denied");
    expect(await verdict(p, "10.0.0.1", "203.0.113.5")).toBe("403 ip_denied");
  });

  test("a spoofed leftmost entry does not get past the rule", async () => {
    const p = build(rules);
    // The client 203.0.113.5 sent `X-Forwarded-For: 198.51.100.7`; the proxies appended the real hops.
    expect(await verdict(p, "10.0.0.2", "198.51.100.7, 203.0.113.5, 10.0.0.1")).toBe("403 ip_denied");
    // A denied client claiming an allowed address is still denied.
    expect(await verdict(p, "10.0.0.2", "198.51.100.7, 198.51.100.66, 10.0.0.1")).toBe("403 ip_denied");
    // An allowed client with junk to its left is still allowed.
    expect(await verdict(p, "10.0.0.2", "garbage, 203.0.113.5, 198.51.100.7, 10.0.0.1")).toBe("pass");
  });

  test("the chain walk handles IPv6 hops, ports and several headers", async () => {
    const p = build(rules);
    expect(await verdict(p, "fd00::1", "203.0.113.5, 198.51.100.7:51234, [fd00::2]:443")).toBe("pass");
    expect(await verdict(p, "::ffff:10.1.1.1", ["203.0.113.5", "198.51.100.8, 10.2.2.2"])).toBe("pass");
    expect(await verdict(p, "10.1.1.1", ["198.51.100.8", "203.0.113.5, 10.2.2.2"])).toBe("403 ip_denied");
  });

  test("when every hop is trusted the farthest is the client", async () => {
    const p = build({ allow: ["10.5.0.0/16"], trusted_proxies: ["10.0.0.0/8"] });
    expect(await verdict(p, "10.0.0.1", "10.5.0.9, 10.0.0.3")).toBe("pass");
    expect(await verdict(p, "10.0.0.1", "10.6.0.9, 10.0.0.3")).toBe("403 ip_denied");
    // A trusted peer with no header is itself the client.
    expect(await verdict(p, "10.5.0.1")).toBe("pass");
    expect(await verdict(p, "10.0.0.1")).toBe("403 ip_denied");
  });

  test("a malformed hop written by a trusted proxy refuses the request", async () => {
    const p = build({ deny: ["192.0.2.0/24"], trusted_proxies: ["10.0.0.0/8"] });
    expect(await verdict(p, "10.0.0.1", "198.51.100.1, unknown")).toBe("403 ip_denied");
    expect(await verdict(p, "10.0.0.1", ", , 198.51.100.1,")).toBe("pass");
  });
});
