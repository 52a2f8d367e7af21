import { expect, test } from "bun:test";
import { isCredentialHeader, redactHeaders } from "../../src/calls/capture/redact.ts";
import { captureBytes, captureText } from "../../src/calls/capture/text.ts";

const upper = (t: string) => t.toUpperCase();
const enc = (s: string) => new TextEncoder().encode(s);

test("text within the limit is masked and kept whole", () => {
  expect(captureBytes(enc("hello"), "text/plain", 100, upper)).toEqual({ text: "HELLO", truncated: false });
  expect(captureBytes(new Uint8Array(0), null, 100, upper)).toEqual({ text: "", truncated: false });
});

test("a cut never splits a character and is marked", () => {
  for (let max = 1; max < 20; max++) {
    const got = captureBytes(enc("aé€😀".repeat(400)), "text/plain", max, (t) => t);
    expect(got.truncated).toBe(true);
    expect(Buffer.byteLength(got.text)).toBeLessThanOrEqual(max);
    expect(got.text.includes("\uFFFD")).toBe(false);
    expect("aé€😀".repeat(400).startsWith(got.text)).toBe(true);
  }
});

test("masking sees past the cut, so a secret across it is not kept in part", () => {
  const secret = "SECRET-VALUE";
  const text = `${"x".repeat(95)}${secret}${"y".repeat(50)}`;
  const masked = captureText(text, false, 100, (t) => t.replaceAll(secret, "[gone]"));
  expect(masked.text).toBe(`${"x".repeat(95)}[gone`);
  expect(masked.text.includes("SECRE")).toBe(false);
});

test("binary bodies are described, not kept", () => {
  const got = captureBytes(new Uint8Array([0xff, 0xfe, 0x00, 0x81]), "application/octet-stream", 100, upper);
  expect(got).toEqual({ text: "[binary body, 4 bytes]", truncated: false });
});

test("credential headers are redacted by name, by look and by configuration", () => {
  const h = new Headers({
    authorization: "Bearer k",
    "proxy-authorization": "Basic x",
    cookie: "a=b",
    "x-api-key": "k",
    "x-auth-token": "t",
    "x-client-secret": "s",
    "x-partner": "p",
    accept: "application/json",
    "x-request-id": "r1",
  });
  const out = redactHeaders(h, new Set(["x-partner"]));
  for (const name of ["authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token", "x-client-secret", "x-partner"]) {
    expect(out[name]).toBe("[redacted]");
  }
  expect(out.accept).toBe("application/json");
  expect(out["x-request-id"]).toBe("r1");
  expect(isCredentialHeader("x-keyboard-layout", new Set())).toBe(false);
});
