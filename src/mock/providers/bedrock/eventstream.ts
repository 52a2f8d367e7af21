/**
 * AWS event stream framing for ConverseStream: each stream event is one
 * binary frame (prelude, headers, JSON payload, CRCs) so the official SDK's
 * decoder and the gateway's own decoder see exactly what Bedrock sends.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export type ConverseStreamEventType =
  | "messageStart"
  | "contentBlockStart"
  | "contentBlockDelta"
  | "contentBlockStop"
  | "messageStop"
  | "metadata";

export type ConverseStreamExceptionType =
  | "internalServerException"
  | "modelStreamErrorException"
  | "validationException"
  | "throttlingException"
  | "serviceUnavailableException";

function str(value: string) {
  return { type: "string" as const, value };
}

export function encodeEventFrame(eventType: ConverseStreamEventType, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": str(eventType),
      ":content-type": str("application/json"),
      ":message-type": str("event"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export function encodeExceptionFrame(exceptionType: ConverseStreamExceptionType, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": str(exceptionType),
      ":content-type": str("application/json"),
      ":message-type": str("exception"),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Decodes a whole ConverseStream body back into frames; used by tests and diagnostics. */
export function decodeFrames(bytes: Uint8Array): Array<{ headers: Record<string, string>; payload: unknown }> {
  const out: Array<{ headers: Record<string, string>; payload: unknown }> = [];
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
    const total = view.getUint32(0);
    if (offset + total > bytes.length) break;
    const msg = codec.decode(bytes.subarray(offset, offset + total));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(msg.headers)) headers[k] = String(v.value);
    out.push({ headers, payload: JSON.parse(toUtf8(msg.body)) });
    offset += total;
  }
  return out;
}
