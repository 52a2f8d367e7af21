/**
 * Request bodies by media type. A request's Content-Type picks the most
 * specific entry of the operation's `content`: the exact type, then its
 * `type/*` range, then the catch-all range. JSON (`application/json`, `+json`) and URL-encoded forms are
 * validated against the entry's schema; other media types are only checked
 * for being allowed, and their bodies stream to the upstream unread.
 */

export type BodyFormat = "json" | "form" | "opaque";

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function essence(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

export function formatOf(mediaType: string): BodyFormat {
  if (mediaType === "application/json" || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(mediaType)) return "json";
  if (mediaType === "application/x-www-form-urlencoded") return "form";
  return "opaque";
}

export function pickMedia<T extends { mediaType: string }>(entries: readonly T[], contentType: string): T | undefined {
  const want = essence(contentType);
  const slash = want.indexOf("/");
  const range = slash > 0 ? `${want.slice(0, slash)}/*` : undefined;
  return entries.find((e) => e.mediaType === want) ?? entries.find((e) => e.mediaType === range) ?? entries.find((e) => e.mediaType === "*/*");
}
