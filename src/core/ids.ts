export function newId(): string {
  return crypto.randomUUID();
}

/** Request ids: short, URL-safe, unique enough for correlating logs. */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
