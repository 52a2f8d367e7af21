/**
 * OTLP export settings from the command line and environment: the
 * collector endpoint, and headers in the OpenTelemetry SDKs' own format
 * (OTEL_EXPORTER_OTLP_HEADERS="name=value,name2=value2", values URL-encoded).
 */
import type { OtlpExporterOptions } from "./otlp-exporter.ts";

export function otlpOptions(endpoint: string, headersText: string | undefined, version: string): OtlpExporterOptions {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`--otlp-endpoint: '${endpoint}' is not a URL (e.g. http://otel-collector:4318)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("--otlp-endpoint: must be an http:// or https:// URL");
  return { endpoint, headers: parseHeaders(headersText ?? ""), version };
}

export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}
