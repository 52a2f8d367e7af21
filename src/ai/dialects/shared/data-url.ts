import type { ImageSource } from "../../types.ts";
import { MappingError } from "./zod-issues.ts";

const DATA_URL = /^data:([a-zA-Z0-9.+-]+\/[a-zA-Z0-9.+-]+)((?:;[a-zA-Z0-9-]+=[^;,]*)*);base64,(.*)$/s;

/**
 * Image URLs become unified image sources. Inline `data:` URLs carry the
 * bytes, so they are split into media type + base64 data: providers such as
 * Anthropic and Bedrock want the two separately and refuse a data URL.
 */
export function imageSourceFromUrl(url: string, param: string): ImageSource {
  if (!url.startsWith("data:")) {
    if (!/^https?:\/\//i.test(url)) throw new MappingError(param, `Invalid value for '${param}': expected an http(s) URL or a base64 data URL`);
    return { kind: "url", url };
  }
  const m = DATA_URL.exec(url);
  if (!m || m[1] === undefined || m[3] === undefined) {
    throw new MappingError(param, `Invalid value for '${param}': data URLs must look like data:<media type>;base64,<data>`);
  }
  const data = m[3].trim();
  if (data.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw new MappingError(param, `Invalid value for '${param}': the data URL does not hold valid base64`);
  }
  return { kind: "base64", mediaType: m[1].toLowerCase(), data };
}

export function imageSourceToUrl(src: ImageSource): string {
  return src.kind === "url" ? src.url : `data:${src.mediaType};base64,${src.data}`;
}
