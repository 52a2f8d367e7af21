/**
 * Secrets at rest (provider keys, upstream credentials): AES-256-GCM with a
 * random 96-bit nonce per value. The stored form is
 * `v1:<key id>:<nonce b64>:<ciphertext+tag b64>`, so values encrypted under
 * an older master key can be recognised and re-encrypted by a rotation.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { WaygateError } from "./errors.ts";

export class SecretBox {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new WaygateError("config_invalid", "the master key must be 32 bytes");
    this.key = masterKey;
    this.keyId = createHash("sha256").update(masterKey).digest("hex").slice(0, 8);
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${this.keyId}:${nonce.toString("base64")}:${body.toString("base64")}`;
  }

  decrypt(stored: string): string {
    const parts = stored.split(":");
    if (parts.length !== 4 || parts[0] !== "v1") throw new WaygateError("internal_error", "not an encrypted secret");
    if (parts[1] !== this.keyId) throw new WaygateError("internal_error", `secret was encrypted under another master key (${parts[1]})`);
    const nonce = Buffer.from(parts[2]!, "base64");
    const body = Buffer.from(parts[3]!, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, nonce);
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  }

  /** `previous` when it still decrypts to `clear` (keeps unchanged documents byte-equal), else a new ciphertext. */
  reseal(clear: string, previous: string | undefined): string {
    if (previous !== undefined && previous.split(":")[1] === this.keyId) {
      try {
        if (this.decrypt(previous) === clear) return previous;
      } catch {
        // Unreadable previous value: replaced below.
      }
    }
    return this.encrypt(clear);
  }
}

/** The last four characters, enough to tell keys apart in a list. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? "****" : `****${secret.slice(-4)}`;
}

/**
 * The master key: WAYGATE_MASTER_KEY (base64 of 32 bytes) when set; else the
 * key file, generated with mode 0600 on first start.
 */
export function loadMasterKey(keyFile: string, env: Record<string, string | undefined> = process.env): Buffer {
  const fromEnv = env.WAYGATE_MASTER_KEY;
  if (fromEnv) {
    const key = Buffer.from(fromEnv, "base64");
    if (key.length !== 32) throw new WaygateError("config_invalid", "WAYGATE_MASTER_KEY must be the base64 encoding of 32 bytes");
    return key;
  }
  if (existsSync(keyFile)) {
    const key = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64");
    if (key.length !== 32) throw new WaygateError("config_invalid", `${keyFile} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString("base64")}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key;
}
