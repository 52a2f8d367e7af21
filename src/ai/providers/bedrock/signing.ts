/**
 * SigV4 signing of Bedrock runtime requests (signing name "bedrock") with
 * aws4fetch. The path's model id is already percent-encoded; the signer
 * encodes the path once more for the canonical request, as SigV4 requires
 * for every service but S3. The returned headers carry x-amz-date,
 * x-amz-security-token (temporary credentials) and authorization; host is
 * signed from the URL and left for the HTTP client to send.
 */
import { AwsV4Signer } from "aws4fetch";
import { WaygateError } from "../../../core/errors.ts";
import type { HttpRequest, ProviderCredential } from "../../provider.ts";

export const SIGNING_SERVICE = "bedrock";

export interface SignOptions {
  region: string;
  /** Fixed timestamp (`YYYYMMDDTHHMMSSZ`) for reproducible signatures in tests. */
  datetime?: string;
}

export async function signRequest(req: HttpRequest, credential: ProviderCredential, opts: SignOptions): Promise<HttpRequest> {
  if (credential.kind !== "aws") {
    throw new WaygateError("config_invalid", "bedrock providers need AWS credentials (access_key_id and secret)");
  }
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body ?? "",
    accessKeyId: credential.accessKeyId,
    secretAccessKey: credential.secretAccessKey,
    ...(credential.sessionToken !== undefined ? { sessionToken: credential.sessionToken } : {}),
    service: SIGNING_SERVICE,
    region: opts.region,
    ...(opts.datetime !== undefined ? { datetime: opts.datetime } : {}),
  });
  const signed = await signer.sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { ...req, headers };
}
