/**
 * The bootstrap admin token. From WAYGATE_ADMIN_TOKEN when set; otherwise
 * generated on first start, printed once, and kept only as a SHA-256 hash
 * under the data directory — like every other credential, never in clear.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashApiKey } from "../core/keys.ts";

export type AdminTokenCheck = { kind: "plain"; token: string } | { kind: "sha256"; hash: string };

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function generate(): string {
  let out = "wgadm_";
  for (const b of crypto.getRandomValues(new Uint8Array(32))) out += ALPHABET[b % 62];
  return out;
}

export function resolveAdminToken(dataDir: string, env: Record<string, string | undefined> = process.env): { check: AdminTokenCheck; created?: string } {
  const fromEnv = env.WAYGATE_ADMIN_TOKEN;
  if (fromEnv) return { check: { kind: "plain", token: fromEnv } };
  const file = join(dataDir, "admin-token.sha256");
  if (existsSync(file)) {
    const hash = readFileSync(file, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(hash)) return { check: { kind: "sha256", hash } };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = generate();
  writeFileSync(file, `${hashApiKey(token)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { check: { kind: "sha256", hash: hashApiKey(token) }, created: token };
}
