/**
 * AWS event-stream framing (application/vnd.amazon.eventstream). Each frame
 * starts with its total length (4 bytes, big-endian), so frames are cut from
 * the buffered bytes however the network split them, then decoded and
 * CRC-checked by @smithy/eventstream-codec.
 */
import { EventStreamCodec, type Message } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Smallest valid frame: 12-byte prelude + 4-byte message CRC. */
const MIN_FRAME = 16;

export interface EventFrame {
  headers: Record<string, string>;
  body: string;
}

export class EventStreamFramer {
  private buffer: Uint8Array = new Uint8Array(0);

  /** The frames the bytes so far complete. Throws on a corrupt frame (bad length or CRC). */
  push(chunk: Uint8Array): EventFrame[] {
    this.buffer = concat(this.buffer, chunk);
    const frames: EventFrame[] = [];
    while (this.buffer.length >= 4) {
      const total = new DataView(this.buffer.buffer, this.buffer.byteOffset, 4).getUint32(0, false);
      if (total < MIN_FRAME) throw new Error(`event stream frame length ${total} is invalid`);
      if (this.buffer.length < total) break;
      frames.push(toFrame(codec.decode(this.buffer.subarray(0, total))));
      this.buffer = this.buffer.subarray(total);
    }
    return frames;
  }

  /** Bytes of an unfinished frame left over. */
  get pending(): number {
    return this.buffer.length;
  }
}

function toFrame(msg: Message): EventFrame {
  const headers: Record<string, string> = {};
  for (const [name, h] of Object.entries(msg.headers)) if (h.type === "string") headers[name] = h.value;
  return { headers, body: toUtf8(msg.body) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Encodes a frame (tests and the provider simulator build ConverseStream bodies with it). */
export function encodeFrame(headers: Record<string, string>, body: string): Uint8Array {
  const typed: Message["headers"] = {};
  for (const [name, value] of Object.entries(headers)) typed[name] = { type: "string", value };
  return codec.encode({ headers: typed, body: fromUtf8(body) });
}
