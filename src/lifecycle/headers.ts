/**
 * The response headers that announce a deprecation: Deprecation (RFC 9745,
 * a structured-field date `@<epoch seconds>`), Sunset (RFC 8594, an
 * HTTP-date) and Link (RFC 8288) to the successor (rel="successor-version")
 * and to the deprecation's documentation (rel="deprecation").
 */
export interface LifecycleNotice {
  deprecatedAt?: string | undefined;
  sunsetAt?: string | undefined;
  successorUrl?: string | undefined;
  deprecationLink?: string | undefined;
}

/** RFC 9745 §2.1: an sf-date, whole seconds since the epoch. */
export function deprecationValue(iso: string): string {
  return `@${Math.floor(Date.parse(iso) / 1000)}`;
}

/** RFC 8594 §3: an HTTP-date (IMF-fixdate). */
export function sunsetValue(iso: string): string {
  return new Date(iso).toUTCString();
}

function linkTarget(url: string): string {
  return `<${url.replace(/[<>\s]/g, encodeURIComponent)}>`;
}

export function linkValue(notice: LifecycleNotice): string | undefined {
  const links: string[] = [];
  if (notice.successorUrl !== undefined) links.push(`${linkTarget(notice.successorUrl)}; rel="successor-version"`);
  if (notice.deprecationLink !== undefined) links.push(`${linkTarget(notice.deprecationLink)}; rel="deprecation"; type="text/html"`);
  return links.length > 0 ? links.join(", ") : undefined;
}

/** Adds the notice to response headers, keeping any Link the upstream sent. */
export function addDeprecationHeaders(headers: Headers, notice: LifecycleNotice): void {
  if (notice.deprecatedAt !== undefined) headers.set("deprecation", deprecationValue(notice.deprecatedAt));
  if (notice.sunsetAt !== undefined) headers.set("sunset", sunsetValue(notice.sunsetAt));
  const link = linkValue(notice);
  if (link !== undefined) headers.append("link", link);
}
