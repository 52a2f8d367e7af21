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

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += HEX[b];
  // An all-zero id is invalid; with 64 random bits this is a formality.
  return /^0+$/.test(out) ? randomHex(bytes) : out;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}
