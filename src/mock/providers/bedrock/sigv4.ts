/**
 * SigV4 verification for the simulated Bedrock Runtime. The simulator knows
 * one credential pair; a request is recomputed with aws4fetch from exactly
 * the headers the client said it signed, so any drift between the gateway's
 * signer and AWS's canonicalisation shows up as the same 403 AWS would send.
 */
import { AwsV4Signer } from "aws4fetch";

export const MOCK_AWS_ACCESS_KEY_ID = "AKIDMOCK";
export const MOCK_AWS_SECRET_ACCESS_KEY = "mock-secret";
export const MOCK_AWS_DEFAULT_REGION = "us-east-1";

export type SigV4Failure = {
  status: number;
  errorType:
    | "MissingAuthenticationTokenException"
    | "IncompleteSignatureException"
    | "UnrecognizedClientException"
    | "InvalidSignatureException";
  message: string;
};

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/;

/** The region a real endpoint host names (bedrock-runtime.<region>.amazonaws.com), else the configured default. */
export function regionFromHost(host: string, fallback: string): string {
  const m = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$/.exec(host);
  return m?.[1] ?? fallback;
}

function fail(status: number, errorType: SigV4Failure["errorType"], message: string): SigV4Failure {
  return { status, errorType, message };
}

async function sha256Hex(body: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", body);
  return Buffer.from(digest).toString("hex");
}

/** Returns null when the request is correctly signed by the known credentials. */
export async function verifySigV4(
  req: Request,
  body: ArrayBuffer,
  opts: { region: string; service?: string },
): Promise<SigV4Failure | null> {
  const service = opts.service ?? "bedrock";
  const auth = req.headers.get("authorization");
  if (auth === null) return fail(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = AUTH_RE.exec(auth);
  if (!m) {
    return fail(400, "IncompleteSignatureException", `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth}`);
  }
  const [, credential = "", signedHeaderList = "", signature = ""] = m;
  const scope = credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") {
    return fail(400, "IncompleteSignatureException", `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId = "", date = "", region = "", scopeService = ""] = scope;
  if (accessKeyId !== MOCK_AWS_ACCESS_KEY_ID) {
    return fail(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  if (scopeService !== service) {
    return fail(403, "InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `);
  }
  if (region !== opts.region) {
    return fail(403, "InvalidSignatureException", `Credential should be scoped to a valid region. `);
  }
  const datetime = req.headers.get("x-amz-date");
  const signed = signedHeaderList.split(";");
  if (datetime === null || !signed.includes("host")) {
    return fail(400, "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!datetime.startsWith(date)) {
    return fail(403, "InvalidSignatureException", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${datetime.slice(0, 8)}', from '${datetime}'.`);
  }
  const payloadHash = req.headers.get("x-amz-content-sha256");
  if (payloadHash !== null && payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== (await sha256Hex(body))) {
    return fail(400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const headers = new Headers();
  for (const name of signed) {
    if (name === "host") continue;
    const value = req.headers.get(name);
    if (value === null) return fail(403, "InvalidSignatureException", SIGNATURE_MISMATCH);
    headers.set(name, value.trim());
  }
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url,
    headers,
    body,
    accessKeyId,
    secretAccessKey: MOCK_AWS_SECRET_ACCESS_KEY,
    service,
    region,
    datetime,
    allHeaders: true,
  });
  const expected = await signer.signature();
  return expected === signature ? null : fail(403, "InvalidSignatureException", SIGNATURE_MISMATCH);
}
