/**
 * Headers as the call log keeps them: credentials never. Known credential
 * headers, anything named like one (x-api-key, x-auth-token, x-client-secret…)
 * and the headers a service reads credentials from are replaced by a marker.
 */
export const REDACTED = "[redacted]";

const ALWAYS: ReadonlySet<string> = new Set([
  "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-amz-security-token",
]);

const CREDENTIAL_NAME = /(^|[-_])(key|apikey|token|secret|password|passwd|auth|authorization|session|signature|credentials?|cookie)($|[-_])/i;

export function isCredentialHeader(name: string, extra: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return ALWAYS.has(lower) || extra.has(lower) || CREDENTIAL_NAME.test(lower);
}

/** A plain object of the headers (names lower-cased), credentials replaced. */
export function redactHeaders(headers: Headers, extra: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = isCredentialHeader(name, extra) ? REDACTED : value;
  return out;
}
