/**
 * Body capture as a policy in the route's chain, added for services and
 * routes with `log_bodies` (see attach.ts): it puts the request headers and
 * body, the response headers and body (for AI answers, the text as the
 * client got it, streamed or not) on the call record, masked and capped.
 *
 * Capturing the request body means reading it whole before it goes
 * upstream (within the service's body limit); capturing REST responses
 * means buffering textual ones. Routes without capture are not touched.
 */
import type { ChatResponse, ChatStreamEvent } from "../../ai/types.ts";
import type { LogBodies } from "../../config/call-log-entities.ts";
import { bufferedBody } from "../../gateway/buffered-body.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { ChatStreamFilter, Policy } from "../../policies/policy.ts";
import type { CapturedBodies } from "../../telemetry/call-record.ts";
import { redactHeaders } from "./redact.ts";
import { captureBytes, captureText, type MaskText } from "./text.ts";

export interface CaptureOptions {
  spec: LogBodies;
  /** Masks text before it is stored. */
  mask: MaskText;
  /** Lower-cased header names this service reads credentials from, redacted besides the usual ones. */
  credentialHeaders: ReadonlySet<string>;
}

function bodiesOf(ctx: RequestContext, credentialHeaders: ReadonlySet<string>): CapturedBodies {
  ctx.record.bodies ??= {
    request_headers: redactHeaders(ctx.req.headers, credentialHeaders),
    request_body: null,
    response_headers: {},
    response_body: null,
    truncated: false,
  };
  return ctx.record.bodies;
}

/** The answer's text as the client reads it: each choice's content (or refusal), choices apart by a blank line. */
function answerText(response: ChatResponse): string {
  return response.choices.map((c) => c.message.content ?? c.message.refusal ?? "").join("\n\n");
}

function streamCapture(ctx: RequestContext, opts: CaptureOptions): ChatStreamFilter {
  const texts = new Map<number, string[]>();
  const maxChars = opts.spec.max_bytes + 1024;
  let size = 0;
  return {
    push(event: ChatStreamEvent) {
      // Only as much as can be kept (and masked across the cut) is assembled; the stream itself passes untouched.
      if ((event.type === "text" || event.type === "refusal") && size < maxChars) {
        const parts = texts.get(event.choice) ?? [];
        parts.push(event.text);
        texts.set(event.choice, parts);
        size += event.text.length;
      }
      return [event];
    },
    flush() {
      const body = bodiesOf(ctx, opts.credentialHeaders);
      const text = [...texts.entries()].sort(([a], [b]) => a - b).map(([, parts]) => parts.join("")).join("\n\n");
      const kept = captureText(text, size >= maxChars, opts.spec.max_bytes, opts.mask);
      body.response_body = kept.text;
      body.truncated ||= kept.truncated;
      return [];
    },
  };
}

export function bodyCapturePolicy(name: string, opts: CaptureOptions): Policy {
  const { spec } = opts;
  // Nothing to keep (a route turning its service's capture off): a policy without hooks still replaces the service's.
  if (!spec.request && !spec.response) return { name };
  const policy: Policy = {
    name,
    async onRequest(ctx) {
      const body = bodiesOf(ctx, opts.credentialHeaders);
      if (!spec.request) return undefined;
      const bytes = await bufferedBody(ctx);
      // Too large or malformed: the request fails on its own with that error; the call is logged without the body.
      if (!(bytes instanceof Uint8Array)) return undefined;
      const kept = captureBytes(bytes, ctx.req.headers.get("content-type"), spec.max_bytes, opts.mask);
      body.request_body = kept.text;
      body.truncated ||= kept.truncated;
      return undefined;
    },
    onResponse(ctx, headers) {
      bodiesOf(ctx, opts.credentialHeaders).response_headers = redactHeaders(headers, opts.credentialHeaders);
    },
  };
  if (!spec.response) return policy;
  policy.onResponseBody = (ctx, bytes, contentType) => {
    const body = bodiesOf(ctx, opts.credentialHeaders);
    const kept = captureBytes(bytes, contentType, spec.max_bytes, opts.mask);
    body.response_body = kept.text;
    body.truncated ||= kept.truncated;
    return bytes;
  };
  policy.ai = {
    chatResponse(ctx, response) {
      const body = bodiesOf(ctx, opts.credentialHeaders);
      const kept = captureText(answerText(response), false, spec.max_bytes, opts.mask);
      body.response_body = kept.text;
      body.truncated ||= kept.truncated;
      return response;
    },
    chatStream: (ctx) => streamCapture(ctx, opts),
  };
  return policy;
}
