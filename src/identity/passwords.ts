/**
 * Passwords are hashed with argon2id. A login for a user that does not
 * exist still verifies against a real hash, so the answer takes about as
 * long as a wrong password and timing does not tell which names exist.
 */
import { WaygateError } from "../core/errors.ts";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * OWASP's argon2id setting (19 MiB, 2 passes): each hash holds its memory
 * while it runs, so a gateway answering a burst of logins must not need
 * 64 MiB apiece (the library default). Parameters travel in the hash, so
 * hashes made with other settings still verify.
 */
const ARGON2 = { algorithm: "argon2id", memoryCost: 19 * 1024, timeCost: 2 } as const;

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, ARGON2);
}

let decoy: Promise<string> | undefined;

/** Computes the decoy hash ahead of the first login, so that login is not slower than the rest. */
export function primeDecoy(): void {
  decoy ??= hashPassword(crypto.randomUUID());
}

/** Verifies `password` against `hash`, or against a decoy hash (always false) when there is none. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash === null) {
    primeDecoy();
    await Bun.password.verify(password, await (decoy as Promise<string>)).catch(() => false);
    return false;
  }
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
}

/** A new password must be long enough to resist guessing; length beats composition rules. */
export function checkNewPassword(value: unknown, path = "password"): string {
  if (typeof value !== "string" || value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new WaygateError("validation_failed", "invalid password", {
      details: [{ path, message: `must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters` }],
    });
  }
  return value;
}
