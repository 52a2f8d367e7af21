/**
 * A captured body as stored text: masked, then cut at the capture limit on
 * a character boundary. Masking sees a little more than is kept, so a
 * secret straddling the cut is masked rather than kept in part.
 */
/** Masks text of a body of the given content type (null: plain text, e.g. an assembled AI answer). */
export type MaskText = (text: string, contentType: string | null) => string;

/** Text past the cut that masking still looks at. */
const MASK_MARGIN = 1024;

export interface CapturedText {
  text: string;
  truncated: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Bytes as UTF-8 text, or null for binary content. */
export function bodyText(bytes: Uint8Array, maxBytes: number): { text: string; more: boolean } | null {
  const more = bytes.byteLength > maxBytes + MASK_MARGIN;
  let view = more ? bytes.subarray(0, maxBytes + MASK_MARGIN) : bytes;
  // A cut may split a character: step back to the start of the last whole one.
  if (more) {
    let end = view.byteLength;
    let back = 0;
    while (back < 4 && end > 0 && (view[end - 1]! & 0xc0) === 0x80) (end--, back++);
    if (end > 0 && view[end - 1]! >= 0xc0) end--;
    view = view.subarray(0, end);
  }
  try {
    return { text: decoder.decode(view), more };
  } catch {
    return null;
  }
}

/** Masks, then keeps at most `maxBytes` bytes of UTF-8. */
export function captureText(text: string, more: boolean, maxBytes: number, mask: MaskText, contentType: string | null = null): CapturedText {
  const masked = mask(text, contentType);
  const bytes = Buffer.byteLength(masked);
  if (bytes <= maxBytes) return { text: masked, truncated: more };
  let kept = Buffer.from(masked).subarray(0, maxBytes).toString("utf8");
  if (kept.endsWith("\uFFFD")) kept = kept.slice(0, -1);
  return { text: kept, truncated: true };
}

/** A body of bytes as captured text; binary bodies are described, not kept. */
export function captureBytes(bytes: Uint8Array, contentType: string | null, maxBytes: number, mask: MaskText): CapturedText {
  if (bytes.byteLength === 0) return { text: "", truncated: false };
  const decoded = bodyText(bytes, maxBytes);
  if (!decoded) return { text: `[binary body, ${bytes.byteLength} bytes]`, truncated: false };
  return captureText(decoded.text, decoded.more, maxBytes, mask, contentType);
}
