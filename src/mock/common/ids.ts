/** Random ids in each provider's shape. */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomAlnum(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export function prefixedId(prefix: string, length = 24): string {
  return `${prefix}${randomAlnum(length)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
