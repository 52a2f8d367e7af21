/**
 * JWT test kit: key pairs, signed tokens, a JWKS server that counts its
 * requests, and JWT credentials written the way the admin API writes them
 * (HMAC secrets sealed with the test gateway's master key).
 */
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import type { Credential } from "../../src/config/entities.ts";
import { createEntity } from "../../src/control/resources.ts";
import type { Store } from "../../src/store/store.ts";
import { TEST_SECRETS } from "./gateway.ts";

export interface KeyPair {
  alg: string;
  privateKey: CryptoKey;
  pem: string;
  jwk: JWK;
}

export async function keyPair(alg: string): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

export interface SignOptions {
  alg: string;
  kid?: string;
  /** Seconds from now; omit for a token without exp. */
  expiresIn?: number;
  notBefore?: number;
}

export async function sign(key: CryptoKey | Uint8Array, claims: JWTPayload, opts: SignOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg, ...(opts.kid ? { kid: opts.kid } : {}) }).setIssuedAt(now);
  if (opts.expiresIn !== undefined) jwt.setExpirationTime(now + opts.expiresIn);
  if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
  return jwt.sign(key);
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An unsecured token (`alg: none`), which no credential may accept. */
export function unsecured(claims: JWTPayload): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
}

/** The same token with its payload swapped for `claims` and the original signature kept. */
export function tampered(token: string, claims: JWTPayload): string {
  const [head, , sig] = token.split(".");
  return `${head}.${b64url(claims)}.${sig}`;
}

export const hmacKey = (secret: string) => new TextEncoder().encode(secret);

/** A JWKS endpoint whose key list can change at run time and which counts how often it is asked. */
export class JwksServer {
  requests = 0;
  keys: JWK[] = [];
  /** When set, every request is answered with this status instead of the keys. */
  failWith: number | null = null;
  private server: ReturnType<typeof Bun.serve> | undefined;

  start(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => {
        this.requests++;
        if (this.failWith !== null) return new Response("unavailable", { status: this.failWith });
        return Response.json({ keys: this.keys });
      },
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server!.port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
  }
}

/** Creates a jwt credential through the admin API's write path; throws with the error body when refused. */
export async function jwtCredential(store: Store, applicationId: string, name: string, jwt: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Credential> {
  const res = await createEntity(store, "credentials", { name, application_id: applicationId, kind: "jwt", jwt, ...extra }, { secrets: TEST_SECRETS });
  return res.body as Credential;
}
