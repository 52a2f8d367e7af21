/**
 * Verifies one JWT against one credential's settings with jose: the
 * algorithm must be one the credential allows (`none` never is), the
 * signature must verify with one of its static keys or a key of its JWKS,
 * and issuer, audience, expiry and not-before must hold, within the clock
 * tolerance. Claims are only looked at once the signature has verified.
 */
import { errors, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify, type ProtectedHeaderParameters } from "jose";
import { JWT_ALGORITHMS, type JwtAlgorithm, type StoredJwt } from "../../config/auth-entities.ts";
import { WaygateError } from "../../core/errors.ts";
import { candidateKeys, type StaticKey } from "./jwt-keys.ts";
import { KeySetUnavailable, type RemoteKeySet } from "./remote-key-set.ts";

const invalid = (message: string) => new WaygateError("invalid_credential", message);

function isAlgorithm(alg: unknown): alg is JwtAlgorithm {
  return typeof alg === "string" && (JWT_ALGORITHMS as readonly string[]).includes(alg);
}

const CLAIM_MESSAGES: Record<string, string> = {
  nbf: "the token is not valid yet (nbf)",
  iat: "the token's issue time (iat) is not valid",
  iss: "the token's issuer is not accepted",
  aud: "the token's audience is not accepted",
  exp: "the token has no expiry (exp)",
};

function refusal(err: unknown): WaygateError {
  if (err instanceof KeySetUnavailable) return new WaygateError("jwks_unavailable", `the issuer's key set cannot be fetched: ${err.message}`);
  if (err instanceof errors.JWTExpired) return new WaygateError("credential_expired", "the token has expired");
  if (err instanceof errors.JWTClaimValidationFailed) return invalid(CLAIM_MESSAGES[err.claim] ?? `the token's ${err.claim} claim is not valid`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid("the token's signature does not verify");
  if (err instanceof errors.JWKSNoMatchingKey) return invalid("no key of the issuer matches the token");
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid("the token's algorithm is not accepted");
  if (err instanceof errors.JOSEError) return invalid("the token is not valid");
  throw err;
}

export class JwtVerifier {
  private readonly options: JWTVerifyOptions;
  private readonly remote: JWTVerifyGetKey | undefined;

  constructor(
    private readonly settings: StoredJwt,
    private readonly keys: readonly StaticKey[],
    remote: RemoteKeySet | undefined,
  ) {
    this.options = {
      algorithms: settings.algorithms,
      issuer: settings.issuer,
      ...(settings.audiences.length > 0 ? { audience: settings.audiences } : {}),
      clockTolerance: settings.clock_tolerance_seconds,
      requiredClaims: settings.require_expiry ? ["exp"] : [],
    };
    this.remote = remote?.getKey;
  }

  /** The verified payload, or why the token is refused. */
  async verify(token: string, header: ProtectedHeaderParameters): Promise<JWTPayload | WaygateError> {
    const alg = header.alg;
    if (!isAlgorithm(alg) || !this.settings.algorithms.includes(alg)) return invalid("the token's algorithm is not accepted");
    let firstError: unknown;
    for (const key of candidateKeys(this.keys, alg, header.kid)) {
      try {
        return (await jwtVerify(token, key.key, this.options)).payload;
      } catch (err) {
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) return refusal(err);
        firstError ??= err;
      }
    }
    if (this.remote) return this.verifyRemote(token);
    return refusal(firstError ?? new errors.JWKSNoMatchingKey());
  }

  private async verifyRemote(token: string): Promise<JWTPayload | WaygateError> {
    try {
      return (await jwtVerify(token, this.remote!, this.options)).payload;
    } catch (err) {
      if (!(err instanceof errors.JWKSMultipleMatchingKeys)) return refusal(err);
      // Several published keys fit (no kid in the token): the first whose signature verifies wins.
      for await (const key of err) {
        try {
          return (await jwtVerify(token, key, this.options)).payload;
        } catch (inner) {
          if (!(inner instanceof errors.JWSSignatureVerificationFailed)) return refusal(inner);
        }
      }
      return refusal(new errors.JWSSignatureVerificationFailed());
    }
  }
}
