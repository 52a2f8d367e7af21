/**
 * Guardrails: requests whose prompt (or REST body) contains a denied keyword
 * or pattern are refused with 400 guardrail_violation before any provider or
 * upstream sees them; answers that contain one are refused instead of being
 * delivered — a whole answer with 400 guardrail_violation, a streamed one by
 * ending the stream with an error event in the client's format. Instances
 * stack: every attached guardrail applies.
 */
import type { ChatRequest, ChatResponse, ContentPart } from "../../ai/types.ts";
import { WaygateError } from "../../core/errors.ts";
import { bufferedBody } from "../../gateway/buffered-body.ts";
import type { RequestContext } from "../../gateway/context.ts";
import { REWRITE_MAX_BYTES, textualMediaType } from "../../gateway/response-rewrite.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy } from "../policy.ts";
import { type Matcher, compileMatcher } from "./matcher.ts";
import { type GuardrailConfig, guardrailSchema } from "./schema.ts";
import { guardrailStreamFilter } from "./stream.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

function partsMatch(m: Matcher, parts: readonly ContentPart[]): boolean {
  return parts.some((p) => p.type === "text" && m.test(p.text));
}

export function promptMatches(m: Matcher, req: ChatRequest): boolean {
  return req.messages.some((msg) => {
    if (partsMatch(m, msg.content)) return true;
    if (msg.role !== "assistant") return false;
    return (msg.refusal !== undefined && m.test(msg.refusal)) || (msg.toolCalls ?? []).some((c) => m.test(c.arguments));
  });
}

export function answerMatches(m: Matcher, res: ChatResponse): boolean {
  return res.choices.some(({ message }) => {
    if (message.content !== null && m.test(message.content)) return true;
    if (typeof message.refusal === "string" && m.test(message.refusal)) return true;
    return (message.toolCalls ?? []).some((c) => m.test(c.arguments));
  });
}

/** Every string in a JSON document (names included), decoded: escapes cannot hide a keyword. */
function jsonStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      jsonStrings(v, out);
    }
  }
}

/** Textual request bodies declared no larger than REWRITE_MAX_BYTES are checked; others pass unchecked. */
async function checkRequestBody(ctx: RequestContext, m: Matcher, refuse: () => WaygateError): Promise<WaygateError | undefined> {
  // AI requests are checked in their unified form (ai.chatRequest).
  if (ctx.route?.service.service.kind === "ai") return undefined;
  const h = ctx.req.headers;
  const type = textualMediaType(h.get("content-type"));
  const encoding = h.get("content-encoding");
  const declared = h.get("content-length");
  if (!type || (encoding && encoding.toLowerCase() !== "identity") || (declared !== null && Number(declared) > REWRITE_MAX_BYTES)) return undefined;
  const body = await bufferedBody(ctx);
  if (body instanceof WaygateError) return body;
  if (body.byteLength === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return undefined;
  }
  if (m.test(text)) return refuse();
  const strings: string[] = [];
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      jsonStrings(JSON.parse(text), strings);
    } catch {
      // Not JSON after all: the raw text was checked.
    }
  } else if (type === "application/x-www-form-urlencoded") {
    for (const [k, v] of new URLSearchParams(text)) strings.push(k, v);
  }
  return strings.some((s) => m.test(s)) ? refuse() : undefined;
}

function buildGuardrail(config: GuardrailConfig, name: string): Policy {
  const m = compileMatcher(config);
  const refused = (what: string) => () => new WaygateError("guardrail_violation", config.message ?? `the ${what} was refused by the guardrail policy '${name}'`);
  const request = refused("request");
  const prompt = refused("prompt");
  const answer = refused("answer");
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = { name };
  const ai: NonNullable<Policy["ai"]> = {};
  if (config.apply_to.includes("request")) {
    policy.onRequest = (ctx) => checkRequestBody(ctx, m, request);
    ai.chatRequest = (_ctx, req) => (promptMatches(m, req) ? prompt() : req);
    ai.embeddingsRequest = (_ctx, req) => (req.input.some((t) => m.test(t)) ? request() : req);
  }
  if (config.apply_to.includes("response")) {
    ai.chatResponse = (_ctx, res) => (answerMatches(m, res) ? answer() : res);
    ai.chatStream = () => guardrailStreamFilter(m, answer);
  }
  policy.ai = ai;
  return policy;
}

export const kind: PolicyKind<typeof guardrailSchema> = {
  kind: "guardrail",
  description: "Refuse prompts, request bodies and answers containing denied keywords or patterns (400 guardrail_violation)",
  schema: guardrailSchema,
  combine: "stack",
  build: (config, ctx) => buildGuardrail(config, ctx.name),
};
