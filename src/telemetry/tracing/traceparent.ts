/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/):
 * version-traceid-parentid-flags, lowercase hex. An all-zero trace or
 * parent id, version ff, or anything malformed is invalid, and the gateway
 * then starts a trace of its own. Versions above 00 are read by their
 * version-00 prefix, as the spec asks.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

export interface ParentContext {
  traceId: string;
  parentId: string;
  /** Trace flags; bit 0 is "sampled". */
  flags: number;
}

export function parseTraceparent(value: string | null): ParentContext | null {
  if (value === null) return null;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return null;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === "ff" || traceId === ZERO_TRACE || parentId === ZERO_SPAN) return null;
  // Version 00 has exactly four fields; later versions may append more.
  if (version === "00" && rest !== undefined) return null;
  return { traceId: traceId!, parentId: parentId!, flags: Number.parseInt(flags!, 16) };
}

export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${flags.toString(16).padStart(2, "0")}`;
}

// Ids are taken from a pool of random bytes refilled 4 KiB at a time and hex-encoded natively:
// one getRandomValues call and a JS byte loop per request showed up as a real share of the proxy's CPU.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

function randomHex(bytes: number): string {
  if (poolAt + bytes > POOL_BYTES) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const out = pool.toString("hex", poolAt, poolAt + bytes);
  poolAt += bytes;
  // An all-zero id is invalid; with 64 random bits this is a formality.
  return out === ZERO_TRACE || out === ZERO_SPAN ? randomHex(bytes) : out;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}
