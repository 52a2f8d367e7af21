/**
 * Where the CLI finds the master key that seals provider secrets: the data
 * directory's master.key (generated on first use), unless WAYGATE_MASTER_KEY
 * is set. `waygate serve` keeps the same file beside its database.
 */
import { join } from "node:path";
import { SecretBox, loadMasterKey } from "../core/secrets.ts";

export const DEFAULT_DATA_DIR = "./data";

export const DATA_DIR_OPTION_HELP = `  --data-dir DIR  Directory holding master.key (default: $WAYGATE_DATA_DIR or ${DEFAULT_DATA_DIR});
                  WAYGATE_MASTER_KEY (base64 of 32 bytes) takes precedence`;

export function dataDir(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return flag ?? env.WAYGATE_DATA_DIR ?? DEFAULT_DATA_DIR;
}

export function masterKeyFile(dir: string): string {
  return join(dir, "master.key");
}

export function openSecretBox(dir: string, env: Record<string, string | undefined> = process.env): SecretBox {
  return new SecretBox(loadMasterKey(masterKeyFile(dir), env));
}
