/**
 * Bedrock Runtime's HTTP errors: a `{"message": ...}` body with the
 * exception name in `x-amzn-ErrorType` (with the service's coral suffix, as
 * AWS sends it; SDKs strip everything after the colon).
 */

const CORAL_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

export type BedrockException =
  | "ValidationException"
  | "AccessDeniedException"
  | "ResourceNotFoundException"
  | "ModelTimeoutException"
  | "ModelErrorException"
  | "ModelNotReadyException"
  | "ThrottlingException"
  | "ServiceQuotaExceededException"
  | "InternalServerException"
  | "ServiceUnavailableException";

const MESSAGES: Record<BedrockException, string> = {
  ValidationException: "The provided request is not valid",
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: "The provided model identifier is invalid.",
  ModelTimeoutException: "Model has timed out in processing the request. Try your request again.",
  ModelErrorException: "The model returned an error while processing the request.",
  ModelNotReadyException: "The model is not ready to serve inference requests. The AWS SDK will automatically retry the operation.",
  ThrottlingException: "Too many requests, please wait before trying again.",
  ServiceQuotaExceededException: "Your request exceeds the service quota for your account.",
  InternalServerException: "The system encountered an unexpected error during processing. Try your request again.",
  ServiceUnavailableException: "Bedrock is unable to process your request.",
};

export function exceptionForStatus(status: number): BedrockException {
  switch (status) {
    case 401:
    case 403:
      return "AccessDeniedException";
    case 404:
      return "ResourceNotFoundException";
    case 408:
      return "ModelTimeoutException";
    case 424:
      return "ModelErrorException";
    case 429:
      return "ThrottlingException";
    case 502:
    case 503:
    case 504:
    case 529:
      return "ServiceUnavailableException";
    default:
      return status >= 500 ? "InternalServerException" : "ValidationException";
  }
}

export function awsError(status: number, errorType: string, message: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": errorType, "x-amzn-requestid": crypto.randomUUID(), ...extra },
  });
}

export function bedrockError(status: number, exception: BedrockException, message = MESSAGES[exception], extra: Record<string, string> = {}): Response {
  return awsError(status, `${exception}${CORAL_SUFFIX}`, message, extra);
}

export function bedrockStatusError(status: number, retryAfterSeconds?: number): Response {
  const extra: Record<string, string> = retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) };
  return bedrockError(status, exceptionForStatus(status), undefined, extra);
}

export class BedrockInvalid extends Error {}

export function invalid(message: string): never {
  throw new BedrockInvalid(message);
}
