import { describe, expect, test } from "bun:test";
import { compileCidrs, parseCidr, parseForwardedIp, parseIp } from "../../src/net/cidr.ts";

function has(list: string[], ip: string): boolean {
  const parsed = parseIp(ip);
  if (!parsed) throw new Error(`test address ${ip} did not parse`);
  return compileCidrs(list).has(parsed);
}

describe("parseIp", () => {
  test("IPv4", () => {
    expect(parseIp("1.2.3.4")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp("255.255.255.255")).toEqual({ v: 4, n: 0xffffffff });
    expect(parseIp("0.0.0.0")).toEqual({ v: 4, n: 0 });
  });

  test("rejects malformed IPv4, including leading zeros", () => {
    for (const s of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.", ".1.2.3", "01.2.3.4", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.1234"]) {
      expect(parseIp(s)).toBeUndefined();
    }
  });

  test("IPv6 forms", () => {
    expect(parseIp("::")).toEqual({ v: 6, n: 0n });
    expect(parseIp("::1")).toEqual({ v: 6, n: 1n });
    expect(parseIp("2001:db8::")).toEqual({ v: 6, n: 0x20010db8n << 96n });
    expect(parseIp("2001:DB8:0:0:0:0:0:1")).toEqual({ v: 6, n: (0x20010db8n << 96n) | 1n });
    expect(parseIp("2001:db8::1")).toEqual(parseIp("2001:0db8:0000:0000:0000:0000:0000:0001"));
    expect(parseIp("fe80::1:2")).toEqual({ v: 6, n: (0xfe80n << 112n) | (1n << 16n) | 2n });
  });

  test("rejects malformed IPv6", () => {
    for (const s of [":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "1:", ":1", "g::1", "fe80::1%eth0", "1:2:3:4:5:6:7::8"]) {
      expect(parseIp(s)).toBeUndefined();
    }
  });

  test("IPv4-mapped IPv6 becomes IPv4", () => {
    expect(parseIp("::ffff:1.2.3.4")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp("::ffff:102:304")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp("::FFFF:127.0.0.1")).toEqual({ v: 4, n: 0x7f000001 });
    // IPv4-compatible (deprecated) is not mapped.
    expect(parseIp("::1.2.3.4")).toEqual({ v: 6, n: 0x01020304n });
  });
});

describe("parseForwardedIp", () => {
  test("accepts bare addresses and address:port forms", () => {
    expect(parseForwardedIp(" 1.2.3.4 ")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseForwardedIp("1.2.3.4:8080")).toEqual({ v: 4, n: 0x01020304 });
    expect(parseForwardedIp("[2001:db8::1]:443")).toEqual(parseIp("2001:db8::1"));
    expect(parseForwardedIp("2001:db8::1")).toEqual(parseIp("2001:db8::1"));
    expect(parseForwardedIp("unknown")).toBeUndefined();
    expect(parseForwardedIp("[::1")).toBeUndefined();
  });
});

describe("parseCidr", () => {
  test("IPv4 ranges, host bits masked", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ v: 4, lo: 0x0a000000, hi: 0x0affffff });
    expect(parseCidr("10.1.2.3/8")).toEqual({ v: 4, lo: 0x0a000000, hi: 0x0affffff });
    expect(parseCidr("0.0.0.0/0")).toEqual({ v: 4, lo: 0, hi: 0xffffffff });
    expect(parseCidr("1.2.3.4")).toEqual({ v: 4, lo: 0x01020304, hi: 0x01020304 });
  });

  test("IPv6 ranges", () => {
    expect(parseCidr("2001:db8::/32")).toEqual({ v: 6, lo: 0x20010db8n << 96n, hi: (0x20010db8n << 96n) | ((1n << 96n) - 1n) });
    expect(parseCidr("::/0")).toEqual({ v: 6, lo: 0n, hi: (1n << 128n) - 1n });
    expect(parseCidr("::1")).toEqual({ v: 6, lo: 1n, hi: 1n });
  });

  test("mapped IPv6 ranges are IPv4 ranges", () => {
    expect(parseCidr("::ffff:10.0.0.0/104")).toEqual({ v: 4, lo: 0x0a000000, hi: 0x0affffff });
    expect(parseCidr("::ffff:0:0/96")).toEqual({ v: 4, lo: 0, hi: 0xffffffff });
  });

  test("rejects bad prefixes and addresses", () => {
    for (const s of ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "::/129", "10.0.0/8", "x/8", "10.0.0.0/8/8", ""]) {
      expect(parseCidr(s)).toBeUndefined();
    }
  });
});

describe("CidrSet", () => {
  test("IPv4 membership at the edges", () => {
    const list = ["10.0.0.0/8", "192.168.1.0/24"];
    expect(has(list, "10.0.0.0")).toBe(true);
    expect(has(list, "10.255.255.255")).toBe(true);
    expect(has(list, "11.0.0.0")).toBe(false);
    expect(has(list, "9.255.255.255")).toBe(false);
    expect(has(list, "192.168.1.77")).toBe(true);
    expect(has(list, "192.168.2.1")).toBe(false);
  });

  test("IPv6 membership", () => {
    const list = ["2001:db8::/32", "::1"];
    expect(has(list, "2001:db8:ffff::1")).toBe(true);
    expect(has(list, "2001:db9::1")).toBe(false);
    expect(has(list, "::1")).toBe(true);
    expect(has(list, "::2")).toBe(false);
  });

  test("families do not cross, except through the mapped form", () => {
    expect(has(["::/0"], "1.2.3.4")).toBe(false);
    expect(has(["0.0.0.0/0"], "2001:db8::1")).toBe(false);
    expect(has(["1.2.3.0/24"], "::ffff:1.2.3.99")).toBe(true);
    expect(has(["::ffff:1.2.3.0/120"], "1.2.3.99")).toBe(true);
    expect(has(["::ffff:1.2.3.0/120"], "1.2.4.1")).toBe(false);
  });

  test("overlapping and adjacent ranges merge without losing members", () => {
    const set = compileCidrs(["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25", "10.0.5.0/24", "2001:db8::/33", "2001:db8:8000::/33"]);
    expect(set.size).toBe(3);
    for (const [ip, want] of [
      ["10.0.0.5", true],
      ["10.0.1.255", true],
      ["10.0.2.0", false],
      ["10.0.5.9", true],
      ["2001:db8:ffff::", true],
      ["2001:db8:7fff::", true],
      ["2001:db9::", false],
    ] as const) {
      expect(set.has(parseIp(ip)!)).toBe(want);
    }
  });

  test("compileCidrs throws on an invalid entry", () => {
    expect(() => compileCidrs(["10.0.0.0/8", "nope"])).toThrow("invalid CIDR: nope");
  });
});
