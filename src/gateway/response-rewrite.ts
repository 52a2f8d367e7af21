/**
 * Responses that policies rewrite (Policy.onResponseBody, e.g. masking):
 * which policies of a chain do, which response bodies they may see, and
 * reading such a body whole up to a cap, decoding it when it is compressed.
 * Routes whose chain has no such policy never get here, so their responses
 * keep streaming untouched.
 */
import * as zlib from "node:zlib";
import type { Policy } from "../policies/policy.ts";
import { concatChunks } from "./buffered-body.ts";

/** Bodies up to this size are read whole and rewritten; larger ones stream through untouched. */
export const REWRITE_MAX_BYTES = 1024 * 1024;

/** The chain's body rewriters in chain order, or undefined (the usual case) when it has none. */
export function bodyRewriters(chain: readonly Policy[] | undefined): Policy[] | undefined {
  if (!chain) return undefined;
  let out: Policy[] | undefined;
  for (const p of chain) if (p.onResponseBody) (out ??= []).push(p);
  return out;
}

/**
 * The media type of a textual, UTF-8 content type (`application/json`,
 * `text/html; charset=utf-8`), lower-cased; undefined for anything else —
 * binary types, other charsets, and event streams (they never end).
 */
export function textualMediaType(contentType: string | null): string | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(";");
  const essence = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (semi >= 0) {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
    if (charset && charset !== "utf-8" && charset !== "utf8" && charset !== "us-ascii") return undefined;
  }
  if (essence === "text/event-stream") return undefined;
  if (essence.startsWith("text/")) return essence;
  if (essence === "application/json" || essence.endsWith("+json") || essence === "application/x-ndjson") return essence;
  if (essence === "application/x-www-form-urlencoded" || essence === "application/xml" || essence.endsWith("+xml")) return essence;
  if (essence === "application/javascript" || essence === "application/graphql" || essence === "application/yaml") return essence;
  return undefined;
}

type Decoder = (body: Uint8Array, maxOutputLength: number) => Uint8Array;

const gunzip: Decoder = (b, max) => zlib.gunzipSync(b, { maxOutputLength: max });

/** Content codings a rewritten body may arrive in; the body is decoded (to at most the cap) before rewriters see it. */
const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: gunzip,
  "x-gzip": gunzip,
  // "deflate" is the zlib format, but some servers send raw deflate under that name.
  deflate: (b, max) => {
    try {
      return zlib.inflateSync(b, { maxOutputLength: max });
    } catch {
      return zlib.inflateRawSync(b, { maxOutputLength: max });
    }
  },
  br: (b, max) => zlib.brotliDecompressSync(b, { maxOutputLength: max }),
  zstd: (b, max) => zlib.zstdDecompressSync(b, { maxOutputLength: max }),
};

/**
 * The Accept-Encoding to send upstream when the response will be rewritten:
 * the client's codings narrowed to those the gateway can decode, so no
 * coding it cannot read slips a body past the rewriters.
 */
export function decodableAcceptEncoding(clientValue: string | null): string {
  if (clientValue === null) return "identity";
  const keep = new Set<string>();
  for (const part of clientValue.split(",")) {
    const [name = "", ...params] = part.split(";").map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    if (name === "*") for (const c of DECODABLE) keep.add(c);
    else if (DECODABLE.includes(name)) keep.add(name);
  }
  return keep.size === 0 ? "identity" : [...keep].join(", ");
}

const DECODABLE = ["gzip", "deflate", "br", "zstd"];

/** The response's content coding (lower-cased), undefined for none; `identity` counts as none. */
export function contentCoding(headers: Headers): string | undefined {
  const value = headers.get("content-encoding")?.trim().toLowerCase();
  return value && value !== "identity" ? value : undefined;
}

/**
 * The decoded body, or undefined when it cannot be decoded within `max`
 * bytes (corrupt, or a decompression bomb): such a body is relayed as it came.
 */
export function decodeBody(body: Uint8Array, coding: string, max: number): Uint8Array | undefined {
  const decode = DECODERS[coding];
  if (!decode) return undefined;
  try {
    return decode(body, max);
  } catch {
    return undefined;
  }
}

/**
 * Whether a response's body may be handed to rewriters: textual, not
 * declared larger than the cap, and either not compressed or in one coding
 * the gateway can decode (gzip, deflate, br, zstd).
 */
export function rewritable(status: number, headers: Headers): boolean {
  if (status === 204 || status === 304 || status < 200) return false;
  if (!textualMediaType(headers.get("content-type"))) return false;
  const coding = contentCoding(headers);
  if (coding !== undefined && !Object.hasOwn(DECODERS, coding)) return false;
  const declared = headers.get("content-length");
  return declared === null || Number(declared) <= REWRITE_MAX_BYTES;
}

export type CappedRead = { kind: "whole"; body: Uint8Array } | { kind: "over"; stream: ReadableStream<Uint8Array> };

/**
 * Reads `source` whole if it fits in `cap` bytes. A body that turns out
 * larger is not lost: `stream` replays what was read and continues with the
 * rest. `onChunk` is called after every chunk (to re-arm an idle timer).
 * Read errors are thrown.
 */
export async function readCapped(source: ReadableStream<Uint8Array>, cap: number, onChunk: () => void): Promise<CappedRead> {
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    onChunk();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > cap) {
      let i = 0;
      const stream = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (i < chunks.length) {
              controller.enqueue(chunks[i]!);
              chunks[i++] = EMPTY;
              return;
            }
            const next = await reader.read();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          },
          cancel: (reason) => reader.cancel(reason),
        },
        { highWaterMark: 0 },
      );
      return { kind: "over", stream };
    }
  }
  return { kind: "whole", body: concatChunks(chunks, size) };
}

const EMPTY = new Uint8Array(0);

