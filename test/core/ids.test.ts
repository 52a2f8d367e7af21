import { expect, test } from "bun:test";
import { newRequestId } from "../../src/core/ids.ts";

test("request ids are 32 hex digits, unique, and sort in the order they were made", async () => {
  const first = Array.from({ length: 1000 }, newRequestId);
  await Bun.sleep(2);
  const later = newRequestId();
  for (const id of first) expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(new Set(first).size).toBe(first.length);
  // Time-ordered, so the call log's request id index grows at its end.
  expect(first.every((id) => id < later)).toBe(true);
  expect([...first].sort()).toEqual(first);
});
