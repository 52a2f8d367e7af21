import { expect, test } from "bun:test";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from "../../../src/telemetry/tracing/traceparent.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

test("a valid version-00 traceparent is read", () => {
  expect(parseTraceparent(`00-${TRACE}-${PARENT}-01`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
  expect(parseTraceparent(`00-${TRACE}-${PARENT}-00`)?.flags).toBe(0);
});

test("a later version is read by its version-00 prefix", () => {
  expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-extra`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
});

test("malformed values are refused", () => {
  for (const bad of [
    null,
    "",
    "garbage",
    `00-${TRACE}-${PARENT}`,
    `00-${TRACE.toUpperCase()}-${PARENT}-01`,
    `00-${"0".repeat(32)}-${PARENT}-01`,
    `00-${TRACE}-${"0".repeat(16)}-01`,
    `ff-${TRACE}-${PARENT}-01`,
    `00-${TRACE}-${PARENT}-01-extra`,
    `00-${TRACE.slice(1)}-${PARENT}-01`,
    `0-${TRACE}-${PARENT}-01`,
  ]) {
    expect(parseTraceparent(bad)).toBeNull();
  }
});

test("format and fresh ids round-trip", () => {
  const t = newTraceId();
  const s = newSpanId();
  expect(t).toMatch(/^[0-9a-f]{32}$/);
  expect(s).toMatch(/^[0-9a-f]{16}$/);
  expect(newTraceId()).not.toBe(t);
  expect(parseTraceparent(formatTraceparent(t, s, 1))).toEqual({ traceId: t, parentId: s, flags: 1 });
});
