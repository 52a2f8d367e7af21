import { expect, test } from "bun:test";
import { otlpOptions, parseHeaders } from "../../../src/telemetry/tracing/otlp-config.ts";
import { tracesUrl } from "../../../src/telemetry/tracing/otlp-exporter.ts";

test("a bare collector origin gets /v1/traces; a full path is kept", () => {
  expect(tracesUrl("http://collector:4318")).toBe("http://collector:4318/v1/traces");
  expect(tracesUrl("https://otel.example/custom/traces")).toBe("https://otel.example/custom/traces");
});

test("headers in the OpenTelemetry SDK format", () => {
  expect(parseHeaders("Authorization=Bearer%20abc, x-team = blue,broken,=nothing")).toEqual({ authorization: "Bearer abc", "x-team": "blue" });
  expect(otlpOptions("http://c:4318", "api-key=k", "1.0.0")).toEqual({ endpoint: "http://c:4318", headers: { "api-key": "k" }, version: "1.0.0" });
});

test("an endpoint that is not an http(s) URL is refused", () => {
  expect(() => otlpOptions("collector:4318", undefined, "1")).toThrow("must be an http:// or https:// URL");
  expect(() => otlpOptions("not a url", undefined, "1")).toThrow("is not a URL");
});
