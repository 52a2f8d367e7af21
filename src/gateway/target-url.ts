/** Target URLs parsed once, not per request. */
const cache = new Map<string, { base: string; origin: string }>();

export function targetParts(url: string): { base: string; origin: string } {
  let parts = cache.get(url);
  if (!parts) {
    parts = { base: url.replace(/\/+$/, ""), origin: new URL(url).origin };
    if (cache.size > 10_000) cache.clear();
    cache.set(url, parts);
  }
  return parts;
}
