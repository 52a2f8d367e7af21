/**
 * Token quota headers, named as OpenAI names its own (x-ratelimit-*-tokens)
 * so clients that read those read these: the limit, what is left of it as
 * of the request's start, and the time until the window resets (a duration
 * in seconds, "42s"). With several token limits on one request the most
 * restrictive (fewest remaining) is reported.
 */
export interface TokenQuotaView {
  limit: number;
  used: number;
  resetSeconds: number;
}

export function setTokenQuotaHeaders(headers: Headers, view: TokenQuotaView): void {
  const remaining = Math.max(0, view.limit - view.used);
  const shown = headers.get("x-ratelimit-remaining-tokens");
  if (shown !== null && Number(shown) <= remaining) return;
  headers.set("x-ratelimit-limit-tokens", String(view.limit));
  headers.set("x-ratelimit-remaining-tokens", String(remaining));
  headers.set("x-ratelimit-reset-tokens", `${view.resetSeconds}s`);
}
