/**
 * IP addresses and CIDR ranges without regular expressions. Lists are
 * compiled once (at policy build) into sorted, merged numeric ranges, so a
 * lookup on the request path is one parse plus a binary search.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, which dual-stack sockets
 * report for IPv4 peers) are normalised to plain IPv4 on both sides, so a
 * rule written either way matches a peer reported either way.
 */

export type IpAddress = { readonly v: 4; readonly n: number } | { readonly v: 6; readonly n: bigint };

export type CidrRange = { readonly v: 4; readonly lo: number; readonly hi: number } | { readonly v: 6; readonly lo: bigint; readonly hi: bigint };

const MAX_V6 = (1n << 128n) - 1n;

function parseIpv4(s: string, start: number, end: number): number | undefined {
  let value = 0;
  let parts = 0;
  let i = start;
  while (i <= end) {
    let octet = 0;
    let digits = 0;
    const first = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      digits++;
      i++;
    }
    // Leading zeros are rejected: some stacks read them as octal, and two readings of one rule is a hole.
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && s.charCodeAt(first) === 48)) return undefined;
    value = value * 256 + octet;
    parts++;
    if (i === end) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return undefined;
    i++;
  }
  return parts === 4 ? value : undefined;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseIpv6(s: string, start: number, end: number): bigint | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let sawGap = false;
  let i = start;
  if (end - start >= 2 && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    sawGap = true;
    groups = tail;
    i += 2;
    if (i === end) return 0n;
  } else if (s.charCodeAt(i) === 58) {
    return undefined;
  }
  while (i < end) {
    let j = i;
    let value = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // An embedded IPv4 tail (`::ffff:1.2.3.4`) fills the last two groups.
      const v4 = parseIpv4(s, i, end);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return undefined;
    groups.push(value);
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (sawGap) return undefined;
      sawGap = true;
      groups = tail;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return undefined;
    }
  }
  const total = head.length + tail.length;
  if (sawGap ? total > 7 : total !== 8) return undefined;
  let n = 0n;
  for (const g of head) n = (n << 16n) | BigInt(g);
  for (let k = total; k < 8; k++) n <<= 16n;
  for (const g of tail) n = (n << 16n) | BigInt(g);
  return n;
}

function normalize6(n: bigint): IpAddress {
  if (n >> 32n === 0xffffn) return { v: 4, n: Number(n & 0xffffffffn) };
  return { v: 6, n };
}

/** Parses a bare IPv4 or IPv6 address (no port, no zone); mapped IPv6 comes back as IPv4. */
export function parseIp(s: string): IpAddress | undefined {
  const end = s.length;
  if (end === 0 || end > 45) return undefined;
  let colon = false;
  for (let i = 0; i < end; i++) {
    if (s.charCodeAt(i) === 58) {
      colon = true;
      break;
    }
  }
  if (!colon) {
    const v4 = parseIpv4(s, 0, end);
    return v4 === undefined ? undefined : { v: 4, n: v4 };
  }
  const v6 = parseIpv6(s, 0, end);
  return v6 === undefined ? undefined : normalize6(v6);
}

/**
 * Parses an X-Forwarded-For element, which proxies write as a bare address,
 * `1.2.3.4:port` or `[v6]:port`.
 */
export function parseForwardedIp(raw: string): IpAddress | undefined {
  const s = raw.trim();
  if (s.charCodeAt(0) === 91) {
    const close = s.indexOf("]");
    if (close < 0) return undefined;
    return parseIp(s.slice(1, close));
  }
  const first = s.indexOf(":");
  if (first >= 0 && first === s.lastIndexOf(":")) return parseIp(s.slice(0, first));
  return parseIp(s);
}

function parsePrefix(s: string, max: number): number | undefined {
  if (s.length === 0 || s.length > 3) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  if (s.length > 1 && s.charCodeAt(0) === 48) return undefined;
  return n <= max ? n : undefined;
}

/** Parses `addr/prefix` or a bare address (a single-address range). Host bits are ignored. */
export function parseCidr(s: string): CidrRange | undefined {
  const slash = s.indexOf("/");
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const isV6 = addrText.includes(":");
  let raw6: bigint | undefined;
  let raw4: number | undefined;
  if (isV6) raw6 = parseIpv6(addrText, 0, addrText.length);
  else raw4 = parseIpv4(addrText, 0, addrText.length);
  if (raw6 === undefined && raw4 === undefined) return undefined;
  const prefix = slash < 0 ? (isV6 ? 128 : 32) : parsePrefix(s.slice(slash + 1), isV6 ? 128 : 32);
  if (prefix === undefined) return undefined;

  if (raw6 !== undefined) {
    // A range inside ::ffff:0:0/96 is an IPv4 range in disguise.
    if (prefix >= 96 && raw6 >> 32n === 0xffffn) return v4Range(Number(raw6 & 0xffffffffn), prefix - 96);
    const hostBits = BigInt(128 - prefix);
    const mask = (MAX_V6 >> hostBits) << hostBits;
    const lo = raw6 & mask;
    const hi = lo | (MAX_V6 ^ mask);
    return { v: 6, lo, hi };
  }
  return v4Range(raw4!, prefix);
}

function v4Range(addr: number, prefix: number): CidrRange {
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(addr / size) * size;
  return { v: 4, lo, hi: lo + size - 1 };
}

function byStart<T extends number | bigint>(a: [T, T], b: [T, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function search<T extends number | bigint>(ranges: ReadonlyArray<readonly [T, T]>, x: T): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (x < r[0]) hi = mid - 1;
    else if (x > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** A compiled list of ranges. */
export class CidrSet {
  private readonly v4: ReadonlyArray<readonly [number, number]>;
  private readonly v6: ReadonlyArray<readonly [bigint, bigint]>;

  constructor(ranges: readonly CidrRange[]) {
    const v4: Array<[number, number]> = [];
    const v6: Array<[bigint, bigint]> = [];
    for (const r of ranges) {
      if (r.v === 4) v4.push([r.lo, r.hi]);
      else v6.push([r.lo, r.hi]);
    }
    this.v4 = mergeNumbers(v4);
    this.v6 = mergeBigints(v6);
  }

  get size(): number {
    return this.v4.length + this.v6.length;
  }

  has(ip: IpAddress): boolean {
    return ip.v === 4 ? search(this.v4, ip.n) : search(this.v6, ip.n);
  }
}

// Adjacent ranges merge too (hi + 1 === lo), so the search sees the fewest entries.
function mergeNumbers(ranges: Array<[number, number]>): Array<[number, number]> {
  ranges.sort(byStart);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function mergeBigints(ranges: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  ranges.sort(byStart);
  const out: Array<[bigint, bigint]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1n) {
      if (r[1] > last[1]) last[1] = r[1];
    } else out.push([r[0], r[1]]);
  }
  return out;
}

/** Compiles CIDR strings; throws on the first invalid one (validate with parseCidr first). */
export function compileCidrs(list: readonly string[]): CidrSet {
  const ranges: CidrRange[] = [];
  for (const s of list) {
    const r = parseCidr(s);
    if (!r) throw new Error(`invalid CIDR: ${s}`);
    ranges.push(r);
  }
  return new CidrSet(ranges);
}
