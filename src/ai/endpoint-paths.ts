/** Path endings of the client APIs an AI service speaks; any other path there belongs to a prompt API (or to nothing). */
export const AI_ENDPOINT_ENDINGS = ["/chat/completions", "/messages", "/responses", "/embeddings", "/models"] as const;

/** Whether a request path names one of the client APIs (OpenAI's or Anthropic's), whose clients expect their error formats. */
export function isAiEndpointPath(path: string): boolean {
  const p = path.endsWith("/") ? path.slice(0, -1) : path;
  return AI_ENDPOINT_ENDINGS.some((e) => p.endsWith(e));
}
