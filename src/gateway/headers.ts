/**
 * Header handling between client and upstream (RFC 9110 §7.6.1): hop-by-hop
 * headers belong to one connection and are never forwarded, in either
 * direction, nor is any header the Connection header names.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function connectionListed(headers: Headers): Set<string> | undefined {
  const conn = headers.get("connection");
  if (!conn) return undefined;
  const out = new Set<string>();
  for (const part of conn.split(",")) {
    const name = part.trim().toLowerCase();
    if (name) out.add(name);
  }
  return out;
}

/**
 * A copy of `headers` without hop-by-hop headers and without `drop`. The
 * runtime copies all headers in one call and a few are deleted after, which
 * costs well under half of appending the wanted ones one by one.
 */
export function forwardableHeaders(headers: Headers, drop?: ReadonlySet<string>): Headers {
  const out = stripHopByHop(new Headers(headers));
  if (drop) for (const name of drop) out.delete(name);
  return out;
}

/**
 * Removes hop-by-hop headers from `headers` in place and returns it: for an
 * upstream response the gateway owns, editing it beats copying every header.
 */
export function stripHopByHop(headers: Headers): Headers {
  const listed = connectionListed(headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (listed) for (const name of listed) headers.delete(name);
  return headers;
}

export interface ForwardedInfo {
  clientIp: string;
  proto: "http" | "https";
  host: string;
  requestId: string;
}

/** Adds X-Forwarded-For/Proto/Host and X-Request-Id, appending to an existing X-Forwarded-For chain. */
export function addForwardedHeaders(headers: Headers, info: ForwardedInfo): void {
  const prior = headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", prior ? `${prior}, ${info.clientIp}` : info.clientIp);
  if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", info.proto);
  if (!headers.has("x-forwarded-host") && info.host) headers.set("x-forwarded-host", info.host);
  headers.set("x-request-id", info.requestId);
  // The upstream's own Host is derived from the target URL by the client.
  headers.delete("host");
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Propagates a sane client-supplied X-Request-Id; anything else is replaced. */
export function acceptRequestId(value: string | null): string | undefined {
  return value && REQUEST_ID_RE.test(value) ? value : undefined;
}
